"""What a pod does, observed for the behavioural checks through podtui's cluster layer: a
command run in a container (pods/exec), a container's log (current or previous instance),
an HTTP request to a port of the pod (pods/portforward), a container watched over a few
seconds (its restart count and readiness).

`observe` runs every probe the checks need at once (threads: the windows overlap) and
returns the observations keyed by :func:`podtui.drills.checks.probe_key`; the checks read
them from ``snapshot["probe"]``. An observation says what was seen, or in ``error`` why
nothing could be (the pod is gone, the container is not running): never what was expected.
"""

from __future__ import annotations

import http.client
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from podtui.cluster import exec as cluster_exec
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, describe
from podtui.cluster.logs.read import read_log
from podtui.cluster.pods import get_pod
from podtui.cluster.portforward import Forward
from podtui.drills.checks import Snapshot, container_view, holds, probe_key, show
from podtui.drills.model import Check

#: Seconds a command in a container may take; an HTTP request.
EXEC_SECONDS = 10.0
HTTP_SECONDS = 5.0
#: Seconds between two looks at a watched container (or a log read again).
LOOK_SECONDS = 0.5
#: Seconds a log may take to show what a command run beside it caused.
AFTER_SECONDS = 6.0


def _up_for(status: dict) -> float:
    """Seconds since the container's current run started (0 if it is not running)."""
    started = (((status.get("state") or {}).get("running") or {}).get("startedAt") or "")
    try:
        when = datetime.strptime(started, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return 0.0
    return time.time() - when.timestamp()


def _state(status: dict | None) -> str:
    """`waiting: CrashLoopBackOff`, `terminated: Error`, `running`, or `not started`."""
    state = (status or {}).get("state") or {}
    for key in ("waiting", "terminated"):
        if isinstance(state.get(key), dict):
            reason = state[key].get("reason") or ""
            return f"{key}: {reason}" if reason else key
    return "running" if "running" in state else "not started"


def _not_running(snapshot: Snapshot, pod: str, container: str) -> str:
    """Why a command cannot run in the container now, or ''."""
    obj = (snapshot.get("pod") or {}).get(pod)
    if not isinstance(obj, dict):
        return f"pod `{pod}` not found"
    view = container_view(obj, "pod", container)
    if view is None:
        return f"pod `{pod}` has no container `{container}`"
    state = _state(view.get("status"))
    return "" if state == "running" else f"`{container}` is not running ({state})"


def _exec(conn: Connection, namespace: str, check: Check, snapshot: Snapshot) -> dict:
    pod, container = check.scope[0][1], dict(check.scope[1:]).get("container", "")
    why = _not_running(snapshot, pod, container)
    if why:
        return {"error": why}
    command = check.probe[1]
    argv = ["sh", "-c", command] if isinstance(command, str) else list(command)
    try:
        done = cluster_exec.run(conn, namespace, pod, container, argv, timeout=EXEC_SECONDS)
    except ClusterError as exc:
        return {"error": f"cannot run a command in `{container}`: {describe(exc)}"}
    if done.exit_code is None:
        if cluster_exec.missing_command(done.error):
            return {"exit": 127, "output": done.stdout + done.stderr}
        return {"error": f"a command in `{container}` did not finish: {done.error}"}
    return {"exit": done.exit_code, "output": done.stdout + done.stderr}


def _log(conn: Connection, namespace: str, check: Check, snapshot: Snapshot) -> dict:
    pod, container = check.scope[0][1], dict(check.scope[1:]).get("container", "")
    previous = check.probe[1] == "previous"
    obj = (snapshot.get("pod") or {}).get(pod)
    if not isinstance(obj, dict):
        return {"error": f"pod `{pod}` not found"}
    view = container_view(obj, "pod", container)
    if view is None:
        return {"error": f"pod `{pod}` has no container `{container}`"}

    def read() -> dict:
        try:
            return {"text": read_log(conn, namespace, pod, container, previous=previous)}
        except ClusterError as exc:
            if exc.status == 400:
                if previous:
                    return {"error": f"`{container}` has no previous instance (it has not "
                                     "restarted)"}
                return {"error": f"`{container}` has no log yet "
                                 f"({_state(view.get('status'))})"}
            return {"error": f"cannot read the log of `{container}`: {describe(exc)}"}

    seen = read()
    if len(check.probe) == 2 or "error" in seen:
        return seen
    # What a container prints after a change beside it counts only from the instance that
    # was running before it: one restarted meanwhile reads the files anew, it did not
    # follow them (a `tail` without -F in a crash loop would pass by its restart's timing).
    why = _not_running(snapshot, pod, container)
    if why:
        return {"error": why}
    after = _log_after(conn, namespace, check, snapshot, seen["text"], read)
    if "error" in after:
        return after
    try:
        now = container_view(get_pod(conn, namespace, pod), "pod", container)
    except ClusterError as exc:
        return {"error": describe(exc)}
    if _instance(now) != _instance(view):
        return {"error": f"`{container}` restarted meanwhile: a new instance printed the "
                         "file again, not one that followed it"}
    return after


def _instance(view: dict | None) -> str:
    """Which run of the container this is (its container ID changes at each restart)."""
    return str(((view or {}).get("status") or {}).get("containerID") or "")


def _log_after(conn: Connection, namespace: str, check: Check, snapshot: Snapshot,
               before: str, read) -> dict:
    """What the container prints once a command has run in another one: the lines after
    those read before it, read again until they meet the check or the time is up (a
    follower notices a change at its own pace)."""
    _, _, other, command = check.probe
    done = _exec(conn, namespace, Check("", (check.scope[0], ("container", other)), "",
                                        "exists", True, probe=("exec", command)), snapshot)
    if "error" in done:
        return done
    if done["exit"] != 0:
        return {"error": f"{show(command)} in `{other}` exited {done['exit']}"}
    skip = len(before.splitlines())
    end = time.monotonic() + AFTER_SECONDS
    while True:
        seen = read()
        if "error" in seen:
            return seen
        text = "\n".join(seen["text"].splitlines()[skip:])
        if time.monotonic() >= end or holds(check.predicate, text, check.expected):
            return {"text": text}
        time.sleep(LOOK_SECONDS)


def _http(conn: Connection, namespace: str, check: Check, snapshot: Snapshot) -> dict:
    pod, port, path = check.scope[0][1], int(check.probe[1]), check.probe[2]
    obj = (snapshot.get("pod") or {}).get(pod)
    if not isinstance(obj, dict):
        return {"error": f"pod `{pod}` not found"}
    if (obj.get("status") or {}).get("phase") != "Running":
        return {"error": f"pod `{pod}` is not running "
                         f"({(obj.get('status') or {}).get('phase') or 'no status'})"}
    try:
        forward = Forward(conn, namespace, pod, port).start()
    except ClusterError as exc:
        return {"error": f"cannot reach pod `{pod}`: {describe(exc)}"}
    try:
        client = http.client.HTTPConnection("127.0.0.1", forward.local, timeout=HTTP_SECONDS)
        try:
            client.request("GET", path, headers={"Connection": "close"})
            response = client.getresponse()
            body = response.read(64 * 1024).decode("utf-8", "replace")
            return {"status": response.status, "body": body}
        finally:
            client.close()
    except (OSError, http.client.HTTPException):
        return {"error": f"nothing answers on port {port} of pod `{pod}`"}
    finally:
        forward.stop()


def _steady(conn: Connection, namespace: str, check: Check, snapshot: Snapshot) -> dict:
    pod, container = check.scope[0][1], dict(check.scope[1:]).get("container", "")
    seconds = float(check.probe[1])
    counts: list[int] = []
    looks = ready_looks = 0
    last_state = ""
    end = time.monotonic() + seconds
    while True:
        try:
            obj = get_pod(conn, namespace, pod)
        except ClusterError as exc:
            return {"error": f"pod `{pod}` not found" if exc.status == 404
                    else f"cannot read pod `{pod}`: {describe(exc)}"}
        view = container_view(obj, "pod", container)
        if view is None:
            return {"error": f"pod `{pod}` has no container `{container}`"}
        status = view.get("status") or {}
        looks += 1
        counts.append(int(status.get("restartCount") or 0))
        # ready, and up since before the window: a status the kubelet has not updated yet
        # may still say "running, ready" of a process that has just ended again
        if status.get("ready") is True and _up_for(status) >= seconds:
            ready_looks += 1
        else:
            last_state = _state(status)
            if last_state == "running":
                last_state = ("running, not ready" if status.get("ready") is not True
                              else f"running for less than {seconds:g} s")
        if time.monotonic() >= end:
            break
        time.sleep(LOOK_SECONDS)  # the window itself: what is watched is the time
    restarts = counts[-1] - counts[0]
    return {"restarts": restarts, "ready": ready_looks == looks and not restarts, "looks": looks,
            "ready_looks": ready_looks, "state": last_state if ready_looks < looks else ""}


PROBES = {"exec": _exec, "log": _log, "http": _http, "steady": _steady}


def observe(conn: Connection, namespace: str, checks: tuple[Check, ...] | list[Check],
            snapshot: Snapshot) -> dict[str, dict]:
    """Every behaviour the checks observe, each once, at the same time; except that the
    commands run in one pod run one after the other in the order of the checks (a check
    may read what an earlier one's command wrote: the writer's file, then the reader's
    view of it; a log read after a command is one of them)."""
    wanted: dict[str, Check] = {}
    for check in checks:
        if check.probe:
            wanted.setdefault(probe_key(check), check)
    if not wanted:
        return {}

    def one(check: Check) -> dict:
        try:
            return PROBES[check.probe[0]](conn, namespace, check, snapshot)
        except Exception as exc:  # noqa: BLE001 - one check fails, the others are read
            return {"error": f"cannot observe it: {describe(exc)}"}

    chains: dict[str, list[tuple[str, Check]]] = {}
    for key, check in wanted.items():
        runs = check.probe[0] == "exec" or len(check.probe) > 2  # a command, then a log
        chain = f"exec/{check.scope[0][1]}" if runs else key
        chains.setdefault(chain, []).append((key, check))

    def run(chain: list[tuple[str, Check]]) -> list[tuple[str, dict]]:
        return [(key, one(check)) for key, check in chain]

    found: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=min(8, len(chains))) as pool:
        for results in pool.map(run, chains.values()):
            found.update(results)
    return found


def grade(conn: Connection, namespace: str, checks: tuple[Check, ...] | list[Check],
          snapshot: Snapshot) -> Snapshot:
    """The snapshot with the behaviours observed (``snapshot["probe"]``)."""
    return {**snapshot, "probe": observe(conn, namespace, checks, snapshot)}
