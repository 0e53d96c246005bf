"""Objects and KWOK configuration for the sandbox (stdlib only: runs before any venv).

    render_config.py kwok BIN_DIR STATE_DIR   KWOK's config (stages + log sources) as YAML
    render_config.py objects NODES NS         one "API-PATH JSON" line per object to create
    render_config.py seed                     the seed pod (about-pods.md) as JSON
    render_config.py usage METRICS_DIR        KWOK's resource usage emulation + kubelet metrics
    render_config.py metrics-api PORT CA      "API-PATH JSON" lines registering metrics.k8s.io
    render_config.py usage-demo               a pod whose sidecar grows toward its memory limit
"""

import base64
import json
import sys
from pathlib import Path

SEED_NAME = "seed-sidecar-logs"
CRASH_ANNOTATION = "sandbox.podtui.dev/crash-container"

# Pods whose log files the sandbox (or a test) writes: (namespace, pod, container) -> file stem.
# Every other container reads generic.log.
LOG_SOURCES = [
    ("default", SEED_NAME, "node", "seed-node"),
    ("default", SEED_NAME, "busybox", "seed-busybox"),
    ("default", "log-test", "writer", "test-writer"),
    ("default", "log-test", "tailer", "test-tailer"),
    ("default", "log-bench", "a", "bench-a"),
    ("default", "log-bench", "b", "bench-b"),
]

# A sidecar named by the annotation "crashes": exit 1, CrashLoopBackOff, restarts counted.
CRASH_STAGE = """\
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: sandbox-container-crash
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.podIP'
      operator: 'Exists'
    - key: '.metadata.annotations["@ANNOTATION@"]'
      operator: 'Exists'
  delay:
    durationMilliseconds: 4000
  next:
    statusTemplate: |
      {{ $now := Now }}
      {{ $crash := index .metadata.annotations "@ANNOTATION@" }}
      {{ $status := .status }}
      phase: Running
      conditions:
      - lastTransitionTime: {{ $now | Quote }}
        status: "False"
        type: Ready
        reason: ContainersNotReady
        message: {{ printf "containers with unready status: [%s]" $crash | Quote }}
      - lastTransitionTime: {{ $now | Quote }}
        status: "False"
        type: ContainersReady
        reason: ContainersNotReady
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Initialized
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: PodScheduled
      containerStatuses:
      {{ range $i, $c := .spec.containers }}
      {{ $restarts := 0 }}
      {{ range $status.containerStatuses }}{{ if eq .name $c.name }}
      {{ $restarts = .restartCount }}
      {{ end }}{{ end }}
      - image: {{ $c.image | Quote }}
        name: {{ $c.name | Quote }}
        {{ if eq $c.name $crash }}
        ready: false
        started: false
        restartCount: {{ add $restarts 1 }}
        state:
          waiting:
            reason: CrashLoopBackOff
            message: {{ printf "back-off restarting failed container %s" $c.name | Quote }}
        lastState:
          terminated:
            exitCode: 1
            reason: Error
            startedAt: {{ $now | Quote }}
            finishedAt: {{ $now | Quote }}
        {{ else }}
        ready: true
        started: true
        restartCount: {{ $restarts }}
        state:
          running:
            startedAt: {{ $status.startTime | Quote }}
        {{ end }}
      {{ end }}
""".replace("@ANNOTATION@", CRASH_ANNOTATION)


def kwok_config(bin_dir: Path, state: Path) -> str:
    docs = [
        "apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n"
    ]
    logs = state / "podlogs"
    for namespace, pod, container, stem in LOG_SOURCES:
        docs.append(
            json.dumps(
                {
                    "apiVersion": "kwok.x-k8s.io/v1alpha1",
                    "kind": "ClusterLogs",
                    "metadata": {"name": stem},
                    "spec": {
                        "selector": {"matchNamespaces": [namespace], "matchNames": [pod]},
                        "logs": [
                            {
                                "containers": [container],
                                "logsFile": str(logs / f"{stem}.log"),
                                "previousLogsFile": str(logs / f"{stem}.previous.log"),
                                "follow": True,
                            }
                        ],
                    },
                }
            )
        )
    docs.append(
        json.dumps(
            {
                "apiVersion": "kwok.x-k8s.io/v1alpha1",
                "kind": "ClusterLogs",
                "metadata": {"name": "generic"},
                "spec": {
                    "selector": {},
                    "logs": [
                        {
                            "logsFile": str(logs / "generic.log"),
                            "previousLogsFile": str(logs / "generic.previous.log"),
                            "follow": True,
                        }
                    ],
                },
            }
        )
    )
    for stage in sorted(bin_dir.glob("pod-*.yaml")):
        docs.append(stage.read_text())
    docs.append(CRASH_STAGE)
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
        }
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
    """The example of about-pods.md: Node.js writes /app/logs/app.log, busybox tails it."""
    app = (
        "const fs=require('fs');const http=require('http');"
        "const log=m=>fs.appendFileSync('/app/logs/app.log',new Date().toISOString()+' '+m+'\\n');"
        "http.createServer((q,r)=>{log('INFO '+q.method+' '+q.url);r.end('ok')}).listen(3000);"
        "log('INFO server listening on :3000')"
    )
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
                    "ports": [{"name": "http", "containerPort": 3000}],
                    "volumeMounts": [{"name": "logs", "mountPath": "/app/logs"}],
                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                },
                {
                    "name": "busybox",
                    "image": "busybox:1.36",
                    "command": ["sh", "-c", "tail -F /logs/app.log"],
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
