"""The pod table's incremental order is always the order a full sort would give."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podtui.ui.widgets.row_order import RowOrder

# A row: (name, ip) pairs; keys as the table's: by name, or by IP then name.
KEYS = {"name": lambda r: (r[0],), "ip": lambda r: (r[1], r[0])}
rows_st = st.tuples(st.sampled_from("abcdef"), st.integers(0, 5))
batch_st = st.dictionaries(st.sampled_from([f"u{i}" for i in range(30)]),
                           st.one_of(st.none(), rows_st), max_size=12)


def full_sort(rows, key, shown, reverse):
    ordered = sorted((key(r), uid) for uid, r in rows.items() if shown(r))
    return [uid for _, uid in (ordered[::-1] if reverse else ordered)]


@settings(max_examples=300)
@given(st.lists(batch_st, max_size=12), st.sampled_from(sorted(KEYS)), st.booleans(),
       st.booleans())
def test_batches_of_changes_keep_the_full_sort_order(batches, key_name, reverse, filtered):
    key = KEYS[key_name]
    shown = (lambda r: r[1] != 3) if filtered else (lambda _r: True)
    rows: dict = {}
    order = RowOrder()
    order.rebuild(rows, key, shown, reverse)
    for batch in batches:
        for uid, row in batch.items():  # None: the pod is gone
            if row is None:
                rows.pop(uid, None)
            else:
                rows[uid] = row
        order.update(dict(rows), batch.keys(), key, shown)
        expected = full_sort(rows, key, shown, reverse)
        assert list(order) == expected
        assert [order[i] for i in range(len(order))] == expected
        assert all(order.index(uid) == i for i, uid in enumerate(expected))
        assert len(order) == len(expected) and (not expected or order[-1] == expected[-1])


def test_a_row_that_is_not_shown_has_no_index():
    order = RowOrder()
    order.rebuild({"a": ("x", 3), "b": ("y", 1)}, KEYS["name"], lambda r: r[1] != 3, False)
    assert list(order) == ["b"] and "a" not in order
    with pytest.raises(ValueError):
        order.index("a")
