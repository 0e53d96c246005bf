"""`podtui templates|render|create` as a user runs them: a subprocess, its exit code,
stdout, and one line on stderr when something is wrong (never a traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import read_pod, wait_for
from tests.integration.test_cli_errors import one_line_error
from tests.integration.test_templates_cluster import POLICY_TEMPLATE, pod_names, printed
from tests.unit.test_templates import BUILTIN_NAMES

REPO = Path(__file__).resolve().parents[2]

BROKEN_TEMPLATE = """\
name: broken
title: Broken indentation
pod: |
  apiVersion: v1
  kind: Pod
  metadata:
    name: broken
   labels: {}
"""


@pytest.fixture
def podtui(tmp_path, admin_kubeconfig):
    """Run `python -m podtui ARGS`; user templates come from tmp_path only."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "KUBECONFIG")}
    env.update(KUBECONFIG=admin_kubeconfig, XDG_CONFIG_HOME=str(tmp_path / "config"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "podtui", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=60)

    return run


@pytest.fixture
def user_templates(tmp_path) -> Path:
    path = tmp_path / "config" / "podtui" / "templates"
    path.mkdir(parents=True)
    return path


def test_templates_lists_name_and_title(podtui):
    result = podtui("templates")
    assert result.returncode == 0 and result.stderr == ""
    rows = [line.split(None, 1) for line in result.stdout.splitlines()]
    assert [r[0] for r in rows] == BUILTIN_NAMES
    assert dict(rows)["sidecar-log-tailer"] == "Sidecar log tailer"
    assert dict(rows)["crashing-sidecar"] == "Crashing sidecar"


def test_templates_name_shows_its_parameters(podtui):
    result = podtui("templates", "localhost-pair")
    assert result.returncode == 0, result.stderr
    assert "Two containers on localhost" in result.stdout
    for name in ("name", "namespace", "server_image", "client_image", "port", "interval"):
        assert f"\n  {name} " in result.stdout


def test_templates_reports_user_template_errors_on_stderr(podtui, user_templates):
    (user_templates / "broken.yaml").write_text(BROKEN_TEMPLATE)
    (user_templates / "policy.yaml").write_text(POLICY_TEMPLATE)
    result = podtui("templates")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == [*BUILTIN_NAMES, "restart-policy"]
    assert result.stdout.splitlines()[-1].endswith("(user)")
    assert result.stderr.splitlines() == [
        "podtui templates: broken.yaml line 8: expected <block end>, but found "
        "'<block mapping start>'"
    ]


def test_render_prints_the_pod_yaml(podtui):
    result = podtui("render", "sidecar-log-tailer", "--set", "name=my-tailer",
                    "--set", "namespace=shop", "--set", "port=8081")
    assert result.returncode == 0 and result.stderr == ""
    pod = yaml.safe_load(result.stdout)
    assert pod["kind"] == "Pod" and pod["apiVersion"] == "v1"
    assert pod["metadata"] == {**pod["metadata"], "name": "my-tailer", "namespace": "shop"}
    node = pod["spec"]["containers"][0]
    assert node["ports"][0]["containerPort"] == 8081  # a number where the API wants one
    assert {"name": "PORT", "value": "8081"} in node["env"]  # a string in an env var
    assert [c["name"] for c in pod["spec"]["containers"]] == ["node", "busybox"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["render", "no-such-template"], "unknown template 'no-such-template'"),
        (["render", "adapter", "--set", "name=Bad_Name"], "parameter 'name'"),
        (["render", "adapter", "--set", "colour=blue"], "unknown parameter 'colour'"),
        (["render", "adapter", "--set", "name"], "--set expects NAME=VALUE"),
        (["templates", "nope"], "unknown template 'nope'"),
    ],
)
def test_render_errors_are_one_line(podtui, args, words):
    assert words in one_line_error(podtui(*args))


def test_create_dry_run_then_create(podtui, conn, namespace):
    result = podtui("create", "localhost-pair", "--set", f"namespace={namespace}", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"pod/localhost-pair valid (server dry run) in {namespace}; " \
                            "nothing created\n"
    assert pod_names(conn, namespace) == []

    result = podtui("create", "localhost-pair", "--set", f"namespace={namespace}")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"pod/localhost-pair created in {namespace}\n"
    assert result.stderr == ""
    pod = read_pod(conn, namespace, "localhost-pair")
    assert [c["name"] for c in pod["spec"]["containers"]] == ["server", "client"]
    # and it runs on the real node, both containers ready, as the server prints it
    wait_for(lambda: (row := printed(conn, namespace, "localhost-pair"))
             and (row[0]["Ready"], row[0]["Status"]) == ("2/2", "Running"),
             "the pod Running and Ready", 90)


def test_create_uses_the_connection_namespace(podtui, conn, namespace):
    result = podtui("create", "adapter", "-n", namespace, "--set", "name=from-flag")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"pod/from-flag created in {namespace}\n"
    assert pod_names(conn, namespace) == ["from-flag"]
    conflict = podtui("create", "adapter", "-n", namespace, "--set", "namespace=elsewhere")
    assert "conflicts with -n" in one_line_error(conflict)
    assert pod_names(conn, namespace) == ["from-flag"]


def test_create_errors_create_nothing(podtui, conn, namespace, user_templates):
    (user_templates / "broken.yaml").write_text(BROKEN_TEMPLATE)
    (user_templates / "policy.yaml").write_text(POLICY_TEMPLATE)
    ns = f"namespace={namespace}"
    assert podtui("create", "adapter", "--set", ns, "--set", "name=taken").returncode == 0
    uid = read_pod(conn, namespace, "taken")["metadata"]["uid"]

    cases = [
        (["adapter", "--set", "name=taken"],
         f"podtui create: cannot create pod {namespace}/taken: a pod with that name "
         "already exists"),
        (["adapter", "--set", "name=Bad_Name"], "podtui create: adapter: parameter 'name': "
         "'Bad_Name' is not a valid DNS-1123 name (lowercase letters, digits, '-' and '.')"),
        (["adapter", "--set", "colour=blue"], "podtui create: adapter: unknown parameter "
         "'colour' (known: name, namespace, app_image, adapter_image, service, interval)"),
        (["broken"], "podtui create: broken.yaml line 8: expected <block end>, but found "
         "'<block mapping start>'"),
        (["restart-policy", "--set", "policy=Sometimes"], None),
        (["adapter", "--set", "name=never", "--readonly"],
         "podtui create: read-only mode: create pod refused"),
        (["adapter", "--set", "name=never", "--readonly", "--dry-run"],
         "podtui create: read-only mode: create pod refused"),
    ]
    for args, expected in cases:
        line = one_line_error(podtui("create", *args, "--set", ns))
        if expected is None:  # the server's own validation, naming the field
            assert line.startswith(f"podtui create: cannot create pod {namespace}/policy-pod: "
                                   "invalid: "), line
            assert "spec.restartPolicy" in line and '"Sometimes"' in line
        else:
            assert line == expected
    assert pod_names(conn, namespace) == ["taken"]
    assert read_pod(conn, namespace, "taken")["metadata"]["uid"] == uid


def test_create_in_a_missing_namespace_is_one_line(podtui):
    line = one_line_error(podtui("create", "adapter", "--set", "namespace=no-such-ns-x1"))
    assert line == ('podtui create: cannot create pod no-such-ns-x1/adapter-demo: not found: '
                    'namespaces "no-such-ns-x1" not found')
