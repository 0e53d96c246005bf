"""Timestamp what arrives on stdin, chunk by chunk (a separate process: it must not share
a GIL with what it measures). On EOF writes OUT as JSON lines: {"t": time, "n": bytes,
"lines": complete lines ending in this chunk} and, with --keep, the raw bytes to OUT.raw.

    some-command | stamp.py OUT [--keep] [--count-numbered]

--count-numbered: the lines are `<word> <number> ...` (log benchmark): instead of keeping
them, check that the numbers of each word go up by one and report counts and gaps.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--count-numbered", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the pipe's EOF ends us
    stamps: list[tuple[float, int]] = []
    raw = bytearray()
    counts: dict[str, int] = {}
    expected: dict[str, int] = {}
    gaps: dict[str, int] = {}
    first: float | None = None
    last: float | None = None
    rest = b""
    while True:
        chunk = os.read(0, 1 << 20)
        if not chunk:
            break
        now = time.time()
        stamps.append((now, len(chunk)))
        if args.keep:
            raw += chunk
        if args.count_numbered:
            first = first or now
            last = now
            data = rest + chunk
            *lines, rest = data.split(b"\n")
            if not lines:
                continue
            # Cheap check first (C-speed split, two int()s): one word, consecutive numbers.
            head, tail = lines[0].split(b" ", 2), lines[-1].split(b" ", 2)
            if (len(head) > 1 and len(tail) > 1 and head[0] == tail[0]
                    and head[1].isdigit() and tail[1].isdigit()):
                word = head[0].decode(errors="replace")
                low, high = int(head[1]), int(tail[1])
                if high - low + 1 == len(lines) and expected.get(word, low) == low:
                    counts[word] = counts.get(word, 0) + len(lines)
                    expected[word] = high + 1
                    continue
            for line in lines:
                parts = line.split(b" ", 2)
                if len(parts) < 2 or not parts[1].isdigit():
                    counts["?"] = counts.get("?", 0) + 1
                    continue
                word = parts[0].decode(errors="replace")
                number = int(parts[1])
                counts[word] = counts.get(word, 0) + 1
                if number != expected.get(word, number):
                    gaps[word] = gaps.get(word, 0) + 1
                expected[word] = number + 1
    with open(args.out, "w") as handle:
        if args.count_numbered:
            handle.write(json.dumps({"counts": counts, "next": expected, "gaps": gaps,
                                     "first": first, "last": last}) + "\n")
        else:
            for when, size in stamps:
                handle.write(json.dumps({"t": when, "n": size}) + "\n")
    if args.keep:
        with open(args.out + ".raw", "wb") as handle:
            handle.write(raw)


if __name__ == "__main__":
    main()
