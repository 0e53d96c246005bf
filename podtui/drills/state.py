"""Files in the XDG state directory: the attempt in progress per drill, and the history.

    $XDG_STATE_HOME/podtui/drills/ID.json       the current attempt (seed, namespace, start)
    $XDG_STATE_HOME/podtui/drill-history.jsonl  one line per finished attempt
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from podtui.settings.xdg import state_dir


@dataclass
class Current:
    drill: str
    seed: int
    namespace: str
    started: float  # epoch seconds
    context: str = ""
    recorded: bool = False  # its result is in the history

    def runs_in(self, context: str) -> bool:
        """Started in this kubeconfig context (an attempt of another cluster is neither
        resumed nor reset here)."""
        return not self.context or self.context == context


@dataclass
class Record:
    date: str  # ISO 8601, UTC
    drill: str
    seed: int
    seconds: int  # time used
    passed: int
    total: int

    @property
    def score(self) -> str:
        return f"{self.passed}/{self.total}"


def _current_path(drill: str) -> Path:
    return state_dir() / "drills" / f"{drill}.json"


def save_current(current: Current) -> None:
    path = _current_path(current.drill)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(current)), encoding="utf-8")
    tmp.replace(path)


def load_current(drill: str) -> Current | None:
    try:
        data = json.loads(_current_path(drill).read_text(encoding="utf-8"))
        return Current(**data)
    except (OSError, ValueError, TypeError):
        return None


def clear_current(drill: str) -> None:
    _current_path(drill).unlink(missing_ok=True)


def history_path() -> Path:
    return state_dir() / "drill-history.jsonl"


def record(current: Current, passed: int, total: int, now: float | None = None) -> Record:
    """Append the attempt's result to the history (once per attempt)."""
    now = time.time() if now is None else now
    entry = Record(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)), current.drill,
                   current.seed, max(0, int(now - current.started)), passed, total)
    append_line(history_path(), asdict(entry))
    current.recorded = True
    save_current(current)
    return entry


def history() -> list[Record]:
    """Every recorded attempt, oldest first; unreadable lines are skipped."""
    out = []
    for entry in read_lines(history_path()):
        try:
            out.append(Record(**entry))
        except TypeError:
            continue
    return out


def append_line(path: Path, entry: dict) -> None:
    """Append one JSON object as a line of a history file (drills and exams)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def read_lines(path: Path) -> list[dict]:
    """The JSON objects of a history file, oldest first; unreadable lines are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            out.append(entry)
    return out


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
