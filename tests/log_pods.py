"""Pods on the sandbox's real node whose containers print exactly what a test writes.

Each container runs busybox `cat` on its own FIFO in a hostPath directory (the real node
is this machine, so the test and the container share the FIFO). A line written here
becomes the container's stdout at once, is stamped by containerd as it arrives, goes into
the kubelet's CRI log file and is served through the API server: the whole real path,
with the test deciding what is printed and when. A FIFO rather than `tail -F` on a file,
because busybox's tail polls once a second and would hand the lines over in clumps.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator

from tests.conftest import ADMIN_KUBECONFIG, KUBECTL, SANDBOX_DIR, wait_for

FEEDS = SANDBOX_DIR / "feeds"
IMAGE = "busybox:1.36"
# `<>` opens the FIFO read-write: the container holds a writer itself, so cat never sees
# end-of-file when the test closes its end between writes.
FOLLOW_FIFO = 'exec cat <>"/feed/$0"'
# A first instance prints its file and fails; the kubelet restarts the container, whose
# second instance finds the mark on the emptyDir (it outlives container restarts) and
# follows its FIFO like the others. `--previous` then has a known answer.
CRASH_ONCE = ('if [ -e "/state/$0" ]; then ' + FOLLOW_FIFO + '; fi; '
              'touch "/state/$0"; cat "/feed/$0.first"; exit 1')


class FeedPod:
    """`FeedPod(conn, ns, "web", ["a", "b"]).start()`; `write("a", ["line"])`; `delete()`.

    `crash_first`: containers whose first instance prints these lines and exits 1 before
    the container (restarted by the kubelet) follows its FIFO."""

    def __init__(self, conn, namespace: str, name: str, containers: list[str],
                 crash_first: dict[str, list[str]] | None = None,
                 labels: dict[str, str] | None = None) -> None:
        self.conn = conn
        self.namespace = namespace
        self.name = name
        self.containers = list(containers)
        self.crash_first = dict(crash_first or {})
        self.labels = labels or {"test": "podtui-logs"}
        self.dir = FEEDS / namespace / name

    def manifest(self) -> dict:
        containers = []
        for name in self.containers:
            script = CRASH_ONCE if name in self.crash_first else FOLLOW_FIFO
            mounts = [{"name": "feed", "mountPath": "/feed"}]
            if name in self.crash_first:
                mounts.append({"name": "state", "mountPath": "/state"})
            containers.append({"name": name, "image": IMAGE, "command": ["sh", "-c", script, name],
                               "volumeMounts": mounts})
        volumes = [{"name": "feed", "hostPath": {"path": str(self.dir), "type": "Directory"}}]
        if self.crash_first:
            volumes.append({"name": "state", "emptyDir": {}})
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": self.name, "labels": self.labels},
            "spec": {"containers": containers, "volumes": volumes,
                     "terminationGracePeriodSeconds": 0},
        }

    def start(self, timeout: float = 120) -> FeedPod:
        """Create the pod and wait until every container follows its FIFO (a crashing one
        after its restart)."""
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        for name in self.containers:
            os.mkfifo(self.dir / name, 0o600)
            if name in self.crash_first:
                (self.dir / f"{name}.first").write_text(
                    "".join(line + "\n" for line in self.crash_first[name]))
        self.conn.core.create_namespaced_pod(self.namespace, self.manifest())
        wait_for(self._all_running, f"{self.namespace}/{self.name}'s containers to run",
                 timeout=timeout)
        for name in self.containers:
            wait_for(lambda n=name: self._reader_open(n), f"{self.name}/{name} to read its FIFO",
                     timeout=timeout)
        return self

    def _all_running(self) -> bool:
        pod = self.conn.core.read_namespaced_pod(self.name, self.namespace)
        statuses = {s.name: s for s in pod.status.container_statuses or []}
        for name in self.containers:
            status = statuses.get(name)
            if status is None or not status.state.running:
                return False
            if name in self.crash_first and status.restart_count < 1:
                return False
        return True

    def _reader_open(self, container: str) -> bool:
        try:
            fd = os.open(self.dir / container, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno == errno.ENXIO:  # no reader yet: sh has not opened it
                return False
            raise
        os.close(fd)
        return True

    def write(self, container: str, lines: list[str]) -> None:
        """Print `lines` on the container's stdout (blocks while the pipe is full)."""
        self.write_raw(container, "".join(line + "\n" for line in lines))

    def write_raw(self, container: str, text: str) -> None:
        # Non-blocking open: a container that stopped reading fails here, not forever.
        fd = os.open(self.dir / container, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.set_blocking(fd, True)
            data = text.encode()
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)

    def delete(self) -> None:
        from kubernetes.client.exceptions import ApiException

        try:
            self.conn.core.delete_namespaced_pod(self.name, self.namespace,
                                                 grace_period_seconds=0)
        except ApiException as exc:
            if exc.status != 404:
                raise
        wait_for(self._gone, f"pod {self.name} to be deleted")
        self.remove_dir()

    def remove_dir(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        for parent in (self.dir.parent, FEEDS):
            try:
                parent.rmdir()
            except OSError:
                break  # another pod's directory is still there

    def _gone(self) -> bool:
        from kubernetes.client.exceptions import ApiException

        try:
            self.conn.core.read_namespaced_pod(self.name, self.namespace)
        except ApiException as exc:
            return exc.status == 404
        return False

    def api_log(self, container: str, previous: bool = False) -> list[tuple[int, str]]:
        """(ns, text) of every line the API server has of the container (the reference)."""
        return api_log(self.conn, self.namespace, self.name, container, previous)

    def wait_logged(self, container: str, text: str, timeout: float = 30) -> int:
        """Wait until the API server serves `text` as a line of the container; its stamp."""
        def stamp() -> int | None:
            return next((ns for ns, line in self.api_log(container) if line == text), None)

        return wait_for(stamp, f"{self.name}/{container} to log {text!r}", timeout=timeout)


def feed_pods_in(conn, namespace: str) -> Iterator[Callable[..., FeedPod]]:
    """The body of a test module's `feed_pods` fixture (`yield from feed_pods_in(conn,
    namespace)`): `feed_pods(name, containers, **options)` starts a FeedPod in the test's
    namespace, which the namespace fixture deletes, pods and all; the pods' directories
    go afterwards."""
    made: list[FeedPod] = []

    def make(name: str, containers: list[str], **options) -> FeedPod:
        pod = FeedPod(conn, namespace, name, containers, **options)
        made.append(pod)
        return pod.start()

    yield make
    for pod in made:
        pod.remove_dir()


def api_log(conn, namespace: str, pod: str, container: str,
            previous: bool = False) -> list[tuple[int, str]]:
    text = conn.core.read_namespaced_pod_log(pod, namespace, container=container,
                                             timestamps=True, previous=previous)
    return stamped(text.splitlines())


def kubectl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KUBECTL, f"--kubeconfig={ADMIN_KUBECONFIG}", *args],
                          capture_output=True, text=True, timeout=60)


def kubectl_log(namespace: str, pod: str, container: str, *args: str) -> list[str]:
    """`kubectl logs POD -c CONTAINER --timestamps ARGS` (must succeed), line by line."""
    done = kubectl("logs", pod, "-n", namespace, "-c", container, "--timestamps", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def stamped(raw: list[str]) -> list[tuple[int, str]]:
    """(ns, text) of `--timestamps` lines."""
    from podtui.cluster.logs import timestamp_ns

    out = []
    for line in raw:
        head, _, text = line.partition(" ")
        ns = timestamp_ns(head)
        assert ns is not None, line
        out.append((ns, text))
    return out


# What the seed pod's Node.js program appends to app.log (sandbox/render_config.py
# seed_pod): its own ISO time (milliseconds, UTC), then the message.
SEED_APP_LINE = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) "
                           r"(listening on port \d+|[A-Z]+ \S+ from \S+|heartbeat"
                           r"|SIGTERM: shutting down)")


def app_lines(texts: list[str]) -> list[str]:
    """The seed busybox lines that are the app's: busybox's tail also prints notes of its
    own (`tail: can't open '/logs/app.log': No such file or directory` when it started
    before the app wrote its first line, then `... has appeared; following new file`)."""
    return [text for text in texts if not text.startswith("tail: ")]


def app_time_ns(text: str) -> int | None:
    """The app's own stamp of a seed busybox line, in ns; None if it is not such a line."""
    from podtui.cluster.logs import timestamp_ns

    match = SEED_APP_LINE.fullmatch(text)
    return timestamp_ns(match.group(1)) if match else None
