"""Templates against the sandbox's real API server: every built-in template renders into a
pod the server accepts and stores as sent, pods are killed gracefully or forced, and a value
only the server can judge is refused by the dry run, creating nothing.

KWOK does not run containers: it marks scheduled pods Running with an IP, its
`sandbox-container-crash` stage makes the container named by the pod's
`sandbox.podtui.dev/crash-container` annotation crash-loop, and its `pod-delete` stage
removes a pod as soon as it has a deletionTimestamp (as a kubelet would once the
containers have stopped). So no test here proves that an image or a script works: what the
cluster can judge is the manifest (the dry run's verdict, the spec it stores), the
scheduling, and what podtui does with the states it reports.

Values podtui refuses before any request (bad names, ports, images, unknown parameters,
broken template YAML) are unit tests: tests/unit/test_templates.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubernetes import watch

from podtui.cluster.errors import ClusterError
from podtui.cluster.pod_actions import create_pod, delete_pod
from podtui.cluster.templates import Template, load_templates, render
from tests.conftest import wait_for
from tests.unit.test_templates import BUILTIN_NAMES

POLICY_TEMPLATE = """\
name: restart-policy
title: Restart policy (any string)
parameters:
  - {name: name, default: policy-pod, kind: dns-name}
  - {name: namespace, default: default, kind: dns-label}
  - {name: policy, default: Always}
pod: |
  apiVersion: v1
  kind: Pod
  metadata:
    name: ${name}
    namespace: ${namespace}
  spec:
    restartPolicy: ${policy}
    containers:
      - name: main
        image: busybox:1.36
"""

@pytest.fixture(autouse=True)
def no_user_templates(tmp_path, monkeypatch):
    """Never pick up the developer's own ~/.config/podtui/templates."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def template(name: str) -> Template:
    templates, errors = load_templates()
    assert not errors, [str(e) for e in errors]
    return next(t for t in templates if t.name == name)


def user_dir(tmp_path: Path) -> Path:
    path = tmp_path / "config" / "podtui" / "templates"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pod_names(conn, namespace: str) -> list[str]:
    return sorted(p.metadata.name for p in conn.core.list_namespaced_pod(namespace).items)


def read(conn, namespace: str, name: str) -> dict | None:
    import orjson

    try:
        response = conn.core.read_namespaced_pod(name, namespace, _preload_content=False)
    except Exception as exc:  # noqa: BLE001
        if getattr(exc, "status", None) == 404:
            return None
        raise
    return orjson.loads(response.data)


def statuses(pod: dict) -> dict[str, dict]:
    status = pod.get("status") or {}
    every = (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or [])
    return {c["name"]: c for c in every}


def running(pod: dict | None) -> dict | None:
    if not pod or (pod.get("status") or {}).get("phase") != "Running":
        return None
    return pod if (pod.get("status") or {}).get("podIP") else None


def difference(stored, sent, path: str = "") -> str:
    """Where `stored` lacks or changes something `sent` says ("" if nowhere): the server
    adds defaults, it must not drop or alter what the template wrote."""
    if isinstance(sent, dict):
        if not isinstance(stored, dict):
            return path or "."
        return next((d for k, v in sent.items()
                     if (d := f"{path}.{k}" if k not in stored
                         else difference(stored[k], v, f"{path}.{k}"))), "")
    if isinstance(sent, list) and all(isinstance(x, dict) and "name" in x for x in sent):
        # Named items (containers, ports, mounts): the server may add its own (the service
        # account token's volume and mounts), so each sent one is found by name.
        named = {x.get("name"): x for x in stored if isinstance(x, dict)} if isinstance(
            stored, list) else {}
        return next((d for x in sent
                     if (d := f"{path}[{x['name']}]" if x["name"] not in named
                         else difference(named[x["name"]], x, f"{path}[{x['name']}]"))), "")
    if isinstance(sent, list):
        if not isinstance(stored, list) or len(stored) != len(sent):
            return f"{path}: {sent!r} became {stored!r}"
        return next((d for i, (a, b) in enumerate(zip(stored, sent, strict=True))
                     if (d := difference(a, b, f"{path}[{i}]"))), "")
    return "" if stored == sent else f"{path}: {sent!r} became {stored!r}"


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_template_is_accepted_stored_as_sent_and_scheduled(conn, namespace, name):
    """The server's verdict on each built-in template: the dry run accepts it and stores
    nothing; the pod it creates holds every field the template wrote (images, commands,
    ports, probes, mounts, sidecars' restartPolicy); it is scheduled and reported Running.
    (Whether the image and the script work is not tested: KWOK runs no container.)"""
    manifest = render(template(name), {"namespace": namespace})
    pod_name = manifest["metadata"]["name"]

    checked = create_pod(conn, manifest, dry_run=True)
    assert checked["metadata"]["name"] == pod_name and "uid" in checked["metadata"]
    assert difference(checked["spec"], manifest["spec"]) == ""  # the dry run's verdict
    assert pod_names(conn, namespace) == []  # and it created nothing

    created = create_pod(conn, manifest)
    assert created["metadata"]["namespace"] == namespace
    pod = wait_for(lambda: running(read(conn, namespace, pod_name)), f"{name} to run", 120)
    assert difference(pod["spec"], manifest["spec"]) == ""  # stored as sent
    assert difference(pod["metadata"], manifest["metadata"]) == ""
    assert pod["spec"]["nodeName"]

    states = statuses(pod)
    crashing = manifest["metadata"].get("annotations", {}).get(
        "sandbox.podtui.dev/crash-container")
    for container in manifest["spec"]["containers"]:
        if container["name"] != crashing:  # that one: the next test
            assert "running" in states[container["name"]]["state"], states[container["name"]]
    for init in manifest["spec"].get("initContainers") or []:
        state = states[init["name"]]["state"]
        if init.get("restartPolicy") == "Always":  # native sidecar: runs beside the app
            assert "running" in state, state
        else:  # a classic init container ran to completion before the app started
            assert state.get("terminated", {}).get("exitCode") == 0, state


def test_crashing_sidecar_crash_loops_while_the_app_keeps_running(conn, namespace):
    """What the cluster reports for a sidecar that keeps exiting 1 in a restartPolicy Always
    pod: CrashLoopBackOff with a growing restart count, the app untouched. The crash itself
    is the sandbox's (KWOK acts on the annotation the template carries), so the test checks
    that the annotation names the sidecar whose script exits 1, as the server stored it."""
    manifest = render(template("crashing-sidecar"), {"namespace": namespace, "name": "crashy"})
    create_pod(conn, manifest)
    stored = read(conn, namespace, "crashy")
    crashing = stored["metadata"]["annotations"]["sandbox.podtui.dev/crash-container"]
    assert crashing == "flaky-sidecar" and stored["spec"]["restartPolicy"] == "Always"
    script = next(c for c in stored["spec"]["containers"] if c["name"] == crashing)["args"][0]
    assert script.rstrip().endswith("exit 1")

    def crash_looping():
        pod = read(conn, namespace, "crashy")
        if not running(pod):
            return None
        sidecar = statuses(pod).get("flaky-sidecar") or {}
        waiting = (sidecar.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") == "CrashLoopBackOff" and sidecar.get("restartCount", 0) >= 1:
            return pod
        return None

    pod = wait_for(crash_looping, "the sidecar to crash-loop", 120)
    states = statuses(pod)
    sidecar, app = states["flaky-sidecar"], states["app"]
    assert sidecar["ready"] is False
    assert sidecar["lastState"]["terminated"]["exitCode"] == 1
    assert "running" in app["state"] and app["ready"] is True and app["restartCount"] == 0
    assert pod["status"]["phase"] == "Running"
    # and it keeps going: the restart count grows
    first = sidecar["restartCount"]
    wait_for(
        lambda: statuses(read(conn, namespace, "crashy"))["flaky-sidecar"]["restartCount"] > first,
        "another restart",
        30,
    )


def _deletion_events(conn, namespace: str, name: str, since: str) -> list[tuple[str, dict]]:
    """The pod's watch events after resourceVersion `since`, up to its DELETED event."""
    events: list[tuple[str, dict]] = []
    stream = watch.Watch().stream(
        conn.core.list_namespaced_pod, namespace, field_selector=f"metadata.name={name}",
        resource_version=since, timeout_seconds=30,
    )
    for event in stream:
        events.append((event["type"], event["raw_object"]))
        if event["type"] == "DELETED":
            break
    return events


def test_kill_gracefully_and_forced(conn, namespace):
    pair = template("localhost-pair")
    for name in ("gentle", "forced"):
        create_pod(conn, render(pair, {"namespace": namespace, "name": name}))
    for name in ("gentle", "forced"):
        wait_for(lambda n=name: running(read(conn, namespace, n)), f"{name} to run", 120)
    before = read(conn, namespace, "gentle")
    assert before is not None and "terminationGracePeriodSeconds" in before["spec"]
    grace = before["spec"]["terminationGracePeriodSeconds"]
    assert grace > 0

    since = conn.core.list_namespaced_pod(namespace).metadata.resource_version
    result = delete_pod(conn, namespace, "gentle", force=False)
    assert result.ok, result.message
    assert result.message == f"{namespace}/gentle: deleting (graceful)"
    wait_for(lambda: read(conn, namespace, "gentle") is None, "the graceful pod to go", 30)
    events = _deletion_events(conn, namespace, "gentle", since)
    # graceful: first marked Terminating with the pod's own grace period, then removed
    # (KWOK's pod-delete stage stands in for the kubelet stopping the containers)
    marked = [o for t, o in events if t == "MODIFIED" and o["metadata"].get("deletionTimestamp")]
    assert marked, [t for t, _ in events]
    assert marked[0]["metadata"]["deletionGracePeriodSeconds"] == grace
    assert events[-1][0] == "DELETED"

    since = conn.core.list_namespaced_pod(namespace).metadata.resource_version
    result = delete_pod(conn, namespace, "forced", force=True)
    assert result.ok, result.message
    assert result.message == f"{namespace}/forced: force-deleted (grace 0)"
    assert read(conn, namespace, "forced") is None  # gone at once, no grace period
    events = _deletion_events(conn, namespace, "forced", since)
    assert events[-1][0] == "DELETED"
    assert events[-1][1]["metadata"].get("deletionGracePeriodSeconds") == 0
    assert not [o for t, o in events
                if t == "MODIFIED" and o["metadata"].get("deletionGracePeriodSeconds")]

    assert pod_names(conn, namespace) == []
    again = delete_pod(conn, namespace, "forced", force=True)
    assert not again.ok and again.message == f"pod {namespace}/forced is already gone"


def test_existing_name_is_a_409_and_creates_nothing(conn, namespace):
    manifest = render(template("adapter"), {"namespace": namespace, "name": "taken"})
    create_pod(conn, manifest)
    uid = read(conn, namespace, "taken")["metadata"]["uid"]
    for dry_run in (True, False):
        with pytest.raises(ClusterError) as caught:
            create_pod(conn, manifest, dry_run=dry_run)
        assert caught.value.status == 409
        assert str(caught.value) == (
            f"cannot create pod {namespace}/taken: a pod with that name already exists"
        )
    assert pod_names(conn, namespace) == ["taken"]
    assert read(conn, namespace, "taken")["metadata"]["uid"] == uid  # not replaced


def test_a_value_the_server_rejects_is_named_by_the_dry_run(conn, namespace, tmp_path):
    (user_dir(tmp_path) / "policy.yaml").write_text(POLICY_TEMPLATE)
    manifest = render(template("restart-policy"), {"namespace": namespace, "policy": "Sometimes"})
    with pytest.raises(ClusterError) as caught:
        create_pod(conn, manifest, dry_run=True)
    message = str(caught.value)
    assert caught.value.status == 422
    assert "spec.restartPolicy" in message and "Sometimes" in message and "\n" not in message
    assert pod_names(conn, namespace) == []
