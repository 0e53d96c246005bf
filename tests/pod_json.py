"""Hypothesis strategies for pod-shaped and arbitrary JSON, and the recorded pods, shared by
the fuzz tests of the view models (tests/unit/test_anatomy_fuzz.py) and of the screens
(tests/unit/test_view_fuzz.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pods"

KEYS = [
    # metadata
    "name", "namespace", "uid", "labels", "annotations", "ownerReferences", "kind",
    "controller", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
    # spec
    "containers", "initContainers", "ephemeralContainers", "volumes", "restartPolicy",
    "nodeName", "hostNetwork", "terminationGracePeriodSeconds", "image", "command", "args",
    "ports", "containerPort", "protocol", "hostPort", "resources", "requests", "limits",
    "volumeMounts", "mountPath", "readOnly", "subPath", "livenessProbe",
    # volume sources
    "emptyDir", "medium", "sizeLimit", "configMap", "secret", "secretName", "items", "key",
    "path", "persistentVolumeClaim", "claimName", "hostPath", "type", "projected", "sources",
    "serviceAccountToken", "expirationSeconds", "downwardAPI", "fieldRef", "fieldPath",
    "resourceFieldRef", "resource", "containerName", "nfs", "server", "csi", "driver",
    "ephemeral", "volumeClaimTemplate", "spec", "storageClassName", "accessModes", "reference",
    # status
    "phase", "reason", "message", "conditions", "status", "lastTransitionTime", "podIP",
    "podIPs", "ip", "hostIP", "startTime", "qosClass", "containerStatuses",
    "initContainerStatuses", "ephemeralContainerStatuses", "state", "lastState", "waiting",
    "running", "terminated", "exitCode", "signal", "startedAt", "finishedAt", "ready",
    "started", "restartCount",
]  # fmt: skip

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "Always",
            "Never",
            "OnFailure",
            "True",
            "False",
            "Running",
            "Pending",
            "Succeeded",
            "Failed",
            "Completed",
            "Initialized",
            "Ready",
            "PodScheduled",
            "SchedulingGated",
            "NodeLost",
            "Memory",
            "TCP",
            "UDP",
            "2025-04-09T10:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2025-04-09T10:00:00.123456789+14:00",
            "logs",
            "node",
            "busybox",
            "\x1b[31m\n",
        ]
    ),
)

JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), inner, max_size=6),
    ),
    max_leaves=20,
)
# Smaller values for the many leaves of a pod-shaped dict (keeps the test fast).
LEAF = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)
    ),
    max_leaves=4,
)


def _container(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {},
        optional={
            "name": st.sampled_from(["node", "busybox", "c"]) | value,
            "image": value,
            "restartPolicy": st.sampled_from(["Always", "Never"]) | value,
            "ports": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "containerPort": st.sampled_from([80, 8080]) | value,
                        "protocol": st.sampled_from(["TCP", "UDP"]) | value,
                        "hostPort": value,
                    },
                )
                | value,
                max_size=3,
            )
            | value,
            "volumeMounts": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "name": st.sampled_from(["logs", "data"]) | value,
                        "mountPath": value,
                        "readOnly": value,
                        "subPath": value,
                    },
                )
                | value,
                max_size=3,
            )
            | value,
            "resources": value,
            "command": value,
        },
    )


def _status(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    state = st.fixed_dictionaries(
        {},
        optional={
            "waiting": st.fixed_dictionaries({}, optional={"reason": value}) | value,
            "running": st.fixed_dictionaries({}, optional={"startedAt": value}) | value,
            "terminated": st.fixed_dictionaries(
                {},
                optional={
                    "exitCode": value,
                    "signal": value,
                    "reason": value,
                    "finishedAt": value,
                },
            )
            | value,
        },
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "name": st.sampled_from(["node", "busybox", "c"]) | value,
            "state": state | value,
            "lastState": state | value,
            "ready": value,
            "started": value,
            "restartCount": value,
        },
    )


def _list(item: st.SearchStrategy[Any], value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(item | value, max_size=3) | value


PODS = st.fixed_dictionaries(
    {},
    optional={
        "metadata": st.fixed_dictionaries(
            {},
            optional={
                "name": LEAF,
                "labels": LEAF,
                "annotations": LEAF,
                "ownerReferences": _list(
                    st.fixed_dictionaries({}, optional={"kind": LEAF, "controller": LEAF}), LEAF
                ),
                "creationTimestamp": LEAF,
                "deletionTimestamp": LEAF,
                "deletionGracePeriodSeconds": LEAF,
            },
        )
        | LEAF,
        "spec": st.fixed_dictionaries(
            {},
            optional={
                "containers": _list(_container(LEAF), LEAF),
                "initContainers": _list(_container(LEAF), LEAF),
                "ephemeralContainers": _list(_container(LEAF), LEAF),
                "volumes": _list(
                    st.fixed_dictionaries(
                        {"name": st.sampled_from(["logs", "data"]) | LEAF},
                        optional={
                            "emptyDir": LEAF,
                            "configMap": LEAF,
                            "secret": LEAF,
                            "projected": LEAF,
                            "downwardAPI": LEAF,
                            "ephemeral": LEAF,
                            "persistentVolumeClaim": LEAF,
                        },
                    ),
                    LEAF,
                ),
                "restartPolicy": LEAF,
                "nodeName": LEAF,
                "hostNetwork": LEAF,
                "terminationGracePeriodSeconds": LEAF,
            },
        )
        | LEAF,
        "status": st.fixed_dictionaries(
            {},
            optional={
                "phase": LEAF,
                "reason": LEAF,
                "conditions": _list(
                    st.fixed_dictionaries(
                        {}, optional={"type": LEAF, "status": LEAF, "reason": LEAF}
                    ),
                    LEAF,
                ),
                "podIP": LEAF,
                "podIPs": LEAF,
                "startTime": LEAF,
                "containerStatuses": _list(_status(LEAF), LEAF),
                "initContainerStatuses": _list(_status(LEAF), LEAF),
                "ephemeralContainerStatuses": _list(_status(LEAF), LEAF),
            },
        )
        | LEAF,
    },
)

FIXTURE_PODS = [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json"))]


def _damage(pod: dict, damage: list[tuple[int, int, Any]]) -> dict:
    pod = copy.deepcopy(pod)
    places = [
        pod,
        pod["metadata"],
        pod["spec"],
        pod["status"],
        *pod["spec"].get("containers", []),
        *pod["spec"].get("volumes", []),
        *pod["status"].get("containerStatuses", []),
    ]
    for where, which, junk in damage:
        target = places[where % len(places)]
        keys = sorted(target)
        if keys:
            target[keys[which % len(keys)]] = junk
    return pod


#: Real-looking pods with some fields replaced by junk at realistic places.
DAMAGED_FIXTURES = st.builds(
    _damage,
    st.sampled_from(FIXTURE_PODS),
    st.lists(st.tuples(st.integers(0, 99), st.integers(0, 99), JSON), max_size=4),
)
