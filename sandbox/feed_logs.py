"""Feed the sandbox's container log files (stdlib only).

KWOK serves container logs from files in the kubelet's CRI format
("<RFC3339Nano> stdout F <line>"), so `kubectl logs` and podtui read them through
the API server as on a real node. This writes plausible lines for the seed pod:
the Node.js app handles requests and logs them; the busybox sidecar prints what
`tail -F /logs/app.log` sees of the shared emptyDir a few milliseconds later.

With --app-log it also writes that shared file itself (the emptyDir's app.log, which
`kubectl exec` shows in both containers), and with --http-port it serves HTTP on
127.0.0.1 in the app's place (the target of a port-forward to the seed pod's port 3000):
each request served is logged like the others.

    feed_logs.py DIR [--rate LINES_PER_SECOND] [--app-log FILE] [--http-port PORT]
"""

import argparse
import random
import threading
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
        self.app_log = None
        self.lock = threading.Lock()  # the tick loop and the HTTP server both write

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
        self.write_app_log(now, "INFO server listening on :3000")

    def write_app_log(self, ts: float, text: str) -> None:
        """What the app appends to /app/logs/app.log (the seed pod's command)."""
        if self.app_log is not None:
            stamp = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
            self.app_log.write(f"{stamp}Z {text}\n")

    def tick(self) -> None:
        path = random.choice(PATHS).format(id=random.randint(100, 999))
        method = "POST" if path == "/api/cart" else "GET"
        status = random.choices([200, 201, 404, 500], weights=[80, 10, 7, 3])[0]
        with self.lock:
            self.log_request(method, path, status, random.randint(2, 120))

    def log_request(self, method: str, path: str, status: int, ms: int) -> None:
        now = time.time()
        self.request += 1
        self.files["seed-node"].write(
            cri(now, f"{method} {path} {status} {ms}ms req={self.request}")
        )
        level = "ERROR" if status >= 500 else "INFO"
        self.write_app_log(now, f"{level} {method} {path}")
        self.files["seed-busybox"].write(
            cri(now + random.uniform(0.002, 0.03), f"{level} {method} {path} status={status}")
        )
        if self.request % 5 == 0:
            self.files["generic"].write(cri(now, f"heartbeat {self.request // 5}"))


def serve_http(feeder: Feeder, port: int) -> None:
    """The Node.js app's stand-in: answers 'ok' (as the seed pod's app) and logs the request."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class App(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            with feeder.lock:
                feeder.log_request(self.command, self.path, 200, 1)
            body = b"ok"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_HEAD = do_GET  # noqa: N815

        def log_message(self, *args) -> None:
            pass

    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), App)
    except OSError as exc:  # the logs matter more than the forward target: go on without it
        print(f"feed_logs: cannot serve HTTP on 127.0.0.1:{port}: {exc.strerror}", flush=True)
        return
    threading.Thread(target=server.serve_forever, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--rate", type=float, default=2.0)
    parser.add_argument("--app-log", type=Path)
    parser.add_argument("--http-port", type=int)
    args = parser.parse_args()
    feeder = Feeder(args.dir, args.rate)
    if args.app_log:
        args.app_log.parent.mkdir(parents=True, exist_ok=True)
        feeder.app_log = args.app_log.open("a", buffering=1)
    if args.http_port:
        serve_http(feeder, args.http_port)
    feeder.write_previous()
    feeder.start()
    while True:
        time.sleep(1 / args.rate)
        feeder.tick()


if __name__ == "__main__":
    main()
