"""Pod churn for the watch-latency benchmark (a separate process, so that it does not
share a GIL with what it measures).

    churn.py NAMESPACE RATE SECONDS OUT [--lifetime S] [--prefix P] [--countdown]

Creates RATE pods a second for SECONDS (each pod is a probe), deletes each one LIFETIME
seconds after it was created, so RATE pods a second come and RATE go. Writes one JSON line
per create to OUT: {"name", "sent", "done", "ok"} (wall-clock times).
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from common import Kube, pod_body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("namespace")
    parser.add_argument("rate", type=float)
    parser.add_argument("seconds", type=float)
    parser.add_argument("out")
    parser.add_argument("--lifetime", type=float, default=3.0)
    parser.add_argument("--prefix", default="churn")
    parser.add_argument("--countdown", action="store_true",
                        help="names count down, so the newest pod sorts first (on screen)")
    args = parser.parse_args()
    kube = Kube(maxsize=32)
    path = f"/api/v1/namespaces/{args.namespace}/pods"
    records: list[dict] = []
    lock = threading.Lock()
    deletions: list[tuple[float, str]] = []

    def create(name: str) -> None:
        sent = time.time()
        ok = True
        try:
            kube.request("POST", path, pod_body(name, {"bench": "churn"}, ("app",)))
        except Exception:  # noqa: BLE001 - counted as a failed probe
            ok = False
        done = time.time()
        with lock:
            records.append({"name": name, "sent": sent, "done": done, "ok": ok})
            if ok:
                heapq.heappush(deletions, (done + args.lifetime, name))

    def delete(name: str) -> None:
        # A failure is harmless: the namespace is deleted at the end anyway.
        with contextlib.suppress(Exception):
            kube.delete_pod(args.namespace, name)

    interval = 1.0 / args.rate
    start = time.time()
    end = start + args.seconds
    index = 0
    with ThreadPoolExecutor(32) as pool:
        while True:
            now = time.time()
            due_create = start + index * interval
            if due_create < end and due_create <= now:
                number = 99999 - index if args.countdown else index
                pool.submit(create, f"{args.prefix}-{number:05d}")
                index += 1
                continue
            with lock:
                if deletions and deletions[0][0] <= now:
                    _, name = heapq.heappop(deletions)
                    pool.submit(delete, name)
                    continue
                next_delete = deletions[0][0] if deletions else None
            if due_create >= end and next_delete is None and pool._work_queue.empty():
                time.sleep(0.2)
                with lock:
                    if not deletions:
                        break
                continue
            waits = [t - now for t in (due_create if due_create < end else None, next_delete)
                     if t is not None]
            time.sleep(max(0.0, min(waits or [0.05])))
    with open(args.out, "w") as handle:
        for record in sorted(records, key=lambda r: r["sent"]):
            handle.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
