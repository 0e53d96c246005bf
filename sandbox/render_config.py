"""Objects and KWOK configuration for the sandbox (stdlib only: runs before any venv).

    render_config.py kwok BIN_DIR STATE_DIR   KWOK's config (its pod stages with container
                                              IDs, one log file for every fake pod) as YAML
    render_config.py objects NODES NS         one "API-PATH JSON" line per object to create
    render_config.py seed                     the seed pod (about-pods.md) as JSON
    render_config.py usage METRICS_DIR        KWOK's resource usage emulation + kubelet metrics
    render_config.py metrics-api PORT CA      "API-PATH JSON" lines registering metrics.k8s.io
    render_config.py usage-demo               a pod whose sidecar grows toward its memory limit
"""

import base64
import json
import re
import sys
from pathlib import Path

SEED_NAME = "seed-sidecar-logs"
# Pods run on the real node unless they tolerate this taint (the benchmarks' thousands).
KWOK_TAINT = {"key": "kwok.x-k8s.io/node", "value": "fake", "effect": "NoSchedule"}
# The spec fields that put a pod on a fake node.
ON_FAKE_NODE = {"nodeSelector": {"type": "kwok"},
                "tolerations": [{"key": KWOK_TAINT["key"], "operator": "Exists"}]}
# Real kubelets report an image ID and a container ID for every container that was
# created (stern and other tools skip containers without one); KWOK's own stages set
# neither. These lines are added after each "- image:" line of a stage.
IMAGE_ID = ('imageID: {{ printf "%s%s@sha256:%s" (ternary "" "docker.io/library/" '
            '(contains "/" @X@)) (regexReplaceAll ":[^:/]+$" @X@ "") (sha256sum @X@) '
            '| Quote }}')
CONTAINER_ID = ('containerID: {{ printf "containerd://%s" (sha256sum (printf "%s/%s" '
                '$.metadata.uid @X@)) | Quote }}')


def with_ids(stage: str) -> str:
    """Image and container IDs in the container statuses of one of KWOK's own stages."""
    out = []
    for line in stage.splitlines():
        out.append(line)
        match = re.fullmatch(r"(\s*)- image: \{\{ (\S*)\.image \| Quote \}\}", line)
        if match:
            pad, item = match.group(1) + "  ", match.group(2)
            out.append(pad + IMAGE_ID.replace("@X@", item + ".image"))
            out.append(pad + CONTAINER_ID.replace("@X@", item + ".name"))
    return "\n".join(out) + "\n"


# What `kubectl logs` shows of a pod on a fake node: nothing runs there, so one file
# written at `up` serves every container (the zoo's pods and the benchmarks' thousands).
FAKE_NODE_LOG = "this pod is on a KWOK fake node of the sandbox: no process runs here"


def kwok_config(bin_dir: Path, state: Path) -> str:
    logs = state / "podlogs"
    logs.mkdir(parents=True, exist_ok=True)
    line = f"1970-01-01T00:00:00.000000000Z stdout F {FAKE_NODE_LOG}\n"
    for name in ("generic.log", "generic.previous.log"):
        (logs / name).write_text(line)
    docs = [
        # Each of KWOK's pod workers waits for the API server's answer to its status patch:
        # with its 4, a loaded API server (the benchmarks' POSTs, 2 cores) held it to 6-8
        # pods a second while the scheduler had thousands bound and waiting. A configuration
        # given here is not defaulted: the other options are KWOK's defaults, spelt out.
        json.dumps({
            "apiVersion": "config.kwok.x-k8s.io/v1alpha1",
            "kind": "KwokConfiguration",
            "options": {"podPlayStageParallelism": 16, "nodePlayStageParallelism": 4,
                        "nodeLeaseParallelism": 4, "podsOnNodeSyncParallelism": 1,
                        "enableDebuggingHandlers": True, "enableProfilingHandler": True,
                        "enableContentionProfiling": False, "manageAllNodes": False,
                        "enablePodsOnNodeSyncListPager": True,
                        "enablePodsOnNodeSyncStreamWatch": False},
        }),
        json.dumps({
            "apiVersion": "kwok.x-k8s.io/v1alpha1",
            "kind": "ClusterLogs",
            "metadata": {"name": "generic"},
            "spec": {"selector": {}, "logs": [{
                "logsFile": str(logs / "generic.log"),
                "previousLogsFile": str(logs / "generic.previous.log"),
                "follow": True,
            }]},
        }),
    ]
    docs += [with_ids(stage.read_text()) for stage in sorted(bin_dir.glob("pod-*.yaml"))]
    docs += [stage.read_text() for stage in sorted(bin_dir.glob("node-*.yaml"))]
    return "\n---\n".join(docs)


# Emulated usage per container, from pod annotations (USAGE_PREFIX + "cpu-" + container):
#   cpu-C: "250m"   memory-C: "40Mi"
#   memory-grow-C: "128Ki" more each second, for memory-grow-for-C: "800" seconds (then flat).
# Containers without annotations use a small constant, so every pod has numbers.
USAGE_PREFIX = "sandbox.podtui.dev/usage-"


def _key(kind: str) -> str:
    return f'"{USAGE_PREFIX}{kind}-" + container.name'


def _annotation_or(kind: str, default: str) -> str:
    key = _key(kind)
    return (f"({key} in pod.metadata.annotations"
            f" ? Quantity(pod.metadata.annotations[{key}]) : Quantity(\"{default}\"))")


def _growing_memory() -> str:
    # KWOK's CEL has no ordering of quantities: the plateau is a time, compared as doubles.
    base = _annotation_or("memory", "8Mi")
    rate = f"Quantity(pod.metadata.annotations[{_key('memory-grow')}])"
    until = f"double(pod.metadata.annotations[{_key('memory-grow-for')}])"
    since = "pod.SinceSecond()"
    grows = (f"{_key('memory-grow')} in pod.metadata.annotations"
             f" && {_key('memory-grow-for')} in pod.metadata.annotations")
    return (f"{grows} ? {base} + {rate} * ({since} < {until} ? {since} : {until})"
            f" : {base}")


def usage_config(metrics_dir: Path) -> str:
    """KWOK's ClusterResourceUsage plus its Metric serving the kubelet's /metrics/resource."""
    usage = {
        "apiVersion": "kwok.x-k8s.io/v1alpha1",
        "kind": "ClusterResourceUsage",
        "metadata": {"name": "sandbox-usage"},
        "spec": {
            "usages": [
                {
                    "usage": {
                        "cpu": {"expression": _annotation_or("cpu", "2m")},
                        "memory": {"expression": _growing_memory()},
                    }
                }
            ]
        },
    }
    metric = (metrics_dir / "metrics-resource.yaml").read_text()
    return "\n---\n" + json.dumps(usage) + "\n---\n" + metric


def node_metrics_annotation(node: str) -> dict:
    # metrics-server scrapes this path on the node's address (KWOK's server) instead of the
    # kubelet's /metrics/resource: KWOK serves every node behind one port.
    return {"metrics.k8s.io/resource-metrics-path": f"/metrics/nodes/{node}/metrics/resource"}


def metrics_api(port: int, ca_file: Path):
    yield "/api/v1/namespaces/kube-system/services", {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "metrics-server", "namespace": "kube-system"},
        "spec": {"type": "ExternalName", "externalName": "localhost",
                 "ports": [{"name": "https", "port": port}]},
    }
    yield "/apis/apiregistration.k8s.io/v1/apiservices", {
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": {"name": "v1beta1.metrics.k8s.io"},
        "spec": {
            "group": "metrics.k8s.io",
            "version": "v1beta1",
            "service": {"name": "metrics-server", "namespace": "kube-system", "port": port},
            "caBundle": base64.b64encode(ca_file.read_bytes()).decode(),
            "groupPriorityMinimum": 100,
            "versionPriority": 100,
        },
    }


def usage_demo_pod() -> dict:
    """An app with a steady CPU and a cache sidecar whose memory climbs toward its limit."""
    a = USAGE_PREFIX
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "usage-demo",
            "namespace": "metrics-demo",
            "labels": {"app": "usage-demo"},
            "annotations": {
                a + "cpu-app": "120m", a + "memory-app": "48Mi",
                a + "cpu-cache": "35m", a + "memory-cache": "20Mi",
                # 20Mi + 128Ki/s for 800 s: 120Mi of its 128Mi limit after ~13 minutes.
                a + "memory-grow-cache": "128Ki", a + "memory-grow-for-cache": "800",
            },
        },
        "spec": {
            "containers": [
                {"name": "app", "image": "nginx:1.27",
                 "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                               "limits": {"cpu": "500m", "memory": "128Mi"}}},
                {"name": "cache", "image": "redis:7",
                 "resources": {"requests": {"cpu": "50m", "memory": "32Mi"},
                               "limits": {"memory": "128Mi"}}},
            ],
            # Its usage is KWOK's emulation (a climb no real program is asked to make): a fake node.
            **ON_FAKE_NODE,
            "terminationGracePeriodSeconds": 0,
        },
    }




def objects(nodes: int, limited_ns: str):
    for i in range(nodes):
        name = f"kwok-node-{i}"
        yield "/api/v1/nodes", {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": name,
                "labels": {"type": "kwok", "kubernetes.io/hostname": name},
                "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0",
                                **node_metrics_annotation(name)},
            },
            "spec": {"taints": [KWOK_TAINT]},
        }
        # The API server and metrics-server reach a kubelet by its Hostname address first;
        # the real node's is `localhost` (node.sh), so the fake ones get it too (KWOK keeps
        # addresses a node already has) and are reached at localhost:KWOK_PORT.
        yield f"/api/v1/nodes/{name}/status", {"status": {"addresses": [
            {"type": "InternalIP", "address": "127.0.0.1"},
            {"type": "Hostname", "address": "localhost"}]}}
    yield "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                 "metadata": {"name": limited_ns}}
    rbac = f"/apis/rbac.authorization.k8s.io/v1/namespaces/{limited_ns}"
    yield rbac + "/roles", {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "pod-reader", "namespace": limited_ns},
        "rules": [
            {"apiGroups": [""], "resources": ["pods", "pods/log", "events"],
             "verbs": ["get", "list", "watch"]},
        ],
    }
    yield rbac + "/rolebindings", {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "dev-user-pod-reader", "namespace": limited_ns},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "dev-user"}],
    }


def seed_pod() -> dict:
    """The example of about-pods.md, as the sidecar-log-tailer template renders it with its
    defaults: Node.js appends to /app/logs/app.log (never to stdout), busybox tails that file
    through the shared emptyDir, so the app's lines reach `kubectl logs -c busybox`."""
    app = "\n".join([
        'const fs = require("fs");',
        'const http = require("http");',
        'const file = "/app/logs/app.log";',
        "const port = Number(process.env.PORT);",
        "const log = (msg) =>",
        '  fs.appendFileSync(file, new Date().toISOString() + " " + msg + "\\n");',
        "http",
        "  .createServer((req, res) => {",
        '    log(req.method + " " + req.url + " from " + req.socket.remoteAddress);',
        '    res.end("hello from the node container\\n");',
        "  })",
        '  .listen(port, () => log("listening on port " + port));',
        'setInterval(() => log("heartbeat"), Number(process.env.HEARTBEAT_SECONDS) * 1000);',
        'process.on("SIGTERM", () => { log("SIGTERM: shutting down"); process.exit(0); });',
        "",
    ])
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": SEED_NAME,
            "namespace": "default",
            "labels": {"app": "web", "example": "about-pods"},
        },
        "spec": {
            "containers": [
                {
                    "name": "node",
                    "image": "node:20-alpine",
                    "command": ["node", "-e", app],
                    "env": [{"name": "PORT", "value": "3000"},
                            {"name": "HEARTBEAT_SECONDS", "value": "5"}],
                    "ports": [{"name": "http", "containerPort": 3000}],
                    "readinessProbe": {"httpGet": {"path": "/ready", "port": 3000},
                                       "periodSeconds": 10},
                    "volumeMounts": [{"name": "logs", "mountPath": "/app/logs"}],
                    "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}},
                },
                {
                    "name": "busybox",
                    "image": "busybox:1.36",
                    "command": ["tail", "-F", "/logs/app.log"],
                    "volumeMounts": [{"name": "logs", "mountPath": "/logs", "readOnly": True}],
                    "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
                },
            ],
            "volumes": [{"name": "logs", "emptyDir": {}}],
        },
    }

def main(argv: list[str]) -> None:
    what = argv[1]
    if what == "kwok":
        print(kwok_config(Path(argv[2]), Path(argv[3])))
    elif what == "objects":
        for path, obj in objects(int(argv[2]), argv[3]):
            print(path, json.dumps(obj))
    elif what == "seed":
        print(json.dumps(seed_pod()))
    elif what == "usage":
        print(usage_config(Path(argv[2])))
    elif what == "metrics-api":
        for path, obj in metrics_api(int(argv[2]), Path(argv[3])):
            print(path, json.dumps(obj))
    elif what == "usage-demo":
        print(json.dumps(usage_demo_pod()))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
