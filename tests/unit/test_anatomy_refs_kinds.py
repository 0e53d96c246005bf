"""The one rule for container kinds and the one pod reference (podtui.anatomy.kinds,
podtui.anatomy.refs), on JSON alone."""

from __future__ import annotations

from podtui.anatomy.kinds import container_names, container_specs, running_specs
from podtui.anatomy.refs import PodRef, deleting, name_of, pod_ref, resource_version, uid_of

POD = {
    "metadata": {"namespace": "shop", "name": "web-1", "uid": "u-1", "resourceVersion": "42"},
    "spec": {
        "initContainers": [{"name": "fetch"}, {"name": "shipper", "restartPolicy": "Always"}],
        "containers": [{"name": "web"}, "not an object"],
        "ephemeralContainers": [{"name": "debugger", "targetContainerName": "web"}],
    },
}


def test_an_init_container_with_restart_policy_always_is_a_native_sidecar():
    assert [(kind, c["name"]) for kind, c in container_specs(POD["spec"])] == [
        ("init", "fetch"), ("sidecar", "shipper"), ("app", "web"), ("ephemeral", "debugger")]
    assert container_names(POD, "sidecar") == ["shipper"]
    assert container_names(POD, "init", "sidecar") == ["fetch", "shipper"]
    assert container_names(POD) == ["fetch", "shipper", "web", "debugger"]
    # What runs for the pod's life: app containers, then native sidecars.
    assert [c["name"] for c in running_specs(POD["spec"])] == ["web", "shipper"]


def test_odd_json_gives_no_containers():
    for odd in (None, {}, {"spec": None}, {"spec": {"containers": "x"}}, []):
        assert container_names(odd) == []


def test_a_pod_reference_and_its_metadata():
    ref = pod_ref(POD)
    assert ref == PodRef("shop", "web-1", "u-1") and ref.where == ("shop", "web-1")
    assert (name_of(POD), uid_of(POD), resource_version(POD)) == ("web-1", "u-1", "42")
    assert not deleting(POD)
    assert deleting({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}})
    for odd in (None, {}, {"metadata": None}, {"metadata": {"name": 7}}):
        assert pod_ref(odd) == PodRef("", "") and resource_version(odd) == ""
