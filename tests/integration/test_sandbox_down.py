"""`sandbox down` signals only what the sandbox started: this machine reuses process numbers
quickly, so a number in a pid file may belong to another program by the time `down` runs.

These run the real script on a state directory of their own (another port, so another cgroup
and bridge name), beside the sandbox the other tests use."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

SANDBOX = Path(__file__).resolve().parents[2] / "sandbox" / "sandbox"


def start_time(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(") ", 1)[1].split()[19]


def running(proc: subprocess.Popen) -> bool:
    return proc.poll() is None


def sandbox(state: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PODTUI_SANDBOX_DIR": str(state), "PODTUI_SANDBOX_PORT": "19443"}
    return subprocess.run([str(SANDBOX), *args], env=env, capture_output=True, text=True,
                          timeout=60, check=check)


@pytest.fixture
def bystander():
    """A process of somebody else's, in its own process group, as a terminal server is."""
    proc = subprocess.Popen(["sleep", "300"], start_new_session=True)
    yield proc
    proc.kill()
    proc.wait()


def record(state: Path, name: str, pid: int, when: str) -> None:
    (state / "pids").mkdir(parents=True, exist_ok=True)
    (state / "pids" / name).write_text(f"{pid} {when}\n")


def test_down_spares_a_process_that_took_a_recorded_number(tmp_path, bystander):
    state = tmp_path / "sb"
    # The number is the bystander's, the start time the one the sandbox's process had.
    record(state, "kube-apiserver", bystander.pid, str(int(start_time(bystander.pid)) - 100))
    sandbox(state, "down")
    assert running(bystander), "down signalled a process the sandbox did not start"
    assert not state.exists()


def test_stopping_a_component_spares_a_process_that_took_its_number(tmp_path, bystander):
    state = tmp_path / "sb"
    record(state, "kube-apiserver", bystander.pid, "1")
    sandbox(state, "stop", "kube-apiserver")
    assert running(bystander)


def test_down_stops_a_process_it_did_start(tmp_path, bystander):
    """The same record with the right start time: the check is what spared it above."""
    state = tmp_path / "sb"
    record(state, "kube-apiserver", bystander.pid, start_time(bystander.pid))
    sandbox(state, "down")
    bystander.wait(timeout=10)  # raises if it is still running
    assert not running(bystander)


SECOND = {"PODTUI_SANDBOX_PORT": "17443", "PODTUI_SANDBOX_ETCD_PORT": "13379",
          "PODTUI_SANDBOX_KWOK_PORT": "11247"}


def free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def second_instance_ports() -> dict[str, str]:
    """Ports for another instance that nothing on this machine holds (another run of these
    tests may have its own second instance up)."""
    for shift in range(0, 2000, 100):
        api, etcd, kwok = 17443 + shift, 13379 + shift, 11247 + shift
        # The API port, +1 for metrics-server, -6193 the kubelet, -6195 the registry.
        if all(free(p) for p in (api, api + 1, api - 6193, api - 6195, etcd, etcd + 1, kwok)):
            return {"PODTUI_SANDBOX_PORT": str(api), "PODTUI_SANDBOX_ETCD_PORT": str(etcd),
                    "PODTUI_SANDBOX_KWOK_PORT": str(kwok)}
    pytest.fail("no free ports for a second sandbox instance")


def leftovers(state: Path, port: str) -> list[str]:
    """What a stopped instance could leave on the machine."""
    found = [f"mount {line.split()[4]}" for line in Path("/proc/self/mountinfo").read_text()
             .splitlines() if line.split()[4].startswith(str(state))]
    found += [f"cgroup {c}" for c in Path("/sys/fs/cgroup").glob(f"*/podtui-{port}")]
    if Path(f"/sys/class/net/podtui{port}").exists():
        found.append(f"bridge podtui{port}")
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(state) in cmdline:
            found.append(f"process {proc.name}: {cmdline[:120]}")
    return found


def test_a_second_instance_runs_beside_the_first_and_down_leaves_nothing(conn):
    """Its own ports, cgroup, bridge and pod subnet; after `down`, no process, mount,
    cgroup or bridge of it remains, and the first instance still answers."""
    # Short: the kubelet's sockets live under it, and a socket path holds 107 bytes at most.
    state = Path(tempfile.mkdtemp(prefix="podtui-sb2-", dir="/tmp"))
    ports = second_instance_ports()
    env = {**os.environ, "PODTUI_SANDBOX_DIR": str(state), **ports}
    up = subprocess.run([str(SANDBOX), "up"], env=env, capture_output=True, text=True,
                        timeout=300)
    try:
        assert up.returncode == 0, up.stderr[-2000:]
        kubectl = [str(state / "kubectl"), "--kubeconfig", str(state / "admin.kubeconfig")]
        ip = subprocess.run([*kubectl, "get", "pod", "seed-sidecar-logs", "-o",
                             "jsonpath={.status.podIP}"], capture_output=True, text=True,
                            check=True).stdout
        first_ip = conn.core.read_namespaced_pod("seed-sidecar-logs", "default").status.pod_ip
        assert ip and ip.rsplit(".", 1)[0] != first_ip.rsplit(".", 1)[0]
        assert leftovers(state, ports["PODTUI_SANDBOX_PORT"])  # the check sees a live one
    finally:
        down = subprocess.run([str(SANDBOX), "down"], env=env, capture_output=True,
                              text=True, timeout=120)
    assert down.returncode == 0, down.stderr
    assert leftovers(state, ports["PODTUI_SANDBOX_PORT"]) == []
    assert conn.core.read_namespaced_pod("seed-sidecar-logs", "default").status.phase == "Running"


def test_up_without_root_stops_with_one_line_naming_it(tmp_path):
    """A machine (or user) that cannot run containers: one line, before anything starts."""
    state = tmp_path / "sb"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PODTUI_SANDBOX_DIR": str(state),
           **SECOND}
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           str(SANDBOX), "up"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "sandbox: error: the real node needs root (kubelet, containerd and runc run as root)"]
    assert not state.exists()
