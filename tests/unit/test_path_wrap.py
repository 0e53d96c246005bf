"""Long mount paths in the Volumes view break at `/`, not in the middle of a name."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.text import Text

from podtui.anatomy import pod_from_json
from podtui.ui.screens.pod_detail import PodView
from podtui.ui.widgets.path_wrap import PathWrap

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pods"
SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"


def rendered(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text().splitlines()


def test_volumes_view_at_80_columns_breaks_the_service_account_path_at_slashes():
    pod = pod_from_json(json.loads((FIXTURES / "sandbox-seed.json").read_text()))
    lines = rendered(PodView(pod, {}, datetime.now(UTC)).volumes(), 78)
    table = "\n".join(lines[: next(i for i, line in enumerate(lines) if "is shared by" in line)])
    # The mounts column is too narrow for the path: it is on several lines...
    assert SERVICE_ACCOUNT not in table
    # ...each cut right after a `/`, so every directory name is whole.
    for name in ("secrets/", "kubernetes.io/", "serviceaccount"):
        assert name in table, table


def test_path_wrap_breaks_after_slashes_and_at_spaces_only():
    source = [f"node → {SERVICE_ACCOUNT} ro", "busybox → /logs ro"]
    for width in range(16, 60):
        lines = [line.rstrip() for line in rendered(PathWrap(Text("\n".join(source))), width)]
        assert all(len(line) <= width for line in lines)
        rest = list(source)
        for line in lines:
            assert rest[0].startswith(line), (width, lines)
            left = rest[0][len(line):]
            # cut right after a `/` or at a space: never inside a name
            assert not left or line.endswith("/") or left.startswith(" "), (width, lines)
            rest[0] = left.lstrip()
            if not rest[0]:
                rest.pop(0)
        assert not rest
