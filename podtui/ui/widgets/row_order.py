"""The order of the shown rows, kept sorted incrementally.

Sorting 10,000 summaries costs 15-50 ms (by IP the most); doing that on every batch of a
few changed pods, twenty times a second, would freeze the UI. So the rows are kept in a
sorted list of (key, uid) and a change moves only its own row (bisect); a batch that
changes a large part of the rows is cheaper re-sorted whole.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

#: Re-sort everything when a batch touches more than this share of the rows.
RESORT_SHARE = 0.25


class RowOrder(Sequence[str]):
    """The uids of the shown rows in display order (ascending, or reversed)."""

    def __init__(self) -> None:
        self._ranked: list[tuple[Any, str]] = []  # ascending (key, uid)
        self._rank_of: dict[str, tuple[Any, str]] = {}
        self.reverse = False

    def rebuild(self, rows: Mapping[str, Any], key: Callable[[Any], Any],
                shown: Callable[[Any], bool], reverse: bool) -> None:
        self._ranked = sorted((key(row), uid) for uid, row in rows.items() if shown(row))
        self._rank_of = {rank[1]: rank for rank in self._ranked}
        self.reverse = reverse

    def update(self, rows: Mapping[str, Any], changed: Collection[str],
               key: Callable[[Any], Any], shown: Callable[[Any], bool]) -> None:
        """Move the rows in `changed` (added, updated or gone from `rows`) to their place."""
        if len(changed) > RESORT_SHARE * max(len(self._ranked), 1):
            self.rebuild(rows, key, shown, self.reverse)
            return
        for uid in changed:
            old = self._rank_of.pop(uid, None)
            if old is not None:
                del self._ranked[bisect_left(self._ranked, old)]
            row = rows.get(uid)
            if row is not None and shown(row):
                rank = (key(row), uid)
                insort(self._ranked, rank)
                self._rank_of[uid] = rank

    def index(self, uid: str, *_args) -> int:
        """Position of a shown uid, in O(log n); ValueError if it is not shown."""
        rank = self._rank_of.get(uid)
        if rank is None:
            raise ValueError(uid)
        i = bisect_left(self._ranked, rank)
        return len(self._ranked) - 1 - i if self.reverse else i

    def __contains__(self, uid: object) -> bool:
        return uid in self._rank_of

    def __len__(self) -> int:
        return len(self._ranked)

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        n = len(self._ranked)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(index)
        return self._ranked[n - 1 - index if self.reverse else index][1]

    def __iter__(self) -> Iterator[str]:
        ranked = reversed(self._ranked) if self.reverse else self._ranked
        return (uid for _, uid in ranked)
