"""Watch latency beside k9s: a pod is created -> its row is on the screen.

podtui and k9s run at the same time, each in its own pseudo-terminal (120x40), on one
namespace that a separate process churns (RATE pods created a second, each deleted 3 s
later). The pods' names count down, so the newest pod sorts first and its row is on the
first screen of both programs (both sort by name). Every chunk either program writes is
fed to its terminal emulator, and the time each probe's name first appears on the screen
is kept; latency is from the POST being sent. A probe never shown is counted as missed.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import time
from pathlib import Path

import peers
from common import BENCH_DIR, PYTHON, Kube, Row, load, log, median, percentile
from quiet import k9s_listed, podtui_argv, podtui_listed
from terminal import Lines, Terminal

NAMESPACE = "bench-watch-k9s"
PROBE = re.compile(r"\b(w\d+-\d{5})\b")


class FirstSeen:
    """A screen test that never passes: it notes when each probe's name first shows (the
    arrival time of the chunk that showed it)."""

    def __init__(self) -> None:
        self.when: dict[str, float] = {}
        self.terminal: Terminal | None = None

    def __call__(self, lines: Lines) -> bool:
        now = self.terminal.now if self.terminal else time.time()
        for line in lines:
            for name in PROBE.findall(line):
                self.when.setdefault(name, now)
        return False


def bench_watch_beside_k9s(rate: float, seconds: float = 20,
                           lifetime: float = 3.0) -> tuple[list[Row], dict]:
    kube = Kube()
    kube.delete_namespace(NAMESPACE)
    kube.ensure_namespace(NAMESPACE)
    home = peers.K9sHome()
    tmp = tempfile.TemporaryDirectory(prefix="bench-watch-")
    out = Path(tmp.name) / "churn.jsonl"
    seen = {"podtui": FirstSeen(), "k9s": FirstSeen()}
    before = load()
    terms = {
        "podtui": Terminal(podtui_argv(NAMESPACE), {},
                           watch={"listed": podtui_listed(0), "probes": seen["podtui"]}),
        "k9s": Terminal(peers.k9s_argv(NAMESPACE), home.env,
                        watch={"listed": k9s_listed(NAMESPACE, 0), "probes": seen["k9s"]}),
    }
    for name, term in terms.items():
        seen[name].terminal = term
    try:
        for name, term in terms.items():
            if term.wait("listed", 60) is None:
                raise RuntimeError(f"{name} did not show the empty namespace")
        time.sleep(2)
        prefix = f"w{int(time.time()) % 100000}"
        log(f"watch beside k9s: churn {rate:g} pods/s for {seconds:g}s")
        subprocess.run([PYTHON, str(BENCH_DIR / "churn.py"), NAMESPACE, str(rate),
                        str(seconds), str(out), "--lifetime", str(lifetime), "--prefix", prefix,
                        "--countdown"], check=True)
        time.sleep(3)
    finally:
        for name, term in terms.items():
            term.close(b"q" if name == "podtui" else b"\x03")
        home.cleanup()
    after = load()
    probes = [json.loads(line) for line in out.read_text().splitlines()]
    tmp.cleanup()
    kube.delete_namespace(NAMESPACE)
    created = [p for p in probes if p["ok"]]
    reached = len(created) / seconds
    raw: dict = {"rate": rate, "reached_per_s": reached, "load": [before, after],
                 "post_ms_median": median(1000 * (p["done"] - p["sent"]) for p in created)}
    stats = {}
    for name in ("podtui", "k9s"):
        lat = [1000 * (seen[name].when[p["name"]] - p["sent"]) for p in created
               if p["name"] in seen[name].when]
        stats[name] = {"median": median(lat), "p99": percentile(lat, 99), "shown": len(lat),
                       "missed": len(created) - len(lat)}
    raw.update(stats)
    ours, theirs = stats["podtui"], stats["k9s"]
    note = (f"{reached:.0f}/s reached, POST median {raw['post_ms_median'] or 0:.0f} ms; "
            f"never shown: podtui {ours['missed']}, k9s {theirs['missed']} of {len(created)}")
    rows = [
        Row("watch beside k9s", f"{rate:g} pods/s: create -> row on screen, median",
            ours["median"], theirs["median"], "ms", load=before, peer="k9s", note=note),
        Row("watch beside k9s", f"{rate:g} pods/s: same, p99", ours["p99"], theirs["p99"],
            "ms", load=after, peer="k9s",
            goal="<= k9s", met=bool(ours["p99"] is not None and theirs["p99"] is not None
                                    and ours["p99"] <= theirs["p99"] and not ours["missed"])),
    ]
    return rows, raw
