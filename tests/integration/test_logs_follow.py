"""Log followers against the sandbox's real API server and its real node: the kubelet
serves what the containers printed, from containerd's CRI log files.

The seed pod is what sandbox/render_config.py seed_pod() runs: Node.js appends to app.log
and prints nothing, busybox `tail -F`s app.log. Everything else uses pods of
tests/log_pods.py, whose containers print exactly the lines the test writes, when it writes
them; the kubelet stamps them as they arrive, so expectations are compared with what the
API server (or kubectl) serves, never with stamps the test made up.
"""

from __future__ import annotations

import io
import queue
import subprocess
import threading
import time
from argparse import Namespace

import pytest

from podtui.cli import logs as cli_logs
from podtui.cluster import logs
from podtui.cluster.logs import LogBatch, LogFollower, LogStatus, merged_logs
from tests.conftest import SEED_POD, wait_for
from tests.log_pods import (
    FeedPod,
    app_lines,
    app_time_ns,
    feed_pods_in,
    kubectl,
    kubectl_log,
    stamped,
)

NS = 1_000_000_000


# --- helpers -----------------------------------------------------------------------------


class Collector:
    """Events of followers, gathered from their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lines: dict[str, list[logs.LogLine]] = {}
        self.statuses: dict[str, list[LogStatus]] = {}

    def __call__(self, event) -> None:
        with self.lock:
            if isinstance(event, LogBatch):
                self.lines.setdefault(event.container, []).extend(event.lines)
            else:
                self.statuses.setdefault(event.container, []).append(event)

    def texts(self, container: str) -> list[str]:
        with self.lock:
            return [line.text for line in self.lines.get(container, [])]

    def stamps(self, container: str) -> list[int]:
        with self.lock:
            return [line.ns for line in self.lines.get(container, [])]

    def states(self, container: str) -> list[str]:
        with self.lock:
            return [s.state for s in self.statuses.get(container, [])]

    def final(self, container: str) -> LogStatus | None:
        with self.lock:
            return next((s for s in self.statuses.get(container, []) if s.final), None)


def is_contiguous_run(got: list[tuple[int, str]], source: list[tuple[int, str]]) -> bool:
    if not got:
        return False
    for start, item in enumerate(source):
        if item == got[0]:
            return source[start : start + len(got)] == got
    return False


@pytest.fixture
def feed_pods(conn, namespace):
    yield from feed_pods_in(conn, namespace)


@pytest.fixture
def log_test(feed_pods) -> FeedPod:
    """A fresh pod (containers writer, tailer) whose logs start empty."""
    return feed_pods("log-test", ["writer", "tailer"])


# --- the seed pod ---------------------------------------------------------------------------


def test_the_seed_pods_containers_stream_what_kubectl_shows(conn):
    """busybox: the lines the app appends to app.log (its text and its own ISO time), after
    the tail; node: nothing, as the program prints nothing to stdout."""
    got = Collector()
    opened = time.time_ns()
    followers = [
        LogFollower(conn, "default", SEED_POD, name, on_event=got, tail=10).start()
        for name in ("node", "busybox")
    ]
    try:
        # The tail, then new lines as tail -F copies them (a heartbeat every 5 s).
        wait_for(lambda: sum(ns > opened for ns in got.stamps("busybox")) >= 2,
                 "two new busybox lines")
        # The kubelet answers at once, even for a log without a line.
        wait_for(lambda: got.states("node") == [logs.CONNECTING, logs.STREAMING],
                 "node streaming")
    finally:
        for follower in followers:
            follower.stop()
        for follower in followers:
            assert follower.join(10)
    reference = stamped(kubectl_log("default", SEED_POD, "busybox"))
    with got.lock:
        received = [(line.ns, line.text) for line in got.lines["busybox"]]
    # The tail: kubectl's last 10 lines before the follower opened (one fewer if a line
    # came between then and the kubelet's answer).
    before = [line for line in reference if line[0] <= opened]
    tail = [line for line in received if line[0] <= opened]
    assert tail == before[len(before) - len(tail):]
    assert len(tail) >= min(10, len(before)) - 1
    assert is_contiguous_run(received, reference), "busybox: not kubectl's lines in order"
    theirs = set(app_lines([text for _, text in received]))
    assert theirs
    for ns, text in received:
        if text not in theirs:
            continue  # a note of tail's own
        app_ns = app_time_ns(text)
        assert app_ns is not None, text
        # tail -F copies a line after the app wrote it (busybox's tail polls each second)
        assert app_ns <= ns < app_ns + 30 * NS, text
    assert got.states("busybox")[:2] == [logs.CONNECTING, logs.STREAMING]
    assert got.final("busybox").state == logs.STOPPED
    assert kubectl_log("default", SEED_POD, "node") == []
    assert "node" not in got.lines
    assert got.final("node").state == logs.STOPPED


PREVIOUS = ["> web@1.4.2 start", "server listening on :3000",
            "FATAL heap out of memory while building report"]


def test_previous_instance_is_read_to_its_end(conn, namespace, feed_pods):
    feed_pods("crashed", ["node"], crash_first={"node": PREVIOUS})
    status = conn.core.read_namespaced_pod("crashed", namespace).status.container_statuses[0]
    assert status.restart_count == 1 and status.last_state.terminated.exit_code == 1
    got = Collector()
    follower = LogFollower(conn, namespace, "crashed", "node", on_event=got, previous=True)
    follower.start()
    wait_for(lambda: got.final("node"), "the end of the previous log")
    assert got.texts("node") == PREVIOUS
    assert got.final("node").state == logs.ENDED


def test_nonexistent_container_is_one_clear_line(conn):
    got = Collector()
    follower = LogFollower(conn, "default", SEED_POD, "nope", on_event=got).start()
    wait_for(lambda: got.final("nope"), "a final status")
    assert follower.join(10)
    final = got.final("nope")
    assert final.state == logs.ERROR and final.error
    assert "nope" in final.message and SEED_POD in final.message
    assert "\n" not in final.message
    errors = [s for s in got.statuses["nope"] if s.error]
    assert errors == [final]
    assert got.texts("nope") == []


def test_nonexistent_pod_is_one_clear_line(conn):
    got = Collector()
    follower = LogFollower(conn, "default", "no-such-pod", "x", on_event=got).start()
    wait_for(lambda: got.final("x"), "a final status")
    assert follower.join(10)
    assert got.final("x").state == logs.ERROR
    assert got.final("x").message == "pod default/no-such-pod not found"


# --- resume without gap or duplicate -----------------------------------------------------------


def test_dropped_streams_resume_with_every_line_exactly_once(conn, log_test):
    total = 0

    def write(count: int) -> None:
        nonlocal total
        log_test.write("writer", [f"line {total + i}" for i in range(1, count + 1)])
        total += count

    write(50)
    got = Collector()
    follower = LogFollower(conn, log_test.namespace, "log-test", "writer", on_event=got).start()
    try:
        for round_ in range(5):
            wait_for(lambda: len(got.texts("writer")) >= total, f"round {round_}: caught up")
            # Cut the connection mid-stream: lines written around the cut must neither be
            # lost nor come twice (the resume asks from the second of the last line seen,
            # so the lines of that second come again and must be dropped).
            write(40)
            follower.reconnect()
            write(40)
            wait_for(lambda r=round_: follower.reconnects > r, f"reconnect {round_}")
        write(10)
        log_test.write("writer", ["the end"])
        wait_for(lambda: "the end" in got.texts("writer"), "the last line")
    finally:
        follower.stop()
        follower.join(10)
    texts = got.texts("writer")
    assert texts == [f"line {i}" for i in range(1, total + 1)] + ["the end"]
    with got.lock:
        assert [(line.ns, line.text) for line in got.lines["writer"]] == log_test.api_log("writer")
    assert follower.reconnects >= 5
    assert logs.RECONNECTING in got.states("writer")


def test_pod_deleted_while_following_stops_the_follower(conn, log_test):
    log_test.write("tailer", ["hello from tailer"])
    got = Collector()
    follower = LogFollower(conn, log_test.namespace, "log-test", "tailer", on_event=got).start()
    wait_for(lambda: got.texts("tailer") == ["hello from tailer"], "the first line")
    conn.core.delete_namespaced_pod("log-test", log_test.namespace, grace_period_seconds=0)
    wait_for(lambda: got.final("tailer"), "the follower to notice")
    assert follower.join(10)
    final = got.final("tailer")
    assert (final.state, final.message) == (logs.POD_DELETED, "pod deleted: stopped")


def test_since_only_returns_newer_lines(conn, log_test):
    # The kubelet stamps lines as they come: "older" is made old by waiting, "newer" is
    # then asked for with a window that starts between the two (sinceSeconds is whole).
    log_test.write("writer", ["older"])
    older = log_test.wait_logged("writer", "older")
    wait_for(lambda: time.time_ns() > older + 3 * NS, "the first line to be 3 s old",
             timeout=10)
    log_test.write("writer", ["newer"])
    newer = log_test.wait_logged("writer", "newer")
    since = int((time.time_ns() - newer) / NS) + 2  # starts 1-2 s before "newer"
    assert time.time_ns() - since * NS > older, "too slow to tell the lines apart"
    events: queue.Queue = queue.Queue()
    follower = LogFollower(conn, log_test.namespace, "log-test", "writer", events=events,
                           since=since, follow=False).start()
    follower.join(30)
    texts = []
    while not events.empty():
        event = events.get()
        if isinstance(event, LogBatch):
            texts += [line.text for line in event.lines]
    assert texts == ["newer"]


def test_merged_logs_are_ordered_by_time_across_containers(conn, log_test):
    # Each line is written once the one before it is served: their stamps alternate.
    for index in range(6):
        container, text = ("writer", f"w{index}") if index % 2 == 0 else ("tailer", f"t{index}")
        log_test.write(container, [text])
        log_test.wait_logged(container, text)
    got = list(merged_logs(conn, log_test.namespace, "log-test", ["writer", "tailer"]))
    assert [(c, line.text) for c, line in got] == [
        ("writer", "w0"), ("tailer", "t1"), ("writer", "w2"),
        ("tailer", "t3"), ("writer", "w4"), ("tailer", "t5"),
    ]


# --- the command line ---------------------------------------------------------------------------


def cli(conn, *argv: str, namespace: str | None = None) -> tuple[int, str, str]:
    """`podtui logs ARGV` in this process (the global -n is the main parser's)."""
    import argparse

    parser = argparse.ArgumentParser()
    cli_logs.add_arguments(parser)
    args = parser.parse_args(list(argv))
    args.namespace = namespace
    out, err = io.StringIO(), io.StringIO()
    code = cli_logs.run(conn, args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_both_containers_merged_and_tagged(conn, log_test):
    for index in range(6):  # stamps alternate: each line is served before the next
        container = ("writer", "tailer")[index % 2]
        log_test.write(container, [f"{container} {index}"])
        log_test.wait_logged(container, f"{container} {index}")
    code, out, err = cli(conn, "log-test", "-c", "writer", "-c", "tailer", "--tail", "2",
                         "--timestamps", namespace=log_test.namespace)
    assert code == 0, err
    lines = out.splitlines()
    assert [(line.split(" ")[0], line.split(" ", 2)[2]) for line in lines] == [
        ("[writer]", "writer 2"), ("[tailer]", "tailer 3"),
        ("[writer]", "writer 4"), ("[tailer]", "tailer 5")]
    for container in ("writer", "tailer"):
        ours = [line.split(" ", 1)[1] for line in lines if line.startswith(f"[{container}] ")]
        assert ours == kubectl_log(log_test.namespace, "log-test", container, "--tail", "2")


def podtui_logs(*args: str) -> subprocess.CompletedProcess[str]:
    from tests.integration.test_cli_errors import run

    return run(*args)


def test_cli_shows_what_kubectl_shows_of_the_seed_pod(admin_kubeconfig):
    """The issue's check, on the command line: busybox's lines are the app's lines of
    app.log (its text, its ISO time), node's are none, each as `kubectl logs -c` has them."""
    done = podtui_logs("logs", SEED_POD, "--kubeconfig", admin_kubeconfig, "-n", "default",
                       "-c", "node", "-c", "busybox", "--timestamps")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    printed = done.stdout.splitlines()
    assert printed and all(line.startswith("[busybox] ") for line in printed)
    ours = [line.removeprefix("[busybox] ") for line in printed]
    theirs = kubectl_log("default", SEED_POD, "busybox")  # asked later: may have more
    assert ours == theirs[: len(ours)]
    texts = app_lines([text for _, text in stamped(ours)])
    assert texts and all(app_time_ns(text) is not None for text in texts), texts
    node = kubectl("logs", SEED_POD, "-n", "default", "-c", "node")
    assert (node.returncode, node.stdout) == (0, "")


def test_cli_previous_on_the_seed_says_what_kubectl_says(conn):
    """The seed's node container never restarted: no previous instance, in kubectl's words."""
    code, out, err = cli(conn, SEED_POD, "-c", "node", "--previous")
    theirs = kubectl("logs", SEED_POD, "-n", "default", "-c", "node", "--previous")
    assert theirs.returncode == 1 and theirs.stdout == ""
    message = theirs.stderr.strip().removeprefix("Error from server (BadRequest): ")
    assert message == (f'previous terminated container "node" in pod "{SEED_POD}" not found')
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"podtui logs: [node] {message}"]


def test_cli_previous(conn, namespace, feed_pods):
    feed_pods("crashed", ["node"], crash_first={"node": PREVIOUS})
    code, out, err = cli(conn, "crashed", "-c", "node", "--previous", namespace=namespace)
    assert code == 0, err
    assert out.splitlines() == [f"[node] {text}" for text in PREVIOUS]
    theirs = kubectl("logs", "crashed", "-n", namespace, "-c", "node", "--previous")
    assert theirs.stdout.splitlines() == PREVIOUS


def test_cli_errors_are_one_line_and_exit_1(conn):
    code, out, err = cli(conn, "no-such-pod")
    assert (code, out) == (1, "")
    assert err.strip().splitlines() == ["podtui logs: pod default/no-such-pod not found"]
    code, out, err = cli(conn, SEED_POD, "-c", "nope")
    assert (code, out) == (1, "")
    assert len(err.strip().splitlines()) == 1 and "'nope'" in err and "node, busybox" in err
    code, _, err = cli(conn, SEED_POD, "--since", "soon")
    assert code == 1 and "--since" in err


def test_cli_follow_prints_lines_as_they_come_until_the_pod_goes(conn, log_test):
    args = Namespace(pod="log-test", containers=["writer", "tailer"], follow=True, tail=None,
                     since=None, timestamps=False, previous=False,
                     namespace=log_test.namespace)
    out, err = io.StringIO(), io.StringIO()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(cli_logs.run(conn, args, out=out, err=err)), daemon=True
    )
    thread.start()
    log_test.write("writer", ["from writer"])
    log_test.write("tailer", ["from tailer"])
    wait_for(lambda: len(out.getvalue().splitlines()) == 2, "both lines")
    conn.core.delete_namespaced_pod("log-test", log_test.namespace, grace_period_seconds=0)
    thread.join(30)
    assert result == [0]
    assert sorted(out.getvalue().splitlines()) == ["[tailer] from tailer", "[writer] from writer"]
    assert "pod deleted" in err.getvalue()


# --- throughput --------------------------------------------------------------------------------


def test_thousands_of_lines_arrive_complete_in_few_batches(conn, namespace, feed_pods):
    pod = feed_pods("log-bench", ["a"])
    count = 20_000
    got = Collector()
    batches: list[int] = []

    def on_event(event):
        if isinstance(event, LogBatch):
            batches.append(len(event.lines))
        got(event)

    follower = LogFollower(conn, namespace, "log-bench", "a", on_event=on_event).start()
    wait_for(lambda: got.states("a") == [logs.CONNECTING, logs.STREAMING], "the stream open")
    pod.write("a", [f"line {i}" for i in range(count)])
    try:
        wait_for(lambda: len(got.texts("a")) >= count, "every line", timeout=60)
    finally:
        follower.stop()
        follower.join(10)
    assert got.texts("a") == [f"line {i}" for i in range(count)]
    assert len(batches) <= count // 100  # batched: not one UI update per line
