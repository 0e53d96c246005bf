"""Templates against the sandbox's real API server: every built-in template makes a pod
that runs, pods are killed gracefully or forced, and bad input creates nothing.

KWOK does not run containers: it marks scheduled pods Running with an IP, its
`sandbox-container-crash` stage makes the container named by the pod's
`sandbox.podtui.dev/crash-container` annotation crash-loop, and its `pod-delete` stage
removes a pod as soon as it has a deletionTimestamp (as a kubelet would once the
containers have stopped)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubernetes import watch

from podtui.cluster.connection import connect
from podtui.cluster.errors import ClusterError
from podtui.cluster.pod_actions import ReadOnlyError, create_pod, delete_pod
from podtui.cluster.templates import Template, TemplateError, load_templates, render
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

BROKEN_TEMPLATE = """\
name: broken
title: Broken indentation
pod: |
  apiVersion: v1
  kind: Pod
  metadata:
    name: broken
   labels: {}
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


def test_builtin_templates_are_the_seven_patterns():
    templates, errors = load_templates()
    assert not errors
    assert [t.name for t in templates] == BUILTIN_NAMES
    for t in templates:
        assert t.builtin and t.title and t.description
        assert t.parameter("name") and t.parameter("namespace")


@pytest.mark.parametrize("name", [n for n in BUILTIN_NAMES if n != "crashing-sidecar"])
def test_builtin_template_creates_a_pod_that_runs(conn, namespace, name):
    manifest = render(template(name), {"namespace": namespace})
    pod_name = manifest["metadata"]["name"]

    checked = create_pod(conn, manifest, dry_run=True)
    assert checked["metadata"]["name"] == pod_name
    assert pod_names(conn, namespace) == []  # the dry run created nothing

    created = create_pod(conn, manifest)
    assert created["metadata"]["namespace"] == namespace
    pod = wait_for(lambda: running(read(conn, namespace, pod_name)), f"{name} to run", 120)

    wanted = manifest["spec"]["containers"]
    assert len(pod["spec"]["containers"]) == len(wanted) >= 1
    states = statuses(pod)
    for container in wanted:
        assert "running" in states[container["name"]]["state"], states[container["name"]]
    for init in manifest["spec"].get("initContainers") or []:
        state = states[init["name"]]["state"]
        if init.get("restartPolicy") == "Always":  # native sidecar: runs beside the app
            assert "running" in state, state
        else:  # a classic init container ran to completion before the app started
            assert state.get("terminated", {}).get("exitCode") == 0, state


def test_crashing_sidecar_crash_loops_while_the_app_keeps_running(conn, namespace):
    manifest = render(template("crashing-sidecar"), {"namespace": namespace, "name": "crashy"})
    create_pod(conn, manifest)

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


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"name": "Bad_Name"}, "name", "not a valid DNS-1123 name"),
        ({"name": "-dash"}, "name", "not a valid DNS-1123 name"),
        ({"port": "70000"}, "port", "not a valid port"),
        ({"server_image": "Not An Image"}, "server_image", "not a valid image reference"),
        ({"colour": "blue"}, "colour", "unknown parameter 'colour'"),
    ],
)
def test_invalid_parameters_create_nothing(conn, namespace, values, field, words):
    with pytest.raises(TemplateError) as caught:
        render(template("localhost-pair"), {"namespace": namespace, **values})
    message = str(caught.value)
    assert caught.value.field == field
    assert field in message and words in message and "\n" not in message
    assert pod_names(conn, namespace) == []


def test_a_value_the_server_rejects_is_named_by_the_dry_run(conn, namespace, tmp_path):
    (user_dir(tmp_path) / "policy.yaml").write_text(POLICY_TEMPLATE)
    manifest = render(template("restart-policy"), {"namespace": namespace, "policy": "Sometimes"})
    with pytest.raises(ClusterError) as caught:
        create_pod(conn, manifest, dry_run=True)
    message = str(caught.value)
    assert caught.value.status == 422
    assert "spec.restartPolicy" in message and "Sometimes" in message and "\n" not in message
    assert pod_names(conn, namespace) == []


def test_invalid_template_yaml_is_reported_with_its_line(conn, namespace, tmp_path):
    folder = user_dir(tmp_path)
    (folder / "broken.yaml").write_text(BROKEN_TEMPLATE)
    (folder / "policy.yaml").write_text(POLICY_TEMPLATE)
    templates, errors = load_templates()
    names = [t.name for t in templates]
    assert "broken" not in names
    assert names == [*BUILTIN_NAMES, "restart-policy"]  # the other templates still load
    assert len(errors) == 1
    assert str(errors[0]).startswith("broken.yaml line 8: ")
    assert pod_names(conn, namespace) == []


def test_readonly_refuses_create_and_delete(conn, namespace, admin_kubeconfig):
    manifest = render(template("localhost-pair"), {"namespace": namespace, "name": "kept"})
    create_pod(conn, manifest)
    readonly = connect(admin_kubeconfig, namespace=namespace)
    readonly.readonly = True
    try:
        other = render(template("localhost-pair"), {"namespace": namespace, "name": "never"})
        for dry_run in (True, False):
            with pytest.raises(ReadOnlyError, match="read-only mode: create pod refused"):
                create_pod(readonly, other, dry_run=dry_run)
        with pytest.raises(ReadOnlyError, match="read-only mode: delete pod refused"):
            delete_pod(readonly, namespace, "kept", force=True)
    finally:
        readonly.close()
    assert pod_names(conn, namespace) == ["kept"]
