"""An action's command on this machine: the terminal handed over or the output piped, one
argument per argument (no shell), a command not found, a signal, and a stop that reaches
what the command started."""

from __future__ import annotations

import os
import sys
import threading

from podtui.actions.outcome import Outcome
from podtui.actions.process import Captured, run_foreground
from tests.conftest import wait_for

PRINT_ARGS = "import sys; print(sys.argv[1:]); print('warned', file=sys.stderr)"


def captured(argv: list[str]) -> tuple[Captured, dict[str, str], threading.Event]:
    out = {"stdout": "", "stderr": ""}
    ended = threading.Event()

    def output(stream: str, text: str) -> None:
        out[stream] += text

    run = Captured(argv, output, lambda _o: ended.set())
    return run, out, ended


def test_piped_output_apart_and_the_exit_code():
    run, out, ended = captured([sys.executable, "-c", PRINT_ARGS + "; sys.exit(4)",
                                "two words", "$(id)", "*"])
    run.start()
    assert ended.wait(30)
    assert out == {"stdout": "['two words', '$(id)', '*']\n", "stderr": "warned\n"}
    assert run.outcome == Outcome(4, "", "warned")
    assert run.outcome.line() == "exit 4: warned"


def test_a_command_not_found_or_not_runnable_does_not_start(tmp_path):
    run, out, ended = captured(["podtui-test-no-such-command", "x"])
    run.start()
    assert ended.is_set() and out == {"stdout": "", "stderr": ""}
    assert run.outcome == Outcome(None, "command not found: podtui-test-no-such-command")
    plain = tmp_path / "not-executable"
    plain.write_text("echo hi\n")
    assert run_foreground([str(plain)]).error == f"cannot run {plain}: permission denied"
    assert run_foreground([str(tmp_path / "gone")]).error == f"no such file: {tmp_path}/gone"


def test_stop_ends_the_command_and_what_it_started(tmp_path):
    pidfile = tmp_path / "child"
    run, _out, ended = captured(["sh", "-c", f"sleep 300 & echo $! > '{pidfile}'; wait"])
    run.start()
    child = int(wait_for(lambda: pidfile.is_file() and pidfile.read_text().strip(),
                         "the command's child"))
    run.stop()
    assert ended.wait(30)
    assert run.outcome is not None and run.outcome.error == "stopped"

    def gone() -> bool:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie (not reaped yet) has ended
            with open(f"/proc/{child}/stat") as stat:
                return stat.read().split(") ")[1].startswith("Z")
        except FileNotFoundError:
            return True

    wait_for(gone, "the child stopped too")


def test_foreground_gets_the_terminal_and_says_a_signal():
    master, slave = os.openpty()
    try:
        outcome = run_foreground([sys.executable, "-c", "import os, sys; "
                                  "print(os.isatty(0), os.isatty(1)); sys.exit(2)"],
                                 slave, slave)
        assert outcome == Outcome(2)
        assert os.read(master, 1024).strip() == b"True True"
    finally:
        os.close(master)
        os.close(slave)
    killed = run_foreground([sys.executable, "-c", "import os, signal; "
                             "os.kill(os.getpid(), signal.SIGTERM)"])
    assert killed == Outcome(None, "ended by SIGTERM")
    assert killed.short == "ended by SIGTERM"
