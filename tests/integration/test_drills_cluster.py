"""Every built-in drill on the sandbox, whose pods really run on its real node: the setup's
fault is real (a crash, a failed pull, a port clash), the reference kubectl solution (run
with the sandbox's own kubectl) makes `podtui drill check` pass, and a plausible wrong
answer fails with the check that names the mistake."""

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
from podtui.drills.loader import load_drills, render_attempt
from tests.conftest import KUBECTL, wait_for

pytestmark = pytest.mark.integration

DRILLS = {d.id: d for d in load_drills(Path("/nonexistent"))[0]}

# A plausible wrong answer per drill, and the check (its `say`, as in the drill file) that
# must fail. "replace": edits to the reference solution; "run": commands instead of it.
WRONG: dict[str, dict] = {
    "log-sidecar": {  # the sidecar left at `kubectl run`'s default command
        "replace": [('["tail", "-F", "${logdir}/${file}"]', '["sleep", "3600"]')],
        "fails": "${sidecar} follows the log file",
    },
    "native-sidecar": {  # the sidecar as a second regular container
        "replace": [("  initContainers:\n", ""),
                    ("    restartPolicy: Always\n", ""),
                    ("  containers:\n  - name: ${app}", "  - name: ${app}"),
                    ("spec:\n  - name: ${sidecar}", "spec:\n  containers:\n  - name: ${sidecar}")],
        "fails": "${sidecar} is a native sidecar (init container, restartPolicy Always)",
    },
    "init-fills-volume": {  # the app mounts the volume where the init container wrote
        "replace": [("{name: content, mountPath: /usr/share/nginx/html}",
                     "{name: content, mountPath: ${dir}}")],
        "fails": "${app} serves the volume from /usr/share/nginx/html",
    },
    "init-order": {  # only the names swapped, the commands left where they were
        "replace": [("name: ${wait}", "name: swap-tmp"), ("name: ${migrate}", "name: ${wait}"),
                    ("name: swap-tmp", "name: ${migrate}")],
        "fails": "${wait} still waits for ${db}",
    },
    "adapter": {  # the adapter may write to the app's logs
        "replace": [("{name: logs, mountPath: ${dir}, readOnly: true}",
                     "{name: logs, mountPath: ${dir}}")],
        "fails": "${adapter} mounts the logs read-only",
    },
    "ambassador": {  # the proxy listening on the backend's port, not the app's
        "replace": [('"-p", "${port}"', '"-p", "6379"')],
        "fails": "${proxy} listens on ${port}",
    },
    "localhost-pair": {  # the client calls the pod by name, as if it were a Service
        "replace": [("http://localhost:${port}/", "http://${pod}:${port}/")],
        "fails": "${client} talks to the server over localhost",
    },
    "port-clash": {  # only the containerPort moved; the process still binds 80
        "replace": [('["httpd", "-f", "-p", "${port}"]', '["httpd", "-f", "-p", "80"]')],
        "fails": "${metrics} binds port ${port}",
    },
    "fix-mount-path": {  # the app moved to the sidecar's wrong path instead
        "replace": [("- {name: logs, mountPath: ${logdir}}\n  - name: ${sidecar}",
                     "- {name: logs, mountPath: ${wrong}}\n  - name: ${sidecar}")],
        "fails": "${app} still mounts logs at ${logdir}",
    },
    "fix-image-pull": {  # the right image on the wrong container
        "run": ["kubectl -n ${namespace} set image pod/${pod} ${sidecar}=nginx:1.27"],
        "fails": "${app} runs nginx:1.27",
    },
    "fix-crashing-sidecar": {  # tail -n prints the last lines and exits, like before
        "replace": [('["tail", "-F", "/var/log/nginx/access.log"]',
                     '["tail", "-n", "100", "/var/log/nginx/access.log"]')],
        "fails": "${sidecar} keeps following the log",
    },
    "previous-logs": {  # the first container listed, not the one that restarts
        "replace": [("container=${crash}", "container=${first}")],
        "fails": "the answer names the crashing container",
    },
    "job-native-sidecar": {  # the sidecar as a second regular container
        "replace": [("      initContainers:\n", ""),
                    ("        restartPolicy: Always\n", ""),
                    ("      containers:\n      - name: ${worker}", "      - name: ${worker}"),
                    ("Never\n      - name: ${sidecar}",
                     "Never\n      containers:\n      - name: ${sidecar}")],
        "fails": "${sidecar} is a native sidecar (init container, restartPolicy Always)",
    },
    "ephemeral-debug": {  # no --target: the debugger shares no process namespace
        "replace": [(" --target=${app}", "")],
        "fails": "${debugger} targets ${app}",
    },
    "resources-split": {  # the pod's whole budget put on the app
        "replace": [("requests: {cpu: ${side_cpu}, memory: ${side_mem}}",
                     "requests: {memory: ${side_mem}}")],
        "fails": "${sidecar} requests ${side_cpu} CPU",
    },
    "memory-emptydir": {  # sizeLimit set, but the volume still on disk
        "replace": [("      medium: Memory\n", "")],
        "fails": "scratch lives in memory",
    },
    "force-delete": {  # the wrong pod deleted
        "run": ["kubectl -n ${namespace} delete pod ${keep} --grace-period=0 --force"],
        "fails": "${keep} is untouched",
    },
}




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
        return render_attempt(DRILLS[drill_id], seed)

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


@pytest.mark.parametrize("drill_id", sorted(DRILLS))
def test_reference_solution_passes(conn, admin_kubeconfig, attempt_of, drill_id):
    attempt = attempt_of(drill_id)
    code, out, _ = drill_cli(conn, "check", drill_id)
    assert code == 1 and "FAIL" in out  # the task is not done by the setup alone
    run_commands(attempt.solution, admin_kubeconfig)

    def passes():
        code, out, err = drill_cli(conn, "check", drill_id)
        return (code, out, err) if code == 0 else None

    # The Job's pod ends after its sidecar's grace period (30 s): its shell ignores SIGTERM.
    code, out, err = wait_for(passes, f"{drill_id} (seed {attempt.seed}) to pass", timeout=60,
                              interval=0.5)
    lines = out.splitlines()
    assert len(lines) == len(attempt.checks) and all(x.startswith("PASS  ") for x in lines)
    assert err.startswith(f"score {len(lines)}/{len(lines)}")
    assert [r.drill for r in state.history()] == [drill_id]  # a full score is recorded


@pytest.mark.parametrize("drill_id", sorted(DRILLS))
def test_wrong_answer_fails_the_named_check(conn, admin_kubeconfig, attempt_of, drill_id):
    assert drill_id in WRONG, f"no wrong answer written for {drill_id}"
    wrong = WRONG[drill_id]
    attempt = attempt_of(drill_id)
    values = attempt.values

    def fill(text: str) -> str:
        return string.Template(text).substitute(values)

    commands = [fill(c) for c in wrong.get("run", [])]
    if "replace" in wrong:
        commands = list(attempt.solution)
        for old, new in wrong["replace"]:
            old, new = fill(old), fill(new)
            assert any(old in c for c in commands), old
            commands = [c.replace(old, new) for c in commands]
    run_commands(commands, admin_kubeconfig)
    wait_for(lambda: settled(conn, attempt.namespace), "pods to settle", timeout=30)
    named = fill(wrong["fails"])
    assert named in [c.say for c in attempt.checks]

    def named_fails():
        code, out, _ = drill_cli(conn, "check", drill_id)
        return (code, out) if f"FAIL  {named}: " in out else None

    code, out = wait_for(named_fails, f"{drill_id}: '{named}' to fail", timeout=15,
                         interval=0.5)
    assert code == 1


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
    assert code == 1 and f"FAIL  {stuck} is gone: pod `{stuck}` exists" in out, out
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
