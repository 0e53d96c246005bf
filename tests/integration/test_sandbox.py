"""The sandbox is a real control plane: the seed pod is scheduled, Running and has one IP."""

from __future__ import annotations

from tests.conftest import SEED_POD, make_pod, wait_for
from tests.log_pods import app_lines, app_time_ns


def test_seed_pod_runs_with_one_ip_for_both_containers(conn):
    pod = wait_for(
        lambda: (p := conn.core.read_namespaced_pod(SEED_POD, "default")).status.phase == "Running"
        and p,
        "the seed pod to run",
    )
    names = [c.name for c in pod.spec.containers]
    assert names == ["node", "busybox"]
    statuses = {s.name: s for s in pod.status.container_statuses}
    assert set(statuses) == {"node", "busybox"}
    assert all(s.ready and s.state.running for s in statuses.values())
    # One pod IP, one set of pod IPs: the containers share the network namespace.
    assert pod.status.pod_ip
    # (as JSON: the client's attribute is pod_i_ps up to 31, pod_ips from 37)
    pod_ips = conn.api.sanitize_for_serialization(pod)["status"]["podIPs"]
    assert [ip["ip"] for ip in pod_ips] == [pod.status.pod_ip]
    assert pod.spec.node_name == "localhost"  # the real node: its containers run
    mounts = {c.name: [(m.name, m.mount_path) for m in c.volume_mounts]
              for c in pod.spec.containers}
    assert ("logs", "/app/logs") in mounts["node"]
    assert ("logs", "/logs") in mounts["busybox"]
    assert pod.spec.volumes[0].empty_dir is not None


def test_scheduler_and_kwok_give_new_pods_distinct_ips(conn, namespace):
    for name in ("one", "two"):
        conn.core.create_namespaced_pod(namespace, make_pod(name, ["a", "b"]))
    pods = wait_for(
        lambda: (items := conn.core.list_namespaced_pod(namespace).items)
        and all(p.status.phase == "Running" and p.status.pod_ip for p in items)
        and len(items) == 2 and items,
        "both pods to run",
    )
    assert len({p.status.pod_ip for p in pods}) == 2


def test_seed_logs_are_served_through_the_api_server(conn):
    """The kubelet serves what each container printed: node prints nothing (its program
    appends to app.log), busybox prints app.log's lines as `tail -F` reads them."""
    node = conn.core.read_namespaced_pod_log(SEED_POD, "default", container="node")
    assert node == ""
    busybox = conn.core.read_namespaced_pod_log(SEED_POD, "default", container="busybox")
    lines = app_lines(busybox.splitlines())
    assert lines, "no log lines for busybox"
    assert all(app_time_ns(line) is not None for line in lines), lines
    statuses = conn.core.read_namespaced_pod(SEED_POD, "default").status.container_statuses
    if next(s for s in statuses if s.name == "busybox").restart_count == 0:
        # tail -F started before app.log had a line: the app's first line came first (a
        # restarted tail starts from the file's last 10 lines instead)
        assert lines[0].endswith(" listening on port 3000")


def test_containers_report_container_and_image_ids_as_a_kubelet_does(conn, namespace):
    """stern and other tools skip a container status without a containerID."""
    conn.core.create_namespaced_pod(namespace, make_pod("ids", ["a", "b"]))
    pod = wait_for(
        lambda: (p := conn.core.read_namespaced_pod("ids", namespace)).status.phase == "Running"
        and p,
        "the pod to run",
    )
    ids = [s.container_id for s in pod.status.container_statuses]
    assert all(i and i.startswith("containerd://") for i in ids) and len(set(ids)) == 2
    assert all(s.image_id.startswith("docker.io/library/busybox@sha256:")
               for s in pod.status.container_statuses)



def expected_release() -> str:
    """The release the sandbox was built from: a compatibility run's, else the pinned one."""
    import os
    import re
    from pathlib import Path

    if os.environ.get("PODTUI_SANDBOX_K8S"):
        return os.environ["PODTUI_SANDBOX_K8S"]
    go_mod = Path(__file__).resolve().parents[2] / "sandbox" / "k8s" / "go.mod"
    return re.search(r"k8s\.io/kubernetes (v\S+)", go_mod.read_text()).group(1)


def test_every_part_reports_its_real_version(conn):
    """Stamped as a release build is: kubectl version parses it (an unstamped build reports
    v0.0.0-master+$Format:%H$, which it cannot), podtui reads the same, and the real node's
    kubelet is of the same release."""
    import json
    import subprocess

    from podtui.cluster.server_version import fetch
    from tests.conftest import ADMIN_KUBECONFIG, KUBECTL

    done = subprocess.run([KUBECTL, "--kubeconfig", str(ADMIN_KUBECONFIG), "version", "-o",
                           "json"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    versions = json.loads(done.stdout)
    release = expected_release()
    assert versions["serverVersion"]["gitVersion"] == release
    assert versions["clientVersion"]["gitVersion"] == release
    version = fetch(conn)
    assert version.known and version.label == release
    node = conn.core.read_node("localhost")
    assert node.status.node_info.kubelet_version == release
    assert node.status.node_info.container_runtime_version.startswith("containerd://2.")
