"""OSC 52: the bytes that ask the user's terminal (over SSH, through tmux) to set its
clipboard."""

from __future__ import annotations

import base64

from podtui.ui.clipboard import osc52, tmux_passthrough


def test_osc52_is_esc_bracket_52_c_base64_bel():
    text = "seed-sidecar-logs"
    assert osc52(text) == "\x1b]52;c;" + base64.b64encode(text.encode()).decode() + "\x07"
    assert osc52(text).encode("ascii") == b"\x1b]52;c;c2VlZC1zaWRlY2FyLWxvZ3M=\x07"


def test_osc52_carries_utf8_and_newlines_intact():
    text = "node → /var/run\nbusybox ✓\n"
    sequence = osc52(text)
    payload = sequence.removeprefix("\x1b]52;c;").removesuffix("\x07")
    assert base64.b64decode(payload).decode("utf-8") == text
    assert sequence.isascii() and "\n" not in sequence  # one escape sequence, no raw text


def test_tmux_passthrough_wraps_and_doubles_escapes():
    wrapped = tmux_passthrough(osc52("x"))
    assert wrapped == "\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\"
