"""Broken setups from the command line, as a user meets them: `python -m podtui ...` as a
subprocess; each prints ONE clear line on stderr (no traceback, no secret) and exits 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import kubeconfigs
from tests.conftest import API_SERVER, LIMITED_KUBECONFIG, SEED_POD

REPO = Path(__file__).resolve().parents[2]

EXPECTED = {
    "missing": "no kubeconfig found at",
    "unknown-context": "context 'nope' is not in the kubeconfig (contexts: ",
    "wrong-ca": f"TLS verification failed for {API_SERVER}: the server's certificate "
                "is not signed by the CA in the kubeconfig",
    "wrong-ca-admin": f"TLS verification failed for {API_SERVER}",
    "bad-token": "unauthorized: the API server rejected the credentials (expired token?)",
    "unreachable": "cannot reach the API server https://127.0.0.1:1: connection refused",
    "unreachable-admin": "cannot reach the API server https://127.0.0.1:1: connection refused",
    "limited": 'forbidden: User "dev-user" cannot ',
}

COMMANDS = {
    "logs": ["logs", SEED_POD, "-n", "default"],
    "logs-follow": ["logs", SEED_POD, "-n", "default", "-f", "-c", "node"],
    "create-dry-run": ["create", "sidecar-log-tailer", "--dry-run"],
    "create": ["create", "sidecar-log-tailer", "--set", "name=faults-never-created"],
}


@pytest.fixture(scope="module")
def setups(tmp_path_factory, sandbox_dir) -> dict[str, list[str]]:
    """name -> the connection arguments of each broken setup."""
    tmp = tmp_path_factory.mktemp("kubeconfigs")
    bad = kubeconfigs.bad_set(tmp)
    args = {name: ["--kubeconfig", path] for name, path in bad.items()}
    args["missing"] = ["--kubeconfig", str(tmp / "no-such.kubeconfig")]
    args["unknown-context"] = ["--kubeconfig", str(LIMITED_KUBECONFIG), "--context", "nope"]
    args["limited"] = ["--kubeconfig", str(LIMITED_KUBECONFIG)]
    args["insecure"] = ["--kubeconfig", kubeconfigs.variant(tmp, "insecure", insecure=True)]
    return args


def run(*args: str, script: bool = False, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    extra = env or {}
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "NO_COLOR")}
    env["HOME"] = env.get("HOME", "/tmp")
    env.update(extra)
    command = [str(Path(sys.executable).parent / "podtui")] if script else [
        sys.executable, "-m", "podtui"]
    return subprocess.run([*command, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def no_secrets(result: subprocess.CompletedProcess[str]) -> None:
    for secret in kubeconfigs.secrets():
        assert secret not in result.stdout and secret not in result.stderr, "secret leaked"


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    no_secrets(result)
    return lines[0]


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("setup", list(EXPECTED))
def test_command_line_forms_fail_with_one_line(setups, setup, command):
    line = one_line_error(run(*COMMANDS[command], *setups[setup]))
    verb = COMMANDS[command][0]
    assert line.startswith(("podtui: ", f"podtui {verb}: ")), line
    assert EXPECTED[setup] in line, line


@pytest.mark.parametrize("setup", ["missing", "unknown-context"])
def test_dashboard_refuses_to_start_without_a_usable_kubeconfig(setups, setup):
    """The TUI form checks the kubeconfig before it takes the terminal. (Server faults,
    which it meets later, are one line inside the running app: see the UI tests.)"""
    line = one_line_error(run(*setups[setup]))
    assert line.startswith("podtui: ") and EXPECTED[setup] in line


def test_the_installed_script_behaves_the_same(setups):
    line = one_line_error(run(*COMMANDS["logs"], *setups["unreachable"], script=True))
    assert line == ("podtui logs: cannot reach the API server https://127.0.0.1:1: "
                    "connection refused")


def test_logs_of_a_nonexistent_pod(namespace, admin_kubeconfig):
    line = one_line_error(run("logs", "no-such-pod", "-n", namespace,
                              "--kubeconfig", admin_kubeconfig))
    assert line == f"podtui logs: pod {namespace}/no-such-pod not found"


@pytest.mark.parametrize("args, expected", [
    (["logs", f"{SEED_POD}/log", "-n", "default"], f"invalid pod name '{SEED_POD}/log'"),
    (["logs", "..", "-n", "default"], "invalid pod name '..'"),
    (["logs", "Bad_Name", "-n", "default"], "invalid pod name 'Bad_Name'"),
    (["logs", SEED_POD, "-n", "../default"], "invalid namespace name '../default'"),
    (["create", "sidecar-log-tailer", "-n", "Team_A"], "invalid namespace name 'Team_A'"),
    (["create", "sidecar-log-tailer", "--set", "name=Bad_Name", "-n", "default"],
     "parameter 'name': 'Bad_Name' is not a valid DNS-1123 name"),
    (["-n", "Bad NS"], "invalid namespace name 'Bad NS'"),
])
def test_invalid_names_are_refused_before_any_request(admin_kubeconfig, args, expected):
    """A name goes into a URL path: `POD/log` would read another endpoint, `..` the list."""
    line = one_line_error(run(*args, "--kubeconfig", admin_kubeconfig))
    assert expected in line, line


def test_insecure_kubeconfig_warns_in_one_line(setups):
    result = run("logs", "no-such-pod", *setups["insecure"])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "InsecureRequestWarning" not in result.stderr
    assert result.stderr.splitlines() == [
        f"podtui: warning: TLS verification is off for {API_SERVER} "
        "(insecure-skip-tls-verify in the kubeconfig)",
        "podtui logs: pod team-a/no-such-pod not found",
    ]
    no_secrets(result)
