"""Events of a pod, from core/v1 and events.k8s.io/v1 objects."""

from __future__ import annotations

from datetime import UTC, datetime

from podtui.anatomy import event_from_json

NOW = datetime(2025, 4, 9, 10, 15, tzinfo=UTC)

CORE_V1 = {
    "kind": "Event",
    "apiVersion": "v1",
    "metadata": {
        "name": "api-6f7d9c8b5-x2m4q.1835f2a1b2c3d4e5",
        "namespace": "shop",
        "creationTimestamp": "2025-04-09T09:41:00Z",
    },
    "involvedObject": {
        "kind": "Pod",
        "namespace": "shop",
        "name": "api-6f7d9c8b5-x2m4q",
        "uid": "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f",
        "apiVersion": "v1",
        "fieldPath": "spec.containers{api}",
    },
    "reason": "BackOff",
    "message": "Back-off restarting failed container api in pod api-6f7d9c8b5-x2m4q",
    "source": {"component": "kubelet", "host": "kwok-node-1"},
    "firstTimestamp": "2025-04-09T09:41:00Z",
    "lastTimestamp": "2025-04-09T10:12:00Z",
    "count": 17,
    "type": "Warning",
    "eventTime": None,
    "reportingComponent": "kubelet",
    "reportingInstance": "kwok-node-1",
}

EVENTS_V1 = {
    "kind": "Event",
    "apiVersion": "events.k8s.io/v1",
    "metadata": {
        "name": "web.18360000aaaa",
        "namespace": "shop",
        "creationTimestamp": "2025-04-09T10:00:00Z",
    },
    "eventTime": "2025-04-09T10:00:00.512345Z",
    "series": {"count": 3, "lastObservedTime": "2025-04-09T10:10:00.000001Z"},
    "reportingController": "default-scheduler",
    "reportingInstance": "default-scheduler-control-plane",
    "action": "Scheduling",
    "reason": "FailedScheduling",
    "regarding": {"kind": "Pod", "namespace": "shop", "name": "web"},
    "note": "0/3 nodes are available: 3 Insufficient cpu.",
    "type": "Warning",
}


def test_core_v1_event() -> None:
    e = event_from_json(CORE_V1)
    assert (e.type, e.reason, e.count) == ("Warning", "BackOff", 17)
    assert e.first == datetime(2025, 4, 9, 9, 41, tzinfo=UTC)
    assert e.last == datetime(2025, 4, 9, 10, 12, tzinfo=UTC)
    assert e.source == "kubelet, kwok-node-1"
    assert e.container == "api"
    assert e.describe(NOW) == (
        "Warning BackOff 3m (x17 over 34m) kubelet, kwok-node-1: "
        "Back-off restarting failed container api in pod api-6f7d9c8b5-x2m4q"
    )


def test_events_k8s_io_event() -> None:
    e = event_from_json(EVENTS_V1)
    assert (e.type, e.reason, e.count) == ("Warning", "FailedScheduling", 3)
    assert e.message == "0/3 nodes are available: 3 Insufficient cpu."
    assert e.source == "default-scheduler"
    assert e.first == datetime(2025, 4, 9, 10, 0, 0, 512345, tzinfo=UTC)
    assert e.last == datetime(2025, 4, 9, 10, 10, 0, 1, tzinfo=UTC)
    assert e.container == ""


def test_single_event_with_only_event_time() -> None:
    e = event_from_json(
        {
            "type": "Normal",
            "reason": "Pulled",
            "message": 'Container image "busybox" already present on machine',
            "eventTime": "2025-04-09T10:14:00.000000Z",
            "reportingComponent": "kubelet",
            "involvedObject": {"fieldPath": "spec.initContainers{wait-db}"},
        }
    )
    assert e.count == 1 and e.first == e.last == datetime(2025, 4, 9, 10, 14, tzinfo=UTC)
    assert e.container == "wait-db"
    assert e.describe(NOW).startswith("Normal Pulled 60s kubelet: Container image")


def test_deprecated_fields_of_events_v1() -> None:
    e = event_from_json(
        {
            "reason": "Killing",
            "note": "Stopping container cart",
            "deprecatedSource": {"component": "kubelet", "host": "kwok-node-2"},
            "deprecatedCount": 2,
            "deprecatedFirstTimestamp": "2025-04-09T10:00:00Z",
            "deprecatedLastTimestamp": "2025-04-09T10:05:00Z",
        }
    )
    assert (e.count, e.source) == (2, "kubelet, kwok-node-2")
    assert e.first == datetime(2025, 4, 9, 10, tzinfo=UTC)
    assert e.last == datetime(2025, 4, 9, 10, 5, tzinfo=UTC)


def test_garbage_event() -> None:
    for junk in (None, [], "x", 3, {"count": "many", "series": [], "source": "kubelet"}):
        e = event_from_json(junk)
        assert e.count == 1 and e.first is None and e.last is None and e.source == ""
        assert e.describe(NOW) == "<unknown>"
