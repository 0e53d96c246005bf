"""Built-in drills on the sandbox, whose pods really run on its real node: the setup's
fault is real (a crash, a failed pull, a port clash), a graceful delete leaves the stuck pod
Terminating, and reset deletes only what a drill made. Every drill's answers and mistakes:
test_drill_variants.py."""

from __future__ import annotations

import argparse
import io
import os
import random
import string
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from podtui.cli import drills as cli_drills
from podtui.drills import attempts, state
from podtui.drills.loader import load_drills
from tests.conftest import KUBECTL, wait_for

pytestmark = pytest.mark.integration

DRILLS = {d.id: d for d in load_drills(Path("/nonexistent"))[0]}

def ended_with(status: dict) -> int | None:
    """The exit code of the container's last run that ended (now, or before a restart)."""
    for key in ("state", "lastState"):
        ended = (status.get(key) or {}).get("terminated")
        if ended:
            return ended.get("exitCode")
    return None


def waiting_for(status: dict) -> str | None:
    return ((status.get("state") or {}).get("waiting") or {}).get("reason")


def runs_unrestarted(status: dict) -> bool:
    return "running" in (status.get("state") or {}) and status.get("restartCount") == 0


# The fault a broken setup must really have on the real node (the task describes it), per
# drill: (container, what it shows, a test of its containerStatus).
FAULTS: dict[str, list[tuple[str, str, Callable[[dict], bool]]]] = {
    "port-clash": [  # busybox httpd: "bind: Address in use", exit 1; nginx keeps port 80
        ("${metrics}", "exited 1", lambda s: ended_with(s) == 1),
        ("${web}", "runs, never restarted", runs_unrestarted)],
    "fix-image-pull": [
        ("${app}", "waits on the pull", lambda s: waiting_for(s) in ("ErrImagePull",
                                                                     "ImagePullBackOff")),
        ("${sidecar}", "runs", runs_unrestarted)],
    "fix-crashing-sidecar": [  # `tail FILE` ends, whatever the file holds
        ("${sidecar}", "ended", lambda s: ended_with(s) is not None),
        ("${app}", "runs, never restarted", runs_unrestarted)],
    "previous-logs": [  # the exit code the drill's answer gives
        ("${crash}", "exited 1", lambda s: ended_with(s) == 1),
        ("${first}", "runs, never restarted", runs_unrestarted),
        ("${last}", "runs, never restarted", runs_unrestarted)],
}


@pytest.fixture
def private_state(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def drill_cli(conn, *argv: str) -> tuple[int, str, str]:
    """`podtui drill ARGV` in-process on the test's connection: (exit code, out, err)."""
    parser = argparse.ArgumentParser()
    cli_drills.add_arguments(parser)
    args = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    code = cli_drills.run(conn, args, out, err)
    return code, out.getvalue(), err.getvalue()


def kubectl_env(admin_kubeconfig: str) -> dict[str, str]:
    """The admin kubeconfig, and `kubectl` the sandbox's own release (the solutions say
    plain `kubectl`, as typed in the exam)."""
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    env["KUBECONFIG"] = admin_kubeconfig
    env["PATH"] = os.pathsep.join([str(Path(KUBECTL).parent), env.get("PATH", "")])
    return env


def run_commands(commands, admin_kubeconfig: str) -> None:
    for command in commands:
        assert command.lstrip().startswith("kubectl "), command  # the exam allows only kubectl
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", command], capture_output=True,
                              text=True, timeout=60, env=kubectl_env(admin_kubeconfig),
                              cwd="/tmp")
        assert done.returncode == 0, (command, done.stdout, done.stderr)


def settled(conn, namespace: str) -> bool:
    """Every pod has a status for each container (the kubelet has reported on it)."""
    pods = attempts.snapshot(conn, namespace)["pod"].values()
    return all(len((p.get("status") or {}).get("containerStatuses") or [])
               == len(p["spec"]["containers"]) for p in pods
               if not (p.get("metadata") or {}).get("deletionTimestamp"))


@pytest.fixture
def attempt_of(conn, private_state):
    """Start a drill with a random seed (printed on failure); reset it afterwards."""
    started: list[str] = []

    def start(drill_id: str):
        seed = random.randint(1, 99_999)
        code, out, err = drill_cli(conn, "start", drill_id, "--seed", str(seed))
        assert code == 0, (seed, err)
        started.append(drill_id)
        return attempts.render(conn, DRILLS[drill_id], seed)

    yield start
    for drill_id in started:
        current = state.load_current(drill_id)
        if current is not None:
            attempts.reset(conn, current.namespace)


@pytest.mark.parametrize("drill_id", sorted(FAULTS))
def test_the_setups_fault_is_real(conn, attempt_of, drill_id):
    attempt = attempt_of(drill_id)

    def statuses() -> dict[str, dict]:
        pods = attempts.snapshot(conn, attempt.namespace)["pod"].values()
        return {s["name"]: s for p in pods
                for s in (p.get("status") or {}).get("containerStatuses") or []}

    for container, what, holds in FAULTS[drill_id]:
        name = string.Template(container).substitute(attempt.values)
        wait_for(lambda n=name, h=holds: h(statuses().get(n, {})),
                 f"{drill_id} (seed {attempt.seed}): {name} {what}", timeout=60, interval=0.5)


def test_a_graceful_delete_leaves_the_stuck_pod_terminating(conn, admin_kubeconfig, attempt_of):
    """What force-delete teaches, on the real node: the kubelet's SIGTERM is ignored, so a
    plain delete leaves the pod Terminating (its check fails) until the forced one."""
    attempt = attempt_of("force-delete")
    ns, stuck = attempt.namespace, attempt.values["stuck"]

    def events() -> list[str]:
        return [e.get("reason", "") for e in attempts.snapshot(conn, ns)["event"].values()
                if (e.get("involvedObject") or {}).get("name") == stuck]

    wait_for(lambda: "Started" in events(), f"{stuck} to start", timeout=60, interval=0.5)
    run_commands([f"kubectl -n {ns} delete pod {stuck} --wait=false"], admin_kubeconfig)
    wait_for(lambda: "Killing" in events(), "the kubelet to stop it", timeout=30, interval=0.5)
    pod = attempts.snapshot(conn, ns)["pod"][stuck]
    assert pod["metadata"]["deletionTimestamp"]
    assert "running" in pod["status"]["containerStatuses"][0]["state"]  # SIGTERM ignored
    code, out, _ = drill_cli(conn, "check", "force-delete")
    assert code == 1 and f"FAIL  {stuck} is gone from the API: pod `{stuck}` exists" in out, out
    run_commands(attempt.solution, admin_kubeconfig)
    wait_for(lambda: drill_cli(conn, "check", "force-delete")[0] == 0, "the forced delete",
             timeout=30, interval=0.5)


def test_reset_deletes_only_a_namespace_a_drill_made(conn, namespace):
    """A state file of another cluster (or a namespace of the same name made since) must
    not cost the user a namespace: reset refuses one without the drill's label."""
    from podtui.cluster.errors import ClusterError

    with pytest.raises(ClusterError, match="not made by a drill"):
        attempts.reset(conn, namespace)
    kept = conn.core.read_namespace(namespace)
    assert kept.metadata.deletion_timestamp is None and kept.status.phase == "Active"


def test_the_node_a_drill_names_is_the_real_one_with_its_kubelets_static_pod_path(
        conn, sandbox_dir):
    """The static-pod drill tells the candidate the node and its manifests directory: the
    node where pods really run, and the path its kubelet's own configuration file gives;
    the volume drill keeps its files under the state directory too."""
    import yaml

    facts = attempts.node_facts(conn)
    config = yaml.safe_load((sandbox_dir / "node" / "kubelet.yaml").read_text())
    assert facts == {"name": "localhost", "staticPodPath": config["staticPodPath"],
                     "dataPath": str(sandbox_dir / "node" / "drill-data")}
    assert Path(facts["staticPodPath"]).is_dir()
    assert Path(facts["staticPodPath"]).is_relative_to(sandbox_dir)  # gone with `down`


def test_a_setups_volume_is_the_attempts_and_goes_with_its_reset(conn, attempt_of):
    """pvc-survives' PersistentVolume has no namespace: it carries the attempt's, and reset
    deletes it (the claim goes with the namespace, then nothing holds the volume)."""
    from kubernetes.client.exceptions import ApiException

    attempt = attempt_of("pvc-survives")
    pv = conn.core.read_persistent_volume(attempt.values["pv"])
    assert pv.metadata.labels == {attempts.ATTEMPT_LABEL: attempt.namespace}
    assert pv.spec.host_path.path.startswith(attempts.node_facts(conn)["dataPath"] + "/")
    code, out, _ = drill_cli(conn, "reset", "pvc-survives")
    assert code == 0, out

    def gone() -> bool:
        try:
            conn.core.read_persistent_volume(attempt.values["pv"])
        except ApiException as exc:
            return exc.status == 404
        return False

    wait_for(gone, f"PersistentVolume {attempt.values['pv']} to go", timeout=60, interval=0.5)
