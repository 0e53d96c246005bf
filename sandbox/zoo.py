"""The pod-state zoo: a pod in every state `kubectl get pods` names (stdlib only).

Most zoo pods are bound (spec.nodeName) to ZOO_NODE, a node that KWOK does not manage, and
their status is written once through the `status` subresource: nothing runs or reports
there, so each state is exact and stays put. Two are left to the real scheduler
(SchedulingGated, Pending/unschedulable); one is deleted behind a finalizer (Terminating).
The zoo node's kubelet endpoint is KWOK's server, so `kubectl logs` (and podtui) read the
sandbox's generic log files for zoo pods whose containers have run.

    zoo.py apply STATE_DIR API_PORT KWOK_PORT [NAMESPACE]   create or refresh the zoo
    zoo.py delete STATE_DIR API_PORT [NAMESPACE]            remove it (finalizers first)
    zoo.py names                                            the zoo's pod names, one a line

Tests, the demo and the screenshot script share these definitions (`from sandbox import
zoo`); `sandbox/sandbox zoo [NAMESPACE]` runs `apply`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import ssl
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

NAMESPACE = "zoo"
ZOO_NODE = "zoo-node"
FINALIZER = "sandbox.podtui.dev/zoo"
LABEL = "sandbox.podtui.dev/zoo"  # value: the pod's state, as its name says
REVISION = "sandbox.podtui.dev/zoo-revision"  # a hash of the pod's definition
JOB = "zoo-job"
IMAGE = "busybox:1.36"
UNPULLABLE = "registry.invalid/podtui/missing:0.0"
POD_IP_BASE = "10.245.0."
FIELD_MANAGER = "podtui-zoo"  # in managedFields: who wrote each pod's status


# --- container specs and statuses --------------------------------------------------------

def c(name: str, image: str = IMAGE, **extra) -> dict:
    return {"name": name, "image": image, "command": ["sh", "-c", f"echo {name}; sleep 3600"],
            **extra}


def sidecar(name: str) -> dict:
    return c(name, restartPolicy="Always")


def _hex(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def image_id(image: str) -> str:
    """What a containerd kubelet reports: the repository and the digest it pulled."""
    repo = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    if "/" not in repo:
        repo = "docker.io/library/" + repo
    elif "." not in repo.split("/", 1)[0]:
        repo = "docker.io/" + repo
    return f"{repo}@sha256:{_hex('image', image)}"


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Status:
    """Builds container statuses relative to one moment, as a kubelet would report them."""

    def __init__(self, pod: str, now: datetime) -> None:
        self.pod = pod
        self.now = now

    def ago(self, seconds: int) -> str:
        return _stamp(self.now - timedelta(seconds=seconds))

    def _base(self, name: str, image: str, ready: bool, restarts: int) -> dict:
        return {"name": name, "image": image, "imageID": image_id(image),
                "containerID": "containerd://" + _hex(self.pod, name, str(restarts)),
                "ready": ready, "restartCount": restarts}

    def running(self, name: str, image: str = IMAGE, ready: bool = True, restarts: int = 0,
                since: int = 600) -> dict:
        cs = self._base(name, image, ready, restarts)
        cs |= {"started": True, "state": {"running": {"startedAt": self.ago(since)}}}
        if restarts:
            cs["lastState"] = self.last(name, restarts - 1, since)
        return cs

    def terminated(self, name: str, code: int, reason: str = "", signal: int = 0,
                   image: str = IMAGE, restarts: int = 0, ran: int = 300,
                   ended: int = 60) -> dict:
        cs = self._base(name, image, False, restarts)
        term = {"exitCode": code, "startedAt": self.ago(ran + ended),
                "finishedAt": self.ago(ended), "containerID": cs["containerID"]}
        if reason:
            term["reason"] = reason
        if signal:
            term["signal"] = signal
        cs |= {"started": False, "state": {"terminated": term}}
        return cs

    def last(self, name: str, restarts: int, ended: int, code: int = 1,
             reason: str = "Error") -> dict:
        return {"terminated": {
            "exitCode": code, "reason": reason, "startedAt": self.ago(ended + 5),
            "finishedAt": self.ago(ended),
            "containerID": "containerd://" + _hex(self.pod, name, str(restarts))}}

    def crashloop(self, name: str, restarts: int = 5, image: str = IMAGE) -> dict:
        cs = self._base(name, image, False, restarts)
        cs |= {"started": False,
               "state": {"waiting": {"reason": "CrashLoopBackOff", "message":
                                     f"back-off 2m40s restarting failed container={name} "
                                     f"pod={self.pod}"}},
               "lastState": self.last(name, restarts - 1, 20)}
        return cs

    def waiting(self, name: str, reason: str, message: str = "", image: str = IMAGE) -> dict:
        # Not created yet: no container ID and no image ID, as a kubelet reports it.
        state = {"reason": reason} | ({"message": message} if message else {})
        return {"name": name, "image": image, "imageID": "", "ready": False,
                "restartCount": 0, "started": False, "state": {"waiting": state}}


def conditions(st: Status, *, initialized=True, ready=True, scheduled=True,
               not_ready: str = "") -> list[dict]:
    def cond(kind: str, ok: bool, reason: str = "", message: str = "") -> dict:
        out = {"type": kind, "status": "True" if ok else "False",
               "lastTransitionTime": st.ago(600)}
        if not ok and reason:
            out["reason"] = reason
            if message:
                out["message"] = message
        return out

    message = f"containers with unready status: [{not_ready}]" if not_ready else ""
    return [
        cond("PodReadyToStartContainers", True),
        cond("Initialized", initialized, "ContainersNotInitialized",
             "containers with incomplete status: [init]" if not initialized else ""),
        cond("Ready", ready, "ContainersNotReady", message),
        cond("ContainersReady", ready, "ContainersNotReady", message),
        cond("PodScheduled", scheduled),
    ]


# --- the zoo -----------------------------------------------------------------------------

def _pod(state: str, spec: dict, status=None, *, bound: bool = True, job: bool = False,
         terminating: bool = False, ephemeral: list[dict] | None = None) -> dict:
    """One zoo pod: `status(st)` returns the status to write (None: the control plane's)."""
    return {"state": state, "spec": spec, "status": status, "bound": bound, "job": job,
            "terminating": terminating, "ephemeral": ephemeral or []}


def _phase(phase: str, st: Status, **extra) -> dict:
    return {"phase": phase, "startTime": st.ago(900), "hostIP": "127.0.0.1",
            "hostIPs": [{"ip": "127.0.0.1"}]} | extra


def _never(*containers: dict, **spec) -> dict:
    return {"restartPolicy": "Never", "containers": list(containers), **spec}


PODS: dict[str, dict] = {
    "running": _pod("Running", {"containers": [c("app"), c("helper")]}, lambda st: _phase(
        "Running", st, conditions=conditions(st),
        containerStatuses=[st.running("app"), st.running("helper")])),
    "completed": _pod("Completed", _never(c("work")), lambda st: _phase(
        "Succeeded", st, conditions=conditions(st, ready=False, not_ready="work"),
        containerStatuses=[st.terminated("work", 0, "Completed")]), job=True),
    "error": _pod("Error", _never(c("app")), lambda st: _phase(
        "Failed", st, conditions=conditions(st, ready=False, not_ready="app"),
        containerStatuses=[st.terminated("app", 1, "Error")])),
    "oomkilled": _pod("OOMKilled", _never(c("app", resources={"limits": {"memory": "64Mi"}})),
                      lambda st: _phase(
        "Failed", st, conditions=conditions(st, ready=False, not_ready="app"),
        containerStatuses=[st.terminated("app", 137, "OOMKilled")])),
    "signal": _pod("Signal:9", _never(c("app")), lambda st: _phase(
        "Failed", st, conditions=conditions(st, ready=False, not_ready="app"),
        containerStatuses=[st.terminated("app", 137, signal=9)])),
    "exitcode": _pod("ExitCode:3", _never(c("app")), lambda st: _phase(
        "Failed", st, conditions=conditions(st, ready=False, not_ready="app"),
        containerStatuses=[st.terminated("app", 3)])),
    "init-progress": _pod("Init:1/2", {"initContainers": [c("fetch"), c("migrate")],
                                       "containers": [c("app")]}, lambda st: _phase(
        "Pending", st, conditions=conditions(st, initialized=False, ready=False,
                                             not_ready="app"),
        initContainerStatuses=[st.terminated("fetch", 0, "Completed"),
                               st.running("migrate", ready=False)],
        containerStatuses=[st.waiting("app", "PodInitializing")])),
    "init-error": _pod("Init:Error", _never(c("app"), initContainers=[c("fetch")]),
                       lambda st: _phase(
        "Failed", st, conditions=conditions(st, initialized=False, ready=False,
                                            not_ready="app"),
        initContainerStatuses=[st.terminated("fetch", 1, "Error")],
        containerStatuses=[st.waiting("app", "PodInitializing")])),
    "init-crashloop": _pod("Init:CrashLoopBackOff", {"initContainers": [c("fetch")],
                                                     "containers": [c("app")]},
                           lambda st: _phase(
        "Pending", st, conditions=conditions(st, initialized=False, ready=False,
                                             not_ready="app"),
        initContainerStatuses=[st.crashloop("fetch", 4)],
        containerStatuses=[st.waiting("app", "PodInitializing")])),
    "pod-initializing": _pod("PodInitializing", {"initContainers": [c("fetch")],
                                                 "containers": [c("app"), c("helper")]},
                             lambda st: _phase(
        "Pending", st, conditions=conditions(st, ready=False, not_ready="app helper"),
        initContainerStatuses=[st.terminated("fetch", 0, "Completed", ended=2)],
        containerStatuses=[st.waiting("app", "PodInitializing"),
                           st.waiting("helper", "PodInitializing")])),
    "container-creating": _pod("ContainerCreating", {"containers": [c("app")]},
                               lambda st: _phase(
        "Pending", st, conditions=conditions(st, ready=False, not_ready="app"),
        containerStatuses=[st.waiting("app", "ContainerCreating")])),
    "image-pull-backoff": _pod("ImagePullBackOff", {"containers": [c("app", UNPULLABLE)]},
                               lambda st: _phase(
        "Pending", st, conditions=conditions(st, ready=False, not_ready="app"),
        containerStatuses=[st.waiting("app", "ImagePullBackOff",
                                      f'Back-off pulling image "{UNPULLABLE}"', UNPULLABLE)])),
    "err-image-pull": _pod("ErrImagePull", {"containers": [c("app", UNPULLABLE)]},
                           lambda st: _phase(
        "Pending", st, conditions=conditions(st, ready=False, not_ready="app"),
        containerStatuses=[st.waiting(
            "app", "ErrImagePull", f'failed to pull and unpack image "{UNPULLABLE}": '
            "dial tcp: lookup registry.invalid: no such host", UNPULLABLE)])),
    "create-config-error": _pod("CreateContainerConfigError", {"containers": [
        c("app", env=[{"name": "TOKEN", "valueFrom": {"secretKeyRef": {
            "name": "missing", "key": "token"}}}])]}, lambda st: _phase(
        "Pending", st, conditions=conditions(st, ready=False, not_ready="app"),
        containerStatuses=[st.waiting("app", "CreateContainerConfigError",
                                      'secret "missing" not found')])),
    "crashloop": _pod("CrashLoopBackOff", {"containers": [c("app"), c("metrics")]},
                      lambda st: _phase(
        "Running", st, conditions=conditions(st, ready=False, not_ready="metrics"),
        containerStatuses=[st.running("app"), st.crashloop("metrics", 6)])),
    "not-ready": _pod("NotReady", _never(c("setup"), c("app")), lambda st: _phase(
        "Running", st, conditions=conditions(st, ready=False, not_ready="setup"),
        containerStatuses=[st.terminated("setup", 0, "Completed"), st.running("app")])),
    "terminating": _pod("Terminating", {"containers": [c("app"), c("helper")]},
                        lambda st: _phase(
        "Running", st, conditions=conditions(st),
        containerStatuses=[st.running("app"), st.running("helper")]), terminating=True),
    "node-lost": _pod("Unknown", {"containers": [c("app")]}, lambda st: _phase(
        "Running", st, reason="NodeLost", message=f"Node {ZOO_NODE} which was running pod "
        "node-lost is unresponsive", conditions=conditions(st, ready=False, not_ready="app"),
        containerStatuses=[st.running("app")]), terminating=True),
    "init-restarted": _pod("Running", {"initContainers": [c("migrate")],
                                       "containers": [c("app")]}, lambda st: _phase(
        "Running", st, conditions=conditions(st),
        initContainerStatuses=[st.terminated("migrate", 0, "Completed", restarts=2,
                                             ended=700) | {"lastState": st.last(
                                                 "migrate", 1, 720)}],
        containerStatuses=[st.running("app")])),
    "scheduling-gated": _pod("SchedulingGated", {
        "containers": [c("app")], "schedulingGates": [{"name": "sandbox.podtui.dev/hold"}]},
        bound=False),
    "unschedulable": _pod("Pending", {
        "containers": [c("app")], "nodeSelector": {"sandbox.podtui.dev/nowhere": "true"}},
        bound=False),
    "evicted": _pod("Evicted", {"containers": [c("app")]}, lambda st: _phase(
        "Failed", st, reason="Evicted",
        message="The node was low on resource: memory. Threshold quantity: 100Mi, available: "
                "42Mi. Container app was using 1200Mi, request is 0, has larger consumption "
                "of memory.",
        conditions=conditions(st, ready=False, not_ready="app"),
        containerStatuses=[{"name": "app", "image": IMAGE, "imageID": image_id(IMAGE),
                            "ready": False, "restartCount": 0, "state": {}}])),
    "sidecar-running": _pod("Running", {"initContainers": [sidecar("shipper")],
                                        "containers": [c("app")]}, lambda st: _phase(
        "Running", st, conditions=conditions(st),
        initContainerStatuses=[st.running("shipper")],
        containerStatuses=[st.running("app")])),
    "sidecar-crashing": _pod("Init:CrashLoopBackOff", {
        "initContainers": [sidecar("shipper")], "containers": [c("app")]}, lambda st: _phase(
        "Running", st, conditions=conditions(st, ready=False, not_ready="shipper"),
        initContainerStatuses=[st.crashloop("shipper", 3)],
        containerStatuses=[st.running("app")])),
    "sidecar-unready": _pod("Running", {"initContainers": [sidecar("shipper")],
                                        "containers": [c("app")]}, lambda st: _phase(
        "Running", st, conditions=conditions(st, ready=False, not_ready="shipper"),
        initContainerStatuses=[st.running("shipper", ready=False)],
        containerStatuses=[st.running("app")])),
    "sidecar-job-done": _pod("Completed", _never(c("work"), initContainers=[sidecar("shipper")]),
                             lambda st: _phase(
        "Succeeded", st, conditions=conditions(st, ready=False, not_ready="work"),
        initContainerStatuses=[st.terminated("shipper", 0, "Completed", ended=58)],
        containerStatuses=[st.terminated("work", 0, "Completed")]), job=True),
    "sidecar-job-sigterm": _pod("Completed", _never(c("work"),
                                                     initContainers=[sidecar("shipper")]),
                                lambda st: _phase(
        "Succeeded", st, conditions=conditions(st, ready=False, not_ready="work"),
        initContainerStatuses=[st.terminated("shipper", 143, "Error", ended=58)],
        containerStatuses=[st.terminated("work", 0, "Completed")]), job=True),
    "ephemeral": _pod("Running", {"containers": [c("app")]}, lambda st: _phase(
        "Running", st, conditions=conditions(st),
        containerStatuses=[st.running("app")],
        ephemeralContainerStatuses=[st.running("debugger", ready=False, since=30),
                                    st.terminated("debugger-old", 0, "Completed")]),
        ephemeral=[{"name": "debugger", "image": IMAGE, "command": ["sh"], "stdin": True,
                    "tty": True, "targetContainerName": "app"},
                   {"name": "debugger-old", "image": IMAGE, "command": ["ls", "/proc/1/root"],
                    "targetContainerName": "app"}]),
    "many-containers": _pod("Running", {
        "initContainers": [c("init"), sidecar("proxy")],
        "containers": [c(f"worker-{i:02}") for i in range(1, 11)]}, lambda st: _phase(
        "Running", st, conditions=conditions(st, ready=False, not_ready="worker-04 worker-09"),
        initContainerStatuses=[st.terminated("init", 0, "Completed", ended=890),
                               st.running("proxy")],
        containerStatuses=[st.running(f"worker-{i:02}", ready=i not in (4, 9),
                                      restarts=2 if i == 9 else 0)
                           for i in range(1, 11)])),
}


def names() -> list[str]:
    return list(PODS)


def pod_ip(name: str) -> str:
    return POD_IP_BASE + str(list(PODS).index(name) + 10)


def manifest(name: str, namespace: str = NAMESPACE, job_uid: str = "") -> dict:
    """The pod as created (its status is written afterwards)."""
    zoo = PODS[name]
    spec = copy.deepcopy(zoo["spec"])
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("automountServiceAccountToken", False)
    meta: dict = {"name": name, "namespace": namespace,
                  "labels": {LABEL: name}, "annotations": {REVISION: revision(name)}}
    if zoo["bound"]:
        spec["nodeName"] = ZOO_NODE
        # The zoo node is cordoned and tainted so that no other pod is scheduled there.
        spec["tolerations"] = [{"key": LABEL, "operator": "Exists", "effect": "NoSchedule"}]
    if zoo["job"] and job_uid:
        meta["labels"] |= {"batch.kubernetes.io/controller-uid": job_uid,
                           "batch.kubernetes.io/job-name": JOB,
                           "controller-uid": job_uid, "job-name": JOB}
        meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": JOB,
                                    "uid": job_uid, "controller": True,
                                    "blockOwnerDeletion": True}]
    if zoo["terminating"]:
        meta["finalizers"] = [FINALIZER]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def status(name: str, now: datetime | None = None) -> dict | None:
    zoo = PODS[name]
    if zoo["status"] is None:
        return None
    st = Status(name, now or datetime.now(UTC))
    out = zoo["status"](st)
    if zoo["state"] != "ContainerCreating":  # the pod sandbox (and its IP) comes first
        out |= {"podIP": pod_ip(name), "podIPs": [{"ip": pod_ip(name)}]}
    return out


def revision(name: str) -> str:
    """Changes when the pod's definition changes, so `apply` recreates only those pods."""
    fixed = datetime(2000, 1, 1, tzinfo=UTC)
    zoo = PODS[name]
    data = [zoo["spec"], status(name, fixed), zoo["bound"], zoo["job"], zoo["terminating"],
            zoo["ephemeral"], FIELD_MANAGER]
    return _hex(json.dumps(data, sort_keys=True))[:16]


def node(kwok_port: int) -> tuple[dict, dict]:
    """The zoo node and its status: cordoned, tainted, no kubelet (Ready Unknown); its
    kubelet endpoint is KWOK's server, which serves the sandbox's log files."""
    body = {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": ZOO_NODE, "labels": {"kubernetes.io/hostname": ZOO_NODE,
                                                  LABEL: "true"}},
        "spec": {"unschedulable": True,
                 "taints": [{"key": LABEL, "value": "true", "effect": "NoSchedule"}]},
    }
    now = _stamp(datetime.now(UTC))
    node_status = {"status": {
        "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": kwok_port}},
        "capacity": {"cpu": "8", "memory": "32Gi", "pods": "110"},
        "allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110"},
        "conditions": [{"type": "Ready", "status": "Unknown", "reason": "NoKubelet",
                        "message": "the sandbox's pod-state zoo: no kubelet runs here; pod "
                                   "statuses are written through the API",
                        "lastHeartbeatTime": now, "lastTransitionTime": now}],
        "nodeInfo": {"architecture": "amd64", "operatingSystem": "linux",
                     "kubeletVersion": "none", "containerRuntimeVersion": "none",
                     "kernelVersion": "", "osImage": "", "bootID": "", "machineID": "",
                     "systemUUID": "", "kubeProxyVersion": ""},
    }}
    return body, node_status


# --- a tiny admin client (the sandbox needs no kubectl) ------------------------------------

class Api:
    def __init__(self, state: Path, port: int) -> None:
        pki = state / "pki"
        self.base = f"https://127.0.0.1:{port}"
        self.ctx = ssl.create_default_context(cafile=str(pki / "ca.crt"))
        self.ctx.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))

    def call(self, method: str, path: str, body: dict | None = None,
             content: str = "application/json", ok: tuple[int, ...] = ()) -> dict | None:
        data = json.dumps(body).encode() if body is not None else None
        if method in ("POST", "PATCH", "PUT"):
            path += ("&" if "?" in path else "?") + f"fieldManager={FIELD_MANAGER}"
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": content,
                                                  "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, context=self.ctx, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code in ok:
                return None
            detail = exc.read().decode(errors="replace")[:400]
            raise SystemExit(f"zoo: {method} {path}: HTTP {exc.code}: {detail}") from None

    def merge(self, path: str, body: dict) -> dict | None:
        return self.call("PATCH", path, body, "application/merge-patch+json")


def _ensure_namespace(api: Api, namespace: str) -> None:
    api.call("POST", "/api/v1/namespaces", {"metadata": {"name": namespace}}, ok=(409,))
    # Pods need the `default` service account, which the controller-manager makes.
    deadline = time.monotonic() + 10
    path = f"/api/v1/namespaces/{namespace}/serviceaccounts"
    while time.monotonic() < deadline:
        if api.call("GET", f"{path}/default", ok=(404,)):
            return
        time.sleep(0.2)
    api.call("POST", path, {"metadata": {"name": "default"}}, ok=(409,))


def _ensure_job(api: Api, namespace: str) -> str:
    """A real, suspended Job owns the Job pods: a missing owner would get them garbage
    collected, and a suspended Job creates no pods of its own."""
    path = f"/apis/batch/v1/namespaces/{namespace}/jobs"
    job = api.call("GET", f"{path}/{JOB}", ok=(404,))
    if job is None:
        job = api.call("POST", path, {
            "metadata": {"name": JOB, "labels": {LABEL: JOB}},
            "spec": {"suspend": True, "backoffLimit": 0,
                     "template": {"spec": {"restartPolicy": "Never",
                                           "containers": [c("work")]}}},
        })
    return job["metadata"]["uid"]


def _remove(api: Api, namespace: str, name: str) -> None:
    path = f"/api/v1/namespaces/{namespace}/pods/{name}"
    if api.call("GET", path, ok=(404,)) is None:
        return
    api.merge(path, {"metadata": {"finalizers": None}})
    api.call("DELETE", path + "?gracePeriodSeconds=0", ok=(404,))
    deadline = time.monotonic() + 30
    while api.call("GET", path, ok=(404,)) is not None:
        if time.monotonic() > deadline:
            raise SystemExit(f"zoo: pod {namespace}/{name} was not deleted within 30 s")
        time.sleep(0.1)


def apply(api: Api, kwok_port: int, namespace: str = NAMESPACE) -> list[str]:
    """Create the zoo node and every zoo pod that is missing or outdated; returns the
    names of the pods (re)created."""
    body, node_status = node(kwok_port)
    api.call("POST", "/api/v1/nodes", body, ok=(409,))
    api.merge(f"/api/v1/nodes/{ZOO_NODE}/status", node_status)
    _ensure_namespace(api, namespace)
    job_uid = _ensure_job(api, namespace)
    base = f"/api/v1/namespaces/{namespace}/pods"
    existing = {p["metadata"]["name"]: p for p in (api.call("GET", base) or {})["items"]}
    made = []
    for name in PODS:
        pod = existing.get(name)
        if pod and (pod["metadata"].get("annotations") or {}).get(REVISION) == revision(name):
            continue
        _remove(api, namespace, name)
        api.call("POST", base, manifest(name, namespace, job_uid))
        path = f"{base}/{name}"
        if PODS[name]["ephemeral"]:
            api.call("PATCH", path + "/ephemeralcontainers",
                     {"spec": {"ephemeralContainers": PODS[name]["ephemeral"]}},
                     "application/strategic-merge-patch+json")
        st = status(name)
        if st is not None:
            api.merge(path + "/status", {"status": st})
        if PODS[name]["terminating"]:
            api.call("DELETE", path)
        made.append(name)
    lease = api.call("GET", f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/"
                            f"{ZOO_NODE}", ok=(404,))
    if lease is not None:
        raise SystemExit(
            f"zoo: KWOK manages {ZOO_NODE} and will overwrite the zoo's states: this sandbox "
            "was started with --manage-all-nodes; restart it with this sandbox/sandbox")
    return made


def delete(api: Api, namespace: str = NAMESPACE) -> None:
    for name in PODS:
        _remove(api, namespace, name)
    api.call("DELETE", f"/apis/batch/v1/namespaces/{namespace}/jobs/{JOB}", ok=(404,))


def main(argv: list[str]) -> None:
    what = argv[1] if len(argv) > 1 else ""
    if what == "apply":
        api = Api(Path(argv[2]), int(argv[3]))
        namespace = argv[5] if len(argv) > 5 else NAMESPACE
        made = apply(api, int(argv[4]), namespace)
        print(f"zoo: {len(PODS)} pods in namespace {namespace} "
              f"({len(made)} created, {len(PODS) - len(made)} already there)", file=sys.stderr)
    elif what == "delete":
        delete(Api(Path(argv[2]), int(argv[3])), argv[4] if len(argv) > 4 else NAMESPACE)
    elif what == "names":
        print("\n".join(PODS))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
