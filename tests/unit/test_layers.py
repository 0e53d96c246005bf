"""The layers hold: `make lint`'s import contracts pass on this tree and fail on a copy
with a forbidden import or a module placed in no layer; no module of podtui is in an
import circle; the app provides what the screens are typed against."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import grimp
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
    # The holes of the first contracts: cli/top.py, drills, templates and settings.
    ("podtui/cli/top.py", "from textual.binding import Binding",
     "The CLI modules import Textual"),
    ("podtui/anatomy/pod.py", "from podtui.drills import model", "podtui.anatomy imports nothing"),
    ("podtui/drills/model.py", "import textual", "podtui.drills (the exam drills) imports no"),
    ("podtui/templates/model.py", "from textual.binding import Binding",
     "podtui.templates (pod templates) imports no"),
    ("podtui/settings/xdg.py", "from podtui.anatomy import pod",
     "podtui.settings (config, xdg, theme_files) imports nothing"),
    # settings is the bottom, config included: its rules from above come in as Rules.
    ("podtui/settings/config.py", "from podtui.cluster.names import DNS_LABEL",
     "podtui.settings (config, xdg, theme_files) imports nothing"),
    ("podtui/settings/config.py", "from podtui.actions.model import parse_actions", "Layers:"),
    ("podtui/templates/render.py", "from podtui import config_rules", "Layers:"),
])
def test_a_forbidden_import_fails_the_lint(tree: Path, module: str, line: str,
                                           contract: str) -> None:
    inject(tree, module, line)
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [row for row in result.stdout.splitlines() if " BROKEN" in row]
    assert any(row.startswith(contract) for row in broken), result.stdout


def layers() -> list[str]:
    """The layers contract's modules, one name per module ("ui | crash" is two)."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layered = next(c for c in contracts["contracts"] if c["id"] == "layers")
    return [f"podtui.{name.strip()}" for layer in layered["layers"]
            for name in layer.replace(":", "|").split("|")]


def modules(tree: Path) -> list[str]:
    """Every module of the podtui package in tree, by its dotted name."""
    found = []
    for path in sorted((tree / "podtui").rglob("*.py")):
        parts = path.relative_to(tree).with_suffix("").parts
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def unplaced(tree: Path) -> list[tuple[str, int]]:
    """(module, how many layers hold it) for each module in none or in more than one. A
    package whose modules are each in a layer of their own is placed by them; the root
    package is the container."""
    names = layers()
    found = modules(tree)
    wrong = []
    for module in found:
        holders = [n for n in names if module == n or module.startswith(n + ".")]
        children = [m for m in found if m.startswith(module + ".")]
        if module == "podtui" or (not holders and children):
            continue
        if len(holders) != 1:
            wrong.append((module, len(holders)))
    return wrong


def test_every_module_is_in_exactly_one_layer() -> None:
    assert unplaced(ROOT) == []


@pytest.mark.parametrize("module", ["podtui/stray.py", "podtui/rooms/stray.py"])
def test_a_module_in_no_layer_fails(tree: Path, module: str) -> None:
    (tree / module).parent.mkdir(exist_ok=True)
    (tree / module).write_text('"""A module nobody placed."""\n')
    assert unplaced(tree) == [(module.removesuffix(".py").replace("/", "."), 0)]
    if module.count("/") == 1:  # a child of the container: lint-imports says so too
        result = lint_imports(tree)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "not listed as layers" in result.stdout


def circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The import graph's strongly connected components of more than one module (Tarjan,
    iterative): each is a circle, or several."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, edges = work[-1]
            for other in edges:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    work.append((other, iter(sorted(
                        graph.find_modules_directly_imported_by(other)))))
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    component = []
                    while True:
                        other = stack.pop()
                        on_stack.discard(other)
                        component.append(other)
                        if other == module:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_module_of_podtui_is_in_an_import_circle() -> None:
    # Imports inside functions and under TYPE_CHECKING count: each is still a dependency.
    assert circles(grimp.build_graph("podtui")) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]:
        graph.add_import(importer=importer, imported=imported)
    assert circles(graph) == [["a", "b", "c"]]


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
