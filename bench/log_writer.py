"""Write numbered container log lines in the kubelet's CRI format at a steady rate (a
separate process). KWOK follows the files and serves them through the API server.

    log_writer.py RATE SECONDS OUT FIRST NAME=FILE [NAME=FILE ...]

Each file gets RATE lines a second: `<RFC3339Nano> stdout F <NAME> <NUMBER> <payload>`,
numbers from FIRST, in slices every 10 ms. OUT gets a JSON summary: the start, the lines
written per name and the time each slice was written ([time, lines so far]).
"""

from __future__ import annotations

import json
import os
import sys
import time

PAYLOAD = "GET /api/orders/4711 200 12ms user=alice trace=5f2a9c0e1b7d4f36 bytes=1532"
TICK = 0.01


def main() -> None:
    rate, seconds, out = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    first = int(sys.argv[4])
    targets = [arg.split("=", 1) for arg in sys.argv[5:]]
    fds = [(name, os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644))
           for name, path in targets]
    prefixes: dict[int, str] = {}
    written = 0
    slices: list[tuple[float, int]] = []
    start = time.time()
    end = start + seconds
    while True:
        now = time.time()
        due = min(int((now - start) * rate), int(seconds * rate))
        if due > written:
            base = time.time_ns()
            second = base // 1_000_000_000
            prefix = prefixes.get(second)
            if prefix is None:
                prefix = prefixes[second] = time.strftime("%Y-%m-%dT%H:%M:%S",
                                                          time.gmtime(second))
            for name, fd in fds:
                lines = []
                for number in range(written, due):
                    ns = base + number - written
                    if ns // 1_000_000_000 != second:
                        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 10**9))
                    else:
                        stamp = prefix
                    lines.append(f"{stamp}.{ns % 1_000_000_000:09d}Z stdout F "
                                 f"{name} {first + number:08d} {PAYLOAD}\n")
                os.write(fd, "".join(lines).encode())
            written = due
            slices.append((time.time(), written))
        if now >= end and written >= int(seconds * rate):
            break
        time.sleep(max(0.0, TICK - (time.time() - now)))
    for _name, fd in fds:
        os.close(fd)
    with open(out, "w") as handle:
        json.dump({"start": start, "end": time.time(), "rate": rate,
                   "written": {name: written for name, _ in targets}, "slices": slices}, handle)


if __name__ == "__main__":
    main()
