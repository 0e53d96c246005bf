"""A pane of the logs screen: its container, view and follower, and what its border
says about the stream."""

from __future__ import annotations

from dataclasses import dataclass

from podtui.cluster import logs as cluster_logs
from podtui.cluster.logs import LogFollower, LogStatus
from podtui.ui.widgets.log_view import LogView
from podtui.ui.widgets.log_view.widget import STREAMING


@dataclass
class Pane:
    container: str
    view: LogView
    follower: LogFollower | None = None
    previous: bool = False
    generation: int = 0


def state_label(status: LogStatus, previous: bool = False) -> tuple[str, bool]:
    """What a pane's border says about its stream: (text, is_error)."""
    state = status.state
    if state == cluster_logs.CONNECTING:
        if status.message == cluster_logs.WAITING_FOR_OUTPUT:
            return "waiting for output", False
        return "connecting…", False
    if state == cluster_logs.STREAMING:
        return ("previous instance" if previous else STREAMING), False
    if state == cluster_logs.RECONNECTING:
        if status.error:
            return f"reconnecting: {status.message}", True
        return "reconnecting", False
    if state == cluster_logs.ENDED:
        return status.message or "ended", False
    if state == cluster_logs.POD_DELETED:
        return status.message or "pod deleted: stopped", True
    if state == cluster_logs.ERROR:
        return status.message or "error", True
    return status.message or state, False
