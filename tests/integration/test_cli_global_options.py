"""Global options go before or after the subcommand, as kubectl's do:
`podtui --kubeconfig X logs POD` is `podtui logs POD --kubeconfig X`."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import SEED_POD
from tests.integration.test_cli_errors import run


def api_previous_tail(conn, lines: int) -> list[str]:
    text = conn.core.read_namespaced_pod_log(SEED_POD, "default", container="node",
                                             previous=True, tail_lines=lines)
    return [f"[node] {line}" for line in text.splitlines()]


@pytest.mark.parametrize("form", ["before", "after", "mixed", "overridden"])
def test_logs_takes_global_options_on_either_side(conn, admin_kubeconfig, form):
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
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == api_previous_tail(conn, 3)


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
