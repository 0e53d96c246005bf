"""`podtui logs -f` on the sandbox's seed pod prints the containers' lines in timestamp
order: the busybox tailer's copy of a line after the Node.js app's original.

sandbox/feed_logs.py writes each request to node's log and, stamped 2-30 ms later, its copy
to busybox's log at the same moment; the two streams deliver them in either order (run
`podtui logs seed-sidecar-logs -c node -c busybox -f --timestamps --no-sort` to see)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from podtui.cluster.logs import timestamp_ns
from tests.conftest import SEED_POD, wait_for

REPO = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^\[(node|busybox)\] (\S+) (.*)$")
ORIGINAL = re.compile(r"^(GET|POST) (\S+) (\d{3}) \d+ms req=\d+$")
COPY = re.compile(r"^(?:INFO|ERROR) (GET|POST) (\S+) status=(\d{3})$")
#: feed_logs.py stamps a copy 2-30 ms after its original; requests are 500 ms apart.
COPY_DELAY_NS = 50_000_000


def follow(admin_kubeconfig: str, copies: int, *options: str) -> list[tuple[str, int, str]]:
    """Run `podtui logs -f` until it printed `copies` busybox copies (a slow start on a
    busy machine only takes longer), then ctrl-c; the (container, ns, text) printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "podtui", "logs", "--kubeconfig", admin_kubeconfig, SEED_POD,
         "-n", "default", "-c", "node", "-c", "busybox", "-f", "--timestamps", "--tail", "2",
         *options],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    wait_for(lambda: sum(1 for raw in list(lines) if raw.startswith("[busybox] ")) >= copies,
             f"{copies} busybox lines", timeout=90)
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


def test_every_busybox_copy_comes_after_its_node_original(admin_kubeconfig):
    # With --no-sort (arrival order) this fails within a few seconds on the sandbox.
    printed = follow(admin_kubeconfig, 12)
    originals = {}  # (method, path, status, ns) -> printed position
    for position, (container, ns, text) in enumerate(printed):
        match = ORIGINAL.match(text)
        if container == "node" and match:
            originals[(*match.groups(), ns)] = position
    assert len(originals) >= 8, printed
    first_original = min(key[3] for key in originals)
    checked = 0
    for position, (container, ns, text) in enumerate(printed):
        match = COPY.match(text)
        if container != "busybox" or not match:
            continue
        found = [at for (method, path, status, at_ns), at in originals.items()
                 if (method, path, status) == match.groups()
                 and 0 <= ns - at_ns <= COPY_DELAY_NS]
        if not found:
            # only a copy whose original came before the first lines asked for (--tail)
            assert ns < first_original + COPY_DELAY_NS, (text, printed)
            continue
        assert min(found) < position, (f"copy printed before its original: {text}", printed)
        checked += 1
    assert checked >= 8, printed


def test_a_negative_sort_window_is_one_clear_line(admin_kubeconfig):
    result = subprocess.run(
        [sys.executable, "-m", "podtui", "logs", "--kubeconfig", admin_kubeconfig, SEED_POD,
         "-n", "default", "-f", "--sort-window", "-5"],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "podtui logs: --sort-window must be 0 or more milliseconds, not -5"]
