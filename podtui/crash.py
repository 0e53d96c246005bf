"""Crash reports: an unexpected exception written to the XDG state directory, and the one
line that points to it.

The report holds the traceback without local variables (Textual's own crash screen shows
them: connections, headers, tokens) and passes through errors.redact, so no token, key or
certificate reaches the disk or the terminal.
"""

from __future__ import annotations

import os
import platform
import sys
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from podtui import __version__
from podtui.cluster.errors import redact
from podtui.settings.xdg import state_dir


def report_text(error: BaseException, secrets: Iterable[str] = (),
                now: datetime | None = None) -> str:
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # format_exception prints no local variables; the chain (cause, context) stays.
    trace = "".join(traceback.format_exception(error))
    head = (f"podtui {__version__} crashed at {when}\n"
            f"Python {platform.python_version()} on {sys.platform}, "
            f"kubernetes client {_client_version()}\n"
            f"command: {' '.join(sys.argv)}\n\n")
    return redact(head + trace, secrets)


def _client_version() -> str:
    # podtui supports a range of clients (pyproject.toml): which one matters to a report.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kubernetes")
    except PackageNotFoundError:
        return "not installed"


def write_report(error: BaseException, secrets: Iterable[str] = (),
                 now: datetime | None = None) -> Path:
    """Write the report (owner-only, never overwriting one); returns its path."""
    now = now or datetime.now(UTC)
    directory = state_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = f"crash-{now:%Y%m%dT%H%M%SZ}"
    for n in range(100):
        path = directory / (f"{stem}.txt" if n == 0 else f"{stem}-{n}.txt")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w") as file:
            file.write(report_text(error, secrets, now))
        return path
    raise FileExistsError(f"{directory}/{stem}-*.txt")


def crash_line(error: BaseException, secrets: Iterable[str] = ()) -> str:
    """Write the report and say where, in one line (or why it could not be written)."""
    lines = str(error).strip().splitlines()
    what = redact(f"{type(error).__name__}: {lines[0] if lines else ''}"[:300], secrets)
    try:
        path = write_report(error, secrets)
    except OSError as exc:
        return f"podtui stopped on an unexpected error: {what} (no crash report: {exc})"
    return f"podtui stopped on an unexpected error: {what}; crash report: {path}"
