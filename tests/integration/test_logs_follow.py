"""Log followers against the sandbox's real API server (KWOK serves the container logs
from files in the kubelet's CRI format; the seed pod's files are fed ~2 lines/s).

`default/log-test` (containers writer, tailer) reads podlogs/test-writer.log and
test-tailer.log, which these tests write themselves.
"""

from __future__ import annotations

import io
import queue
import threading
import time
from argparse import Namespace
from pathlib import Path

import pytest

from podtui import cli_logs
from podtui.cluster import logs
from podtui.cluster.logs import LogBatch, LogFollower, LogStatus, merged_logs, parse_timestamp
from tests.conftest import SEED_POD, make_pod, wait_for

NS = 1_000_000_000


# --- helpers -----------------------------------------------------------------------------


def stamp(ns: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // NS)) + f".{ns % NS:09d}Z"


def cri(ns: int, text: str, stream: str = "stdout") -> str:
    return f"{stamp(ns)} {stream} F {text}\n"


def file_lines(path: Path) -> list[tuple[int, str]]:
    """(ns, text) of every complete line of a CRI log file."""
    out = []
    for raw in path.read_text().splitlines():
        head, _, rest = raw.partition(" ")
        _stream, _, rest = rest.partition(" ")
        _tag, _, text = rest.partition(" ")
        out.append((parse_timestamp(head)[0], text))
    return out


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


def pod_gone(conn, name: str, namespace: str = "default") -> bool:
    from kubernetes.client.exceptions import ApiException

    try:
        conn.core.read_namespaced_pod(name, namespace)
    except ApiException as exc:
        return exc.status == 404
    return False


def delete_pod(conn, name: str, namespace: str = "default") -> None:
    from kubernetes.client.exceptions import ApiException

    try:
        conn.core.delete_namespaced_pod(name, namespace, grace_period_seconds=0)
    except ApiException as exc:
        if exc.status != 404:
            raise
    wait_for(lambda: pod_gone(conn, name, namespace), f"pod {name} to be deleted")


@pytest.fixture
def podlogs(sandbox_dir: Path) -> Path:
    return sandbox_dir / "podlogs"


def recreate_log_pod(conn, pod: str, containers: list[str], empty: list[Path]) -> None:
    """A fresh default/POD, Running, with its log files (`empty`) truncated first."""
    delete_pod(conn, pod)
    for path in empty:
        path.write_text("")
    conn.core.create_namespaced_pod("default", make_pod(pod, containers))

    def running():
        found = conn.core.read_namespaced_pod(pod, "default")
        return found.status.phase == "Running" and found.spec.node_name

    wait_for(running, f"{pod} to be Running")


@pytest.fixture
def log_test(conn, podlogs):
    """A fresh default/log-test pod whose writer/tailer logs start empty."""
    recreate_log_pod(conn, "log-test", ["writer", "tailer"],
                     [podlogs / f"test-{c}{kind}.log" for c in ("writer", "tailer")
                      for kind in ("", ".previous")])
    yield podlogs
    delete_pod(conn, "log-test")


def append(path: Path, lines: list[str]) -> None:
    with path.open("a") as handle:
        handle.write("".join(lines))
        handle.flush()


# --- the seed pod ---------------------------------------------------------------------------


def test_each_container_of_the_seed_pod_streams_its_own_lines_in_order(conn, podlogs):
    got = Collector()
    followers = [
        LogFollower(conn, "default", SEED_POD, name, on_event=got, tail=10).start()
        for name in ("node", "busybox")
    ]
    try:
        # The tail, then new lines as the sandbox writes them (~2 a second).
        for name in ("node", "busybox"):
            wait_for(lambda n=name: len(got.texts(n)) >= 14, f"{name}: tail + new lines")
    finally:
        for follower in followers:
            follower.stop()
        for follower in followers:
            assert follower.join(10)
    for name, stem in (("node", "seed-node"), ("busybox", "seed-busybox")):
        source = file_lines(podlogs / f"{stem}.log")
        with got.lock:
            received = [(line.ns, line.text) for line in got.lines[name]]
        assert is_contiguous_run(received, source), f"{name}: not the file's lines in order"
        assert got.states(name)[:2] == [logs.CONNECTING, logs.STREAMING]
        assert got.final(name).state == logs.STOPPED
    assert any("req=" in text for text in got.texts("node"))
    assert any("status=" in text for text in got.texts("busybox"))
    assert not set(got.texts("node")) & set(got.texts("busybox"))


def test_previous_instance_is_read_to_its_end(conn):
    got = Collector()
    follower = LogFollower(conn, "default", SEED_POD, "node", on_event=got, previous=True)
    follower.start()
    wait_for(lambda: got.final("node"), "the end of the previous log")
    assert got.texts("node") == [
        "> web@1.4.2 start",
        "server listening on :3000",
        "FATAL heap out of memory while building report",
    ]
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
    writer = log_test / "test-writer.log"
    base = time.time_ns() - 60 * NS
    total = 0

    def write(count: int) -> None:
        # Three lines share each timestamp, so a resume must count, not just compare.
        nonlocal total
        lines = []
        for _ in range(count):
            total += 1
            ns = base + (total // 3) * 7_000_000
            lines.append(cri(ns, f"line {total}"))
        append(writer, lines)

    write(50)
    got = Collector()
    follower = LogFollower(conn, "default", "log-test", "writer", on_event=got).start()
    try:
        for round_ in range(5):
            wait_for(lambda: len(got.texts("writer")) >= total, f"round {round_}: caught up")
            # Cut the connection mid-stream: lines written around the cut must neither be
            # lost nor come twice.
            write(40)
            follower.reconnect()
            write(40)
            wait_for(lambda r=round_: follower.reconnects > r, f"reconnect {round_}")
        write(10)
        append(writer, [cri(base + 3600 * NS, "the end")])
        wait_for(lambda: "the end" in got.texts("writer"), "the last line")
    finally:
        follower.stop()
        follower.join(10)
    texts = got.texts("writer")
    assert texts == [f"line {i}" for i in range(1, total + 1)] + ["the end"]
    assert follower.reconnects >= 5
    assert logs.RECONNECTING in got.states("writer")


def test_pod_deleted_while_following_stops_the_follower(conn, log_test):
    append(log_test / "test-tailer.log", [cri(time.time_ns(), "hello from tailer")])
    got = Collector()
    follower = LogFollower(conn, "default", "log-test", "tailer", on_event=got).start()
    wait_for(lambda: got.texts("tailer") == ["hello from tailer"], "the first line")
    conn.core.delete_namespaced_pod("log-test", "default", grace_period_seconds=0)
    wait_for(lambda: got.final("tailer"), "the follower to notice")
    assert follower.join(10)
    final = got.final("tailer")
    assert (final.state, final.message) == (logs.POD_DELETED, "pod deleted: stopped")


def test_since_only_returns_newer_lines(conn, log_test):
    now = time.time_ns()
    append(
        log_test / "test-writer.log",
        [cri(now - 3600 * NS, "an hour ago"), cri(now - 5 * NS, "just now")],
    )
    events: queue.Queue = queue.Queue()
    follower = LogFollower(conn, "default", "log-test", "writer", events=events, since=600,
                           follow=False).start()
    follower.join(30)
    texts = []
    while not events.empty():
        event = events.get()
        if isinstance(event, LogBatch):
            texts += [line.text for line in event.lines]
    assert texts == ["just now"]


def test_merged_logs_are_ordered_by_time_across_containers(conn, log_test):
    now = time.time_ns() - 30 * NS
    append(log_test / "test-writer.log", [cri(now + i * NS, f"w{i}") for i in (0, 2, 4)])
    append(log_test / "test-tailer.log", [cri(now + i * NS, f"t{i}") for i in (1, 3, 5)])
    got = list(merged_logs(conn, "default", "log-test", ["writer", "tailer"]))
    assert [(c, line.text) for c, line in got] == [
        ("writer", "w0"), ("tailer", "t1"), ("writer", "w2"),
        ("tailer", "t3"), ("writer", "w4"), ("tailer", "t5"),
    ]


# --- the command line ---------------------------------------------------------------------------


def cli(conn, *argv: str) -> tuple[int, str, str]:
    import argparse

    parser = argparse.ArgumentParser()
    cli_logs.add_arguments(parser)
    args = parser.parse_args(list(argv))
    out, err = io.StringIO(), io.StringIO()
    code = cli_logs.run(conn, args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_both_containers_merged_and_tagged(conn):
    code, out, err = cli(conn, SEED_POD, "-c", "node", "-c", "busybox", "--tail", "5",
                         "--timestamps")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 10
    assert {line.split(" ", 1)[0] for line in lines} == {"[node]", "[busybox]"}
    stamps = [parse_timestamp(line.split(" ")[1])[0] for line in lines]
    assert stamps == sorted(stamps)


def test_cli_previous(conn):
    code, out, _ = cli(conn, SEED_POD, "-c", "node", "--previous")
    assert code == 0
    assert out.splitlines()[-1] == "[node] FATAL heap out of memory while building report"


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
                     since=None, timestamps=False, previous=False, namespace="default")
    out, err = io.StringIO(), io.StringIO()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(cli_logs.run(conn, args, out=out, err=err)), daemon=True
    )
    thread.start()
    append(log_test / "test-writer.log", [cri(time.time_ns(), "from writer")])
    append(log_test / "test-tailer.log", [cri(time.time_ns(), "from tailer")])
    wait_for(lambda: len(out.getvalue().splitlines()) == 2, "both lines")
    conn.core.delete_namespaced_pod("log-test", "default", grace_period_seconds=0)
    thread.join(30)
    assert result == [0]
    assert sorted(out.getvalue().splitlines()) == ["[tailer] from tailer", "[writer] from writer"]
    assert "pod deleted" in err.getvalue()


# --- throughput --------------------------------------------------------------------------------


@pytest.fixture
def log_bench(conn, podlogs):
    """A fresh default/log-bench pod (containers a, b) whose logs start empty."""
    recreate_log_pod(conn, "log-bench", ["a", "b"],
                     [podlogs / f"bench-{c}.log" for c in ("a", "b")])
    yield podlogs
    delete_pod(conn, "log-bench")


def test_thousands_of_lines_arrive_complete_in_few_batches(conn, log_bench):
    count = 20_000
    got = Collector()
    batches: list[int] = []

    def on_event(event):
        if isinstance(event, LogBatch):
            batches.append(len(event.lines))
        got(event)

    follower = LogFollower(conn, "default", "log-bench", "a", on_event=on_event).start()
    # An empty log sends nothing, not even the response headers, until its first line.
    wait_for(lambda: got.statuses.get("a", [])[-1:] == [
        LogStatus("a", logs.CONNECTING, logs.WAITING_FOR_OUTPUT)], "waiting for output")
    base = time.time_ns()
    append(log_bench / "bench-a.log", [cri(base + i * 1000, f"line {i}") for i in range(count)])
    try:
        wait_for(lambda: len(got.texts("a")) >= count, "every line", timeout=60)
    finally:
        follower.stop()
        follower.join(10)
    assert got.texts("a") == [f"line {i}" for i in range(count)]
    assert len(batches) <= count // 100  # batched: not one UI update per line
