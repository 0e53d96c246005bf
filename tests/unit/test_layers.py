"""The layers hold: `make lint`'s import contracts pass on this tree and fail on a copy
with a forbidden import; the app provides what the screens are typed against."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    # lint-imports reads pyproject.toml in its working directory and imports from there.
    return subprocess.run([str(LINT_IMPORTS), "--no-logo", "--no-cache"], cwd=tree,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "podtui", tmp_path / "podtui",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def inject(tree: Path, module: str, line: str) -> None:
    path = tree / module
    path.write_text(path.read_text().replace("from __future__ import annotations\n",
                                             f"from __future__ import annotations\n{line}\n", 1))


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("podtui/anatomy/events.py", "import textual", "podtui.anatomy imports nothing else"),
    ("podtui/anatomy/pod.py", "from podtui.cluster import names",
     "podtui.anatomy imports nothing else"),
    ("podtui/cluster/names.py", "from textual.binding import Binding",
     "podtui.cluster imports no Textual"),
    ("podtui/ui/screens/help.py", "from podtui.app import PodTuiApp",
     "podtui.ui never imports podtui.app"),
    ("podtui/cli/logs.py", "from podtui.ui.widgets import log_view",
     "The CLI modules import Textual"),
    ("podtui/actions/model.py", "from textual.binding import Binding",
     "podtui.actions (the user's own actions) imports no Textual"),
])
def test_a_forbidden_import_fails_the_lint(tree: Path, module: str, line: str,
                                           contract: str) -> None:
    inject(tree, module, line)
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [row for row in result.stdout.splitlines() if " BROKEN" in row]
    assert any(row.startswith(contract) for row in broken), result.stdout


def test_the_app_provides_what_the_screens_need() -> None:
    from podtui.app import PodTuiApp
    from podtui.ui.host import Host

    app = PodTuiApp(SimpleNamespace(readonly=False, namespace="default"))  # type: ignore[arg-type]
    members = {n for n, v in vars(Host).items()
               if not n.startswith("_") and (callable(v) or isinstance(v, property))}
    assert members >= {"say", "may", "open_logs", "confirm_delete", "pod", "pods_synced"}
    # On the class (a property would need a running app) or set by __init__.
    missing = [n for n in members if not (hasattr(PodTuiApp, n) or n in vars(app))]
    missing += [n for n in Host.__annotations__ if not hasattr(app, n)]
    assert missing == []
