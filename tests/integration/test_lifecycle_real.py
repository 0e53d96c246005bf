"""Pod lifecycles on the sandbox's real node (kubelet, containerd, runc): what really happens
to a container, and that podtui names it as the API server's own pod printer does.

Each test makes the state happen for real (a graceful delete that waits for the app's
SIGTERM handling, a forced one, a container over its memory limit, a command that fails,
a failing readiness probe, the Kubernetes docs' Job with a native sidecar, an image that
does not exist) and compares podtui's READY and STATUS, as its pod list computes them (the
PodFeed: watch, cache, anatomy.summarize), with the server's Table (`kubectl get pods`'s
columns), read from the same version of the pod."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from kubernetes import watch

from podtui.anatomy import PodSummary, parse_time, summarize
from podtui.cluster.pod_actions import create_pod, delete_pod
from podtui.cluster.pod_feed import PodFeed
from podtui.templates import load_templates, render
from tests.conftest import TABLE, read_pod, server_table, wait_for

#: A pod's start on the real node (image already there) takes seconds; a pull back-off or
#: a crash loop's second restart tens of seconds.
START = 90


@pytest.fixture(autouse=True)
def no_user_templates(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


class Watched:
    """podtui's pod list without the screen: the feed of the namespace, and every STATUS it
    showed for each pod name, in order (taken as the list takes them, on each change)."""

    def __init__(self, conn, namespace: str) -> None:
        self.feed = PodFeed(conn, namespace)
        self.shown: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self.feed.on_change = self.take

    def take(self) -> None:
        """What the list does on each change (the feed calls on_change again only once
        what waits has been taken)."""
        _delta, rows, _status = self.feed.take()
        with self._lock:
            for summary in rows.values():
                seen = self.shown.setdefault(summary.name, [])
                if not seen or seen[-1] != summary.status:
                    seen.append(summary.status)

    def statuses(self, name: str) -> list[str]:
        with self._lock:
            return list(self.shown.get(name, []))

    def row(self, name: str) -> tuple[PodSummary, dict] | None:
        """The list's row of the pod called `name` and the pod it was made from."""
        with self.feed.lock:
            found = next(((uid, s) for uid, s in self.feed.cache.summaries.items()
                          if s.name == name), None)
            data = self.feed.cache.pods.get(found[0]) if found else None
        return None if data is None else (found[1], orjson.loads(data))


@pytest.fixture
def podtui(conn, namespace):
    watched = Watched(conn, namespace)
    watched.feed.start()
    wait_for(lambda: watched.feed.cache.synced, "the first list")
    watched.take()
    yield watched
    watched.feed.stop()




def same_as_the_server(conn, podtui: Watched, namespace: str, name: str,
                       when=lambda cells, pod: True, what: str = "",
                       timeout: float = START) -> tuple[dict, dict]:
    """Waits until the server's Table shows `name` as `when` wants, with podtui's list on the
    same resourceVersion; asserts podtui's READY and STATUS are the Table's. Returns the
    Table's cells and the pod."""

    def both():
        cells, pod = server_table(conn, namespace).get(name, (None, None))
        if cells is None or not when(cells, pod):
            return None
        ours = podtui.row(name)
        version = pod["metadata"]["resourceVersion"]
        if ours is None or ours[1]["metadata"]["resourceVersion"] != version:
            return None
        return cells, pod, ours[0]

    cells, pod, row = wait_for(both, what or f"{name} in the server's Table", timeout)
    assert (row.ready_text(), row.status) == (cells["Ready"], cells["Status"])
    assert str(row.restarts) == cells["Restarts"].split()[0]
    return cells, pod


class TableWatch:
    """`kubectl get pods -w` of the namespace: the server's Table row of every pod version it
    stores from `since` on, with the pod printed, read in a thread."""

    def __init__(self, conn, namespace: str, since: str) -> None:
        self.events: list[tuple[str, dict, dict]] = []
        self._lock = threading.Lock()
        query = [("watch", "true"), ("resourceVersion", since), ("includeObject", "Object"),
                 ("timeoutSeconds", 600)]
        self._response = conn.request("GET", f"/api/v1/namespaces/{namespace}/pods", query,
                                      accept=TABLE, timeout=(5, 620))
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        columns: list[str] = []
        pending = b""
        try:
            for chunk in self._response.stream(4096, decode_content=True):
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    event = orjson.loads(line)
                    table = event["object"]
                    # Only the first event defines the columns.
                    columns = [c["name"] for c in table.get("columnDefinitions") or []] or columns
                    with self._lock:
                        self.events += [(event["type"],
                                         dict(zip(columns, row["cells"], strict=True)),
                                         row["object"]) for row in table.get("rows") or []]
        except Exception:  # noqa: BLE001, S110 - stop() cut the stream
            pass

    def stop(self) -> None:
        self._response.shutdown()
        self._thread.join(5)
        self._response.release_conn()

    def of(self, name: str) -> list[tuple[str, dict, dict]]:
        with self._lock:
            return [e for e in self.events if e[1]["Name"] == name]

    def statuses(self, name: str) -> list[str]:
        out: list[str] = []
        for _type, cells, _pod in self.of(name):
            if not out or out[-1] != cells["Status"]:
                out.append(cells["Status"])
        return out


@pytest.fixture
def printed(conn, namespace):
    """The server's Table, watched from before the test's first pod."""
    since = conn.core.list_namespaced_pod(namespace).metadata.resource_version
    table = TableWatch(conn, namespace, since)
    yield table
    table.stop()


def same_history(podtui: Watched, printed: TableWatch, name: str) -> list[str]:
    """Every version of the pod the server printed, podtui summarised alike (READY, STATUS,
    restarts); and its list showed the same STATUS sequence. Returns that sequence."""
    for _type, cells, pod in printed.of(name):
        mine = summarize(pod)
        assert (mine.ready_text(), mine.status) == (cells["Ready"], cells["Status"]), cells
        assert str(mine.restarts) == cells["Restarts"].split()[0]
    # The two watches converge (each saw every version, maybe not yet the latest).
    wait_for(lambda: printed.statuses(name) and podtui.statuses(name) == printed.statuses(name),
             f"podtui's statuses of {name} to be the server's: {podtui.statuses(name)} vs "
             f"{printed.statuses(name)}", 10)
    return printed.statuses(name)


def status_is(*wanted: str):
    return lambda cells, _pod: cells["Status"] in wanted


def statuses(pod: dict) -> dict[str, dict]:
    status = pod.get("status") or {}
    every = (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or [])
    return {c["name"]: c for c in every}




def log(conn, namespace: str, name: str, container: str, previous: bool = False) -> str:
    try:
        return conn.core.read_namespaced_pod_log(name, namespace, container=container,
                                                 previous=previous) or ""
    except Exception as exc:  # noqa: BLE001
        if getattr(exc, "status", None) in (400, 404):  # not started yet, or gone
            return ""
        raise


def template(name: str):
    templates, errors = load_templates()
    assert not errors
    return next(t for t in templates if t.name == name)


def pod(name: str, *containers: dict, **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": list(containers), "terminationGracePeriodSeconds": 1,
                     **spec}}


def busybox(name: str, script: str, **extra) -> dict:
    return {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script], **extra}


# --- (a) deletes -----------------------------------------------------------------------------


def test_graceful_delete_waits_for_the_containers_and_the_app_hears_sigterm(
        conn, namespace, podtui, printed):
    """The seed's pattern (sidecar-log-tailer, the template's own 30 s grace period): the pod
    stays on the server, Terminating, with a deletionTimestamp at the END of its grace
    period; node logs its SIGTERM line, which busybox's `tail -F` prints; busybox, PID 1
    without a SIGTERM handler, ignores the signal, so the kubelet kills it when the grace
    period is over, and only then is the pod gone."""
    manifest = render(template("sidecar-log-tailer"), {"namespace": namespace,
                                                      "name": "tailer"})
    create_pod(conn, manifest)
    same_as_the_server(conn, podtui, namespace, "tailer",
                       lambda cells, _: (cells["Ready"], cells["Status"]) == ("2/2", "Running"),
                       "the tailer Running and Ready")
    wait_for(lambda: "listening on port 3000" in log(conn, namespace, "tailer", "busybox"),
             "node's first line, through the shared file, in busybox's log")

    before = read_pod(conn, namespace, "tailer")
    grace = before["spec"]["terminationGracePeriodSeconds"]
    assert grace == 30  # the API server's default: the template sets none
    asked = datetime.now(UTC)
    result = delete_pod(conn, namespace, "tailer", force=False)
    assert result.ok and result.message == f"{namespace}/tailer: deleting (graceful)"

    marked = read_pod(conn, namespace, "tailer")
    assert marked is not None, "a graceful delete keeps the pod until its containers stopped"
    assert marked["metadata"]["uid"] == before["metadata"]["uid"]
    assert marked["metadata"]["deletionGracePeriodSeconds"] == grace
    ends = parse_time(marked["metadata"]["deletionTimestamp"])
    # When the grace period ends, not when the delete was asked (second precision).
    assert abs((ends - asked).total_seconds() - grace) <= 2, (ends, asked)

    same_as_the_server(conn, podtui, namespace, "tailer", status_is("Terminating"),
                       "Terminating")
    row, _pod = podtui.row("tailer")
    left = int(re.fullmatch(r"Terminating \((\d+)s\)", row.status_text(datetime.now(UTC)))[1])
    assert grace - 5 <= left <= grace

    wait_for(lambda: "SIGTERM: shutting down" in log(conn, namespace, "tailer", "busybox"),
             "the app's SIGTERM line in busybox's log", grace)
    assert read_pod(conn, namespace, "tailer") is not None  # the grace period is not over

    wait_for(lambda: read_pod(conn, namespace, "tailer") is None, "the pod to go", grace + 60)
    took = (datetime.now(UTC) - asked).total_seconds()
    assert took >= grace - 2, f"gone after {took:.1f}s: the grace period was not waited"
    wait_for(lambda: podtui.row("tailer") is None, "the row to go")
    wait_for(lambda: printed.of("tailer")[-1][0] == "DELETED", "the Table's last row")
    seen = same_history(podtui, printed, "tailer")
    # Running, Terminating (its containers stopping) and, at the last moment, what they
    # ended as (the kubelet makes the phase terminal before it removes the pod).
    assert seen[seen.index("Running"):][:2] == ["Running", "Terminating"], seen

    # The last version: what the kubelet found when it had stopped both containers.
    last = statuses(printed.of("tailer")[-1][2])
    node, tailer = last["node"]["state"]["terminated"], last["busybox"]["state"]["terminated"]
    assert node["exitCode"] == 0  # its SIGTERM handler: process.exit(0), at once
    assert parse_time(node["finishedAt"]) <= asked.replace(microsecond=0) + timedelta(seconds=3)
    # tail -F, PID 1, ignored the signal: killed (SIGKILL, 137) when the grace period ended
    assert tailer["exitCode"] == 137
    assert abs((parse_time(tailer["finishedAt"]) - ends).total_seconds()) <= 2


def _events_until_deleted(conn, namespace: str, name: str, since: str) -> list[tuple[str, dict]]:
    events: list[tuple[str, dict]] = []
    for event in watch.Watch().stream(conn.core.list_namespaced_pod, namespace,
                                      field_selector=f"metadata.name={name}",
                                      resource_version=since, timeout_seconds=30):
        events.append((event["type"], event["raw_object"]))
        if event["type"] == "DELETED":
            break
    return events


def test_forced_delete_is_gone_at_once(conn, namespace, podtui, printed):
    """grace 0 (kubectl delete --grace-period=0 --force): the API server removes the pod in
    the same request, without waiting for the kubelet, although the same pod's graceful
    delete lasts 30 s (busybox's tail ignores SIGTERM)."""
    manifest = render(template("sidecar-log-tailer"), {"namespace": namespace,
                                                      "name": "forced"})
    create_pod(conn, manifest)
    same_as_the_server(conn, podtui, namespace, "forced",
                       lambda cells, _: (cells["Ready"], cells["Status"]) == ("2/2", "Running"),
                       "the pod Running and Ready")
    since = conn.core.list_namespaced_pod(namespace).metadata.resource_version
    result = delete_pod(conn, namespace, "forced", force=True)
    assert result.ok and result.message == f"{namespace}/forced: force-deleted (grace 0)"
    assert read_pod(conn, namespace, "forced") is None  # at once
    events = _events_until_deleted(conn, namespace, "forced", since)
    assert events[-1][0] == "DELETED"
    # The one request marks the pod (grace 0: its deletionTimestamp is the delete's time,
    # nothing left to wait) and removes it: the pod's next event is its deletion, with no
    # kubelet update between. (Resource versions are cluster-wide: other tests' writes can
    # fall between the two, so they are not compared.)
    first = next(i for i, (_t, o) in enumerate(events) if o["metadata"].get("deletionTimestamp"))
    assert [t for t, _o in events[first:]] in (["MODIFIED", "DELETED"], ["DELETED"]), events
    assert {o["metadata"]["deletionGracePeriodSeconds"] for _t, o in events[first:]} == {0}
    wait_for(lambda: podtui.row("forced") is None, "the row to go")
    wait_for(lambda: printed.of("forced")[-1][0] == "DELETED", "the Table's last row")
    same_history(podtui, printed, "forced")


# --- (b) over the memory limit ---------------------------------------------------------------

#: Each instance counts itself in the emptyDir (which outlives container restarts), says
#: when it started, then has tail hold 200 MiB of /dev/zero (one endless line) in memory.
HOG = """\
n=$(( $(cat /data/instance 2>/dev/null || echo 0) + 1 ))
echo "$n" > /data/instance
echo "instance $n started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
head -c 200m /dev/zero | tail
"""


def test_a_container_over_its_memory_limit_is_oom_killed_and_restarted(conn, namespace,
                                                                       podtui, printed):
    limits = {"memory": "64Mi", "cpu": "200m"}
    conn.core.create_namespaced_pod(namespace, pod(
        "hog", busybox("hog", HOG, resources={"limits": limits, "requests": limits},
                       volumeMounts=[{"name": "data", "mountPath": "/data"}]),
        volumes=[{"name": "data", "emptyDir": {}}]))

    def restarted_twice(cells, pod):
        hog = statuses(pod).get("hog") or {}
        return hog.get("restartCount", 0) >= 2 and "terminated" in (hog.get("lastState") or {})

    cells, shown = same_as_the_server(conn, podtui, namespace, "hog", restarted_twice,
                                      "two OOM kills", START + 60)
    last = statuses(shown)["hog"]["lastState"]["terminated"]
    assert (last["reason"], last["exitCode"]) == ("OOMKilled", 137)
    # Between restarts the list shows the kill itself, as the server prints it.
    seen = same_history(podtui, printed, "hog")
    assert "OOMKilled" in seen and "CrashLoopBackOff" in seen, seen

    def previous_instance():
        """The previous instance's log with the lastState that describes it, read so that
        no restart came in between (the same last containerID before and after)."""
        first = statuses(read_pod(conn, namespace, "hog"))["hog"]
        text = log(conn, namespace, "hog", "hog", previous=True)
        again = statuses(read_pod(conn, namespace, "hog"))["hog"]
        term = (first.get("lastState") or {}).get("terminated") or {}
        same = term.get("containerID") and term == (again.get("lastState") or {}).get(
            "terminated")
        return same and text and (text, term, first["restartCount"])

    text, term, restarts = wait_for(previous_instance, "the previous instance's log", 60)
    lines = [line for line in text.splitlines() if line.startswith("instance ")]
    assert len(lines) == 1, text  # one instance's output, not the running one's
    number, started = re.fullmatch(r"instance (\d+) started (\S+)", lines[0]).groups()
    assert int(number) >= 2 and restarts >= int(number) - 1
    # It is the instance lastState describes: it printed its start inside that lifetime.
    said = parse_time(started)
    assert parse_time(term["startedAt"]) - timedelta(seconds=1) <= said
    assert said <= parse_time(term["finishedAt"]) + timedelta(seconds=1)

    before = restarts
    wait_for(lambda: statuses(read_pod(conn, namespace, "hog"))["hog"]["restartCount"] > before,
             "the restart count to grow", START + 60)


# --- (c) a command that fails ----------------------------------------------------------------


def test_a_failing_command_crash_loops_with_its_exit_code(conn, namespace, podtui, printed):
    conn.core.create_namespaced_pod(namespace, pod(
        "fails", busybox("app", 'echo "app: giving up"; exit 3')))
    cells, shown = same_as_the_server(
        conn, podtui, namespace, "fails",
        lambda cells, pod: cells["Status"] == "CrashLoopBackOff"
        and "terminated" in (statuses(pod)["app"].get("lastState") or {}),
        "CrashLoopBackOff")
    assert cells["Ready"] == "0/1"
    app = statuses(shown)["app"]
    assert app["lastState"]["terminated"]["exitCode"] == 3
    assert app["lastState"]["terminated"]["reason"] == "Error"
    assert app["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert "app: giving up" in log(conn, namespace, "fails", "app", previous=True)
    # Before the back-off, the list showed the exit itself: Error (kubectl's name for it).
    seen = same_history(podtui, printed, "fails")
    assert seen.index("Error") < seen.index("CrashLoopBackOff"), seen


# --- (d) readiness ---------------------------------------------------------------------------

#: Ready while /tmp/ready exists: the first 8 seconds.
READY_THEN_NOT = """\
touch /tmp/ready
echo "ready for 8 seconds"
sleep 8
rm /tmp/ready
echo "no longer ready"
exec sleep 3600
"""
PROBE = {"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 1,
         "failureThreshold": 1, "successThreshold": 1}


def test_a_failing_readiness_probe_makes_the_pod_not_ready(conn, namespace, podtui, printed):
    """The kubelet's probe really fails (cat of a file the app removed): the container stays
    running, unready, and so does the pod (its Ready condition False). The server's printer
    then says 0/1 Running: the STATUS NotReady is for a pod whose ready containers run beside
    a completed one, the second pod here."""
    conn.core.create_namespaced_pod(namespace, pod(
        "probed", busybox("app", READY_THEN_NOT, readinessProbe=PROBE)))
    same_as_the_server(conn, podtui, namespace, "probed",
                       lambda cells, _: (cells["Ready"], cells["Status"]) == ("1/1", "Running"),
                       "ready first")
    cells, shown = same_as_the_server(
        conn, podtui, namespace, "probed",
        lambda cells, _: (cells["Ready"], cells["Status"]) == ("0/1", "Running"),
        "not ready once the probe fails", 60)
    app = statuses(shown)["app"]
    assert app["ready"] is False and "running" in app["state"] and app["restartCount"] == 0
    ready = next(c for c in shown["status"]["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "ContainersNotReady")
    def unready_after_ready():
        readiness = [(c["Ready"], c["Status"]) for _t, c, _p in printed.of("probed")]
        ready_from = readiness.index(("1/1", "Running"))  # once the probe first passed
        return ("0/1", "Running") in readiness[ready_from:]

    # The Table's watch may trail the GET that saw the change.
    wait_for(unready_after_ready, "the Table's watch to print 0/1 Running after 1/1")
    same_history(podtui, printed, "probed")

    conn.core.create_namespaced_pod(namespace, pod(
        "half-done", busybox("setup", 'echo "setup: done"'),
        busybox("app", "touch /tmp/ready; exec sleep 3600", readinessProbe=PROBE),
        restartPolicy="Never"))
    cells, shown = same_as_the_server(conn, podtui, namespace, "half-done",
                                      status_is("NotReady"), "NotReady")
    assert cells["Ready"] == "1/2"
    assert statuses(shown)["setup"]["state"]["terminated"]["reason"] == "Completed"
    same_history(podtui, printed, "half-done")


# --- (e) the docs' Job with a native sidecar -------------------------------------------------

#: https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/ (job-sidecar.yaml),
#: with busybox for alpine:latest, an image the sandbox does not have.
DOCS_JOB = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"name": "myjob"},
    "spec": {"template": {"spec": {
        "containers": [{
            "name": "myjob", "image": "busybox:1.36",
            "command": ["sh", "-c", 'echo "logging" > /opt/logs.txt'],
            "volumeMounts": [{"name": "data", "mountPath": "/opt"}]}],
        "initContainers": [{
            "name": "logshipper", "image": "busybox:1.36", "restartPolicy": "Always",
            "command": ["sh", "-c", "tail -F /opt/logs.txt"],
            "volumeMounts": [{"name": "data", "mountPath": "/opt"}]}],
        "restartPolicy": "Never",
        "volumes": [{"name": "data", "emptyDir": {}}],
    }}},
}


def test_the_docs_job_with_a_native_sidecar_completes(conn, namespace, podtui, printed):
    from kubernetes.client import BatchV1Api

    BatchV1Api(conn.api).create_namespaced_job(namespace, DOCS_JOB)
    name = wait_for(lambda: next(iter(server_table(conn, namespace)), None), "the Job's pod")
    assert name.startswith("myjob-")
    wait_for(lambda: "logging" in log(conn, namespace, name, "logshipper"),
             "the shipper's copy of the job's line")
    # The kubelet stops the sidecar once the job's container is done: the pod Succeeds.
    cells, shown = same_as_the_server(
        conn, podtui, namespace, name,
        lambda cells, pod: (cells["Ready"], cells["Status"]) == ("0/2", "Completed")
        and pod["status"]["phase"] == "Succeeded", "the pod 0/2 Completed", START + 60)
    states = statuses(shown)
    assert states["myjob"]["state"]["terminated"]["exitCode"] == 0
    # `sh -c 'tail -F ...'`: tail, PID 1, ignores the kubelet's SIGTERM and is killed when
    # the pod's grace period (30 s) ends; the pod succeeds all the same.
    assert states["logshipper"]["state"]["terminated"]["exitCode"] == 137
    wait_for(lambda: (BatchV1Api(conn.api).read_namespaced_job_status("myjob", namespace)
                      .status.succeeded == 1), "the Job to count the success")
    seen = same_history(podtui, printed, name)
    assert seen[0] == "Pending" and seen[-1] == "Completed", seen


# --- (f) an image that does not exist --------------------------------------------------------


def test_an_image_that_does_not_exist_ends_in_image_pull_backoff(conn, namespace, podtui,
                                                                 printed):
    """The node really pulls (from the sandbox's registry, which has no such tag):
    ErrImagePull, then ImagePullBackOff; the other container runs, the pod stays Pending."""
    missing = "busybox:0.0-podtui-no-such-tag"
    conn.core.create_namespaced_pod(namespace, pod(
        "bad-image", {"name": "app", "image": missing, "command": ["sleep", "3600"]},
        busybox("side", "exec sleep 3600")))
    cells, shown = same_as_the_server(conn, podtui, namespace, "bad-image",
                                      status_is("ImagePullBackOff"), "ImagePullBackOff")
    assert cells["Ready"] == "1/2"
    assert shown["status"]["phase"] == "Pending"
    states = statuses(shown)
    assert not states["app"].get("imageID") and not states["app"].get("containerID")
    assert "not found" in states["app"]["state"]["waiting"]["message"]
    assert states["side"]["ready"] is True and "running" in states["side"]["state"]

    # Every version the server stored, in order: ErrImagePull came first; podtui's list
    # showed the same.
    seen = same_history(podtui, printed, "bad-image")
    assert seen[-2:] == ["ErrImagePull", "ImagePullBackOff"], seen
