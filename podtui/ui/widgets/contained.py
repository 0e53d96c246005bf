"""A part of a screen that, if it fails to build or draw, shows one line instead of
stopping the app (the other parts still draw)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from podtui.cluster.errors import redact


class Contained:
    """Builds its renderable lazily and draws it; an exception in either becomes one line."""

    def __init__(self, what: str, build: Callable[[], RenderableType],
                 error_style: Style | str = "") -> None:
        self.what = what
        self._build = build
        self.error_style = error_style
        self._built: RenderableType | None = None
        self.error: Exception | None = None

    def _renderable(self) -> RenderableType:
        if self._built is None:
            self._built = self._build()
        return self._built

    def _error_line(self, exc: Exception) -> Text:
        self.error = exc
        lines = str(exc).strip().splitlines()
        detail = redact(f"{type(exc).__name__}: {lines[0] if lines else ''}"[:200])
        return Text(f"cannot show the {self.what}: {detail}", style=self.error_style,
                    no_wrap=True, overflow="ellipsis")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        try:
            # All of it first: a failure halfway must not leave half a section behind.
            segments: Iterable[Segment] = list(console.render(self._renderable(), options))
        except Exception as exc:  # noqa: BLE001 - one line in its place, the app goes on
            segments = console.render(self._error_line(exc), options)
        yield from segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        try:
            return Measurement.get(console, options, self._renderable())
        except Exception as exc:  # noqa: BLE001
            return Measurement.get(console, options, self._error_line(exc))
