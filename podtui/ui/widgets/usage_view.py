"""Resource usage as text: a bar of usage against its limit, a sparkline of the last
scrapes, and the containers view's usage table (one line per container and resource)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from rich.table import Table
from rich.text import Text

from podtui.anatomy import Container, PodUsage, Usage, cpu_text, memory_text, parse_quantity

_EIGHTHS = " ▏▎▍▌▋▊▉█"
_SPARKS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 12


def bar(share: Fraction | None, width: int = BAR_WIDTH) -> str:
    """A bar `width` cells long filled to `share` (0..1, more is shown full), in eighths."""
    if share is None:
        return " " * width
    eighths = round(min(max(share, Fraction(0)), Fraction(1)) * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text + "░" * (width - len(text))


def sparkline(values: Sequence[Fraction], top: Fraction | None = None) -> str:
    """One cell per value, scaled to `top` (default: the largest value)."""
    if not values:
        return ""
    top = top or max(values) or Fraction(1)
    return "".join(_SPARKS[min(int(v / top * (len(_SPARKS) - 1) + Fraction(1, 2)),
                               len(_SPARKS) - 1)] for v in values)


def level(share: Fraction | None) -> str:
    """The theme style for a share of a limit."""
    if share is None:
        return "$text-muted"
    if share >= Fraction(9, 10):
        return "bold $text-error"
    if share >= Fraction(3, 4):
        return "$text-warning"
    return "$text-success"


def _budget(c: Container, resource: str) -> tuple[Fraction | None, Fraction | None]:
    return (parse_quantity(dict(c.requests).get(resource)),
            parse_quantity(dict(c.limits).get(resource)))


RESOURCES: tuple[tuple[str, Callable[[Usage], Fraction], Callable[[Fraction | None], str]], ...] = (
    ("cpu", lambda u: u.cpu, cpu_text),
    ("memory", lambda u: u.memory, memory_text),
)


def usage_table(containers: Sequence[Container], latest: PodUsage | None,
                history: Sequence[PodUsage], problem: str,
                style: Callable[[str, str], Text]) -> Table:
    """CONTAINER RESOURCE USED REQUEST LIMIT, a bar of the limit (else the request) and the
    last scrapes as a sparkline. `style(text, theme_style)` makes a styled Text."""
    table = Table(box=None, expand=False, pad_edge=False, show_edge=False)
    for name, right in (("CONTAINER", False), ("", False), ("USED", True), ("REQUEST", True),
                        ("LIMIT", True), ("OF LIMIT (else request)", False),
                        ("LAST MINUTES", False)):
        table.add_column(name, no_wrap=True, justify="right" if right else "left")
    for c in containers:
        if c.kind == "ephemeral":
            continue
        used = latest.container(c.name) if latest else None
        for i, (resource, pick, shown) in enumerate(RESOURCES):
            request, limit = _budget(c, resource)
            value = pick(used) if used else None
            of = limit or request
            share = value / of if value is not None and of else None
            if problem:
                used_text = "n/a"
            elif value is None:
                used_text = "-"  # not running, or not scraped yet
            else:
                used_text = shown(value)
            points = [pick(u) for h in history if (u := h.container(c.name)) is not None]
            pct = f" {int(share * 100):>3}%" if share is not None else ""
            table.add_row(
                style(c.name, "bold") if i == 0 else Text(""),
                Text("cpu" if resource == "cpu" else "mem"),
                Text(used_text),
                Text(shown(request) if request is not None else "-"),
                Text(shown(limit) if limit is not None else "-"),
                style(bar(share) + pct, level(share if limit else None)),
                style(sparkline(points, limit), "$text-primary"),
            )
    return table
