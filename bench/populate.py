"""Fill the benchmark namespaces (bench-10, bench-1000, bench-10000) with Running pods.

A namespace that already holds its pods is reused as it is. Pods are POSTed in parallel
(raw JSON); the scheduler binds them to a KWOK node, and KWOK marks them Running with an IP.

The 50,000 pods of the scale bench go to a node of their own (`SCALE_NODE`, made here when
missing), which KWOK plays like the others but which metrics-server cannot scrape: KWOK
computes the usage of every pod of a node at each scrape (every 15 s, CEL per container):
~0.3 core of the two at 14,500 pods, growing with the pods (about a core at 50,000), taken
from the API server and KWOK's own pod workers (bench/RESULTS.md).
"""

from __future__ import annotations

import time

from common import Kube, log, pod_body

from sandbox.render_config import KWOK_TAINT

#: The node the scale bench's pods go to: KWOK's (its annotation and taint) without the
#: annotation that tells metrics-server where KWOK serves its usage, so no usage is computed
#: for its pods (metrics-server logs that it cannot scrape it).
SCALE_NODE = "kwok-scale-node"


def namespace_for(size: int) -> str:
    return f"bench-{size}"


#: KWOK gives a node 1k CPUs and 1Ti of memory unless it has its own: 32,768 of the bench's
#: pods (32Mi requested each) and the scheduler leaves the rest Pending.
SCALE_NODE_SIZE = {"cpu": "4k", "memory": "4Ti", "pods": "1M"}


def ensure_scale_node(kube: Kube) -> None:
    """SCALE_NODE, a fake node that KWOK manages (it fills in its status and plays its pods),
    big enough for the scale bench."""
    try:
        kube.get(f"/api/v1/nodes/{SCALE_NODE}")
    except RuntimeError as exc:
        if "HTTP 404" not in str(exc):
            raise
        kube.request("POST", "/api/v1/nodes", {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": SCALE_NODE,
                         "labels": {"type": SCALE_NODE, "kubernetes.io/hostname": SCALE_NODE},
                         "annotations": {"kwok.x-k8s.io/node": "fake"}},
            "spec": {"taints": [KWOK_TAINT]},
        })
    # KWOK keeps the capacity a node already has (its node-initialize stage).
    kube.request("PATCH", f"/api/v1/nodes/{SCALE_NODE}/status",
                 {"status": {"capacity": SCALE_NODE_SIZE, "allocatable": SCALE_NODE_SIZE}})


def ensure_pods(kube: Kube, size: int, timeout: float = 1800, namespace: str = "",
                node_type: str = "", wait: bool = True) -> str:
    """bench-SIZE (or `namespace`) with exactly SIZE Running pods named pod-00000...;
    returns the namespace. `node_type`: the nodes' `type` label the pods go to (default the
    sandbox's KWOK nodes); `wait=False` returns once they are created."""
    namespace = namespace or namespace_for(size)
    kube.ensure_namespace(namespace)
    have = kube.count_pods(namespace)
    if have < size:
        log(f"{namespace}: creating {size - have} pods (have {have})")
        started = time.monotonic()
        bodies = [pod_body(f"pod-{i:05d}") for i in range(size)]
        if node_type:
            for body in bodies:
                body["spec"]["nodeSelector"] = {"type": node_type}
        # Chunks, so that progress shows and a failure does not waste the whole run.
        for offset in range(0, size, 1000):
            kube.create_pods(namespace, bodies[offset:offset + 1000])
            done = min(offset + 1000, size)
            if size >= 2000:
                rate = done / max(time.monotonic() - started, 1e-3)
                log(f"{namespace}: {done}/{size} posted ({rate:.0f} pods/s)")
    elif have > size:
        raise RuntimeError(f"{namespace} has {have} pods, more than {size}: delete it first")
    if not wait:
        return namespace
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
