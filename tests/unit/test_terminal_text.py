"""Cluster text on a terminal outside the TUI (podtui.cli.terminal_text): shown, not obeyed,
on a real pseudo-terminal; untouched in a pipe."""

from __future__ import annotations

import contextlib
import io
import os
import sys

import pytest

from podtui.cli import main as cli
from podtui.cli.terminal_text import VisibleStream, guard, guarded_std, visible

OSC_52 = "\x1b]52;c;cHduZWQ=\x07"
OSC_0 = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"


def test_every_control_character_is_written_out_and_the_text_kept():
    line = f"a {OSC_52} b {OSC_0} c {CLEAR} d\r\x00\x7f\u009b e\tf"
    assert visible(line) == (r"a \x1b]52;c;cHduZWQ=\a b \x1b]0;pwned\a c \x1b[2J d"
                             r"\r\x00\x7f\x9b e" "\tf")
    assert visible("ünïcode, C:\\path, \"quotes\"\n") == "ünïcode, C:\\path, \"quotes\"\n"


@contextlib.contextmanager
def pty_stream():
    """A text stream on a pseudo-terminal's slave side, and a reader of its master side."""
    master, slave = os.openpty()
    stream = open(slave, "w", encoding="utf-8", closefd=True)  # noqa: SIM115
    try:
        yield stream, lambda: os.read(master, 65536)
    finally:
        stream.close()
        os.close(master)


def test_a_terminal_gets_no_escape_byte():
    with pty_stream() as (stream, read):
        out = guard(stream)
        out.write(f"[main] {OSC_52}{OSC_0}{CLEAR}\n")
        out.flush()
        got = read()
    assert b"\x1b" not in got and b"\x07" not in got
    assert got == rb"[main] \x1b]52;c;cHduZWQ=\a\x1b]0;pwned\a\x1b[2J" + b"\r\n"


def test_raw_and_pipes_pass_the_bytes_through():
    with pty_stream() as (stream, _):
        assert guard(stream, raw=True) is stream
    piped = io.StringIO()
    guard(piped).write(OSC_52)
    assert piped.getvalue() == OSC_52


def test_a_subcommand_prints_on_a_guarded_terminal_and_exec_does_not(monkeypatch):
    seen = {}

    def fake(name, args):
        seen[name] = isinstance(sys.stdout, VisibleStream)
        return 0

    with pty_stream() as (stdout, _):
        monkeypatch.setattr(sys, "stdout", stdout)
        monkeypatch.setattr(cli, "_run_subcommand", fake)
        for name in ("logs", "top", "drill", "port-forward", "create", "exec"):
            argv = {"drill": ["list"], "exec": ["pod", "--", "ls"], "port-forward": ["pod", "80"],
                    "create": ["sidecar-log-tailer"]}.get(name, ["pod"])
            cli.run_subcommand(name, argv, cli.build_parser().parse_args([]))
        assert sys.stdout is stdout  # restored afterwards
    assert seen == {"logs": True, "top": True, "drill": True, "port-forward": True,
                    "create": True, "exec": False}


def test_an_error_line_with_the_servers_text_is_shown_not_obeyed(monkeypatch):
    with pty_stream() as (stderr, read):
        monkeypatch.setattr(sys, "stderr", stderr)
        assert cli._fail(f"forbidden: {OSC_0}") == 1
        stderr.flush()
        assert read() == rb"podtui: forbidden: \x1b]0;pwned\a" + b"\r\n"


def test_guarded_std_restores_the_streams_after_an_error():
    before = sys.stdout, sys.stderr
    with pytest.raises(RuntimeError), guarded_std():
        raise RuntimeError
    assert (sys.stdout, sys.stderr) == before
