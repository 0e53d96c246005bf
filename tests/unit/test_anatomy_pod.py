"""The anatomy of one pod: containers, shared network, volume map, lifecycle, describe."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from podtui.anatomy import (
    ContainerState,
    Pod,
    containers_from_json,
    describe,
    event_from_json,
    find_clashes,
    network_from_json,
    pod_from_json,
    state_from_json,
    volume_detail,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pods"
NOW = datetime(2025, 4, 9, 10, 15, tzinfo=UTC)


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def pod(name: str) -> Pod:
    return pod_from_json(load(name))


# --- the seed pod ----------------------------------------------------------------------------


def test_seed_pod_has_two_running_containers() -> None:
    p = pod("seed-logging")
    assert (p.namespace, p.name, p.node) == ("default", "node-logging", "kwok-node-0")
    assert [(c.name, c.kind, c.image) for c in p.containers] == [
        ("node", "app", "node:20-alpine"),
        ("busybox", "app", "busybox"),
    ]
    node, busybox = p.containers
    assert node.state.kind == "running" and busybox.state.kind == "running"
    assert node.state.started_at == datetime(2025, 4, 9, 10, 0, 5, tzinfo=UTC)
    assert node.ready and busybox.ready and node.started is True
    assert node.last_state is None
    assert busybox.command == ("sh", "-c", "tail -F /logs/app.log")
    assert "/app/logs/app.log" in " ".join(node.command)
    assert p.container("busybox") is busybox and p.container("nope") is None
    assert p.summary.status == "Running"
    assert p.annotations[0][0] == "kubectl.kubernetes.io/last-applied-configuration"


def test_seed_pod_shares_the_logs_emptydir() -> None:
    p = pod("seed-logging")
    logs = next(v for v in p.volumes if v.name == "logs")
    assert logs.type == "emptyDir"
    assert "node disk" in logs.detail
    assert logs.shared and not logs.unused
    assert [(m.container, m.container_kind, m.path, m.read_only) for m in logs.mounts] == [
        ("node", "app", "/app/logs", False),
        ("busybox", "app", "/logs", False),
    ]
    node = p.container("node")
    assert node is not None
    assert [(m.volume, m.path, m.read_only) for m in node.mounts][0] == ("logs", "/app/logs", False)


def test_seed_pod_network_is_one_ip() -> None:
    net = pod("seed-logging").network
    assert net.pod_ip == "10.244.0.12"
    assert net.pod_ips == ("10.244.0.12",)
    assert net.host_ip == "10.0.0.2"
    assert net.host_network is False
    assert [(u.container, u.name, u.port, u.protocol) for u in net.ports] == [
        ("node", "http", 3000, "TCP")
    ]
    assert net.clashes == ()
    assert "one IP (10.244.0.12)" in net.note
    assert "port space" in net.note
    assert "localhost:3000 (node)" in net.note


def test_seed_pod_describe() -> None:
    text = describe(pod("seed-logging"), NOW)
    assert "Name:            node-logging" in text
    assert "IP:              10.244.0.12" in text
    assert "node at /app/logs (rw)" in text
    assert "busybox at /logs (rw)" in text
    assert "/app/logs from logs (rw)" in text
    assert "/logs from logs (rw)" in text
    assert "Shared:      yes, by 2 containers" in text
    assert "QoS Class:       BestEffort" in text
    assert "running for 14m" in text
    assert "PodScheduled" in text
    assert "\x1b" not in text and "[b]" not in text
    assert text.endswith("\n")


# --- containers ------------------------------------------------------------------------------


def test_init_sidecar_app_and_ephemeral_kinds() -> None:
    p = pod("sidecar-init-ephemeral")
    assert [(c.name, c.kind) for c in p.containers] == [
        ("fetch-assets", "init"),
        ("log-shipper", "sidecar"),
        ("web", "app"),
        ("debugger-8xk2n", "ephemeral"),
    ]
    init, sidecar, web, debug = p.containers
    assert init.state.kind == "terminated" and init.state.reason == "Completed"
    assert init.state.exit_code == 0
    assert sidecar.restart_policy == "Always"
    assert sidecar.state.kind == "running" and sidecar.ready and sidecar.restarts == 1
    assert sidecar.last_state is not None and sidecar.last_state.exit_code == 1
    assert sidecar.requests == (("cpu", "50m"), ("memory", "32Mi"))
    assert web.limits == (("memory", "128Mi"),)
    assert debug.state.kind == "running" and debug.started is None
    assert p.summary.ready_text() == "2/2"


def test_crashloop_container_states() -> None:
    c = pod("crashloop-replicaset").containers[0]
    assert c.state.kind == "waiting" and c.state.reason == "CrashLoopBackOff"
    assert c.state.describe() == "waiting: CrashLoopBackOff"
    assert c.last_state is not None
    assert (c.last_state.kind, c.last_state.reason, c.last_state.exit_code) == (
        "terminated",
        "Error",
        1,
    )
    assert c.last_state.describe(NOW) == "terminated: Error (exit 1) 3m ago"
    assert c.last_state.describe() == "terminated: Error (exit 1)"
    assert c.restarts == 5 and not c.ready and c.started is False
    assert c.args == ("--config", "/etc/api/config.yaml") and c.command == ()


def test_oomkilled_state() -> None:
    c = pod("job-oomkilled").containers[0]
    assert c.state.describe(NOW) == "terminated: OOMKilled (exit 137) 14m ago"


def test_state_describe_variants() -> None:
    started = datetime(2025, 4, 9, 10, 9, 48, tzinfo=UTC)
    assert ContainerState("running", started_at=started).describe(NOW) == "running for 5m12s"
    assert ContainerState("running").describe(NOW) == "running"
    killed = ContainerState("terminated", exit_code=137, signal=9, finished_at=started)
    assert killed.describe(NOW) == "terminated: (no reason) (signal 9) 5m12s ago"
    assert ContainerState("unknown").describe() == "unknown"
    assert state_from_json({}) is None
    assert state_from_json({"waiting": None}) is None
    assert state_from_json({"waiting": {"reason": "ErrImagePull"}}) == ContainerState(
        "waiting", reason="ErrImagePull"
    )


def test_containers_without_status() -> None:
    unscheduled = pod("pending-unscheduled").containers[0]
    assert unscheduled.state.kind == "unknown"
    assert "not scheduled" in unscheduled.state.describe()
    assert not unscheduled.ready and unscheduled.started is None and unscheduled.restarts == 0

    scheduled = load("pending-unscheduled")
    scheduled["spec"]["nodeName"] = "kwok-node-0"
    (c,) = containers_from_json(scheduled)
    assert (c.state.kind, c.state.reason) == ("waiting", "ContainerCreating")

    with_init = load("init-progress")
    del with_init["status"]["containerStatuses"]
    del with_init["status"]["initContainerStatuses"]
    states = [(c.kind, c.state.reason) for c in containers_from_json(with_init)]
    assert states == [("init", "PodInitializing")] * 2 + [("app", "PodInitializing")]


def test_init_progress_states() -> None:
    p = pod("init-progress")
    assert [(c.name, c.state.kind) for c in p.containers] == [
        ("fetch-config", "terminated"),
        ("wait-db", "running"),
        ("ui", "waiting"),
    ]
    assert p.containers[2].state.reason == "PodInitializing"


# --- network ---------------------------------------------------------------------------------


def test_port_clash_flagged_and_protocols_kept_apart() -> None:
    net = pod("port-clash").network
    assert [(c.port, c.protocol, c.containers) for c in net.clashes] == [
        (8080, "TCP", ("gateway", "metrics-proxy"))
    ]
    # 53/UDP (gateway) and 53/TCP (dns-tcp) do not clash; the init container's 8080 ran
    # alone before the app containers started.
    assert all(c.port != 53 for c in net.clashes)
    assert "self-test" not in net.clashes[0].containers
    assert ("self-test", 8080) in [(u.container, u.port) for u in net.ports]
    text = describe(pod("port-clash"), NOW)
    assert "PORT CLASH 8080/TCP: declared by gateway, metrics-proxy" in text


def test_no_clash_when_protocols_differ() -> None:
    d = load("port-clash")
    d["spec"]["containers"][1]["ports"][0]["protocol"] = "UDP"
    assert network_from_json(d).clashes == ()


def test_sidecar_ports_clash_with_app_and_later_init_containers() -> None:
    d = {
        "spec": {
            "initContainers": [
                {"name": "proxy", "restartPolicy": "Always", "ports": [{"containerPort": 15001}]},
                {"name": "setup", "ports": [{"containerPort": 15001}]},
            ],
            "containers": [{"name": "app", "ports": [{"containerPort": 15001}]}],
        }
    }
    (clash,) = network_from_json(d).clashes
    assert (clash.port, clash.protocol) == (15001, "TCP")
    assert clash.containers == ("proxy", "setup", "app")
    assert find_clashes(containers_from_json({})) == ()


def test_dual_stack_ips() -> None:
    net = pod("sidecar-init-ephemeral").network
    assert net.pod_ips == ("10.244.0.40", "fd00:10:244::28")
    assert "localhost:2020 (log-shipper)" in net.note and "localhost:80 (web)" in net.note


def test_host_network_note() -> None:
    d = load("seed-logging")
    d["spec"]["hostNetwork"] = True
    d["status"]["podIP"] = "10.0.0.2"
    d["status"]["podIPs"] = [{"ip": "10.0.0.2"}]
    net = network_from_json(d)
    assert net.host_network
    assert "node's network" in net.note and "localhost:3000" in net.note
    assert "Host Network:    true" in describe(pod_from_json(d), NOW)


def test_no_ip_yet() -> None:
    net = pod("pending-unscheduled").network
    assert (net.pod_ip, net.pod_ips) == ("", ())
    assert "not assigned yet" in net.note


# --- volumes ---------------------------------------------------------------------------------


def test_every_volume_type() -> None:
    vols = {v.name: v for v in pod("all-volumes").volumes}
    assert {n: v.type for n, v in vols.items()} == {
        "cache": "emptyDir",
        "work": "emptyDir",
        "settings": "configMap",
        "creds": "secret",
        "data": "persistentVolumeClaim",
        "host-logs": "hostPath",
        "kube-api-access-9vbnm": "projected",
        "podinfo": "downwardAPI",
        "shared-nfs": "nfs",
        "secrets-store": "csi",
        "scratch": "ephemeral",
        "models": "image",
        "legacy-repo": "gitRepo",
        "spare": "emptyDir",
    }
    assert "memory (tmpfs)" in vols["cache"].detail and "64Mi" in vols["cache"].detail
    assert vols["settings"].detail.startswith("zoo-settings")
    assert "log-level->logging/level" in vols["settings"].detail
    assert vols["creds"].detail == "zoo-db-credentials"
    assert vols["data"].detail == "claim zoo-data, read-only"
    assert vols["host-logs"].detail.startswith("/var/log, type Directory")
    assert vols["kube-api-access-9vbnm"].detail.startswith("kube-api-access")
    assert "configMap kube-root-ca.crt" in vols["kube-api-access-9vbnm"].detail
    assert "token (expires 3607s)" in vols["kube-api-access-9vbnm"].detail
    assert "metadata.labels->labels" in vols["podinfo"].detail
    assert "app.limits.cpu->cpu_limit" in vols["podinfo"].detail
    assert vols["shared-nfs"].detail == "nfs.internal.example:/exports/shared"
    assert vols["secrets-store"].detail == "driver secrets-store.csi.k8s.io, read-only"
    assert vols["scratch"].detail.startswith("storageClass fast-ssd, 1Gi, ReadWriteOnce")
    assert vols["models"].detail.startswith("ghcr.io/example/models:v3")
    assert "repository=https://git.example/zoo.git" in vols["legacy-repo"].detail


def test_secret_detail_never_shows_keys_or_data() -> None:
    src = {"secretName": "db", "items": [{"key": "password", "path": "pw"}], "data": {"x": "c2Vj"}}
    detail = volume_detail("secret", src)
    assert detail == "db"
    assert "password" not in detail and "c2Vj" not in detail


def test_read_only_from_mount_or_source() -> None:
    vols = {v.name: v for v in pod("all-volumes").volumes}
    ro = {n: [m.read_only for m in v.mounts] for n, v in vols.items()}
    assert ro["cache"] == [False]
    assert ro["creds"] == [True]  # secret volumes are always read-only
    assert ro["settings"] == [True, True]  # so are configMap volumes
    assert ro["data"] == [True]  # readOnly on the PVC source wins over the mount
    assert ro["host-logs"] == [True]  # readOnly on the mount
    assert ro["secrets-store"] == [True]  # readOnly on the CSI source
    assert ro["shared-nfs"] == [False]


def test_shared_and_unused_flags_and_subpath() -> None:
    vols = {v.name: v for v in pod("all-volumes").volumes}
    assert vols["work"].shared
    assert [(m.container, m.container_kind, m.path) for m in vols["work"].mounts] == [
        ("prepare", "init", "/work"),
        ("app", "app", "/srv/work"),
    ]
    assert not vols["cache"].shared and not vols["cache"].unused
    assert vols["spare"].unused and not vols["spare"].shared and vols["spare"].mounts == ()
    (sub,) = [m for m in vols["settings"].mounts if m.container == "app"]
    assert (sub.path, sub.sub_path) == ("/etc/zoo/app.properties", "app.properties")


def test_mounts_from_sidecar_and_ephemeral_containers() -> None:
    logs = next(v for v in pod("sidecar-init-ephemeral").volumes if v.name == "logs")
    assert [(m.container, m.container_kind, m.read_only) for m in logs.mounts] == [
        ("log-shipper", "sidecar", True),
        ("web", "app", False),
        ("debugger-8xk2n", "ephemeral", False),
    ]
    assert logs.shared


def test_volume_without_known_source() -> None:
    d = {
        "spec": {
            "volumes": [
                {"name": "odd", "flexVolume": {"driver": "x/y", "fsType": "ext4"}},
                {"name": "bare"},
            ],
            "containers": [{"name": "c", "volumeMounts": [{"name": "ghost", "mountPath": "/g"}]}],
        }
    }
    odd, bare = pod_from_json(d).volumes
    assert (odd.type, odd.detail) == ("flexVolume", "driver=x/y, fsType=ext4")
    assert (bare.type, bare.detail, bare.unused) == ("unknown", "", True)


# --- lifecycle -------------------------------------------------------------------------------


def test_lifecycle_fields() -> None:
    lc = pod("seed-logging").lifecycle
    assert lc.phase == "Running" and lc.restart_policy == "Always"
    assert lc.qos_class == "BestEffort"
    assert lc.start_time == datetime(2025, 4, 9, 10, tzinfo=UTC)
    assert not lc.deleting and lc.grace_seconds == 30 and lc.deletion_time is None
    assert [c.type for c in lc.conditions] == [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    ready = lc.condition("Ready")
    assert ready is not None and ready.status == "True"
    assert ready.last_transition == datetime(2025, 4, 9, 10, 0, 9, tzinfo=UTC)


def test_unscheduled_condition() -> None:
    lc = pod("pending-unscheduled").lifecycle
    sched = lc.condition("PodScheduled")
    assert sched is not None
    assert (sched.status, sched.reason) == ("False", "Unschedulable")
    assert "Insufficient cpu" in sched.message
    assert lc.start_time is None and lc.qos_class == "Guaranteed"


def test_terminating_lifecycle() -> None:
    p = pod("terminating")
    lc = p.lifecycle
    assert lc.deleting and lc.grace_seconds == 30
    assert lc.deletion_time == datetime(2025, 4, 9, 10, 14, 50, tzinfo=UTC)
    text = describe(p, NOW)
    assert "Status:          Terminating (phase Running)" in text
    assert "grace period 30s" in text


def _dies(name: str) -> str:
    return "\n".join(pod(name).lifecycle.if_container_dies)


def test_if_container_dies_always() -> None:
    text = _dies("seed-logging")
    assert "restartPolicy Always" in text
    assert "restarts that container alone, in place" in text
    assert "back-off" in text and "5 minutes" in text
    assert "its IP and its emptyDir data stay" in text
    assert "other containers keep running" in text
    assert "no controller" in text and "nothing recreates it" in text


def test_if_container_dies_on_failure_and_never() -> None:
    on_failure = _dies("job-completed")
    assert "restartPolicy OnFailure" in on_failure and "non-zero" in on_failure
    assert "exits with 0 stays Completed" in on_failure
    assert "Job migrate-db" in on_failure and "backoffLimit" in on_failure
    never = _dies("job-oomkilled")
    assert "restartPolicy Never" in never and "not restarted" in never
    assert "Succeeded" in never and "Failed" in never


def test_if_container_dies_init_sidecar_ephemeral_and_owner() -> None:
    text = _dies("sidecar-init-ephemeral")
    assert "Init containers (fetch-assets) run one at a time" in text
    assert "Native sidecars (log-shipper) are restarted whenever they exit" in text
    assert "Ephemeral containers (debugger-8xk2n) are never restarted" in text
    assert "ReplicaSet web-5d8f7b6c4" in text
    assert "new IP and empty emptyDir volumes" in text
    never_init = _dies("init-progress")
    assert "whole pod becomes Failed" in never_init


def test_if_container_dies_other_owners_and_probes() -> None:
    sts = _dies("init-crashloop")
    assert "StatefulSet orders" in sts and "same name and the same PersistentVolumeClaims" in sts
    assert "Liveness probes (api)" in _dies("crashloop-replicaset")
    d = load("seed-logging")
    d["metadata"]["ownerReferences"] = [{"kind": "DaemonSet", "name": "agent", "controller": True}]
    assert "same node" in "\n".join(pod_from_json(d).lifecycle.if_container_dies)
    d["metadata"]["ownerReferences"] = [{"kind": "Node", "name": "kwok-node-0", "controller": True}]
    assert "static pod" in "\n".join(pod_from_json(d).lifecycle.if_container_dies)


# --- describe --------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_describe_every_fixture(fixture: str) -> None:
    p = pod(fixture)
    text = describe(p, NOW)
    assert f"Name:            {p.name}" in text
    assert f"Status:          {p.summary.status}" in text
    assert "If a container dies:" in text
    for c in p.containers:
        assert f"  {c.name}" in text
    for v in p.volumes:
        assert f"  {v.name}:" in text
    assert all(ch == "\n" or ch >= " " for ch in text)


def test_describe_crashloop_details_and_events() -> None:
    events = [
        event_from_json(
            {
                "type": "Warning",
                "reason": "BackOff",
                "message": "Back-off restarting failed container api in pod api-6f7d9c8b5-x2m4q",
                "count": 42,
                "firstTimestamp": "2025-04-09T09:41:00Z",
                "lastTimestamp": "2025-04-09T10:14:00Z",
                "source": {"component": "kubelet", "host": "kwok-node-1"},
                "involvedObject": {"kind": "Pod", "fieldPath": "spec.containers{api}"},
            }
        ),
        event_from_json(
            {
                "type": "Normal",
                "reason": "Scheduled",
                "message": "Successfully assigned shop/api-6f7d9c8b5-x2m4q to kwok-node-1",
                "eventTime": "2025-04-09T09:40:00.101234Z",
                "reportingComponent": "default-scheduler",
            }
        ),
    ]
    text = describe(pod("crashloop-replicaset"), NOW, events)
    assert "Controlled By:   ReplicaSet/api-6f7d9c8b5" in text
    assert "State:       waiting: CrashLoopBackOff" in text
    assert "Last State:  terminated: Error (exit 1) 3m ago" in text
    assert "Args:        --config /etc/api/config.yaml" in text
    assert "Restarts:        5 (3m ago)" in text
    assert "/etc/api from config (ro)" in text
    lines = text.splitlines()
    start = lines.index("Events:")
    assert lines[start + 1].startswith("  Normal Scheduled 34m default-scheduler:")
    assert lines[start + 2] == (
        "  Warning BackOff 60s (x42 over 34m) kubelet, kwok-node-1: "
        "Back-off restarting failed container api in pod api-6f7d9c8b5-x2m4q"
    )


def test_describe_strips_control_characters() -> None:
    d = load("seed-logging")
    d["metadata"]["labels"]["evil"] = "\x1b[31mred\nline"
    text = describe(pod_from_json(d), NOW)
    assert "\x1b" not in text
    assert "evil=\ufffd[31mred line" in text  # ESC shown as U+FFFD (anatomy._json.text)


def test_describe_accepts_naive_now() -> None:
    text = describe(pod("seed-logging"), datetime(2025, 4, 9, 10, 15))
    assert "(15m ago)" in text
