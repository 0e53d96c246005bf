"""The programs podtui is measured beside: k9s and stern (built by bench/peers/build).

k9s gets a fresh config/state/cache home per run, so that no earlier run (its own
benchmarks, skins, a remembered view) and no file of the user's changes what it does.
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path

from common import BENCH_DIR, KUBECONFIG, log

BUILD = BENCH_DIR / "peers" / "build"


@functools.cache
def binary(name: str) -> Path:
    """The peer's binary, built (once, cached) if needed."""
    log(f"peers: {name} (bench/peers/build {name}; first build: k9s ~6 min, stern ~1 min)")
    out = subprocess.run([str(BUILD), name], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip().splitlines()[-1]) / name


@functools.cache
def version(name: str) -> str:
    out = subprocess.run([str(binary(name)), "version", *(["-s"] if name == "k9s" else [])],
                         capture_output=True, text=True, check=False)
    for line in (out.stdout + out.stderr).splitlines():
        if "ersion" in line:
            return " ".join(line.split())
    return "?"


class K9sHome:
    """A throwaway home for one k9s run (XDG config, state, data, cache)."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="bench-k9s-")
        root = Path(self._dir.name)
        self.env = {f"XDG_{kind}_HOME": str(root / kind.lower())
                    for kind in ("CONFIG", "STATE", "DATA", "CACHE")}
        self.env["K9S_LOGS_DIR"] = str(root / "logs")

    def cleanup(self) -> None:
        self._dir.cleanup()


def k9s_argv(namespace: str | None, command: str = "pods", splash: bool = False) -> list[str]:
    """k9s on the pod list of `namespace` (None: all namespaces), read-only. Without its
    splash screen unless `splash`: `--splashless` is its fastest start (the splash holds
    the first frame ~1 s at 10 pods), so that is what podtui is measured against; the
    default start is reported beside it."""
    scope = ["--all-namespaces"] if namespace is None else ["--namespace", namespace]
    return [str(binary("k9s")), "--kubeconfig", str(KUBECONFIG), *scope,
            "--command", command, "--readonly", *([] if splash else ["--splashless"])]


def stern_argv(namespace: str, pod: str, since: str = "1h") -> list[str]:
    """stern following every container of `pod`, printing the bare log lines."""
    return [str(binary("stern")), "--kubeconfig", str(KUBECONFIG), "--namespace", namespace,
            "--since", since, "--output", "raw", "--color", "never", f"^{pod}$"]
