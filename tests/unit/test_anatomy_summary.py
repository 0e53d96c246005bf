"""The pod-list row: kubectl-compatible STATUS, READY, RESTARTS and AGE."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from podtui.anatomy import PodSummary, human_age, parse_time, pod_status, summarize

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pods"
NOW = datetime(2025, 4, 9, 10, 15, tzinfo=UTC)


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


# --- status per fixture ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "status", "ready", "total"),
    [
        ("seed-logging", "Running", 2, 2),
        ("crashloop-replicaset", "CrashLoopBackOff", 0, 1),
        ("job-oomkilled", "OOMKilled", 0, 1),
        ("job-completed", "Completed", 0, 1),
        ("init-crashloop", "Init:CrashLoopBackOff", 0, 1),
        ("init-progress", "Init:1/2", 0, 1),
        ("terminating", "Terminating", 1, 1),
        ("evicted", "Evicted", 0, 1),
        ("pending-unscheduled", "Pending", 0, 1),
        ("sidecar-init-ephemeral", "Running", 2, 2),
        ("port-clash", "Running", 2, 3),
        ("all-volumes", "Running", 1, 1),
    ],
)
def test_status_matches_kubectl(fixture: str, status: str, ready: int, total: int) -> None:
    s = summarize(load(fixture))
    assert (s.status, s.ready, s.total) == (status, ready, total)
    assert pod_status(load(fixture)) == (status, ready, total)


def test_seed_pod_row() -> None:
    s = summarize(load("seed-logging"))
    assert isinstance(s, PodSummary)
    assert (s.namespace, s.name) == ("default", "node-logging")
    assert s.uid == "5b0f6a6e-3f7e-4c1e-9a0b-2a1d4b8c9e01"
    assert s.pod_ip == "10.244.0.12"
    assert s.node == "kwok-node-0"
    assert s.phase == "Running"
    assert s.containers == 2
    assert s.restarts == 0 and s.last_restart is None
    assert s.created == datetime(2025, 4, 9, 10, 0, tzinfo=UTC)
    assert s.age(NOW) == "15m"
    assert s.ready_text() == "2/2"
    assert s.restarts_text(NOW) == "0"
    assert s.labels == (("app", "node-logging"),)
    assert s.label("app") == "node-logging"
    assert s.label("nope") is None
    assert (s.owner_kind, s.owner_name) == ("", "")
    assert s.deleting is False


def test_crashloop_restarts_and_last_restart() -> None:
    s = summarize(load("crashloop-replicaset"))
    assert s.restarts == 5
    assert s.last_restart == datetime(2025, 4, 9, 10, 12, tzinfo=UTC)
    assert s.restarts_text(NOW) == "5 (3m ago)"
    assert (s.owner_kind, s.owner_name) == ("ReplicaSet", "api-6f7d9c8b5")


def test_restarts_include_init_and_sidecar_containers() -> None:
    s = summarize(load("sidecar-init-ephemeral"))
    assert s.restarts == 1  # the native sidecar restarted once
    assert s.last_restart == datetime(2025, 4, 9, 10, 0, 7, tzinfo=UTC)
    assert s.containers == 4  # init + sidecar + app + ephemeral
    i = summarize(load("init-crashloop"))
    assert i.restarts == 4
    assert i.last_restart == datetime(2025, 4, 9, 10, 8, 31, tzinfo=UTC)


def test_restarts_of_a_completed_init_container_stop_counting_once_initialized() -> None:
    """kubectl counts an init container's restarts while the pod initializes only: once
    it is initialized, RESTARTS are the app containers' and native sidecars'."""
    pod = copy.deepcopy(load("init-progress"))
    status = pod["status"]
    status["initContainerStatuses"][0] |= {"restartCount": 2, "lastState": {"terminated": {
        "exitCode": 1, "reason": "Error", "finishedAt": "2025-04-09T10:10:02Z"}}}
    initializing = summarize(pod)
    assert (initializing.status, initializing.restarts) == ("Init:1/2", 2)
    status["initContainerStatuses"] = [
        c | {"state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
        for c in status["initContainerStatuses"]]
    status["conditions"] = [{"type": "Initialized", "status": "True"},
                            {"type": "Ready", "status": "True"}]
    status["containerStatuses"] = [c | {"ready": True, "restartCount": 1, "state": {
        "running": {"startedAt": "2025-04-09T10:06:00Z"}}, "lastState": {"terminated": {
            "exitCode": 1, "finishedAt": "2025-04-09T10:05:30Z"}}}
        for c in status["containerStatuses"]]
    status["phase"] = "Running"
    s = summarize(pod)
    assert s.status == "Running"
    assert (s.restarts, s.last_restart) == (1, datetime(2025, 4, 9, 10, 5, 30, tzinfo=UTC))
    assert s.restarts_text(NOW) == "1 (9m30s ago)"


def test_owners() -> None:
    assert summarize(load("job-completed")).owner_kind == "Job"
    assert summarize(load("job-completed")).owner_name == "migrate-db"
    assert summarize(load("init-crashloop")).owner_kind == "StatefulSet"
    assert summarize(load("pending-unscheduled")).owner_kind == ""


def test_controller_owner_wins_over_first_reference() -> None:
    pod = load("seed-logging")
    pod["metadata"]["ownerReferences"] = [
        {"apiVersion": "v1", "kind": "ConfigMap", "name": "holder", "uid": "1"},
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "name": "rs",
            "uid": "2",
            "controller": True,
        },
    ]
    s = summarize(pod)
    assert (s.owner_kind, s.owner_name) == ("ReplicaSet", "rs")


def test_terminating_row() -> None:
    s = summarize(load("terminating"))
    assert s.deleting is True
    assert s.phase == "Running"
    assert s.age(NOW) == "26h"


def test_unscheduled_row_has_no_ip_or_node() -> None:
    s = summarize(load("pending-unscheduled"))
    assert (s.pod_ip, s.node, s.phase) == ("", "", "Pending")


# --- kubectl printer rules on variants --------------------------------------------------------


def _app_state(pod: dict, state: dict, *, ready: bool = False) -> dict:
    pod = copy.deepcopy(pod)
    cs = pod["status"]["containerStatuses"][0]
    cs["state"] = state
    cs["ready"] = ready
    return pod


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (
            {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling"}},
            "ImagePullBackOff",
        ),
        ({"waiting": {"reason": "ErrImagePull"}}, "ErrImagePull"),
        ({"waiting": {"reason": "ContainerCreating"}}, "ContainerCreating"),
        ({"waiting": {"reason": "CreateContainerConfigError"}}, "CreateContainerConfigError"),
        ({"terminated": {"exitCode": 1, "reason": "Error"}}, "Error"),
        ({"terminated": {"exitCode": 3}}, "ExitCode:3"),
        ({"terminated": {"exitCode": 137, "signal": 9}}, "Signal:9"),
        ({"waiting": {}}, "Running"),
    ],
)
def test_app_container_reasons(state: dict, expected: str) -> None:
    pod = _app_state(load("crashloop-replicaset"), state)
    assert summarize(pod).status == expected


def test_first_container_status_wins() -> None:
    pod = load("seed-logging")
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "ImagePullBackOff"}}
    pod["status"]["containerStatuses"][1]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    assert summarize(pod).status == "ImagePullBackOff"


def test_running_with_unready_container_stays_running() -> None:
    pod = load("seed-logging")
    pod["status"]["containerStatuses"][0]["ready"] = False
    for c in pod["status"]["conditions"]:
        if c["type"] in ("Ready", "ContainersReady"):
            c["status"] = "False"
    s = summarize(pod)
    assert (s.status, s.ready, s.total) == ("Running", 1, 2)


def test_completed_with_a_running_container() -> None:
    pod = load("seed-logging")
    pod["status"]["containerStatuses"][0]["state"] = {
        "terminated": {"exitCode": 0, "reason": "Completed"}
    }
    assert summarize(pod).status == "Running"  # Ready condition is True
    for c in pod["status"]["conditions"]:
        if c["type"] == "Ready":
            c["status"] = "False"
    assert summarize(pod).status == "NotReady"


def test_init_terminated_without_reason() -> None:
    pod = load("init-crashloop")
    cs = pod["status"]["initContainerStatuses"][0]
    cs["state"] = {"terminated": {"exitCode": 2}}
    assert summarize(pod).status == "Init:ExitCode:2"
    cs["state"] = {"terminated": {"exitCode": 137, "signal": 9}}
    assert summarize(pod).status == "Init:Signal:9"
    cs["state"] = {"terminated": {"exitCode": 1, "reason": "Error"}}
    assert summarize(pod).status == "Init:Error"
    cs["state"] = {"waiting": {"reason": "PodInitializing"}}
    assert summarize(pod).status == "Init:0/1"


def test_native_sidecar_counts_in_ready_and_total() -> None:
    pod = load("sidecar-init-ephemeral")
    assert summarize(pod).ready_text() == "2/2"
    sidecar = pod["status"]["initContainerStatuses"][1]
    sidecar["ready"] = False
    assert summarize(pod).ready_text() == "1/2"
    sidecar["started"] = False  # a sidecar that has not started blocks initialization
    pod["status"]["conditions"][1]["status"] = "False"
    pod["status"]["phase"] = "Pending"
    assert summarize(pod).status == "Init:1/2"


def test_evicted_with_container_status_unknown_follows_kubectl() -> None:
    pod = load("evicted")
    pod["status"]["containerStatuses"] = [
        {
            "name": "thumbnailer",
            "state": {
                "terminated": {
                    "exitCode": 137,
                    "reason": "ContainerStatusUnknown",
                    "message": "The container could not be located when the pod was terminated",
                }
            },
            "lastState": {},
            "ready": False,
            "restartCount": 0,
            "image": "ghcr.io/example/thumbnailer:1.2",
            "imageID": "",
        }
    ]
    assert summarize(pod).status == "ContainerStatusUnknown"


def test_scheduling_gated() -> None:
    pod = load("pending-unscheduled")
    pod["status"]["conditions"][0].update(reason="SchedulingGated", message="gated")
    assert summarize(pod).status == "SchedulingGated"


def test_deleted_terminal_pod_keeps_its_reason() -> None:
    pod = load("job-completed")
    pod["metadata"]["deletionTimestamp"] = "2025-04-09T10:14:00Z"
    s = summarize(pod)
    assert s.status == "Completed" and s.deleting is True


def test_deleted_pod_on_lost_node_is_unknown() -> None:
    pod = load("terminating")
    pod["status"]["reason"] = "NodeLost"
    assert summarize(pod).status == "Unknown"


def test_empty_pod() -> None:
    s = summarize({})
    assert (s.status, s.ready, s.total, s.restarts, s.containers) == ("Unknown", 0, 0, 0, 0)
    assert s.created is None and s.labels == ()


# --- time helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (-1, "0s"),
        (-5, "<invalid>"),
        (45, "45s"),
        (119, "119s"),
        (120, "2m"),
        (312, "5m12s"),
        (599, "9m59s"),
        (600, "10m"),
        (720, "12m"),
        (179 * 60, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 4 * 60 + 59, "3h4m"),
        (8 * 3600, "8h"),
        (26 * 3600, "26h"),
        (2 * 86400 + 3 * 3600, "2d3h"),
        (7 * 86400, "7d"),
        (400 * 86400, "400d"),
        (3 * 365 * 86400 + 10 * 86400, "3y10d"),
        (10 * 365 * 86400, "10y"),
        (45.9, "45s"),
        (float("nan"), "<invalid>"),
        (float("inf"), "<invalid>"),
        (None, "<invalid>"),
        ("12", "<invalid>"),
    ],
)
def test_human_age(seconds: object, text: str) -> None:
    assert human_age(seconds) == text


def test_parse_time() -> None:
    assert parse_time("2025-04-09T10:00:00Z") == datetime(2025, 4, 9, 10, tzinfo=UTC)
    assert parse_time("2025-04-09T10:00:00.123456789Z") == datetime(
        2025, 4, 9, 10, 0, 0, 123456, tzinfo=UTC
    )
    t = parse_time("2025-04-09T12:00:00+02:00")
    assert t == datetime(2025, 4, 9, 10, tzinfo=UTC) and t.utcoffset() == timedelta(0)
    assert parse_time("2025-04-09T10:00:00") == datetime(2025, 4, 9, 10, tzinfo=UTC)
    aware = datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    assert parse_time(aware) is aware
    for bad in (None, "", "yesterday", 1712656800, [], {}, "2025-13-01T00:00:00Z", "x" * 100):
        assert parse_time(bad) is None
