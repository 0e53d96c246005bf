"""Behavioural checks (a command, a log, an HTTP request, a container watched) read from
their observations, list items by name, checks that keep what the task leaves alone, and
the rule that a failing line says what was seen, never the answer (pure: no cluster; the
observing itself is tested on the real node in tests/integration/test_drill_variants.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from podtui.drills.checks import (
    evaluate,
    evaluate_all,
    probe_key,
    resolve,
    sanitize,
    score,
    show,
)
from podtui.drills.loader import DrillError, load_drills, parse_drill, render_attempt
from podtui.drills.model import Check

DRILLS = load_drills(Path("/nonexistent"))[0]
SENTINEL = "zz-seen-zz"


def seen(check: Check, **observation) -> dict:
    return {"probe": {probe_key(check): observation}}


SHIPPER = (("pod", "web"), ("container", "shipper"))


def test_a_command_in_a_container():
    c = Check("the reader cannot write", SHIPPER, "exit", "at_least", 1,
              probe=("exec", "touch /data/x"))
    refused = evaluate(c, seen(c, exit=1, output="touch: /data/x: Read-only file system\n"))
    assert refused.passed
    wrote = evaluate(c, seen(c, exit=0, output=""))
    assert not wrote.passed and wrote.detail == "`touch /data/x` in `shipper` exited 0"
    c = Check("it answers", SHIPPER, "output", "contains", "+PONG", probe=("exec", ["nc", "db"]))
    result = evaluate(c, seen(c, exit=1, output="nc: bad address 'db'\n"))
    assert not result.passed
    assert result.detail == "`nc db` in `shipper` printed `nc: bad address 'db'`"


def test_a_log_current_or_previous():
    c = Check("the sidecar shows the lines", SHIPPER, "", "matches", "[0-9]{2}:[0-9]{2}",
              probe=("log", "current"))
    assert evaluate(c, seen(c, text="Sat Dec 5 03:49:26 UTC 2026\n")).passed
    silent = evaluate(c, seen(c, text=""))
    assert not silent.passed and silent.detail == "`shipper` prints nothing"
    wrong = evaluate(c, seen(c, text="tail: can't open '/x': No such file\nagain\n"))
    assert wrong.detail == "`shipper` printed 2 lines, the last `again`"
    c = Check("s", SHIPPER, "", "contains", "boom", probe=("log", "previous"))
    gone = evaluate(c, seen(c, error="`shipper` has no previous instance (it has not restarted)"))
    assert not gone.passed and "no previous instance" in gone.detail


def test_a_log_after_a_command_beside_it():
    c = Check("it follows a rotated file", SHIPPER, "", "matches", "rotated$",
              probe=("log", "current", "app", "mv /l/a /l/a.1 && echo rotated >> /l/a"))
    assert evaluate(c, seen(c, text="rotated\n")).passed
    silent = evaluate(c, seen(c, text=""))
    assert not silent.passed
    assert silent.detail == ("after `mv /l/a /l/a.1 && echo rotated >> /l/a` in `app`, "
                             "`shipper` prints nothing")
    plain = Check("it follows a rotated file", SHIPPER, "", "matches", "rotated$",
                  probe=("log", "current"))
    assert probe_key(c) != probe_key(plain)  # the whole log is another observation


def test_an_http_request_to_a_port_of_the_pod():
    c = Check("serves the page", (("pod", "web"),), "body", "contains", "hello-ckad",
              probe=("http", "80", "/"))
    assert evaluate(c, seen(c, status=200, body="<p>hello-ckad</p>")).passed
    other = evaluate(c, seen(c, status=200, body="<title>Welcome to nginx!</title>\n"))
    assert other.detail == ("GET / on port 80 of pod `web` answered 200 with "
                            "`<title>Welcome to nginx!</title>`")
    closed = evaluate(c, seen(c, error="nothing answers on port 80 of pod `web`"))
    assert not closed.passed and closed.detail == "nothing answers on port 80 of pod `web`"


def test_a_container_watched_over_a_window():
    c = Check("keeps running", SHIPPER, "", "equals", True, probe=("steady", 2.0))
    assert evaluate(c, seen(c, ready=True, restarts=0, looks=5, ready_looks=5)).passed
    result = evaluate(c, seen(c, ready=False, restarts=1, looks=5, ready_looks=0,
                              state="waiting: CrashLoopBackOff"))
    assert not result.passed
    assert result.detail == ("`shipper` was ready at 0 of 5 looks over 2 s "
                             "(waiting: CrashLoopBackOff)")
    c = Check("no restarts", SHIPPER, "restarts", "equals", 0, probe=("steady", 2.0))
    assert evaluate(c, seen(c, restarts=2)).detail == "over 2 s `shipper` restarted 2 times"


def test_a_behaviour_not_observed_fails():
    c = Check("s", SHIPPER, "", "contains", "x", probe=("log", "current"))
    assert evaluate(c, {}).detail == "not observed yet"
    # observed while the pod was there, read after it is gone: not a pass from the past
    gone = {**seen(c, text="x\n"), "pod": {}}
    assert evaluate(c, gone).detail == "pod `web` not found"
    assert evaluate(c, {**gone, "pod": {"web": {}}}).passed


def test_checks_observing_the_same_thing_share_one_observation():
    a = Check("a", SHIPPER, "exit", "equals", 0, probe=("exec", "true"))
    b = Check("b", SHIPPER, "output", "equals", "", probe=("exec", "true"))
    c = Check("c", SHIPPER, "exit", "equals", 0, probe=("exec", "false"))
    assert probe_key(a) == probe_key(b) != probe_key(c)


def test_list_items_selected_by_name():
    env = {"env": [{"name": "OTHER", "value": "localhost:6001"},
                   {"name": "DB_ADDR", "value": "db:6379"}]}
    assert resolve(env, "env[name=DB_ADDR].value") == "db:6379"
    snap = {"pod": {"web": {"spec": {"containers": [{"name": "shipper", **env}]}}}}
    c = Check("DB_ADDR is localhost", SHIPPER, "env[name=DB_ADDR].value", "matches",
              "^localhost:6001$", what="DB_ADDR")
    result = evaluate(c, snap)  # names and values are no longer checked apart
    assert not result.passed and result.detail == "container `shipper`: DB_ADDR is `db:6379`"
    job = {"status": {"conditions": [{"type": "Failed", "status": "True"}]}}
    assert resolve(job, "status.conditions[type=Complete].status") is not None  # _MISSING
    assert not evaluate(Check("s", (("job", "j"),), "status.conditions[type=Complete].status",
                              "equals", "True"), {"job": {"j": job}}).passed


def test_checks_that_keep_count_only_once_the_answer_is_begun():
    keep = Check("keep is untouched", (("pod", "keep"),), "", "exists", True, keeps=True)
    gone = Check("stuck is gone", (("pod", "stuck"),), "", "exists", False)
    nothing_done = {"pod": {"keep": {}, "stuck": {}}}
    results = evaluate_all((gone, keep), nothing_done)
    assert score(results) == (0, 2)
    assert results[1].detail == "pod `keep` exists (counts once the task is begun)"
    assert score(evaluate_all((gone, keep), {"pod": {"keep": {}}})) == (2, 2)


def drill_text(check: str) -> str:
    return f"""id: mine
title: Mine
tag: t
task: do it
solution: [kubectl get pods]
checks:
  - say: it works
    pod: web
{check}
"""


@pytest.mark.parametrize("check, error", [
    ("    container: c\n    log: now\n    contains: x", "log takes current or previous"),
    ("    log: current\n    contains: x", "'log' needs a container"),
    ("    container: c\n    exec: []\n    path: exit\n    equals: 0", "exec takes a shell"),
    ("    container: c\n    exec: 'true'\n    path: status\n    equals: 0",
     "exec checks read path (none), output, exit, not 'status'"),
    ("    http: {port: 80, path: x}\n    path: status\n    equals: 200", "must start with /"),
    ("    container: c\n    steady: 600\n    equals: true", "at most 60"),
    ("    container: c\n    steady: 2\n    log: current\n    equals: true",
     "observe one behaviour per check"),
    ("    container: c\n    log: previous\n    after: {container: a, exec: 'true'}\n"
     "    contains: x", "'after' goes with log: current"),
    ("    container: c\n    log: current\n    after: {container: a}\n    contains: x",
     "after takes {container: NAME, exec: a shell command}"),
])
def test_bad_behavioural_checks_are_refused_with_their_line(check, error):
    with pytest.raises(DrillError) as info:
        parse_drill(drill_text(check), source="mine.yaml")
    assert error in str(info.value) and str(info.value).startswith("mine.yaml line ")


def test_behavioural_checks_load():
    drill = parse_drill(drill_text("    http: 8080\n    path: body\n    contains: ok"),
                        source="mine.yaml")
    assert drill.checks[0].probe == ("http", "8080", "/")
    drill = parse_drill(drill_text("    container: c\n    exec: [ls, /]\n    path: exit\n"
                                   "    equals: 0\n    keeps: true"), source="mine.yaml")
    assert drill.checks[0].probe == ("exec", ("ls", "/")) and drill.checks[0].keeps
    drill = parse_drill(drill_text("    container: c\n    log: current\n    after: "
                                   "{container: a, exec: mv x y}\n    contains: z"),
                        source="mine.yaml")
    assert drill.checks[0].probe == ("log", "current", "a", "mv x y")


# ------------------------------------------------------ never the answer, every drill


def _plant(path: str, value) -> dict:
    """An object in which `path` holds `value`."""
    from podtui.drills.checks import parse_path

    steps = parse_path(path)
    root: dict = {}
    node = root
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        nxt = value if last else ({} if isinstance(steps[i + 1], str) else [])
        if isinstance(step, str):
            node[step] = nxt
        else:  # a list step: one item (selected by name, or every item)
            item = {step[0]: step[1]} if isinstance(step, tuple) else {}
            if isinstance(node, dict):
                return root
            node.append(item if not last else value)
            if last:
                break
            if isinstance(nxt, dict):
                node = item
                continue
        node = nxt
    return root


def _wrong_world(check: Check) -> dict:
    """A snapshot in which the check's object is there and what it reads is something else
    (a sentinel), or the behaviour it observes shows something else."""
    kind, name = check.scope[0]
    if check.probe:
        other = {"exit": 97, "output": f"{SENTINEL}\n", "text": f"{SENTINEL}\n",
                 "status": 599, "body": SENTINEL, "ready": False, "restarts": 3,
                 "looks": 4, "ready_looks": 1, "state": "waiting: CrashLoopBackOff"}
        return {"probe": {probe_key(check): other}}
    parts = dict(check.scope[1:])
    planted = _plant(check.path, SENTINEL) if check.path else {}
    if "container" in parts:
        container = {"name": parts["container"], **planted}
        if "mount" in parts:
            container = {"name": parts["container"], "volumeMounts": [
                {"name": parts["mount"], **planted}]}
        spec = {"containers": [container]}
        obj = {"spec": spec} if kind == "pod" else {"spec": {"template": {"spec": spec}}}
    elif "volume" in parts:
        spec = {"volumes": [{"name": parts["volume"], **planted}]}
        obj = {"spec": spec} if kind == "pod" else {"spec": {"template": {"spec": spec}}}
    else:
        obj = planted
    return {kind: {name: obj}}


def _needles(check: Check) -> list[str]:
    """A whole value for equals and one_of, the text itself for contains and matches."""
    if check.predicate == "equals" and isinstance(check.expected, list):
        return [show(check.expected)]  # the whole list (one right item may be seen)
    values = check.expected if isinstance(check.expected, list) else [check.expected]
    if check.predicate in ("equals", "one_of") or any(
            len(str(v)) < 3 or isinstance(v, int | float) for v in values):  # a whole number:
        return [show(v) for v in values]  # status 100 is no answer in "port 9100"
    return [str(v) for v in values]


@pytest.mark.parametrize("drill", DRILLS, ids=lambda d: d.id)
def test_no_failing_line_gives_the_answer(drill):
    """Nothing done, or something else done: every failing check of every built-in drill
    says what it saw, and never the value it expected (`none_of` and `exists` expect no
    value to give away). A check's sentence may name a value only where the task does."""
    for seed in (1, 2, 3, 42, 99_999):
        attempt = render_attempt(drill, seed)
        for check in attempt.checks:
            if check.predicate in ("none_of", "exists"):
                continue
            for world in ({}, _wrong_world(check)):
                result = evaluate(check, world)
                if result.passed:
                    continue
                for needle in _needles(check):
                    assert needle not in result.detail, (drill.id, seed, result.line())
                    assert needle not in check.say or needle in attempt.task, (
                        drill.id, seed, check.say)


def test_a_secret_shows_its_key_names_never_its_values():
    secret = {"metadata": {"name": "db", "annotations": {
        "kubectl.kubernetes.io/last-applied-configuration": '{"data":{"password":"czNjcjN0"}}',
        "team": "a"}}, "type": "Opaque", "data": {"password": "czNjcjN0", "user": "YWRt"}}
    snap = {"secret": {"db": secret}}
    c = Check("the secret holds a password", (("secret", "db"),), "keys", "contains", "token")
    result = evaluate(c, snap)
    assert not result.passed and result.detail == "secret `db`: keys is `password, user`"
    listed = {"secret": {"db": sanitize("secret", secret)}}  # as attempts and live keep it
    assert evaluate(c, listed).detail == "secret `db`: keys is `password, user`"
    annotations = Check("s", (("secret", "db"),), "metadata.annotations", "equals", "x")
    assert evaluate(annotations, snap).detail == ('secret `db`: metadata.annotations is '
                                                  '`{"team":"a"}`')
    assert not evaluate(Check("s", (("secret", "db"),), "data.password", "exists", True),
                        snap).passed


def test_a_service_has_the_endpoints_of_its_slices():
    def slice_(name: str, service: str, *endpoints) -> dict:
        return {"metadata": {"name": name, "labels": {"kubernetes.io/service-name": service}},
                "ports": [{"port": 8080}],
                "endpoints": [{"addresses": [ip], "conditions": {"ready": ready},
                               "targetRef": {"name": pod}} for ip, ready, pod in endpoints]}

    snap = {"service": {"web": {"spec": {"ports": [{"port": 80, "targetPort": "http"}]}}},
            "endpointslice": {"a": slice_("a", "web", ("10.0.0.5", True, "web-1"),
                                          ("10.0.0.6", False, "web-2")),
                              "b": slice_("b", "other", ("10.0.0.9", True, "x"))}}
    ready = Check("s", (("service", "web"),), "endpoints[ready=True].pod", "equals", "web-1")
    assert evaluate(ready, snap).passed
    count = Check("s", (("service", "web"),), "endpoints", "count", 1)
    assert evaluate(count, snap).detail == "service `web`: endpoints has 2 items"


@pytest.mark.parametrize("kind, obj", [
    ("deployment", {"spec": {"template": {"spec": {"containers": [{"name": "app",
                                                                 "image": "nginx:1.27"}]}}}}),
    ("replicaset", {"spec": {"template": {"spec": {"containers": [{"name": "app",
                                                                 "image": "nginx:1.27"}]}}}}),
    ("cronjob", {"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "nginx:1.27"}]}}}}}}),
])
def test_containers_of_pod_templates(kind, obj):
    c = Check("s", ((kind, "x"), ("container", "app")), "image", "equals", "nginx:1.27")
    assert evaluate(c, {kind: {"x": obj}}).passed
