"""`podtui logs -f` prints the containers' lines in timestamp order, not in the order the
streams deliver them.

A pod on the real node (tests/log_pods.py) with containers `app` and `copy`: the test
writes each request line to app and at once its copy to copy, as a log-tailing sidecar
would, a pair at a time. containerd stamps the two lines microseconds apart, and the two
streams (a kubelet follower, the API server's proxy and a podtui thread each) deliver
them in either order: with `--no-sort` about one line in ten printed here comes before an
older line of the other container (run `podtui logs logs -n NS -c app -c copy -f
--timestamps --no-sort` while the test writes to see).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from podtui.cluster.logs import timestamp_ns
from tests.conftest import SEED_POD, wait_for
from tests.log_pods import FeedPod, feed_pods_in

REPO = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^\[(app|copy)\] (\S+) (.*)$")
PAIRS = 150


def logged_last(pod: FeedPod, number: int) -> bool:
    return all(
        pod.conn.core.read_namespaced_pod_log(pod.name, pod.namespace, container=container,
                                              tail_lines=1).endswith(f"req={number}\n")
        for container in ("app", "copy"))


def follow(admin_kubeconfig: str, pod: FeedPod, *options: str) -> list[tuple[str, int, str]]:
    """Run `podtui logs -f` on the pod, write PAIRS request lines and their copies, wait
    until every line is printed, then ctrl-c; the (container, ns, text) printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "podtui", "logs", "--kubeconfig", admin_kubeconfig, pod.name,
         "-n", pod.namespace, "-c", "app", "-c", "copy", "-f", "--timestamps", *options],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        # Both streams open: a first pair printed.
        pod.write("app", ["GET /ready 200 req=0"])
        pod.write("copy", ["INFO GET /ready status=200 req=0"])
        wait_for(lambda: len(list(lines)) >= 2, "the first pair", timeout=90)
        for number in range(1, PAIRS):
            path = f"/api/orders/{number * 37 % 1000}"
            pod.write("app", [f"GET {path} 200 req={number}"])
            pod.write("copy", [f"INFO GET {path} status=200 req={number}"])
            # Each pair stamped on its own, not in a clump with the next ones.
            wait_for(lambda n=number: logged_last(pod, n), f"pair {number} logged")
        wait_for(lambda: len(list(lines)) >= 2 * PAIRS, "every line printed", timeout=90)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    reader.join(10)  # the reader owns stdout until its end (the window's last lines)
    assert process.returncode == 130, process.stderr.read()
    printed = []
    for raw in lines:
        match = LINE.match(raw.rstrip("\n"))
        assert match, raw
        ns = timestamp_ns(match.group(2))
        assert ns is not None, raw
        printed.append((match.group(1), ns, match.group(3)))
    return printed


@pytest.fixture
def feed_pods(conn, namespace):
    yield from feed_pods_in(conn, namespace)


def test_lines_of_both_containers_print_in_timestamp_order(admin_kubeconfig, feed_pods):
    printed = follow(admin_kubeconfig, feed_pods("logs", ["app", "copy"]))
    assert len(printed) == 2 * PAIRS, printed
    stamps = [ns for _, ns, _ in printed]
    assert stamps == sorted(stamps), "printed out of timestamp order"
    # Every line once, and each container's lines in the order written.
    for container, prefix in (("app", "GET "), ("copy", "INFO GET ")):
        got = [line for name, _, line in printed if name == container]
        assert all(line.startswith(prefix) for line in got), got
        assert [int(line.rsplit("=", 1)[1]) for line in got] == list(range(PAIRS))
    # Interleaved as stamped, pair by pair (--no-sort prints each stream's batches whole:
    # about 40 switches here).
    switches = sum(a[0] != b[0] for a, b in zip(printed, printed[1:], strict=False))
    assert switches >= PAIRS // 2, printed


def test_a_negative_sort_window_is_one_clear_line(admin_kubeconfig):
    result = subprocess.run(
        [sys.executable, "-m", "podtui", "logs", "--kubeconfig", admin_kubeconfig, SEED_POD,
         "-n", "default", "-f", "--sort-window", "-5"],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "podtui logs: --sort-window must be 0 or more milliseconds, not -5"]
