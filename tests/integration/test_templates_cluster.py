"""Templates against the sandbox's real API server and real node: every built-in template
renders into a pod the server accepts and stores as sent, which really runs there (its
containers' own output says so) and reaches the state it is meant to, READY and STATUS as
the server prints them; pods are killed gracefully or forced, and a value only the server
can judge is refused by the dry run, creating nothing.

The node runs the images the sandbox builds (sandbox/images.py): busybox, node, and nginx
and httpd stand-ins (busybox httpd serving the document root on port 80, whatever the
configuration says). What a template does beyond the pod (the ambassador's remote, the
nginx access log the native sidecar ships) is not tested: the pods have no route out, and
the nginx stand-in writes no access log.

Values podtui refuses before any request (bad names, ports, images, unknown parameters,
broken template YAML) are unit tests: tests/unit/test_templates.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubernetes import watch

from podtui.anatomy import summarize
from podtui.cluster.errors import ClusterError
from podtui.cluster.pod_actions import create_pod, delete_pod
from podtui.templates import Template, load_templates, render
from tests.conftest import TABLE, read_pod, wait_for
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




def statuses(pod: dict) -> dict[str, dict]:
    status = pod.get("status") or {}
    every = (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or [])
    return {c["name"]: c for c in every}




def printed(conn, namespace: str, name: str) -> tuple[dict, dict] | None:
    """The server's Table row of the pod (`kubectl get pod`'s cells) and the pod printed."""
    import orjson

    response = conn.request("GET", f"/api/v1/namespaces/{namespace}/pods",
                            query=[("includeObject", "Object"),
                                   ("fieldSelector", f"metadata.name={name}")], accept=TABLE)
    table = orjson.loads(response.data)
    columns = [c["name"] for c in table["columnDefinitions"]]
    for row in table["rows"]:
        return dict(zip(columns, row["cells"], strict=True)), row["object"]
    return None


def log(conn, namespace: str, name: str, container: str) -> str:
    try:
        return conn.core.read_namespaced_pod_log(name, namespace, container=container) or ""
    except Exception as exc:  # noqa: BLE001
        if getattr(exc, "status", None) in (400, 404):  # not started yet
            return ""
        raise


#: What each template's pod shows when it works: (READY, STATUS), and a line one of its
#: containers prints (container, text) only if its command really ran.
INTENDED = {
    "sidecar-log-tailer": ("2/2", "Running", "busybox", "listening on port 3000"),
    "init-prepares-volume": ("1/1", "Running", "prepare",
                             "prepare: wrote index.html and default.conf"),
    "ambassador": ("2/2", "Running", "ambassador", "ambassador: 127.0.0.1:9000 -> example.com:80"),
    "adapter": ("2/2", "Running", "adapter", '"service":"orders","level":"info"'),
    "localhost-pair": ("2/2", "Running", "client",
                       ": hello from the server container of pod localhost-pair"),
    # the app alone is ready, the sidecar crash-looping (more in the next test)
    "crashing-sidecar": ("1/2", "CrashLoopBackOff", "flaky-sidecar",
                         "flaky-sidecar: started, exiting with code 1 in 10s"),
    "native-sidecar": ("2/2", "Running", "log-shipper",
                       "log-shipper: following /var/log/nginx/access.log"),
}


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


def test_every_builtin_template_says_what_it_is_meant_to_reach():
    assert sorted(INTENDED) == sorted(BUILTIN_NAMES)


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_template_is_accepted_stored_as_sent_and_runs(conn, namespace, name):
    """The server's verdict on each built-in template: the dry run accepts it and stores
    nothing; the pod it creates holds every field the template wrote (images, commands,
    ports, probes, mounts, sidecars' restartPolicy); on the real node its containers run
    (classic init containers to completion, native sidecars beside the app), the probes
    pass, a container prints what its command says, and podtui's READY and STATUS are
    what the server prints."""
    manifest = render(template(name), {"namespace": namespace})
    pod_name = manifest["metadata"]["name"]
    ready, status, container, line = INTENDED[name]

    checked = create_pod(conn, manifest, dry_run=True)
    assert checked["metadata"]["name"] == pod_name and "uid" in checked["metadata"]
    assert difference(checked["spec"], manifest["spec"]) == ""  # the dry run's verdict
    assert pod_names(conn, namespace) == []  # and it created nothing

    created = create_pod(conn, manifest)
    assert created["metadata"]["namespace"] == namespace
    cells, pod = wait_for(
        lambda: (row := printed(conn, namespace, pod_name))
        and (row[0]["Ready"], row[0]["Status"]) == (ready, status) and row,
        f"{name} {ready} {status}", 120)
    mine = summarize(pod)
    assert (mine.ready_text(), mine.status) == (cells["Ready"], cells["Status"])
    assert difference(pod["spec"], manifest["spec"]) == ""  # stored as sent
    assert difference(pod["metadata"], manifest["metadata"]) == ""
    assert pod["spec"]["nodeName"] == "localhost"  # the real node, not a KWOK one

    states = statuses(pod)
    for spec in manifest["spec"]["containers"]:
        if spec["name"] != "flaky-sidecar":  # that one crash-loops: the next test
            assert "running" in states[spec["name"]]["state"], states[spec["name"]]
            assert states[spec["name"]]["ready"] is True, states[spec["name"]]
    for init in manifest["spec"].get("initContainers") or []:
        state = states[init["name"]]["state"]
        if init.get("restartPolicy") == "Always":  # native sidecar: runs beside the app
            assert "running" in state, state
        else:  # a classic init container ran to completion before the app started
            assert state.get("terminated", {}).get("exitCode") == 0, state
    wait_for(lambda: line in log(conn, namespace, pod_name, container),
             f"{container}'s line {line!r}", 60)


def test_crashing_sidecar_crash_loops_while_the_app_keeps_running(conn, namespace):
    """A sidecar whose command exits 1 in a restartPolicy Always pod: the kubelet restarts
    it with a growing back-off (CrashLoopBackOff), the app untouched."""
    manifest = render(template("crashing-sidecar"), {"namespace": namespace, "name": "crashy",
                                                     "crash_after": "2"})
    create_pod(conn, manifest)

    def crash_looping():
        row = printed(conn, namespace, "crashy")
        if not row or row[0]["Status"] != "CrashLoopBackOff":
            return None
        sidecar = statuses(row[1]).get("flaky-sidecar") or {}
        return row if "terminated" in (sidecar.get("lastState") or {}) else None

    cells, pod = wait_for(crash_looping, "the sidecar to crash-loop", 120)
    mine = summarize(pod)
    assert (mine.ready_text(), mine.status) == (cells["Ready"], cells["Status"]) == (
        "1/2", "CrashLoopBackOff")
    states = statuses(pod)
    sidecar, app = states["flaky-sidecar"], states["app"]
    assert sidecar["ready"] is False
    assert sidecar["lastState"]["terminated"]["exitCode"] == 1
    assert "running" in app["state"] and app["ready"] is True and app["restartCount"] == 0
    assert pod["status"]["phase"] == "Running"
    previous = conn.core.read_namespaced_pod_log("crashy", namespace,
                                                 container="flaky-sidecar", previous=True)
    assert "flaky-sidecar: something went wrong, exit 1" in previous  # its stderr, for real
    # and it keeps going: the restart count grows
    first = sidecar["restartCount"]
    wait_for(
        lambda: statuses(read_pod(conn, namespace, "crashy"))["flaky-sidecar"]["restartCount"]
        > first,
        "another restart",
        60,
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
    """localhost-pair's containers (busybox httpd and a sh loop, each PID 1) ignore SIGTERM:
    a graceful delete lasts their whole grace period; a forced one does not wait."""
    pair = template("localhost-pair")
    for name in ("gentle", "forced"):
        create_pod(conn, render(pair, {"namespace": namespace, "name": name}))
    for name in ("gentle", "forced"):
        wait_for(lambda n=name: running(read_pod(conn, namespace, n)), f"{name} to run", 120)
    before = read_pod(conn, namespace, "gentle")
    assert before is not None and "terminationGracePeriodSeconds" in before["spec"]
    grace = before["spec"]["terminationGracePeriodSeconds"]
    assert grace > 0

    since = conn.core.list_namespaced_pod(namespace).metadata.resource_version
    result = delete_pod(conn, namespace, "gentle", force=False)
    assert result.ok, result.message
    assert result.message == f"{namespace}/gentle: deleting (graceful)"
    assert read_pod(conn, namespace, "gentle")["metadata"]["deletionTimestamp"]  # still there
    wait_for(lambda: read_pod(conn, namespace, "gentle") is None, "the graceful pod to go",
             grace + 60)
    events = _deletion_events(conn, namespace, "gentle", since)
    # graceful: first marked Terminating with the pod's own grace period, then removed
    # once the kubelet has stopped the containers
    marked = [o for t, o in events if t == "MODIFIED" and o["metadata"].get("deletionTimestamp")]
    assert marked, [t for t, _ in events]
    assert marked[0]["metadata"]["deletionGracePeriodSeconds"] == grace
    assert events[-1][0] == "DELETED"

    since = conn.core.list_namespaced_pod(namespace).metadata.resource_version
    result = delete_pod(conn, namespace, "forced", force=True)
    assert result.ok, result.message
    assert result.message == f"{namespace}/forced: force-deleted (grace 0)"
    assert read_pod(conn, namespace, "forced") is None  # gone at once, no grace period
    events = _deletion_events(conn, namespace, "forced", since)
    assert events[-1][0] == "DELETED"
    assert events[-1][1]["metadata"].get("deletionGracePeriodSeconds") == 0
    # (the same request marks it with grace 0, then removes it: no version with time left)
    assert not [o for t, o in events
                if t == "MODIFIED" and o["metadata"].get("deletionGracePeriodSeconds")]

    assert pod_names(conn, namespace) == []
    again = delete_pod(conn, namespace, "forced", force=True)
    assert not again.ok and again.message == f"pod {namespace}/forced is already gone"


def test_existing_name_is_a_409_and_creates_nothing(conn, namespace):
    manifest = render(template("adapter"), {"namespace": namespace, "name": "taken"})
    create_pod(conn, manifest)
    uid = read_pod(conn, namespace, "taken")["metadata"]["uid"]
    for dry_run in (True, False):
        with pytest.raises(ClusterError) as caught:
            create_pod(conn, manifest, dry_run=dry_run)
        assert caught.value.status == 409
        assert str(caught.value) == (
            f"cannot create pod {namespace}/taken: a pod with that name already exists"
        )
    assert pod_names(conn, namespace) == ["taken"]
    assert read_pod(conn, namespace, "taken")["metadata"]["uid"] == uid  # not replaced


def test_a_value_the_server_rejects_is_named_by_the_dry_run(conn, namespace, tmp_path):
    (user_dir(tmp_path) / "policy.yaml").write_text(POLICY_TEMPLATE)
    manifest = render(template("restart-policy"), {"namespace": namespace, "policy": "Sometimes"})
    with pytest.raises(ClusterError) as caught:
        create_pod(conn, manifest, dry_run=True)
    message = str(caught.value)
    assert caught.value.status == 422
    assert "spec.restartPolicy" in message and "Sometimes" in message and "\n" not in message
    assert pod_names(conn, namespace) == []
