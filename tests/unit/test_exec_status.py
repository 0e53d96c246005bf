"""The exit status of an exec, from the Status a kubelet sends on the error channel (the
shapes are the API server's metav1.Status as kubelets write them), and the pure helpers
that pick containers, ports and volume views for the inside-the-pod actions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from podtui.anatomy import kubectl
from podtui.anatomy.inside import (
    default_container,
    exec_containers,
    forwardable_ports,
    volume_views,
)
from podtui.cluster.exec import exit_status, missing_command
from podtui.cluster.portforward import parse_ports

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "sandbox"))
from render_config import seed_pod  # noqa: E402


def status(**fields) -> bytes:
    return json.dumps({"metadata": {}, **fields}).encode()


def test_success_is_exit_zero():
    assert exit_status(status(status="Success")) == (0, "")


def test_a_non_zero_exit_code_is_read_from_its_cause():
    raw = status(status="Failure", message="command terminated with non-zero exit code: 7",
                 reason="NonZeroExitCode",
                 details={"causes": [{"reason": "ExitCode", "message": "7"}]})
    assert exit_status(raw) == (7, "")


def test_other_failures_are_one_redacted_line_without_a_code():
    raw = status(status="Failure", reason="InternalError",
                 message="error executing command:\n  token=abc.def.ghi\nexit status 3")
    code, line = exit_status(raw)
    assert code is None and "\n" not in line and "abc.def.ghi" not in line
    assert line.startswith("error executing command:")
    assert exit_status(b"") == (None, "the stream ended without an exit status")


def test_runcs_missing_executable_line_is_kept_whole():
    """runc names the exec's 64-hex id before the executable: the line must reach its end
    for a shell's absence to be recognised (then the next shell is tried)."""
    message = ("Internal error occurred: error executing command in container: failed to exec "
               f'in container: failed to start exec "{"ab" * 32}": OCI runtime exec failed: '
               "exec failed: unable to start container process: exec: \"bash\": executable "
               "file not found in $PATH")
    code, line = exit_status(status(status="Failure", reason="InternalError", message=message))
    assert code is None and line == message and missing_command(line)
    code, line = exit_status(status(status="Failure", message="x" * 5000))
    assert code is None and len(line) == 1000  # a server's flood stays bounded


def test_missing_command_wordings():
    assert missing_command('exec: "bash": executable file not found in $PATH')
    assert missing_command("OCI runtime exec failed: no such file or directory: unknown")
    assert not missing_command("exit status 127")


def test_kubectl_equivalents():
    assert kubectl.exec_in("ns", "p", "c", ["ls", "-la", "/a b"], tty=False) == \
        "kubectl exec p -n ns -c c -- ls -la '/a b'"
    assert kubectl.exec_in("ns", "p", "c", ["sh"], tty=True) == \
        "kubectl exec -it p -n ns -c c -- sh"
    assert kubectl.port_forward("ns", "p", 3000, 3000) == "kubectl port-forward pod/p 3000 -n ns"
    assert kubectl.port_forward("ns", "p", 3000, 8080) == \
        "kubectl port-forward pod/p 8080:3000 -n ns"
    assert kubectl.debug("ns", "p", "app", "busybox") == \
        "kubectl debug -it p -n ns --image=busybox --target=app -- sh"


def test_parse_ports():
    assert parse_ports("3000") == (3000, 3000)
    assert parse_ports("8080:3000") == (8080, 3000)
    assert parse_ports("0:3000") == (0, 3000)


def test_seed_pod_inside():
    pod = seed_pod()
    assert exec_containers(pod) == ["node", "busybox"]
    assert default_container(pod) == "node"
    pod["metadata"]["annotations"] = {"kubectl.kubernetes.io/default-container": "busybox"}
    assert default_container(pod) == "busybox"
    pod["metadata"]["annotations"] = {"kubectl.kubernetes.io/default-container": "gone"}
    assert default_container(pod) == "node"
    assert [p.label() for p in forwardable_ports(pod)] == ["3000/TCP http (node)"]
    assert [(v.volume, v.container, v.command) for v in volume_views(pod)] == [
        ("logs", "node", ("ls", "-la", "/app/logs")), ("logs", "busybox", ("ls", "-la", "/logs"))]


def test_finished_init_containers_are_not_exec_targets():
    pod = {"spec": {"initContainers": [{"name": "prep"},
                                       {"name": "side", "restartPolicy": "Always"}],
                    "containers": [{"name": "app"}],
                    "ephemeralContainers": [{"name": "dbg", "targetContainerName": "app"}]},
           "status": {"initContainerStatuses": [
               {"name": "prep", "state": {"terminated": {"exitCode": 0}}},
               {"name": "side", "state": {"running": {}}}]}}
    assert exec_containers(pod) == ["side", "app", "dbg"]
