"""[[actions]] on literal data: what an entry becomes, each bad entry in one line (and the
others still offered), placeholders filled one argument each, keys that clash with a
built-in, `podtui config`'s listing, and the one line an action's end is said in."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from podtui import config_rules
from podtui.actions import Action, Outcome, expand, parse_actions, pod_values, summary, unfilled
from podtui.actions.placeholders import kubeconfig_file, why_empty
from podtui.config_rules import check_actions, check_keys
from podtui.settings import config
from podtui.ui.keys.remap import action_clashes

POD = {"metadata": {"namespace": "shop", "name": "web-1"},
       "spec": {"nodeName": "node-a"}, "status": {"podIP": "10.0.0.7"}}
STERN = """\
[[actions]]
key = "L"
title = "Stern logs"
scope = "pod"
command = ["stern", "--kubeconfig", "${kubeconfig}", "-n", "${namespace}", "${pod}"]
mode = "panes"
"""


def entries(text: str) -> list:
    return tomllib.loads(text)["actions"]


def one(text: str) -> tuple[list[Action], list[tuple[str, str]]]:
    return parse_actions(entries(text), "/cfg/config.toml")


def test_an_entry_with_its_defaults_and_its_id():
    actions, problems = one(STERN + '\n[[actions]]\nkey = "K"\ntitle = "Debug: with a '
                            'profile!"\nscope = "container"\nconfirm = true\n'
                            'command = ["kubectl", "debug", "${pod}", "--target", '
                            '"${container}"]\n')
    assert problems == []
    action = actions[1]
    assert action.binding_id == "actions.debug_with_a_profile"
    assert (action.scope, action.mode, action.readonly_ok) == ("container", "foreground", False)
    assert action.confirm == "Run Debug: with a profile!?"
    assert action.origin == "/cfg/config.toml [[actions]] #2"
    (stern,), _ = one(STERN)
    assert stern == Action("stern_logs", "L", "Stern logs", "pod", (
        "stern", "--kubeconfig", "${kubeconfig}", "-n", "${namespace}", "${pod}"), "panes",
        "", False, "/cfg/config.toml", 1)


@pytest.mark.parametrize(("body", "problem"), [
    ('key = "K"\ntitle = "T"\nscope = "pod"\ncommand = ["x", "${nope}"]',
     "unknown placeholder ${nope} in command (known: ${namespace}, ${pod}, ${container}, "
     "${context}, ${kubeconfig}, ${node}, ${pod_ip})"),
    ('key = "K"\ntitle = "T"\nscope = "pod"\ncommand = ["x", "$HOME"]',
     "unknown placeholder ${HOME} in command"),
    ('key = "K"\ntitle = "T"\nscope = "pod"\ncommand = ["sh", "-c", "echo $(id)"]',
     "command: '$(id)' is not a placeholder (write ${name}, or $$ for a literal $)"),
    ('key = "K"\ntitle = "T"\nscope = "pods"\ncommand = ["x", "${container}"]',
     "${container} needs scope = \"container\" (this one is 'pods')"),
    ('key = "K"\ntitle = "T"\nscope = "node"\ncommand = ["x"]',
     "scope: expected one of pod, container, pods, got 'node'"),
    ('key = "K"\ntitle = "T"\nscope = "pod"\nmode = "detached"\ncommand = ["x"]',
     "mode: expected one of foreground, panes, background, got 'detached'"),
    ('key = "K"\ntitle = "T"\nscope = "pod"', "no command"),
    ('key = "K"\ntitle = "T"\nscope = "pod"\ncommand = "stern ${pod}"',
     "command: expected a list of arguments"),
    ('key = "K"\ntitle = "T"\nscope = "pod"\ncommand = []', "command: expected a list"),
    ('key = "K"\ntitle = "T"\nscope = "pod"\ncommand = ["x"]\nconfrim = true',
     "unknown field 'confrim'"),
    ('key = "K"\ntitle = "T"\nscope = "pod"\ncommand = ["x"]\nreadonly_ok = "yes"',
     "readonly_ok: expected true or false, got 'yes'"),
    ('key = "K"\ntitle = "T"\nscope = "pod"\ncommand = ["x"]\nconfirm = ""',
     "confirm: expected true, false or the question to ask"),
    ('key = ""\ntitle = "T"\nscope = "pod"\ncommand = ["x"]', "key: expected key names"),
    ('key = "K"\ntitle = "!!"\nscope = "pod"\ncommand = ["x"]', "title: expected a name"),
])
def test_a_bad_entry_is_one_line_and_the_others_stay(body: str, problem: str):
    actions, problems = one(f"[[actions]]\n{body}\n" + STERN)
    assert [a.title for a in actions] == ["Stern logs"]
    ((where, text),) = problems
    assert where.startswith("[[actions]] #1")
    assert problem in text and text.endswith("; left out") and "\n" not in text


def test_two_entries_with_one_id_and_actions_that_are_not_tables():
    actions, problems = one(STERN + STERN.replace('"L"', '"K"'))
    assert len(actions) == 1
    assert problems == [("[[actions]] #2 'Stern logs'", "its id actions.stern_logs is also "
                         "that of [[actions]] #1; left out")]
    assert parse_actions({"key": "x"})[1] == [("actions", "expected [[actions]] tables, one "
                                               "per action, got dict")]


def test_the_config_file_reads_them_and_names_itself_in_each_problem(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text(STERN + '[[actions]]\nkey = "K"\ntitle = "Bad"\nscope = "pods"\n'
                    'command = ["x"]\nmode = "later"\n')
    settings = config_rules.load(path)
    assert [a.name for a in settings.actions] == ["stern_logs"]
    assert settings.actions[0].source == str(path)
    assert settings.problems == [f"config {path}: [[actions]] #2 'Bad': mode: expected one of "
                                 "foreground, panes, background, got 'later'; left out"]


def test_placeholders_fill_one_argument_each_whatever_the_value_holds():
    odd = "/tmp/my lab/$(id).yaml"
    values = pod_values(POD, context="lab ctx", kubeconfig=odd, container="c1")
    command = ("kubectl", "--kubeconfig", "${kubeconfig}", "--kubeconfig=${kubeconfig}",
               "--context", "${context}", "-n", "$namespace", "${pod}", "-c", "${container}",
               "${node}:${pod_ip}", "$$(id) $${pod}")
    assert expand(command, values) == (
        "kubectl", "--kubeconfig", odd, f"--kubeconfig={odd}", "--context", "lab ctx", "-n",
        "shop", "web-1", "-c", "c1", "node-a:10.0.0.7", "$(id) ${pod}")
    # A value is never read again for placeholders.
    sneaky = pod_values({"metadata": {"name": "${namespace}", "namespace": "ns"}}, context="",
                        kubeconfig="$(reboot)")
    assert expand(["${pod}", "${kubeconfig}"], sneaky) == ("${namespace}", "$(reboot)")


def test_a_placeholder_without_a_value_is_said_not_run():
    pending = {"metadata": {"namespace": "shop", "name": "new"}, "spec": {}, "status": {}}
    values = pod_values(pending, context="lab", kubeconfig="/k")
    assert unfilled(["x", "${pod}", "${node}", "${pod_ip}", "${node}"], values) == [
        "node", "pod_ip"]
    assert unfilled(["x", "${pod}"], values) == []
    assert why_empty("node") == "${node} has no value: the pod is not on a node yet"


def test_the_kubeconfig_file_podtui_uses():
    assert kubeconfig_file("/tmp/my lab/$(id).yaml", False, {}) == "/tmp/my lab/$(id).yaml"
    assert kubeconfig_file(None, False, {"KUBECONFIG": "/k/one"}) == "/k/one"
    assert kubeconfig_file(None, False, {"KUBECONFIG": "/k/one:/k/two"}) == ""
    assert kubeconfig_file(None, True, {}) == ""
    assert kubeconfig_file(None, False, {}).endswith("/.kube/config")


def action(key: str, scope: str = "pod", title: str = "Mine") -> Action:
    return Action(title.lower(), key, title, scope, ("x",), index=1)


def test_a_key_a_built_in_has_where_the_action_would_be_bound_clashes():
    clashes = action_clashes([action("l"), action("v", "pods", "List only"),
                              action("v", "pod", "Detail too"), action("?", "pod", "Help")], {})
    assert [(a.title, key, other) for a, key, other in clashes] == [
        ("Mine", "l", "pod_list.logs (Logs)"),
        ("Detail too", "v", "pod_detail.volumes_inside (Each volume from every container)"),
        ("Help", "question_mark", "pod_list.help (Help)")]
    # j moves the pod table's cursor (the focused widget answers first)
    assert action_clashes([action("j")], {})[0][2] == "pod_table.down (Down)"


def test_remapping_moves_keys_for_the_clash_check_too():
    # the built-in moved away: its old key is free; the action moved onto a taken key
    assert action_clashes([action("l")], {"pod_list.logs": "L", "pod_detail.logs": "L"}) == []
    (clash,) = action_clashes([action("W")], {"actions.mine": "y"})
    assert clash[1:] == ("y", "pod_list.yaml (YAML)")
    first, second = action("W", title="First"), action("W", "pods", "Second")
    assert [(a.title, o) for a, _, o in action_clashes([first, second], {})] == [
        ("Second", "actions.first (First)")]


def test_settings_leave_a_clashing_action_out_with_one_line_naming_both(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text(STERN.replace('"L"', '"y"') + STERN.replace('"L"', '"K"')
                    .replace("Stern logs", "Other"))
    settings = config_rules.load(path)
    check_actions(settings, action_clashes)
    assert [a.title for a in settings.actions] == ["Other"]
    assert settings.problems == [f"config {path}: [[actions]] #1 'Stern logs': key 'y' is also "
                                 "the key of pod_list.yaml (YAML); left out (give it another "
                                 "key)"]


def test_an_action_id_in_keys_is_known():
    settings = config.Settings(Path("/cfg"), actions=[action("W")],
                               keys={"actions.mine": "ctrl+w", "actions.gone": "x"})
    check_keys(settings, set(), lambda keys: [])
    assert settings.keys == {"actions.mine": "ctrl+w"}
    assert settings.problems == ["config /cfg: keys.actions.gone: no binding has this id "
                                 "(`podtui config` lists them)"]


def test_podtui_config_lists_the_actions_and_where_they_come_from(tmp_path: Path):
    home = tmp_path / "xdg"
    (home / "podtui").mkdir(parents=True)
    path = home / "podtui" / "config.toml"
    path.write_text('[keys]\n"actions.stern_logs" = "ctrl+l"\n' + STERN
                    + '[[actions]]\nkey = "l"\ntitle = "Clash"\nscope = "pod"\n'
                      'command = ["x"]\n')
    env = {"XDG_CONFIG_HOME": str(home), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "podtui", "config"], capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"podtui: config {path}: [[actions]] #2 'Clash': key 'l' is also the key of "
        "pod_list.logs (Logs); left out (give it another key)"]
    rows = {line.split(" = ")[0]: line for line in result.stdout.splitlines()[1:]}
    assert rows["actions.stern_logs"].split("  #")[0].strip() == (
        'actions.stern_logs = ["stern", "--kubeconfig", "${kubeconfig}", "-n", '
        '"${namespace}", "${pod}"]')
    assert rows["actions.stern_logs"].endswith(
        f"# {path} [[actions]] #1; Stern logs: scope pod, mode panes")
    assert rows["keys.actions.stern_logs"].split("  #")[0].strip() == \
        'keys.actions.stern_logs = "ctrl+l"'
    assert rows["keys.actions.stern_logs"].endswith(f"# {path}; Stern logs")
    assert "actions.clash" not in rows


def test_one_line_for_how_the_runs_ended():
    ok, failed = Outcome(0), Outcome(3, last_error="no such pod")
    missing = Outcome(None, "command not found: stern")
    assert summary("Stern", [("shop/web-1", ok)]) == ("Stern (shop/web-1): exit 0", True)
    assert summary("Stern", [("shop/web-1", failed)]) == (
        "Stern (shop/web-1): exit 3: no such pod", False)
    assert summary("Stern", [("a", ok), ("b", ok)]) == ("Stern: exit 0 for each of 2", True)
    assert summary("Stern", [("a", missing), ("b", missing)]) == (
        "Stern: command not found: stern (each of 2)", False)
    assert summary("Stern", [("a", ok), ("b", failed), ("c", missing)]) == (
        "Stern: 2 of 3 failed: b: exit 3: no such pod, and 1 more", False)

