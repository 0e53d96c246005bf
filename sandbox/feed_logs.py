"""Feed the sandbox's container log files (stdlib only).

KWOK serves container logs from files in the kubelet's CRI format
("<RFC3339Nano> stdout F <line>"), so `kubectl logs` and podtui read them through
the API server as on a real node. This writes plausible lines for the seed pod:
the Node.js app handles requests and logs them; the busybox sidecar prints what
`tail -F /logs/app.log` sees of the shared emptyDir a few milliseconds later.

    feed_logs.py DIR [--rate LINES_PER_SECOND]
"""

import argparse
import random
import time
from datetime import UTC, datetime
from pathlib import Path

PATHS = ["/api/orders", "/api/orders/{id}", "/api/cart", "/healthz", "/api/users/{id}"]


def cri(ts: float, text: str, stream: str = "stdout") -> str:
    stamp = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"
    return f"{stamp} {stream} F {text}\n"


class Feeder:
    def __init__(self, directory: Path, rate: float) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.dir = directory
        self.rate = rate
        self.files = {
            name: (directory / f"{name}.log").open("a", buffering=1)
            for name in ("seed-node", "seed-busybox", "generic")
        }
        self.request = 0

    def write_previous(self) -> None:
        """What `--previous` shows: the app's last run before a restart."""
        now = time.time() - 600
        lines = [
            cri(now, "> web@1.4.2 start"),
            cri(now + 0.1, "server listening on :3000"),
            cri(now + 30, "FATAL heap out of memory while building report", "stderr"),
        ]
        for name in ("seed-node", "seed-busybox", "generic"):
            (self.dir / f"{name}.previous.log").write_text("".join(lines))

    def start(self) -> None:
        now = time.time()
        self.files["seed-node"].write(cri(now, "> web@1.4.2 start"))
        self.files["seed-node"].write(cri(now + 0.05, "server listening on :3000"))
        self.files["seed-busybox"].write(cri(now + 0.06, "INFO server listening on :3000"))
        self.files["generic"].write(cri(now, "container started (sandbox: no real process runs)"))

    def tick(self) -> None:
        now = time.time()
        self.request += 1
        path = random.choice(PATHS).format(id=random.randint(100, 999))
        method = "POST" if path == "/api/cart" else "GET"
        status = random.choices([200, 201, 404, 500], weights=[80, 10, 7, 3])[0]
        ms = random.randint(2, 120)
        self.files["seed-node"].write(
            cri(now, f"{method} {path} {status} {ms}ms req={self.request}")
        )
        level = "ERROR" if status >= 500 else "INFO"
        self.files["seed-busybox"].write(
            cri(now + random.uniform(0.002, 0.03), f"{level} {method} {path} status={status}")
        )
        if self.request % 5 == 0:
            self.files["generic"].write(cri(now, f"heartbeat {self.request // 5}"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--rate", type=float, default=2.0)
    args = parser.parse_args()
    feeder = Feeder(args.dir, args.rate)
    feeder.write_previous()
    feeder.start()
    while True:
        time.sleep(1 / args.rate)
        feeder.tick()


if __name__ == "__main__":
    main()
