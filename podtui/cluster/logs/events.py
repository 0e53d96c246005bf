"""What a follower hands on: batches of lines and status changes (one final state last)."""

from __future__ import annotations

from typing import NamedTuple

from podtui.cluster.logs.lines import LogLine

CONNECTING = "connecting"
STREAMING = "streaming"
RECONNECTING = "reconnecting"
ENDED = "ended"  # the whole log was read (not following, or a previous instance)
POD_DELETED = "pod-deleted"
ERROR = "error"  # fatal: the follower stopped
STOPPED = "stopped"  # stop() was called

FINAL_STATES = frozenset({ENDED, POD_DELETED, ERROR, STOPPED})
#: The message of a CONNECTING status while the container has written nothing yet.
WAITING_FOR_OUTPUT = "waiting for output"


class LogBatch(NamedTuple):
    container: str
    lines: list[LogLine]


class LogStatus(NamedTuple):
    container: str
    state: str
    message: str = ""
    error: bool = False  # the message is an error (shown as such; fatal when state is ERROR)

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def worth_telling(self) -> bool:
        """Said in a merged stream: errors, retries, pod deleted."""
        return self.error or self.state in (POD_DELETED, ERROR)


LogEvent = LogBatch | LogStatus
