"""Objects and KWOK configuration for the sandbox (stdlib only: runs before any venv).

    render_config.py kwok BIN_DIR STATE_DIR   KWOK's config (stages, log sources, exec and
                                              port-forward) as YAML; lays out the containers
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
CRASH_ANNOTATION = "sandbox.podtui.dev/crash-container"
UNPULLABLE_ANNOTATION = "sandbox.podtui.dev/unpullable-container"

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

# The conditions of a pod whose container @WHO@ names is not ready (crashing, or its
# image cannot be pulled), as a kubelet reports them; one copy for every stage that needs it.
NOT_READY_CONDITIONS = """\
conditions:
- lastTransitionTime: {{ $now | Quote }}
  status: "False"
  type: Ready
  reason: ContainersNotReady
  message: {{ printf "containers with unready status: [%s]" @WHO@ | Quote }}
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
"""


def with_not_ready(template: str) -> str:
    """Each `@NOT_READY $var@` line becomes NOT_READY_CONDITIONS at its indentation."""
    def block(match: re.Match) -> str:
        lines = NOT_READY_CONDITIONS.replace("@WHO@", match[2]).splitlines()
        return "\n".join(match[1] + line for line in lines)

    return re.sub(r"^( *)@NOT_READY (\S+)@$", block, template, flags=re.MULTILINE)


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
      @NOT_READY $crash@
      containerStatuses:
      {{ range $i, $c := .spec.containers }}
      {{ $restarts := 0 }}
      {{ range $status.containerStatuses }}{{ if eq .name $c.name }}
      {{ $restarts = .restartCount }}
      {{ end }}{{ end }}
      - image: {{ $c.image | Quote }}
        name: {{ $c.name | Quote }}
        @IMAGE_ID $c.image@
        {{ if eq $c.name $crash }}
        {{ $run := printf "%s/%s/%d" $.metadata.uid $c.name (add $restarts 1) }}
        containerID: {{ printf "containerd://%s" (sha256sum $run) | Quote }}
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
        @CONTAINER_ID $c.name@
        ready: true
        started: true
        restartCount: {{ $restarts }}
        state:
          running:
            startedAt: {{ $status.startTime | Quote }}
        {{ end }}
      {{ end }}
""".replace("@ANNOTATION@", CRASH_ANNOTATION)
CRASH_STAGE = with_not_ready(CRASH_STAGE)

# A container named by this annotation has an image that cannot be pulled: ErrImagePull,
# then ImagePullBackOff (and the pod Pending), as a kubelet reports it.
UNPULLABLE_STAGES = """\
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: sandbox-image-pull-error
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values: ['Running']
    - key: '.metadata.annotations["@ANNOTATION@"]'
      operator: 'Exists'
  next:
    statusTemplate: |
      @PULL_TEMPLATE ErrImagePull@
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: sandbox-image-pull-backoff
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.containerStatuses.[].state.waiting.reason'
      operator: 'In'
      values: ['ErrImagePull']
    - key: '.metadata.annotations["@ANNOTATION@"]'
      operator: 'Exists'
  delay:
    durationMilliseconds: 3000
  next:
    statusTemplate: |
      @PULL_TEMPLATE ImagePullBackOff@
"""

PULL_TEMPLATE = """\
{{ $now := Now }}
{{ $bad := index .metadata.annotations "@ANNOTATION@" }}
{{ $status := .status }}
phase: Pending
@NOT_READY $bad@
containerStatuses:
{{ range $i, $c := .spec.containers }}
- image: {{ $c.image | Quote }}
  name: {{ $c.name | Quote }}
  restartCount: 0
  {{ if eq $c.name $bad }}
  imageID: ""
  ready: false
  started: false
  state:
    waiting:
      reason: @REASON@
      message: {{ printf "@MESSAGE@" $c.image | Quote }}
  {{ else }}
  @IMAGE_ID $c.image@
  @CONTAINER_ID $c.name@
  ready: true
  started: true
  state:
    running:
      startedAt: {{ $status.startTime | Quote }}
  {{ end }}
{{ end }}
"""
PULL_TEMPLATE = with_not_ready(PULL_TEMPLATE)

PULL_MESSAGES = {
    "ErrImagePull": "failed to pull and unpack image %q: not found (sandbox: "
                    + UNPULLABLE_ANNOTATION + ")",
    "ImagePullBackOff": "Back-off pulling image %q",
}


def _pull_template(reason: str) -> str:
    body = PULL_TEMPLATE.replace("@REASON@", reason).replace("@MESSAGE@", PULL_MESSAGES[reason])
    return body.replace("\n", "\n      ").rstrip()


# Real kubelets report an image ID and a container ID for every container that was
# created (stern and other tools skip containers without one); KWOK's own stages set
# neither. These lines are added after each "- image:" line of a stage.
IMAGE_ID = ('imageID: {{ printf "%s%s@sha256:%s" (ternary "" "docker.io/library/" '
            '(contains "/" @X@)) (regexReplaceAll ":[^:/]+$" @X@ "") (sha256sum @X@) '
            '| Quote }}')
CONTAINER_ID = ('containerID: {{ printf "containerd://%s" (sha256sum (printf "%s/%s" '
                '$.metadata.uid @X@)) | Quote }}')


def with_ids(stage: str) -> str:
    """Image and container IDs in a stage's container statuses."""
    out = []
    for line in stage.splitlines():
        stripped = line.strip()
        for marker, template in (("@IMAGE_ID ", IMAGE_ID), ("@CONTAINER_ID ", CONTAINER_ID)):
            if stripped.startswith(marker):
                line = line[: len(line) - len(stripped)] + template.replace(
                    "@X@", stripped[len(marker):-1])
        out.append(line)
        match = re.fullmatch(r"(\s*)- image: \{\{ (\S*)\.image \| Quote \}\}", line)
        if match and "@IMAGE_ID" not in stage:  # KWOK's own stages
            pad, item = match.group(1) + "  ", match.group(2)
            out.append(pad + IMAGE_ID.replace("@X@", item + ".image"))
            out.append(pad + CONTAINER_ID.replace("@X@", item + ".name"))
    return "\n".join(out) + "\n"


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
        docs.append(with_ids(stage.read_text()))
    docs.append(with_ids(CRASH_STAGE))
    pull = UNPULLABLE_STAGES
    for reason in PULL_MESSAGES:
        pull = pull.replace(f"@PULL_TEMPLATE {reason}@", _pull_template(reason))
    docs.append(with_ids(pull.replace("@ANNOTATION@", UNPULLABLE_ANNOTATION)))
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

# --- Inside the containers: exec and port-forward ---------------------------------------
# KWOK runs an exec'd command as a local process in a configured working directory
# (ClusterExec) and forwards a pod's port to a local address (ClusterPortForward). Each
# container of the seed pod gets a directory containers/NS/POD/CONTAINER that
# sandbox/container-exec turns into the container's filesystem (a chroot: the host's /usr
# read-only, the pod's volumes bind-mounted at their mountPaths); every other pod, and the
# seed pod's ephemeral containers, share containers/_any (KWOK's config is static: it cannot
# name pods created later). KWOK looks a command up on its own PATH, STATE/exec/bin, where
# every host command's name is a link to container-exec.

APP_PORT_ENV = "PODTUI_SANDBOX_APP_PORT"
DEFAULT_APP_PORT = 13000
ANY_CONTAINER = "_any"

# The ephemeral containers KWOK leaves without a status get one: running since now.
EPHEMERAL_STAGE = """\
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: sandbox-ephemeral-running
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
    - key: '(.spec.ephemeralContainers // [] | length)
        > (.status.ephemeralContainerStatuses // [] | length)'
      operator: 'In'
      values: ['true']
  next:
    statusTemplate: |
      {{ $now := Now }}
      {{ $status := .status }}
      ephemeralContainerStatuses:
      {{ range .spec.ephemeralContainers }}
      {{ $name := .name }}
      {{ $started := $now }}
      {{ range $status.ephemeralContainerStatuses }}{{ if eq .name $name }}
      {{ with .state.running }}{{ $started = .startedAt }}{{ end }}
      {{ end }}{{ end }}
      - image: {{ .image | Quote }}
        imageID: ""
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        state:
          running:
            startedAt: {{ $started | Quote }}
      {{ end }}
"""


def app_port() -> int:
    from os import environ

    return int(environ.get(APP_PORT_ENV) or DEFAULT_APP_PORT)


def seed_volume_dir(state: Path, volume: str) -> Path:
    return state / "volumes" / "default" / SEED_NAME / volume


def container_roots(state: Path) -> dict[str, tuple[Path, list[tuple[Path, str, bool]]]]:
    """Seed container name (or ANY_CONTAINER) -> (its directory, its mounts)."""
    roots = {ANY_CONTAINER: (state / "containers" / ANY_CONTAINER, [])}
    for container in seed_pod()["spec"]["containers"]:
        mounts = [(seed_volume_dir(state, m["name"]), m["mountPath"], bool(m.get("readOnly")))
                  for m in container.get("volumeMounts", [])]
        roots[container["name"]] = (state / "containers" / "default" / SEED_NAME
                                    / container["name"], mounts)
    return roots


def inside_docs(state: Path) -> list[str]:
    roots = container_roots(state)
    seed_execs = [{"containers": [name], "local": {"workDir": str(directory)}}
                  for name, (directory, _) in roots.items() if name != ANY_CONTAINER]
    anywhere = {"local": {"workDir": str(roots[ANY_CONTAINER][0])}}
    seed = {"matchNamespaces": ["default"], "matchNames": [SEED_NAME]}
    return [
        json.dumps({"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "ClusterExec",
                    "metadata": {"name": "sandbox-seed"},
                    "spec": {"selector": seed, "execs": [*seed_execs, anywhere]}}),
        json.dumps({"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "ClusterExec",
                    "metadata": {"name": "sandbox-any"},
                    "spec": {"selector": {}, "execs": [anywhere]}}),
        json.dumps({"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "ClusterPortForward",
                    "metadata": {"name": "sandbox-seed-app"},
                    "spec": {"selector": seed, "forwards": [
                        {"ports": [3000],
                         "target": {"address": "127.0.0.1", "port": app_port()}}]}}),
        EPHEMERAL_STAGE,
    ]


def lay_out_containers(state: Path, sandbox_dir: Path) -> None:
    """The directories container-exec chroots into, and KWOK's PATH of command links."""
    wrapper = sandbox_dir / "container-exec"
    for name, (directory, mounts) in container_roots(state).items():
        root = directory / "rootfs"
        for sub in ("usr", "proc", "dev", "etc", "root", "tmp"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "tmp").chmod(0o1777)
        for top in Path("/").iterdir():  # merged-/usr hosts: bin -> usr/bin, ...
            if top.is_symlink() and str(top.readlink()).startswith("usr/"):
                (root / top.name).symlink_to(top.readlink())
        (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n"
                                             "nobody:x:65534:65534:nobody:/:/bin/false\n")
        (root / "etc" / "group").write_text("root:x:0:\nnogroup:x:65534:\n")
        if Path("/etc/ld.so.cache").is_file():
            (root / "etc" / "ld.so.cache").write_bytes(Path("/etc/ld.so.cache").read_bytes())
        host = SEED_NAME if name != ANY_CONTAINER else "sandbox-pod"
        (directory / "hostname").write_text(host + "\n")
        (root / "etc" / "hostname").write_text(host + "\n")
        lines = []
        for source, target, read_only in mounts:
            source.mkdir(parents=True, exist_ok=True)
            lines.append(f"{source} {target} {'ro' if read_only else 'rw'}\n")
        (directory / "mounts").write_text("".join(lines))
    links = state / "exec" / "bin"
    links.mkdir(parents=True, exist_ok=True)
    for directory in ("/usr/local/bin", "/usr/bin", "/usr/sbin"):
        for entry in sorted(Path(directory).glob("*")) if Path(directory).is_dir() else ():
            link = links / entry.name
            if not link.exists() and entry.is_file() and entry.stat().st_mode & 0o111:
                link.symlink_to(wrapper)


def main(argv: list[str]) -> None:
    what = argv[1]
    if what == "kwok":
        state = Path(argv[2]), Path(argv[3])
        lay_out_containers(state[1], Path(__file__).resolve().parent)
        print("\n---\n".join([kwok_config(*state), *inside_docs(state[1])]))
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
