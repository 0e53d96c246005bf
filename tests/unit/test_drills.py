"""The drill format, the check language and seeded parameters (pure: no cluster)."""

from __future__ import annotations

from pathlib import Path

import pytest

from podtui.drills.checks import evaluate, resolve, show
from podtui.drills.loader import DrillError, load_drills, parse_drill, render_attempt
from podtui.drills.model import Check


def pod(**spec) -> dict:
    return {"metadata": {"name": "web"}, "spec": spec, "status": {}}


SHIPPER = pod(containers=[
    {"name": "app", "image": "nginx:1.27", "volumeMounts": [{"name": "logs",
                                                             "mountPath": "/var/log/app"}],
     "ports": [{"containerPort": 8080}, {"containerPort": 9090}],
     "resources": {"requests": {"cpu": "0.5", "memory": "128Mi"}}},
    {"name": "shipper", "image": "busybox:1.36", "command": ["sleep", "3600"]},
], initContainers=[{"name": "agent", "image": "busybox", "restartPolicy": "Always"},
                   {"name": "fetch", "image": "busybox"}],
    volumes=[{"name": "logs", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}])
SNAP = {"pod": {"web": SHIPPER}}


def check(predicate: str, expected, path: str = "", *scope: tuple[str, str]) -> Check:
    return Check("the sentence", (("pod", "web"), *scope), path, predicate, expected)


def test_result_says_what_it_looked_at_and_found_never_the_answer():
    result = evaluate(check("contains", "tail", "cmdline", ("container", "shipper")), SNAP)
    assert not result.passed
    assert result.detail == "container `shipper`: cmdline is `sleep 3600`"
    assert result.line().startswith("FAIL  the sentence: container `shipper`")


@pytest.mark.parametrize("predicate, expected, path, scope, passed", [
    ("equals", "500m", "resources.requests.cpu", ("container", "app"), True),  # 0.5 == 500m
    ("at_least", "100Mi", "resources.requests.memory", ("container", "app"), True),
    ("at_most", "64Mi", "resources.requests.memory", ("container", "app"), False),
    ("contains", 8080, "ports[*].containerPort", ("container", "app"), True),
    ("contains", "8080", "ports[*].containerPort", ("container", "app"), True),
    ("contains", 80, "ports[*].containerPort", ("container", "app"), False),  # not a substring
    ("count", 2, "ports", ("container", "app"), True),
    ("equals", "sidecar", "kind", ("container", "agent"), True),
    ("equals", "init", "kind", ("container", "fetch"), True),
    ("equals", ["agent", "fetch"], "spec.initContainers[*].name", None, True),
    ("equals", ["fetch", "agent"], "spec.initContainers[*].name", None, False),
    ("one_of", ["Memory", "HugePages"], "emptyDir.medium", ("volume", "logs"), True),
    ("none_of", ["Memory"], "emptyDir.medium", ("volume", "logs"), False),
    ("matches", "^busybox(:|$)", "image", ("container", "shipper"), True),
    ("exists", False, "readOnly", ("container", "app"), True),
    ("exists", True, "status", ("container", "app"), False),
    # Each predicate both ways: the cases above only pass or only fail for some.
    ("matches", "^busybox(:|$)", "image", ("container", "app"), False),  # nginx:1.27
    ("count", 1, "ports", ("container", "app"), False),
    ("count", 0, "spec.volumes[*].name", None, False),
    ("one_of", ["HugePages"], "emptyDir.medium", ("volume", "logs"), False),
    ("none_of", ["HugePages"], "emptyDir.medium", ("volume", "logs"), True),
    ("at_least", "200Mi", "resources.requests.memory", ("container", "app"), False),
    ("at_least", "0.5", "resources.requests.cpu", ("container", "app"), True),  # 500m
    ("at_most", "128Mi", "resources.requests.memory", ("container", "app"), True),
    ("exists", True, "image", ("container", "app"), True),
    ("exists", False, "image", ("container", "app"), False),
])
def test_predicates(predicate, expected, path, scope, passed):
    parts = (scope,) if scope else ()
    assert evaluate(check(predicate, expected, path, *parts), SNAP).passed is passed


@pytest.mark.parametrize("mount, expected, passed", [
    ("logs", "/var/log/app", True), ("logs", "/var/log", False), ("nope", "/var/log/app", False),
])
def test_a_mount_inside_a_container(mount, expected, passed):
    c = Check("s", (("pod", "web"), ("container", "app"), ("mount", mount)), "mountPath",
              "equals", expected)
    assert evaluate(c, SNAP).passed is passed


def test_missing_objects_and_parts_are_named():
    assert evaluate(Check("s", (("pod", "gone"),), "", "exists", False), SNAP).passed
    result = evaluate(Check("s", (("pod", "gone"),), "spec", "exists", True), SNAP)
    assert not result.passed and result.detail == "pod `gone` not found"
    result = evaluate(check("equals", "x", "image", ("container", "nope")), SNAP)
    assert result.detail == "container `nope` not found"
    result = evaluate(check("equals", "Memory", "emptyDir.medium", ("volume", "data")), SNAP)
    assert result.detail == "volume `data` not found"


def test_job_containers_come_from_the_pod_template():
    job = {"metadata": {"name": "j"}, "spec": {"template": {"spec": SHIPPER["spec"]}}}
    c = Check("s", (("job", "j"), ("container", "agent")), "restartPolicy", "equals", "Always")
    assert evaluate(c, {"job": {"j": job}}).passed


def test_odd_data_never_raises():
    """Not a pod object, or a spec of the wrong shape: a failed check that says why."""
    not_found = "pod `web` not found"
    no_app = "container `app` not found"
    no_volumes = "pod `web`: spec.volumes[*].name has 0 items"
    verdicts = {
        None: (not_found, not_found, not_found),
        "x": (not_found, not_found, not_found),
        "list": (not_found, not_found, not_found),
        "spec list": (no_app, no_volumes, "pod `web`: spec is empty"),
        "containers str": (no_app, no_volumes, "pod `web`: spec is `{\"containers\":\"nope\"}`"),
    }
    values = {None: None, "x": "x", "list": [], "spec list": {"spec": []},
              "containers str": {"spec": {"containers": "nope"}}}
    for key, value in values.items():
        snap = {"pod": {"web": value}}
        results = [evaluate(c, snap) for c in (check("equals", "x", "image", ("container", "app")),
                                               check("count", 1, "spec.volumes[*].name"),
                                               check("matches", "(", "spec"))]
        assert [r.passed for r in results] == [False] * 3, key
        assert tuple(r.detail for r in results) == verdicts[key], key
    bad_pattern = evaluate(check("matches", "(", "metadata.name"), SNAP)
    assert not bad_pattern.passed
    assert bad_pattern.detail.startswith("pod `web`: cannot test metadata.name: missing ),")


def test_show_values():
    assert show(["sleep", "3600"]) == "`sleep, 3600`"
    assert show(None) == "not set"
    assert show(True) == "`true`"
    assert resolve({"a": [{"b": 1}, {"c": 2}]}, "a[*].b") == [1]


# --------------------------------------------------------------------------- files

GOOD = """\
id: tiny
title: Tiny
tag: "CKAD: test"
parameters:
  pod: {name: web}
  box: {choose: [a, b, c]}
  other: {choose: [a, b, c]}
  port: {port: [8000, 8999]}
task: |
  Create ${pod} with container ${box} on port ${port} in ${namespace}.
setup:
  - |
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: cfg-${box}}
    data: {port: "${port}"}
solution:
  - kubectl -n ${namespace} run ${pod} --image=busybox:1.36 --port=${port}
checks:
  - say: pod exists
    pod: ${pod}
    exists: true
"""


def test_builtin_drills_all_load():
    drills, errors = load_drills(Path("/nonexistent"))
    assert [str(e) for e in errors] == []
    assert len(drills) >= 14
    for drill in drills:
        assert drill.solution and drill.checks and drill.hints, drill.id


def test_same_seed_same_task_other_seed_other_task():
    drill = parse_drill(GOOD, source="tiny.yaml")
    a, b = render_attempt(drill, 7), render_attempt(drill, 7)
    assert a.task == b.task and a.values == b.values and a.setup == b.setup
    assert a.namespace == "drill-tiny-7"
    tasks = {render_attempt(drill, seed).task for seed in range(1, 40)}
    assert len(tasks) > 20
    for seed in range(1, 40):
        values = render_attempt(drill, seed).values
        assert values["box"] != values["other"]  # choices never repeat in one attempt
        assert 8000 <= int(values["port"]) <= 8999
        assert values["pod"].startswith("web-") and len(values["pod"]) == 8
    assert a.setup[0]["metadata"] == {"name": f"cfg-{a.values['box']}",
                                      "namespace": "drill-tiny-7"}
    assert a.solution[0].startswith("kubectl -n drill-tiny-7 run web-")


def test_node_parameters_take_the_clusters_facts():
    drill = parse_drill(GOOD.replace("  port: {port: [8000, 8999]}\n",
                                     "  port: {port: [8000, 8999]}\n  node: {node: name}\n"
                                     "  dir: {node: staticPodPath}\n")
                        .replace("in ${namespace}.", "in ${namespace} on ${node} (${dir})."),
                        source="tiny.yaml")
    here = render_attempt(drill, 7, facts={"name": "localhost", "staticPodPath": "/s/m"})
    assert here.task.endswith("on localhost (/s/m).")
    # without a cluster (drill show): the exam's usual node
    assert render_attempt(drill, 7).task.endswith(
        "on node01 (/etc/kubernetes/manifests).")
    assert here.values["pod"] == render_attempt(drill, 7).values["pod"]  # the same draw


def test_seeded_builtins_are_stable():
    drills, _ = load_drills(Path("/nonexistent"))
    for drill in drills:
        assert render_attempt(drill, 123).task == render_attempt(drill, 123).task


BAD = [
    ("title: x\n  bad: [", 2, "mapping values are not allowed"),
    (GOOD.replace("tag:", "tga:"), 3, "unknown field 'tga'"),
    (GOOD.replace("id: tiny", "id: Tiny_1"), 1, "must be a DNS-1123 label"),
    (GOOD.replace("    exists: true", "    exists: true\n    equals: 1"), 23,
     "give exactly one predicate"),
    (GOOD.replace("    exists: true", "    exist: true"), 22, "unknown key 'exist'"),
    (GOOD.replace("  - say: pod exists\n", "  - sai: pod exists\n"), 20, "unknown key 'sai'"),
    (GOOD.replace("on port ${port}", "on port ${prot}"), 10, "'${prot}' is not a parameter"),
    (GOOD.replace("{port: [8000, 8999]}", "{port: [9000, 8000]}"), 8, "port needs [LOW, HIGH]"),
    (GOOD.replace("{choose: [a, b, c]}\n  other", "{choose: [a b]}\n  other"), 6,
     "'a b' is not a plain word"),
    (GOOD.replace("{choose: [a, b, c]}\n  other", "{pick: [a]}\n  other"), 6, "unknown kind"),
    (GOOD.replace("{choose: [a, b, c]}\n  other", "{node: ip}\n  other"), 6,
     "node takes one of name, staticPodPath"),
    (GOOD.replace("kind: ConfigMap", "kind: DaemonSet"), 12, "kind 'DaemonSet' is not one"),
    (GOOD.replace("    pod: ${pod}\n", "    pod: ${pod}\n    mount: logs\n"), 22,
     "'mount' needs a container"),
    (GOOD.replace("exists: true", "count: many"), 22, "count takes a whole number"),
    (GOOD.replace("solution:\n  - kubectl", "solution: []\nx:\n  - kubectl"), 18,
     "unknown field 'x'"),
]


@pytest.mark.parametrize("text, line, words", BAD)
def test_bad_file_is_one_line_with_file_and_line(tmp_path, text, line, words):
    (tmp_path / "a-good.yaml").write_text(GOOD)
    (tmp_path / "b-bad.yaml").write_text(text)
    drills, errors = load_drills(tmp_path)
    assert "tiny" in [d.id for d in drills]  # the other drills still load
    assert len(errors) == 1
    message = str(errors[0])
    assert "\n" not in message
    assert message.startswith(f"b-bad.yaml line {line}: "), message
    assert words in message


def test_user_drill_replaces_builtin_with_same_id(tmp_path):
    (tmp_path / "mine.yaml").write_text(GOOD.replace("id: tiny", "id: log-sidecar"))
    drills, errors = load_drills(tmp_path)
    assert errors == []
    mine = [d for d in drills if d.id == "log-sidecar"]
    assert len(mine) == 1 and not mine[0].builtin


def test_drill_error_is_a_template_error_formatting():
    with pytest.raises(DrillError) as info:
        parse_drill("id: x\n", source="/somewhere/x.yaml")
    assert str(info.value) == "x.yaml line 1: missing required field 'title'"


def test_events_of_an_object_oldest_first():
    def event(name: str, reason: str, when: str, kind: str = "Pod") -> dict:
        return {"metadata": {"name": f"{name}.{reason}"}, "reason": reason,
                "lastTimestamp": when, "involvedObject": {"kind": kind, "name": name}}

    snap = {"event": {e["metadata"]["name"]: e for e in (
        event("web", "Pulling", "2026-11-30T10:00:02Z"),
        event("web", "Scheduled", "2026-11-30T10:00:01Z"),
        event("other", "BackOff", "2026-11-30T10:00:03Z"))}}
    c = Check("s", (("events", "web"),), "[*].reason", "equals", ["Scheduled", "Pulling"])
    assert evaluate(c, snap).passed
    c = Check("s", (("events", "web"),), "[*].reason", "contains", "BackOff")
    result = evaluate(c, snap)
    assert result.detail == "events of `web`: [*].reason is `Scheduled, Pulling`"
    assert not evaluate(Check("s", (("events", "nope"),), "", "exists", True), snap).passed


def test_live_objects_ready_only_when_every_kind_is_listed():
    from podtui.cluster.pods import Change, Page
    from podtui.drills.live import RESOURCES, LiveObjects

    changes: list[int] = []
    live = LiveObjects(None, "ns", on_change=lambda: changes.append(1))  # no watch started
    emit = {kind: watcher.emit for kind, watcher in live._watchers.items()}
    emit["pod"](Page([{"metadata": {"name": "a"}}], first=True, last=False))
    assert not live.ready and live.snapshot()["pod"] == {}  # a list in pages: not yet
    emit["pod"](Page([{"metadata": {"name": "b"}}], first=False, last=True))
    assert set(live.snapshot()["pod"]) == {"a", "b"} and not live.ready
    for kind in RESOURCES:
        if kind != "pod":
            emit[kind](Page([], first=True, last=True))
    assert live.ready
    emit["pod"](Change("DELETED", {"metadata": {"name": "a"}}))
    emit["configmap"](Change("ADDED", {"metadata": {"name": "answer"}}))
    snap = live.snapshot()
    assert set(snap["pod"]) == {"b"} and set(snap["configmap"]) == {"answer"}
    assert len(changes) == len(RESOURCES) + 2
