"""Fill the benchmark namespaces (bench-10, bench-1000, bench-10000) with Running pods.

A namespace that already holds its pods is reused as it is. Pods are POSTed in parallel
(raw JSON); KWOK then schedules and marks them Running with an IP.
"""

from __future__ import annotations

import time

from common import Kube, log, pod_body


def namespace_for(size: int) -> str:
    return f"bench-{size}"


def ensure_pods(kube: Kube, size: int, timeout: float = 1800, namespace: str = "") -> str:
    """bench-SIZE (or `namespace`) with exactly SIZE Running pods named pod-00000...;
    returns the namespace."""
    namespace = namespace or namespace_for(size)
    kube.ensure_namespace(namespace)
    have = kube.count_pods(namespace)
    if have < size:
        log(f"{namespace}: creating {size - have} pods (have {have})")
        started = time.monotonic()
        bodies = [pod_body(f"pod-{i:05d}") for i in range(size)]
        # Chunks, so that progress shows and a failure does not waste the whole run.
        for offset in range(0, size, 1000):
            kube.create_pods(namespace, bodies[offset:offset + 1000])
            done = min(offset + 1000, size)
            if size >= 2000:
                rate = done / max(time.monotonic() - started, 1e-3)
                log(f"{namespace}: {done}/{size} posted ({rate:.0f} pods/s)")
    elif have > size:
        raise RuntimeError(f"{namespace} has {have} pods, more than {size}: delete it first")
    deadline = time.monotonic() + timeout
    while True:
        running = kube.count_pods(namespace, running_only=True)
        if running >= size:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"{namespace}: only {running}/{size} pods Running")
        log(f"{namespace}: {running}/{size} Running; waiting for KWOK")
        time.sleep(3 if size >= 1000 else 0.5)
    return namespace
