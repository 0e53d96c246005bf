"""Anatomy over pod JSON saved from the sandbox's real API server (KWOK nodes).

tests/fixtures/pods/sandbox-*.json were recorded with `kubectl get pod -o json` (managedFields
dropped): the seed pod of about-pods.md, and a pod with an init container, a native sidecar,
a port clash and a sidecar the sandbox makes crash (CrashLoopBackOff).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from podtui.anatomy import describe, pod_from_json, summarize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pods"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_seed_pod_shares_one_ip_and_the_logs_emptydir():
    raw = load("sandbox-seed.json")
    pod = pod_from_json(raw)
    assert [c.name for c in pod.containers] == ["node", "busybox"]
    assert {c.kind for c in pod.containers} == {"app"}
    assert all(c.state.kind == "running" and c.ready for c in pod.containers)
    assert pod.network.pod_ip == raw["status"]["podIP"]
    assert pod.network.pod_ips == (raw["status"]["podIP"],)
    assert [(p.container, p.port) for p in pod.network.ports] == [("node", 3000)]
    assert not pod.network.clashes
    logs = next(v for v in pod.volumes if v.name == "logs")
    assert logs.type == "emptyDir" and logs.shared and not logs.unused
    assert {(m.container, m.path, m.read_only) for m in logs.mounts} == {
        ("node", "/app/logs", False),
        ("busybox", "/logs", True),
    }
    summary = summarize(raw)
    assert (summary.status, summary.ready_text(), summary.restarts) == ("Running", "2/2", 0)
    assert summary.node.startswith("kwok-node-")
    text = describe(pod, summary.created + timedelta(minutes=5))
    assert raw["status"]["podIP"] in text and "/app/logs" in text and "/logs" in text


def test_crashing_sidecar_pod_from_the_sandbox():
    raw = load("sandbox-crash-sidecar.json")
    pod = pod_from_json(raw)
    kinds = {c.name: c.kind for c in pod.containers}
    assert kinds == {"setup": "init", "shipper": "sidecar", "app": "app", "flaky": "app"}
    flaky = pod.container("flaky")
    assert flaky.state.kind == "waiting" and flaky.state.reason == "CrashLoopBackOff"
    assert flaky.last_state.exit_code == 1 and flaky.restarts >= 1
    assert pod.container("setup").state.reason == "Completed"
    assert pod.container("shipper").state.kind == "running"
    # app and flaky both declare 8080 in one port space.
    assert [(c.port, c.containers) for c in pod.network.clashes] == [(8080, ("app", "flaky"))]
    volumes = {v.name: v for v in pod.volumes}
    assert volumes["work"].shared and "64Mi" in volumes["work"].detail
    assert volumes["config"].unused
    summary = summarize(raw)
    assert summary.status == "CrashLoopBackOff"
    assert summary.ready_text() == "2/3"  # app + native sidecar ready, flaky not
    assert any("restart" in line.lower() for line in pod.lifecycle.if_container_dies)
