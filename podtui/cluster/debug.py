"""Debug containers: an ephemeral container added to a running pod (pods/ephemeralcontainers),
targeting one container's process namespace, as `kubectl debug -it POD --image=busybox
--target=CONTAINER -- sh` does: the container runs the shell itself and the terminal is
attached to it, so the container ends when the shell exits.

Its start is followed on a watch of the pod: it ends when the container runs, ends, or
waits for a reason the kubelet will not get over by itself (an image it cannot pull), at
the moment the kubelet reports it.
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence

from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, describe, redact
from podtui.cluster.exec import DEFAULT_SHELLS, missing_command
from podtui.cluster.names import pod_path
from podtui.cluster.pod_actions import refuse_if_readonly
from podtui.cluster.pods import Change, Page, PodWatcher, WatchEvent
from podtui.cluster.server_version import DEBUG_CONTAINERS, fetch, lacks

DEFAULT_IMAGE = "busybox"
#: How often a wait with a `stop` event looks at it (seconds).
STOP_POLL = 0.2
#: Waiting reasons that only a change of the image or the spec undoes: the kubelet would
#: retry (and back off) for as long as we waited.
FAILED_WAITING = frozenset({
    "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull",
    "RegistryUnavailable", "SignatureValidationFailed", "CreateContainerConfigError",
    "CreateContainerError", "RunContainerError", "PreStartHookError",
})


class DebugContainerFailed(ClusterError):
    """The container ended, or will not start; `detail` is its terminated or waiting state
    (an image without the command: runc's "executable file not found" in its message)."""

    def __init__(self, message: str, detail: dict) -> None:
        super().__init__(message)
        self.detail = detail


def add_debug_container(conn: Connection, namespace: str, pod: str, target: str,
                        image: str = DEFAULT_IMAGE, name: str | None = None,
                        command: Sequence[str] = ()) -> str:
    """Add the ephemeral container; returns its name (debugger-xxxxx unless given).
    Without `command` it runs its image's own."""
    refuse_if_readonly(conn, "debug container")
    name = name or f"debugger-{secrets.token_hex(3)[:5]}"
    container = {
        "name": name, "image": image or DEFAULT_IMAGE, "targetContainerName": target,
        "stdin": True, "tty": True, "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
    }
    if command:
        container["command"] = list(command)
    try:
        response = conn.request(
            "PATCH", pod_path(namespace, pod, "ephemeralcontainers"),
            body={"spec": {"ephemeralContainers": [container]}},
            content_type="application/strategic-merge-patch+json")
        response.drain_conn()
        response.release_conn()
    except Exception as exc:  # noqa: BLE001
        # A server before 1.25 has no such subresource, or one of another shape: its
        # answer (404, 400) would not say why.
        reason = lacks(fetch(conn), DEBUG_CONTAINERS) or describe(exc, conn.server)
        raise ClusterError(f"cannot add a debug container to {namespace}/{pod}: "
                           f"{reason}") from None
    return name


def container_state(pod: dict | None, name: str) -> dict:
    """The ephemeral container's `state` in the pod's status ({} before the first)."""
    for item in ((pod or {}).get("status") or {}).get("ephemeralContainerStatuses") or []:
        if item.get("name") == name:
            return item.get("state") or {}
    return {}


def pod_versions(conn: Connection, namespace: str, pod: str, deadline: float,
                 stop: threading.Event | None = None) -> Iterator[dict | None]:
    """The pod now, then each new version of it until `deadline` (or `stop` is set); None
    once it is gone.

    Served by the one list-and-watch loop (pods.PodWatcher: a broken watch resumes, 410
    lists again, with bookmarks and backoff), in a thread of its own that stops when the
    caller is done. An error the API server answers (forbidden, not found) is raised."""
    events: queue.SimpleQueue[WatchEvent] = queue.SimpleQueue()
    watcher = PodWatcher(conn, namespace, events.put, field_selector=f"metadata.name={pod}")
    threading.Thread(target=watcher.run, name=f"debug-watch-{pod}", daemon=True).start()
    listed: list[dict] = []
    try:
        while (left := deadline - time.monotonic()) > 0 and not (stop and stop.is_set()):
            try:
                event = events.get(timeout=min(left, STOP_POLL) if stop else left)
            except queue.Empty:
                continue
            if isinstance(event, Page):
                listed = list(event.pods) if event.first else listed + event.pods
                if event.last:
                    yield listed[0] if listed else None
            elif isinstance(event, Change):
                yield None if event.kind == "DELETED" else event.pod
            elif event.code is not None:
                raise ClusterError(event.message, event.code)
    finally:
        watcher.stop()


def _line(detail: dict) -> str:
    message = " ".join(str(detail.get("message") or "").split())
    reason = detail.get("reason") or ""
    return redact(f"{reason}: {message}" if reason and message else reason or message)[:400]


def wait_running(conn: Connection, namespace: str, pod: str, name: str,
                 timeout: float = 60.0, stop: threading.Event | None = None) -> None:
    """Until the ephemeral container runs; one clear line as soon as it will not (or
    `stop` is set)."""
    state: dict = {}
    for version in pod_versions(conn, namespace, pod, time.monotonic() + timeout, stop):
        if version is None:
            raise ClusterError(f"pod {namespace}/{pod} was deleted before debug container "
                               f"{name} started")
        state = container_state(version, name)
        if "running" in state:
            return
        if "terminated" in state:
            ended = state["terminated"]
            code = ended.get("exitCode")
            raise DebugContainerFailed(
                f"debug container {name} ended" + (f" (exit {code})" if code else "")
                + f": {_line(ended) or 'terminated'}", ended)
        waiting = state.get("waiting") or {}
        if waiting.get("reason") in FAILED_WAITING:
            raise DebugContainerFailed(f"debug container {name} cannot start: "
                                       f"{_line(waiting)}", waiting)
    if stop is not None and stop.is_set():
        raise ClusterError(f"stopped waiting for debug container {name}")
    waiting = (state.get("waiting") or {}).get("reason", "no status yet")
    raise ClusterError(f"debug container {name} is not running after {timeout:g} s ({waiting})")


def start_debug_container(conn: Connection, namespace: str, pod: str, target: str,
                          image: str = DEFAULT_IMAGE, shells: Sequence[str] = (),
                          on_added: Callable[[str], None] | None = None,
                          timeout: float = 60.0,
                          stop: threading.Event | None = None) -> tuple[str, str]:
    """A debug container running the first of `shells` its image has; (name, shell) once it
    runs. An image without the shell gets the next one in a new container (an ephemeral
    container cannot be changed or removed)."""
    shells = tuple(shells or DEFAULT_SHELLS)
    index = 0
    while True:
        shell = shells[index]
        name = add_debug_container(conn, namespace, pod, target, image, command=[shell])
        if on_added is not None:
            on_added(name)
        try:
            wait_running(conn, namespace, pod, name, timeout, stop)
        except DebugContainerFailed as exc:
            index += 1
            if index < len(shells) and missing_command(str(exc.detail.get("message"))):
                continue
            raise
        return name, shell


def wait_terminated(conn: Connection, namespace: str, pod: str, name: str,
                    timeout: float = 15.0) -> dict:
    """The container's `terminated` state once the kubelet reports it; {} if it does not
    within `timeout` (the attach was cut while the shell still runs)."""
    for version in pod_versions(conn, namespace, pod, time.monotonic() + timeout):
        if version is None:
            return {}
        ended = container_state(version, name).get("terminated")
        if ended:
            return ended
    return {}
