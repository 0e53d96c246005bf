"""How an action's command ended, in words: the pane's border, the status line."""

from __future__ import annotations

import signal
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    #: None: it did not start (see `error`), or a signal ended it.
    exit_code: int | None
    #: Why it did not start, or the signal that ended it.
    error: str = ""
    #: The last line it wrote to stderr (piped modes only): a failure's likely reason.
    last_error: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def short(self) -> str:
        """For a pane's border."""
        if self.exit_code is not None:
            return f"exit {self.exit_code}"
        return self.error or "ended"

    def line(self) -> str:
        if self.exit_code is None:
            return self.error or "ended without an exit code"
        text = f"exit {self.exit_code}"
        return f"{text}: {self.last_error}" if self.last_error and not self.ok else text


def from_returncode(code: int, last_error: str = "") -> Outcome:
    """subprocess's returncode: negative for the signal that ended it."""
    if code >= 0:
        return Outcome(code, last_error=last_error)
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    return Outcome(None, f"ended by {name}", last_error)


def summary(title: str, ended: Sequence[tuple[str, Outcome]]) -> tuple[str, bool]:
    """One line for the runs of one action (label, outcome each) and whether all went well.

    One run: its target and how it ended. Several: how many went well, and the first that
    did not, with its reason (a line per pod would not be one line)."""
    if len(ended) == 1:
        target, outcome = ended[0]
        return f"{title} ({target}): {outcome.line()}", outcome.ok
    failed = [(target, outcome) for target, outcome in ended if not outcome.ok]
    if not failed:
        return f"{title}: exit 0 for each of {len(ended)}", True
    reasons = {outcome.line() for _, outcome in failed}
    if len(failed) == len(ended) and len(reasons) == 1:  # e.g. not found: the same for all
        return f"{title}: {reasons.pop()} (each of {len(ended)})", False
    target, outcome = failed[0]
    others = f", and {len(failed) - 1} more" if len(failed) > 1 else ""
    return (f"{title}: {len(failed)} of {len(ended)} failed: {target}: {outcome.line()}"
            f"{others}"), False
