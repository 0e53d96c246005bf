"""`sandbox down` signals only what the sandbox started: this machine reuses process numbers
quickly, so a number in a pid file may belong to another program by the time `down` runs.

These run the real script on a state directory of their own (another port, so another cgroup
and bridge name), beside the sandbox the other tests use."""

from __future__ import annotations

import os
import subprocess
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
