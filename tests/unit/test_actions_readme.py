"""The README's three [[actions]] examples are offered as written: no problem line, no key
a built-in has (also beside the README's own [keys] example)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from podtui.actions import parse_actions
from podtui.ui.keys.remap import action_clashes


def test_the_readmes_three_examples_are_offered_as_written():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = next(b.split("\n", 1)[1] for b in readme.split("```toml")[1:]
                 if "[[actions]]" in b.split("```")[0]).split("```")[0]
    actions, problems = parse_actions(tomllib.loads(block)["actions"])
    assert problems == []
    assert [(a.title, a.scope, a.mode) for a in actions] == [
        ("Stern", "pod", "panes"), ("Debug (netadmin)", "container", "foreground"),
        ("Pod report", "pods", "panes")]
    assert action_clashes(actions, {}) == []
    # the README's own [keys] example (pod_list.logs = "L") leaves them their keys too
    assert action_clashes(actions, {"pod_list.logs": "L", "logs.follow": "f,space"}) == []
