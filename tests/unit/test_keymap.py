"""Keys as data: every binding of the main screens has its own id (what Textual's
App.set_keymap remaps), and the screens bind what `?` lists."""

from __future__ import annotations

from podtui.ui.keys import bindings as keymap
from podtui.ui.screens.logs import LogsScreen
from podtui.ui.screens.pod_detail import PodDetailScreen
from podtui.ui.screens.pod_list import PodListScreen


def test_every_binding_has_its_own_id():
    ids = [b.id for _title, bindings in keymap.HELP for b in bindings]
    assert all(ids) and len(ids) == len(set(ids))


def test_the_screens_bind_what_help_lists():
    listed = dict(keymap.HELP)
    for title, screen in (("Pod list", PodListScreen), ("Pod detail", PodDetailScreen),
                          ("Logs", LogsScreen)):
        assert [b.key for b in screen.BINDINGS] == [b.key for b in listed[title]]
