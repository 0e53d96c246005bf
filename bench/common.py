"""Shared helpers for the benchmarks: the sandbox's API over raw HTTPS, the machine, stats.

The benchmarks talk to the API server with urllib3 and the admin client certificate,
never through podtui's own code, so what they set up does not depend on what they measure.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import urllib3
import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
SANDBOX_DIR = Path(os.environ.get("PODTUI_SANDBOX_DIR", "/tmp/podtui-sandbox"))
KUBECONFIG = SANDBOX_DIR / "admin.kubeconfig"
PODTUI = ROOT / ".venv" / "bin" / "podtui"
PYTHON = sys.executable
KUBECTL = os.environ.get("PODTUI_BENCH_KUBECTL") or str(SANDBOX_DIR / "kubectl")

# The sandbox's own spec fields for "on a KWOK fake node". The benches run as scripts
# (churn.py in a process of its own), so the checkout's root is not always on the path.
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))
from sandbox.render_config import ON_FAKE_NODE  # noqa: E402


def compile_bytecode(tree: Path = ROOT) -> None:
    """Write the bytecode of `tree`'s podtui package, as `pip install` does for an installed
    podtui. The benches run the checkout (an editable install, or a tree on sys.path): with
    PYTHONDONTWRITEBYTECODE set, as on the bench machine, every start would compile podtui's
    modules from source again (0.05-0.1 s of CPU at 10 pods), which no installed podtui does."""
    import compileall

    compileall.compile_dir(str(tree / "podtui"), quiet=1)


def log(text: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# --- the machine ----------------------------------------------------------------------------


def load() -> str:
    """The 1/5/15-minute load averages, as `uptime` shows them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> dict[str, Any]:
    cpu = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": versions(),
    }


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("podtui", "textual", "rich", "kubernetes", "orjson", "urllib3"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "-"
    try:
        out = subprocess.run([KUBECTL, "version", "--client", "-o", "json"], capture_output=True,
                             text=True, timeout=20).stdout
        found["kubectl"] = json.loads(out)["clientVersion"]["gitVersion"]
    except Exception:  # noqa: BLE001 - informative only
        found["kubectl"] = "?"
    # Built from the pinned module without version ldflags: /version says v0.0.0-master.
    pin = "?"
    with contextlib.suppress(OSError):
        for line in (ROOT / "sandbox" / "k8s" / "go.mod").read_text().splitlines():
            if line.strip().startswith("k8s.io/kubernetes "):
                pin = line.split()[1]
    found["kube-apiserver"] = f"{pin} (sandbox/k8s/go.mod)"
    return found


# --- numbers --------------------------------------------------------------------------------


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def percentile(values: Iterable[float], pct: float) -> float | None:
    """Nearest-rank percentile (p99 of 1000 samples is the 990th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


@dataclass
class Row:
    """One line of the summary table."""

    bench: str
    metric: str
    podtui: float | None
    reference: float | None = None
    unit: str = ""
    goal: str = ""
    met: bool | None = None
    load: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    peer: str = "kubectl"  # what `reference` measured

    @property
    def ratio(self) -> float | None:
        if self.podtui is None or not self.reference:
            return None
        return self.podtui / self.reference


class GcClock:
    """Time the cyclic GC's pauses (gc.callbacks) in this process, per generation."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.total = [0.0, 0.0, 0.0]
        self.longest = 0.0
        self._start = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
            return
        spent = time.perf_counter() - self._start
        generation = info.get("generation", 0)
        self.count[generation] += 1
        self.total[generation] += spent
        self.longest = max(self.longest, spent)

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def summary(self, wall: float) -> dict[str, Any]:
        spent = sum(self.total)
        return {"collections": self.count, "seconds": [round(t, 3) for t in self.total],
                "share_of_wall": round(spent / wall, 3) if wall else None,
                "longest_ms": round(1000 * self.longest, 1)}


# --- the API server over raw HTTPS ----------------------------------------------------------


class Kube:
    """Just enough of the API: JSON GET/POST/DELETE with the admin client certificate."""

    def __init__(self, kubeconfig: Path = KUBECONFIG, maxsize: int = 32) -> None:
        config = yaml.safe_load(kubeconfig.read_text())
        cluster = config["clusters"][0]["cluster"]
        user = config["users"][0]["user"]
        self.server = cluster["server"].rstrip("/")
        self._tmp = tempfile.TemporaryDirectory(prefix="podtui-bench-")
        files = {}
        for key, name in (("certificate-authority-data", "ca.crt"),
                          ("client-certificate-data", "admin.crt"),
                          ("client-key-data", "admin.key")):
            source = cluster if key.startswith("certificate-authority") else user
            path = Path(self._tmp.name) / name
            path.write_bytes(base64.b64decode(source[key]))
            files[name] = str(path)
        self.http = urllib3.PoolManager(
            maxsize=maxsize,
            block=True,
            cert_file=files["admin.crt"],
            key_file=files["admin.key"],
            ca_certs=files["ca.crt"],
            cert_reqs="CERT_REQUIRED",
            retries=False,
            timeout=urllib3.Timeout(connect=5, read=120),
        )

    def request(self, method: str, path: str, body: Any = None, ok=(200, 201, 202)) -> Any:
        data = None if body is None else json.dumps(body).encode()
        response = self.http.request(
            method, self.server + path, body=data,
            headers={"Content-Type": "application/merge-patch+json" if method == "PATCH"
                     else "application/json", "Accept": "application/json"},
        )
        if response.status not in ok:
            raise RuntimeError(f"{method} {path}: HTTP {response.status} "
                               f"{response.data[:300].decode(errors='replace')}")
        return json.loads(response.data) if response.data else None

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def wait_ready(self, timeout: float = 180) -> None:
        """Wait for the API server (other people's fault tests restart it)."""
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                self.get("/api/v1/namespaces/default")
                return
            except Exception:  # noqa: BLE001 - refused, reset, 503 while starting
                if time.monotonic() > deadline:
                    raise
                if not told:
                    log("the API server does not answer; waiting")
                    told = True
                time.sleep(1)

    # -- namespaces and pods --

    def namespace_exists(self, name: str) -> bool:
        try:
            data = self.get(f"/api/v1/namespaces/{name}")
        except RuntimeError as exc:
            if "HTTP 404" in str(exc):
                return False
            raise
        return data.get("status", {}).get("phase") == "Active"

    def ensure_namespace(self, name: str) -> None:
        while True:
            try:
                data = self.get(f"/api/v1/namespaces/{name}")
            except RuntimeError as exc:
                if "HTTP 404" not in str(exc):
                    raise
                break
            if data.get("status", {}).get("phase") == "Active":
                return
            log(f"namespace {name} is terminating; waiting")
            time.sleep(2)
        self.request("POST", "/api/v1/namespaces",
                     {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        # Pods need the namespace's default service account (admission).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get(f"/api/v1/namespaces/{name}/serviceaccounts/default")
                return
            except RuntimeError:
                time.sleep(0.1)
        raise RuntimeError(f"namespace {name}: no default service account after 60 s")

    def delete_namespace(self, name: str) -> None:
        self.request("DELETE", f"/api/v1/namespaces/{name}", ok=(200, 202, 404))

    def count_pods(self, namespace: str, running_only: bool = False) -> int:
        """Pods in a namespace (paged list; `running_only`: phase Running with an IP)."""
        total = 0
        token = ""
        while True:
            query = "limit=2000" + (f"&continue={token}" if token else "")
            data = self.get(f"/api/v1/namespaces/{namespace}/pods?{query}")
            for pod in data.get("items") or []:
                status = pod.get("status") or {}
                if not running_only or (status.get("phase") == "Running" and status.get("podIP")):
                    total += 1
            token = (data.get("metadata") or {}).get("continue") or ""
            if not token:
                return total

    def create_pods(self, namespace: str, bodies: list[dict], workers: int = 16) -> int:
        """POST pods in parallel; returns how many were created (409 = already there)."""
        path = f"/api/v1/namespaces/{namespace}/pods"
        created = 0
        lock = threading.Lock()

        def post(body: dict) -> None:
            nonlocal created
            for attempt in range(5):
                try:
                    self.request("POST", path, body, ok=(201, 409))
                    break
                except Exception:  # noqa: BLE001 - 429/timeouts under load: retry
                    if attempt == 4:
                        raise
                    time.sleep(0.5 * (attempt + 1))
            with lock:
                created += 1

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(post, bodies))
        return created

    def delete_pod(self, namespace: str, name: str) -> None:
        self.request("DELETE", f"/api/v1/namespaces/{namespace}/pods/{name}?gracePeriodSeconds=0",
                     ok=(200, 202, 404))


def pod_body(name: str, labels: dict[str, str] | None = None,
             containers: Iterable[str] = ("app", "log-tailer"), on_fake_node: bool = True) -> dict:
    """A plausible two-container pod (app + sidecar on a shared emptyDir), about the size of
    a real Deployment's pod once the server has filled in its defaults and status.

    It goes to one of KWOK's fake nodes unless `on_fake_node` is False: the benchmarks make
    pods by the thousand and at 50 a second, which the real node (2 cores, at most 250
    pods) could neither run nor schedule as fast; its app image exists nowhere."""
    names = list(containers)
    specs = []
    for index, cname in enumerate(names):
        specs.append({
            "name": cname,
            "image": "busybox:1.36" if index else "registry.example/shop/web:1.4.2",
            "command": ["sh", "-c", "tail -F /logs/app.log" if index else "sleep 3600"],
            "ports": [] if index else [{"name": "http", "containerPort": 8080}],
            "env": [{"name": "LOG_DIR", "value": "/logs"}, {"name": "ROLE", "value": cname}],
            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"},
                          "limits": {"memory": "64Mi"}},
            "volumeMounts": [{"name": "logs", "mountPath": "/logs", "readOnly": bool(index)}],
        })
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "labels": {"app": "bench", "tier": "web", **(labels or {})},
            "annotations": {"bench.podtui.dev/purpose": "benchmark pod"},
        },
        "spec": {
            "containers": specs,
            "volumes": [{"name": "logs", "emptyDir": {}}],
            "terminationGracePeriodSeconds": 0,
            "restartPolicy": "Always",
            **(ON_FAKE_NODE if on_fake_node else {}),
        },
    }


def proc_cpu(pid: int) -> float | None:
    """User + system CPU seconds a live process has used so far (/proc/PID/stat)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kubectl(*args: str) -> list[str]:
    return [KUBECTL, f"--kubeconfig={KUBECONFIG}", *args]


def time_command(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Run to the end, output discarded; (wall seconds, exit code, peak RSS in KiB)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if code:
            errors.seek(0)
            log(f"{argv[0]} exited {code}: {errors.read()[-300:].decode(errors='replace')}")
    return wall, code, usage.ru_maxrss
