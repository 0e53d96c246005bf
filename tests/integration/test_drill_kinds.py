"""Checks on ReplicaSets, CronJobs, Services (with their EndpointSlices) and Secrets, read
from real objects the sandbox's controllers made or updated, each way: a check of what
the object is passes, a check of what it is not fails and its line says what was seen.
kubectl reads the same objects in the same run, as the peer. A Secret's values never reach
a snapshot or a line."""

from __future__ import annotations

import base64
import json
import subprocess

import pytest

from podtui.drills import attempts
from podtui.drills.checks import evaluate
from podtui.drills.loader import parse_drill
from tests.conftest import KUBECTL, wait_for
from tests.integration.test_drills_cluster import kubectl_env

pytestmark = pytest.mark.integration


def checks(text: str):
    """Checks written in the drill language (the list under `checks:`)."""
    drill = parse_drill("id: kinds\ntitle: t\ntag: t\ntask: t\nsolution: [kubectl version]\n"
                        "checks:\n" + text, source="kinds.yaml")
    return drill.checks


def grade(conn, namespace: str, text: str) -> list[tuple[bool, str]]:
    snap = attempts.snapshot(conn, namespace)
    return [(r.passed, r.detail) for r in (evaluate(c, snap) for c in checks(text))]


def kubectl(admin_kubeconfig: str, namespace: str, *args: str, stdin: str = "") -> str:
    done = subprocess.run([KUBECTL, "-n", namespace, *args], input=stdin, capture_output=True,
                          text=True, timeout=60, env=kubectl_env(admin_kubeconfig))
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def test_a_replicaset_its_template_and_its_ready_replicas(conn, admin_kubeconfig, namespace):
    kubectl(admin_kubeconfig, namespace, "apply", "-f", "-", stdin="""
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - {name: app, image: "busybox:1.36", command: [sleep, "3600"]}
""")
    wait_for(lambda: kubectl(admin_kubeconfig, namespace, "get", "rs", "web", "-o",
                             "jsonpath={.status.readyReplicas}") == "2",
             "kubectl to see 2 ready replicas", timeout=60, interval=0.5)
    assert grade(conn, namespace, """
  - {say: ready, replicaset: web, path: status.readyReplicas, equals: 2}
  - {say: image, replicaset: web, container: app, path: image, equals: "busybox:1.36"}
  - {say: command, replicaset: web, container: app, path: cmdline, equals: sleep 3600}
""") == [(True, "replicaset `web`: status.readyReplicas is `2`"),
         (True, "container `app`: image is `busybox:1.36`"),
         (True, "container `app`: cmdline is `sleep 3600`")]
    assert grade(conn, namespace, """
  - {say: three, replicaset: web, path: spec.replicas, at_least: 3}
  - {say: nginx, replicaset: web, container: app, path: image, matches: ^nginx}
  - {say: sidecar, replicaset: web, container: shipper, path: image, exists: true}
  - {say: other, replicaset: api, path: spec.replicas, equals: 2}
""") == [(False, "replicaset `web`: spec.replicas is `2`"),
         (False, "container `app`: image is `busybox:1.36`"),
         (False, "container `shipper` not found"),
         (False, "replicaset `api` not found")]


def test_a_cronjob_and_a_job_made_from_it(conn, admin_kubeconfig, namespace):
    kubectl(admin_kubeconfig, namespace, "create", "cronjob", "cleanup", "--image=busybox:1.36",
            "--schedule=15 * * * *", "--", "sh", "-c", "echo cleaned")
    kubectl(admin_kubeconfig, namespace, "create", "job", "now", "--from=cronjob/cleanup")
    wait_for(lambda: kubectl(admin_kubeconfig, namespace, "get", "job", "now", "-o",
                             "jsonpath={.status.succeeded}") == "1",
             "kubectl to see the Job succeed", timeout=60, interval=0.5)
    assert grade(conn, namespace, """
  - {say: s, cronjob: cleanup, path: spec.schedule, equals: 15 * * * *}
  - {say: c, cronjob: cleanup, container: cleanup, path: cmdline, equals: sh -c echo cleaned}
  - {say: o, job: now, path: "metadata.ownerReferences[kind=CronJob].name", equals: cleanup}
  - {say: d, job: now, path: "status.conditions[type=Complete].status", equals: "True"}
""") == [(True, "cronjob `cleanup`: spec.schedule is `15 * * * *`"),
         (True, "container `cleanup`: cmdline is `sh -c echo cleaned`"),
         (True, "job `now`: metadata.ownerReferences[kind=CronJob].name is `cleanup`"),
         (True, "job `now`: status.conditions[type=Complete].status is `True`")]
    # kubectl create cronjob leaves the policy at its default, Allow
    assert kubectl(admin_kubeconfig, namespace, "get", "cronjob", "cleanup", "-o",
                   "jsonpath={.spec.concurrencyPolicy}") == "Allow"
    assert grade(conn, namespace, """
  - {say: f, cronjob: cleanup, path: spec.concurrencyPolicy, equals: Forbid}
  - {say: h, cronjob: cleanup, path: spec.successfulJobsHistoryLimit, equals: 2}
  - {say: v, cronjob: cleanup, volume: data, path: emptyDir, exists: true}
  - {say: n, job: now, path: "status.conditions[type=Failed].status", equals: "True"}
""") == [(False, "cronjob `cleanup`: spec.concurrencyPolicy is `Allow`"),
         (False, "cronjob `cleanup`: spec.successfulJobsHistoryLimit is `3`"),
         (False, "volume `data` not found"),
         (False, "job `now`: status.conditions[type=Failed].status is not set")]


SERVED = """
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: http
    image: busybox:1.36
    command: [httpd, -f, -p, "8080"]
    ports: [{name: http, containerPort: 8080}]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: nobody}
spec:
  selector: {app: nobody}
  ports: [{port: 80, targetPort: 8080}]
"""


def test_a_service_and_the_endpoints_of_its_slices(conn, admin_kubeconfig, namespace):
    kubectl(admin_kubeconfig, namespace, "apply", "-f", "-", stdin=SERVED)

    def kubectl_endpoints(service: str) -> list[dict]:
        slices = json.loads(kubectl(admin_kubeconfig, namespace, "get", "endpointslices",
                                    "-l", f"kubernetes.io/service-name={service}",
                                    "-o", "json"))["items"]
        return [{"address": a, "ready": e["conditions"].get("ready"),
                 "pod": e["targetRef"]["name"], "port": s["ports"][0]["port"]}
                for s in slices for e in s.get("endpoints") or [] for a in e["addresses"]]

    found = wait_for(lambda: [e for e in kubectl_endpoints("web") if e["ready"]],
                     "kubectl to see a ready endpoint of web", timeout=60, interval=0.5)
    ip = kubectl(admin_kubeconfig, namespace, "get", "pod", "web", "-o",
                 "jsonpath={.status.podIP}")
    assert found == [{"address": ip, "ready": True, "pod": "web", "port": 8080}]
    assert grade(conn, namespace, """
  - {say: p, service: web, path: "endpoints[*].pod", contains: web}
  - {say: a, service: web, path: "endpoints[*].address", equals: [IP]}
  - {say: r, service: web, path: "endpoints[*].ready", equals: [true]}
  - {say: t, service: web, path: "spec.ports[*].targetPort", equals: [http]}
""".replace("IP", ip)) == [(True, "service `web`: endpoints[*].pod is `web`"),
              (True, f"service `web`: endpoints[*].address is `{ip}`"),
              (True, "service `web`: endpoints[*].ready is `true`"),
              (True, "service `web`: spec.ports[*].targetPort is `http`")]
    assert kubectl_endpoints("nobody") == []
    assert grade(conn, namespace, """
  - {say: e, service: nobody, path: endpoints, count: 1}
  - {say: p, service: nobody, path: "endpoints[*].pod", contains: web}
  - {say: t, service: web, path: "spec.ports[*].targetPort", equals: [8080]}
""") == [(False, "service `nobody`: endpoints has 0 items"),
         (False, "service `nobody`: endpoints[*].pod is empty"),
         (False, "service `web`: spec.ports[*].targetPort is `http`")]


def test_a_secret_is_checked_by_its_key_names_and_never_shows_a_value(
        conn, admin_kubeconfig, namespace):
    value = "s3cr3t-Value-9q"  # applied, so the last-applied annotation repeats it too
    kubectl(admin_kubeconfig, namespace, "apply", "-f", "-", stdin=f"""
apiVersion: v1
kind: Secret
metadata: {{name: db}}
stringData: {{password: {value}, user: admin}}
""")
    raw = json.loads(kubectl(admin_kubeconfig, namespace, "get", "secret", "db", "-o", "json"))
    encoded = base64.b64encode(value.encode()).decode()
    assert raw["data"]["password"] == encoded  # kubectl sees the value ...
    snap = attempts.snapshot(conn, namespace)
    seen = json.dumps(snap)
    assert value not in seen and encoded not in seen  # ... a check never does
    results = grade(conn, namespace, """
  - {say: k, secret: db, path: keys, equals: [password, user]}
  - {say: t, secret: db, path: type, equals: Opaque}
  - {say: m, secret: db, path: keys, contains: token}
  - {say: d, secret: db, path: data.password, exists: true}
  - {say: v, secret: db, path: keys, contains: VALUE}
  - {say: w, secret: db, path: metadata, matches: VALUE}
""".replace("VALUE", value))
    assert results[:5] == [(True, "secret `db`: keys is `password, user`"),
                           (True, "secret `db`: type is `Opaque`"),
                           (False, "secret `db`: keys is `password, user`"),
                           (False, "secret `db`: data.password is not set"),
                           (False, "secret `db`: keys is `password, user`")]
    assert not results[5][0]  # the last-applied annotation is not read either
    assert all(value not in detail and encoded not in detail for _, detail in results)
