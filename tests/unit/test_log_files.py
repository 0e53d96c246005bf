"""Saving a pane's lines or a pod's YAML: a new owner-only file per save, never one that
exists."""

from __future__ import annotations

from datetime import datetime

from podtui.ui.saved_files import save_lines, save_yaml

WHEN = datetime(2026, 11, 30, 13, 5, 9)


def test_each_save_is_a_new_owner_only_file(tmp_path):
    taken = tmp_path / "web-1_app_20261130-130509.log"
    taken.write_text("someone else's\n")
    first = save_lines(tmp_path, "web-1", "app", ["a", "b"], WHEN)
    second = save_lines(tmp_path, "web-1", "app", ["c"], WHEN)
    assert [first.name, second.name] == ["web-1_app_20261130-130509-2.log",
                                        "web-1_app_20261130-130509-3.log"]
    assert taken.read_text() == "someone else's\n"
    assert first.read_text() == "a\nb\n" and second.read_text() == "c\n"
    assert {p.stat().st_mode & 0o777 for p in (first, second)} == {0o600}


def test_odd_names_make_a_plain_file_name(tmp_path):
    path = save_lines(tmp_path, "../etc/x y", "c:1", [], WHEN)
    assert path.parent == tmp_path and path.name == "..-etc-x-y_c-1_20261130-130509.log"


def test_a_pod_yaml_is_saved_as_a_new_owner_only_file(tmp_path):
    taken = tmp_path / "web-1.yaml"
    taken.write_text("mine\n")
    first = save_yaml(tmp_path, "web-1", "kind: Pod\nmetadata:\n  name: web-1\n")
    second = save_yaml(tmp_path, "web-1", "kind: Pod\n")
    assert [first.name, second.name] == ["web-1-2.yaml", "web-1-3.yaml"]
    assert taken.read_text() == "mine\n"
    assert first.read_text() == "kind: Pod\nmetadata:\n  name: web-1\n"
    assert {p.stat().st_mode & 0o777 for p in (first, second)} == {0o600}
