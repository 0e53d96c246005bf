"""`podtui drill ...` as a user runs it: a subprocess, its exit code and output; the
namespace it makes and deletes is compared with what the API server says."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import KUBECTL, LIMITED_KUBECONFIG, wait_for
from tests.integration.test_cli_errors import one_line_error
from tests.integration.test_drills_cluster import kubectl_env, run_commands

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def subcommand_runner(tmp_path, kubeconfig: str, command: str, timeout: float):
    """Runs `podtui COMMAND ...` with the sandbox's kubeconfig and its own state and config
    directories under tmp_path."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "KUBECONFIG")}
    env.update(KUBECONFIG=kubeconfig, XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "podtui", command, *args], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=timeout)

    return run


@pytest.fixture
def podtui(tmp_path, admin_kubeconfig):
    return subcommand_runner(tmp_path, admin_kubeconfig, "drill", 120)


def namespace_phase(conn, name: str) -> str | None:
    from kubernetes.client.exceptions import ApiException

    try:
        return conn.core.read_namespace(name).status.phase
    except ApiException as exc:
        if exc.status == 404:
            return None
        raise


def test_list_show_are_offline_and_seeded(podtui):
    listed = podtui("list")
    assert listed.returncode == 0 and listed.stderr == ""
    assert len(listed.stdout.splitlines()) >= 14
    first, again = podtui("show", "ambassador", "--seed", "77"), podtui("show", "ambassador",
                                                                          "--seed", "77")
    assert first.returncode == 0 and first.stdout == again.stdout
    assert "namespace drill-ambassador-77, seed 77, 7 minutes" in first.stdout
    assert podtui("show", "ambassador", "--seed", "78").stdout != first.stdout


def test_start_check_reset_history(podtui, conn, admin_kubeconfig):
    seed = str(random.randint(1, 99_999))  # the namespace of a run before may be terminating
    started = podtui("start", "force-delete", "--seed", seed)
    assert started.returncode == 0, started.stderr
    ns = f"drill-force-delete-{seed}"
    assert namespace_phase(conn, ns) == "Active"
    # the setup's pods are there, as kubectl sees them
    names = subprocess.run([KUBECTL, "-n", ns, "get", "pods", "-o", "name"],
                           capture_output=True, text=True, env=kubectl_env(admin_kubeconfig),
                           check=True).stdout.split()
    assert len(names) == 2 and all(n.split("/")[1] in started.stdout for n in names)

    failing = podtui("check", "force-delete")  # doing nothing scores 0
    assert failing.returncode == 1
    assert [line[:6] for line in failing.stdout.splitlines()] == ["FAIL  ", "FAIL  ", "FAIL  "]
    assert failing.stdout.splitlines()[1].endswith("exists (counts once the task is begun)")
    assert failing.stderr.startswith("score 0/3, ")
    stuck = names[0].split("/")[1] if "stuck" in names[0] else names[1].split("/")[1]
    run_commands([f"kubectl -n {ns} delete pod {stuck} --grace-period=0 --force"],
                 admin_kubeconfig)
    passing = wait_for(lambda: (r := podtui("check", "force-delete")).returncode == 0 and r,
                       "the check to pass", timeout=20, interval=0.5)
    assert passing.stderr.startswith("score 3/3, ")

    reset = podtui("reset", "force-delete")
    assert reset.returncode == 0 and f"namespace {ns} deleted" in reset.stdout
    assert namespace_phase(conn, ns) in (None, "Terminating")
    history = podtui("history")
    rows = history.stdout.splitlines()
    assert rows[0].split() == ["DATE", "DRILL", "SEED", "TIME", "SCORE"]
    assert len(rows) == 2 and rows[1].split()[1:3] == ["force-delete", seed]
    assert rows[1].split()[-1] == "3/3"
    line = one_line_error(podtui("check", "force-delete"))
    assert line == "podtui drill check: no attempt of force-delete in progress " \
                   "(podtui drill start force-delete)"


def test_readonly_refuses_start_and_reset(podtui, conn):
    line = one_line_error(podtui("start", "adapter", "--seed", "5", "--readonly"))
    assert line == ("podtui drill start: read-only mode: starting a drill writes to the "
                    "cluster; refused")
    assert namespace_phase(conn, "drill-adapter-5") is None
    line = one_line_error(podtui("reset", "adapter", "--readonly"))
    assert line.startswith("podtui drill reset: read-only mode")


def test_rbac_limited_user_gets_one_line(podtui, conn):
    result = podtui("start", "adapter", "--seed", "6", "--kubeconfig", str(LIMITED_KUBECONFIG))
    line = one_line_error(result)
    assert line.startswith("podtui drill start: cannot create namespace drill-adapter-6: "
                           "your user may not (RBAC: forbidden: User \"dev-user\" cannot "
                           "create resource \"namespaces\""), line
    assert namespace_phase(conn, "drill-adapter-6") is None


def test_unknown_drill_and_bad_user_file(podtui, tmp_path):
    line = one_line_error(podtui("start", "no-such-drill"))
    assert line.startswith("podtui drill start: unknown drill 'no-such-drill' (have: ")
    user = tmp_path / "config" / "podtui" / "drills"
    user.mkdir(parents=True)
    (user / "mine.yaml").write_text("id: mine\ntitle: x\ntag: t\ntask: t\nsolution: [x]\n"
                                    "checks:\n  - say: s\n    pod: p\n    exits: true\n")
    listed = podtui("list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) >= 14
    assert listed.stderr.splitlines() == [
        "podtui drill list: mine.yaml line 9: checks[0]: unknown key 'exits' (expected say, "
        "what, path, keeps, one of pod, job, configmap, service, events, deployment, "
        "replicaset, cronjob, secret, pvc, container/volume/mount, at most one of exec, log, "
        "http, steady, and one of "
        "exists, equals, contains, one_of, none_of, matches, at_least, at_most, count)"]
    line = one_line_error(podtui("show", "mine"))
    assert line.startswith("podtui drill show: mine.yaml line 9: checks[0]: unknown key")


def test_shell_env_points_kubectl_at_the_attempt(conn, admin_kubeconfig, tmp_path):
    """What `!` on the drill screen gives the shell: kubectl (the peer) then works in the
    drill's namespace on the same server, and the user's kubeconfig is left unchanged."""
    from podtui.drills.shell import shell_env

    before = Path(admin_kubeconfig).read_bytes()
    env, front = shell_env(conn, "kube-system", "adapter", base={"PATH": os.environ["PATH"]})
    try:
        assert oct(front.stat().st_mode & 0o777) == "0o600"
        view = subprocess.run(
            [KUBECTL, "config", "view", "--minify", "-o",
             "jsonpath={.contexts[0].context.namespace} {.clusters[0].cluster.server}"],
            env=env, capture_output=True, text=True, check=True).stdout
        assert view == f"kube-system {conn.server}"
        assert env["PODTUI_DRILL"] == "adapter"
    finally:
        front.unlink()
    assert Path(admin_kubeconfig).read_bytes() == before


def test_check_in_another_context_says_so(podtui, tmp_path):
    """An attempt started on one cluster is not checked against another."""
    import json

    drills = tmp_path / "state" / "podtui" / "drills"
    drills.mkdir(parents=True)
    (drills / "adapter.json").write_text(json.dumps(
        {"drill": "adapter", "seed": 3, "namespace": "drill-adapter-3", "started": 0,
         "context": "lab-cluster"}))
    line = one_line_error(podtui("check", "adapter"))
    assert line.startswith("podtui drill check: the attempt of adapter runs in context "
                           "'lab-cluster', not ")
    assert line.endswith("(use --context lab-cluster)")
