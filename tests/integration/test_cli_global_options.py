"""Global options go before or after the subcommand, as kubectl's do:
`podtui --kubeconfig X logs POD` is `podtui logs POD --kubeconfig X`."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import SEED_POD
from tests.integration.test_cli_errors import run
from tests.log_pods import kubectl


@pytest.fixture(scope="module")
def kubectl_previous() -> str:
    """kubectl's answer to the same question: the seed's node container never restarted."""
    done = kubectl("logs", SEED_POD, "-n", "default", "-c", "node", "--previous", "--tail", "3")
    assert done.returncode == 1 and done.stdout == "", done
    return done.stderr.strip().removeprefix("Error from server (BadRequest): ")


@pytest.mark.parametrize("form", ["before", "after", "mixed", "overridden"])
def test_logs_takes_global_options_on_either_side(admin_kubeconfig, kubectl_previous, form):
    # The answer names the pod and container of the namespace and cluster given last: a
    # wrong kubeconfig or namespace winning would fail otherwise.
    conn_args = ["--kubeconfig", admin_kubeconfig, "-n", "default"]
    logs = ["logs", SEED_POD, "-c", "node", "--previous", "--tail", "3"]
    argv = {
        "before": [*conn_args, *logs],
        "after": [*logs, *conn_args],
        "mixed": ["-n", "default", *logs, "--kubeconfig", admin_kubeconfig],
        # given on both sides: the one after the command wins, as with kubectl
        "overridden": ["--kubeconfig", "/nonexistent", "-n", "no-such-ns", *logs, *conn_args],
    }[form]
    result = run(*argv)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [f"podtui logs: [node] {kubectl_previous}"]
    assert kubectl_previous == f'previous terminated container "node" in pod "{SEED_POD}" not found'


def test_a_global_option_before_the_command_reaches_it(tmp_path):
    missing = tmp_path / "no-such.kubeconfig"
    result = run("--kubeconfig", str(missing), "logs", SEED_POD)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"podtui: no kubeconfig found at {missing} "
                                     "(use --kubeconfig or set KUBECONFIG)")


def test_readonly_before_create_refuses(conn, admin_kubeconfig, namespace):
    result = run("--readonly", "--kubeconfig", admin_kubeconfig, "-n", namespace,
                 "create", "sidecar-log-tailer", "--set", "name=never")
    assert result.returncode == 1
    assert "read-only" in result.stderr
    assert conn.core.list_namespaced_pod(namespace).items == []


def test_create_takes_the_namespace_before_the_command(conn, admin_kubeconfig, namespace):
    result = run("-n", namespace, "--kubeconfig", admin_kubeconfig,
                 "create", "sidecar-log-tailer", "--set", "name=web")
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(run("render", "sidecar-log-tailer", "--set", "name=web").stdout)
    names = [p.metadata.name for p in conn.core.list_namespaced_pod(namespace).items]
    assert names == [rendered["metadata"]["name"]]


def test_render_namespace_before_the_command_equals_after():
    before = run("-n", "shop", "render", "sidecar-log-tailer")
    after = run("render", "sidecar-log-tailer", "-n", "shop")
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout
    assert "namespace: shop" in before.stdout


def test_all_namespaces_belongs_to_the_dashboard_only():
    result = run("-A", "logs", SEED_POD)
    assert result.returncode == 2
    assert "-A/--all-namespaces is an option of the dashboard" in result.stderr
