"""The wheel's package list is written out in pyproject.toml (themes/ is mapped into it):
every package of the source tree must be in it, or the installed tool lacks a module."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_source_package_is_listed_for_the_wheel():
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    in_tree = {
        ".".join(path.parent.relative_to(REPO).parts)
        for path in (REPO / "podtui").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert in_tree <= listed, f"add to [tool.setuptools] packages: {sorted(in_tree - listed)}"
    assert setuptools["package-dir"]["podtui.themes"] == "themes"
    assert sorted((REPO / "themes").glob("*.toml")), "the built-in themes live in themes/"
