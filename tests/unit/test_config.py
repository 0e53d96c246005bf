"""The config file: a good file, a broken one, none at all, bad keys. Each problem is one
line naming the file, the key and the problem; every other value still applies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from podtui import config_rules
from podtui.config_rules import check_keys
from podtui.settings import config
from podtui.ui.keys.remap import all_bindings, clashes

EKS = "arn:aws:eks:eu-west-1:1234:cluster/lab"  # a context name that TOML must quote
GOOD = """\
theme = "podtui-light"

[namespaces]
prod = "shop"
"arn:aws:eks:eu-west-1:1234:cluster/lab" = "team-a"

[logs]
tail = 500
timestamps = true

[exec]
shell = "/bin/bash"

[drill]
time_budget = "1h30m"

[keys]
pod_list.logs = "L"
"logs.follow" = "f,space"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_a_good_file_sets_every_value_and_says_where_from(tmp_path):
    path = write(tmp_path, GOOD)
    settings = config_rules.load(path)
    assert settings.problems == []
    assert settings.found
    assert settings.theme == "podtui-light"
    assert (settings.log_tail, settings.log_timestamps) == (500, True)
    assert settings.values["exec.shell"] == "/bin/bash"
    assert settings.values["drill.time_budget"] == "1h30m"
    assert settings.namespaces == {"prod": "shop", EKS: "team-a"}
    assert settings.keys == {"pod_list.logs": "L", "logs.follow": "f,space"}
    assert {settings.source(k) for k in config.DEFAULTS} == {str(path)}
    check_keys(settings, set(all_bindings()), clashes)
    assert settings.problems == []


def test_a_missing_file_gives_the_defaults_quietly(tmp_path):
    settings = config_rules.load(tmp_path / "none.toml")
    assert not settings.found and settings.problems == []
    assert settings.values == config.DEFAULTS
    assert {settings.source(k) for k in config.DEFAULTS} == {config.DEFAULT}


def test_a_file_that_is_not_toml_is_one_line_and_the_defaults(tmp_path):
    path = write(tmp_path, 'theme = "podtui-light"\n[logs\ntail = 5\n')
    settings = config_rules.load(path)
    assert len(settings.problems) == 1
    line = settings.problems[0]
    assert line.startswith(f"config {path}: not valid TOML (") and "line 2" in line
    assert line.endswith("using the defaults") and "\n" not in line
    assert settings.values == config.DEFAULTS


def test_bad_keys_are_one_line_each_and_the_rest_applies(tmp_path):
    path = write(tmp_path, """\
theme = "podtui-light"
colour = "red"
[logs]
tail = "many"
timestamps = "yes"
[namespaces]
prod = "Not_A_Namespace"
[drill]
time_budget = "soon"
[keys]
"pod_list.logs" = "L"
"pod_list.nothing" = "x"
"logs.follow" = ""
""")
    settings = config_rules.load(path)
    check_keys(settings, set(all_bindings()), clashes)
    prefix = f"config {path}: "
    assert all(p.startswith(prefix) and "\n" not in p for p in settings.problems)
    by_key = {p.removeprefix(prefix).split(":")[0]: p for p in settings.problems}
    assert sorted(by_key) == ["colour", "drill.time_budget", "keys.logs.follow",
                              "keys.pod_list.nothing", "logs.tail", "logs.timestamps",
                              "namespaces.prod"]
    assert "unknown key" in by_key["colour"]
    assert "expected a whole number >= 0, got 'many'; using the default 200" in by_key["logs.tail"]
    assert "no binding has this id" in by_key["keys.pod_list.nothing"]
    # what was valid applies; what was not keeps its default
    assert settings.theme == "podtui-light"
    assert settings.log_tail == 200 and settings.log_timestamps is False
    assert settings.namespaces == {}
    assert settings.keys == {"pod_list.logs": "L"}


def test_a_remapped_key_another_binding_of_the_screen_has_is_one_line(tmp_path):
    path = write(tmp_path, '[keys]\npod_list.logs = "y"\npod_list.yaml = "Y"\n'
                           'logs.search = "?"\n')
    settings = config_rules.load(path)
    check_keys(settings, set(all_bindings()), clashes)
    # y is free once pod_list.yaml moves to Y; ? (question_mark) is the logs screen's help
    assert settings.problems == [
        f"config {path}: keys.logs.search: 'question_mark' is also the key of logs.help, "
        "which loses it (remap that one too)"]


def test_xdg_config_home_is_respected(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config.config_path() == tmp_path / "podtui" / "config.toml"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")  # the spec says: ignore it
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config.config_path() == tmp_path / "home" / ".config" / "podtui" / "config.toml"


def podtui_config(tmp_path: Path, text: str | None) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "xdg"
    if text is not None:
        (home / "podtui").mkdir(parents=True)
        (home / "podtui" / "config.toml").write_text(text)
    env = {"XDG_CONFIG_HOME": str(home), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "podtui", "config"], capture_output=True,
                          text=True, env=env, timeout=60)


def test_podtui_config_prints_each_value_and_its_source(tmp_path):
    result = podtui_config(tmp_path, GOOD)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    path = tmp_path / "xdg" / "podtui" / "config.toml"
    lines = result.stdout.splitlines()
    assert lines[0] == f"# {path}"
    rows = {line.split(" = ")[0]: line for line in lines[1:]}
    assert rows["theme"].startswith('theme = "podtui-light"')
    assert rows["theme"].endswith(f"# {path}")
    assert rows["logs.tail"].split("#")[0].strip() == "logs.tail = 500"
    assert rows[f'namespaces."{EKS}"'].split("#")[0].strip() == f'namespaces."{EKS}" = "team-a"'
    assert rows["namespaces.prod"].split("#")[0].strip() == 'namespaces.prod = "shop"'
    assert rows["keys.pod_list.logs"].split("#")[0].strip() == 'keys.pod_list.logs = "L"'
    assert f"# {path}; Logs" in rows["keys.pod_list.logs"]
    # every binding is listed with its id, and the ones not remapped say "default"
    assert {k.removeprefix("keys.") for k in rows if k.startswith("keys.")} == set(all_bindings())
    assert rows["keys.pod_list.yaml"].split("#")[1].strip().startswith("default;")


def test_podtui_config_without_a_file_and_with_a_bad_one(tmp_path):
    result = podtui_config(tmp_path / "a", None)
    assert result.returncode == 0 and result.stderr == ""
    assert "(not found: every value is a default)" in result.stdout.splitlines()[0]
    result = podtui_config(tmp_path / "b", "[logs]\ntail = -1\n")
    assert result.returncode == 0
    path = tmp_path / "b" / "xdg" / "podtui" / "config.toml"
    assert result.stderr.splitlines() == [
        f"podtui: config {path}: logs.tail: expected a whole number >= 0, got -1; "
        "using the default 200"]
    assert "logs.tail = 200" in result.stdout


def test_every_binding_has_a_stable_unique_id():
    """The [keys] table names bindings by id: a binding without one cannot be remapped."""
    from collections import Counter

    from textual.binding import Binding

    from podtui.ui.keys.remap import binding_classes

    bindings = [(cls.__name__, b) for cls in binding_classes()
                for b in vars(cls)["BINDINGS"] if isinstance(b, Binding)]
    assert not [(name, b.key, b.action) for name, b in bindings if not b.id]
    counts = Counter(b.id for _, b in bindings)
    assert [i for i, n in counts.items() if n > 1] == []
    assert len(bindings) >= 80
