"""5. `podtui --version` wall time (median of N), beside `kubectl version --client`."""

from __future__ import annotations

from common import KUBECTL, PODTUI, Row, load, median, time_command

GOAL_S = 0.5


def bench_version(count: int = 10) -> tuple[list[Row], dict]:
    before = load()
    ours, theirs = [], []
    for _ in range(count):
        ours.append(time_command([str(PODTUI), "--version"])[0])
        theirs.append(time_command([KUBECTL, "version", "--client"])[0])
    value = median(ours)
    row = Row("version", f"podtui --version (median of {count})", value, median(theirs), "s",
              goal=f"< {GOAL_S} s", met=value is not None and value < GOAL_S, load=before,
              note="ref: kubectl version --client")
    return [row], {"podtui_s": ours, "kubectl_s": theirs, "load": before}
