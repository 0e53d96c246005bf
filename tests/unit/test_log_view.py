"""LogView: the bounded, fast log pane (in a tiny Textual app, no cluster)."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

import pytest
from textual.app import App, ComposeResult

from podtui.cluster.logs import LogLine
from podtui.ui.widgets.log_view import LogView
from podtui.ui.widgets.log_view.text import plain_ascii

T0 = datetime(2025, 4, 9, 12, 34, 56, tzinfo=UTC)


def make_lines(n: int, start: int = 0, text: str = "line {i}", step_ms: int = 10) -> list[LogLine]:
    out = []
    for i in range(start, start + n):
        ts = T0 + timedelta(milliseconds=i * step_ms)
        raw = ts.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"
        ns = int(T0.timestamp()) * 1_000_000_000 + i * step_ms * 1_000_000
        out.append(LogLine(raw, text.format(i=i), ns))
    return out


class Host(App):
    def __init__(self, **kwargs) -> None:
        super().__init__()
        self.kwargs = kwargs

    def compose(self) -> ComposeResult:
        yield LogView(**self.kwargs)


def rows(view: LogView) -> list[str]:
    """The text of the rows on screen."""
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


async def test_keeps_at_most_max_lines():
    async with Host(max_lines=100).run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(LogView)
        for batch in range(5):
            view.add_lines(make_lines(70, batch * 70))
        await pilot.pause()
        assert view.line_count == 100
        assert view.texts == [f"line {i}" for i in range(250, 350)]
        assert view.dropped == 250
        # Following: the newest line is on the last row.
        assert rows(view)[-1] == "line 349"


async def test_a_batch_bigger_than_the_bound():
    async with Host(max_lines=10).run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(LogView)
        view.add_lines(make_lines(5000))
        await pilot.pause()
        assert view.texts == [f"line {i}" for i in range(4990, 5000)]


async def test_pause_keeps_receiving_and_counts_new_lines():
    async with Host(max_lines=1000).run_test(size=(80, 12)) as pilot:
        view = pilot.app.query_one(LogView)
        view.add_lines(make_lines(50))
        await pilot.pause()
        view.focus()
        await pilot.press("k")  # scrolling up pauses, as in k9s
        assert not view.follow
        before = rows(view)
        view.add_lines(make_lines(30, 50))
        await pilot.pause()
        assert view.new_while_paused == 30
        assert "+30 new" in view.border_text()[1]
        assert rows(view) == before  # the view stays where the user reads
        assert view.line_count == 80  # nothing lost
        view.set_follow(True)
        await pilot.pause()
        assert view.new_while_paused == 0
        assert "following" in view.border_text()[1]
        assert rows(view)[-1] == "line 79"


async def test_paused_view_stays_on_its_lines_while_the_bound_drops_old_ones():
    async with Host(max_lines=100).run_test(size=(80, 12)) as pilot:
        view = pilot.app.query_one(LogView)
        view.add_lines(make_lines(100))
        await pilot.pause()
        view.set_follow(False)
        view.scroll_to(y=50, animate=False, immediate=True)
        await pilot.pause()
        first = rows(view)[0]
        view.add_lines(make_lines(20, 100))
        await pilot.pause()
        assert rows(view)[0] == first
        assert view.new_while_paused == 20


async def test_search_counts_highlights_and_steps_through_matches():
    async with Host().run_test(size=(80, 10)) as pilot:
        view = pilot.app.query_one(LogView)
        lines = make_lines(200, text="GET /api/orders req={i}")
        for i in (10, 120, 190):
            lines[i] = lines[i]._replace(text=f"ERROR boom {i}")
        view.add_lines(lines)
        await pilot.pause()
        assert view.search("error") == 3  # case-insensitive for a lower-case term
        # The newest match is selected and visible (following keeps it on screen here).
        assert view.current_match.text == "ERROR boom 190"
        assert "/error 3/3" in view.border_text()[1]
        row = next(y for y, text in enumerate(rows(view)) if "ERROR boom 190" in text)
        strip = view.render_line(row)
        highlighted = [seg.text for seg in strip if seg.style and seg.style.bgcolor]
        assert "ERROR" in highlighted
        assert view.previous_match()
        assert view.current_match.text == "ERROR boom 120"
        assert not view.follow  # navigating pauses following
        assert any("ERROR boom 120" in text for text in rows(view))
        assert view.previous_match()
        assert view.current_match.text == "ERROR boom 10"
        assert view.previous_match()  # wraps around
        assert view.current_match.text == "ERROR boom 190"
        assert view.next_match()
        assert view.current_match.text == "ERROR boom 10"
        assert view.search("Error") == 0  # a capital makes it case-sensitive
        assert view.search("") == 0


async def test_search_count_follows_new_and_dropped_lines():
    async with Host(max_lines=10).run_test(size=(80, 10)) as pilot:
        view = pilot.app.query_one(LogView)
        view.add_lines(make_lines(10, text="x{i}"))
        assert view.search("x1") == 1
        view.add_lines(make_lines(5, 10, text="x{i}"))  # x10..x14 arrive, x0..x4 dropped
        assert view.match_count == 5  # x10..x14; x1 went with the bound


async def test_timestamps_and_wrap():
    async with Host().run_test(size=(30, 10)) as pilot:
        view = pilot.app.query_one(LogView)
        view.add_lines(make_lines(1, text="a" * 60))
        await pilot.pause()
        assert view.virtual_size.height == 1
        view.set_wrap(True)
        await pilot.pause()
        assert view.virtual_size.height > 2
        text = "".join(row for row in rows(view))
        assert text.count("a") == 60  # every character shown, over several rows
        view.set_timestamps(True)
        await pilot.pause()
        assert rows(view)[0].startswith("12:34:56.000Z")
        view.set_wrap(False)
        view.set_timestamps(False)
        await pilot.pause()
        assert view.virtual_size.height == 1


async def test_clear_and_save(tmp_path):
    async with Host().run_test(size=(80, 10)) as pilot:
        view = pilot.app.query_one(LogView)
        view.add_lines(make_lines(3))
        path = view.save(tmp_path / "out.log")
        assert path.read_text().splitlines() == ["line 0", "line 1", "line 2"]
        view.set_timestamps(True)
        stamped = view.save(tmp_path / "stamped.log").read_text().splitlines()
        assert stamped[0] == "2025-04-09T12:34:56.000000000Z line 0"
        view.clear()
        assert view.line_count == 0
        view.add_lines(make_lines(1, 3))
        assert view.texts == ["line 3"]


async def test_ordered_mode_interleaves_by_timestamp_with_tags():
    async with Host(ordered=True).run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(LogView)
        evens = [line for line in make_lines(10) if int(line.text.split()[1]) % 2 == 0]
        odds = [line for line in make_lines(10) if int(line.text.split()[1]) % 2 == 1]
        view.add_lines(evens, tag="node")
        view.add_lines(odds, tag="busybox")
        assert view.texts == [f"line {i}" for i in range(10)]
        assert [tag for tag, _ in view.tagged_lines][:2] == ["node", "busybox"]
        await pilot.pause()
        assert rows(view)[0] == "[node] line 0"
        assert view.plain_lines()[1] == "[busybox] line 1"


async def test_control_characters_and_escapes_are_not_sent_to_the_terminal():
    async with Host().run_test(size=(80, 10)) as pilot:
        view = pilot.app.query_one(LogView)
        view.add_lines([LogLine("", "\x1b[31mred\x1b[0m\tand\x07bell", None)])
        await pilot.pause()
        assert rows(view)[0] == "red     and\ufffdbell"
        assert view.texts == ["\x1b[31mred\x1b[0m\tand\x07bell"]  # saved as received


async def test_a_batch_mixing_plain_and_special_lines():
    async with Host().run_test(size=(12, 10)) as pilot:  # 10 columns inside the border
        view = pilot.app.query_one(LogView)
        view.add_lines([LogLine("", "plain", None), LogLine("", "日本\tx yz", None)])
        view.add_lines([LogLine("", "only plain", None)])
        await pilot.pause()
        assert rows(view)[:3] == ["plain", "日本", "only plain"]
        view.scroll_to(x=2, animate=False, immediate=True)
        await pilot.pause()
        assert rows(view)[:3] == ["ain", "本      x", "ly plain"]  # cells, not characters


@pytest.mark.parametrize("odd", ["\t", "\x1b", "\x7f", "\x00", "\x9b", "é", "日", "\n"])
def test_plain_ascii_finds_any_character_that_is_not_printable_ascii(odd):
    plain = "".join(map(chr, range(0x20, 0x7F)))
    assert plain_ascii(plain)
    assert plain_ascii("")
    for text in (odd, plain + odd, odd + plain, plain[:40] + odd + plain[40:]):
        assert not plain_ascii(text), repr(text)


async def test_one_odd_line_in_a_big_batch_is_cleaned_and_measured_by_cells():
    """A flood's batch is checked at once: one escape or wide line among thousands still
    takes the careful way (shown clean, cut by cells), and every line keeps its time."""
    lines = make_lines(3000)
    lines[1500] = LogLine(lines[1500].ts_raw, "\x1b[1mbold\x1b[0m 日本", lines[1500].ns)
    async with Host(max_lines=5000).run_test(size=(40, 10)) as pilot:
        view = pilot.app.query_one(LogView)
        view.add_lines(lines)
        await pilot.pause()
        assert view.lines == lines
        assert view._entries[1500][4:] == ("bold 日本", 9)
        assert view._entries[1499][4:] == ("line 1499", 9)
        view.set_follow(False)
        view.scroll_to(y=1500, animate=False, immediate=True)
        await pilot.pause()
        assert rows(view)[0] == "bold 日本"


async def test_kept_lines_are_not_tracked_by_the_gc():
    """Every full collection scans the tracked objects: 10,000 lines per pane must not be
    among them (entries are plain tuples of strings and numbers)."""
    async with Host().run_test(size=(80, 10)) as pilot:
        view = pilot.app.query_one(LogView)
        view.add_lines(make_lines(100))
        await pilot.pause()
        gc.collect()
        assert not any(gc.is_tracked(entry) for entry in view._entries)
        assert view.lines == make_lines(100)


async def test_many_batches_stay_bounded():
    async with Host(max_lines=10_000).run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(LogView)
        for batch in range(20):
            view.add_lines(make_lines(2000, batch * 2000, step_ms=1))
            await pilot.pause()
        assert view.line_count == 10_000
        assert view.texts[-1] == "line 39999"
        assert rows(view)[-1] == "line 39999"


async def test_wrapped_rows_stay_consistent_through_merges_and_drops():
    """Whatever arrives (out of order, over the bound), every kept line is shown whole,
    in order, over exactly as many rows as it needs."""
    import random

    rng = random.Random(7)
    async with Host(max_lines=60, ordered=True, wrap=True).run_test(size=(24, 10)) as pilot:
        view = pilot.app.query_one(LogView)
        await pilot.pause()
        serial = 0
        for _ in range(40):
            batch = []
            for _ in range(rng.randint(1, 15)):
                serial += 1
                line = make_lines(1, rng.randint(0, 400), text="w" * rng.randint(0, 50))[0]
                batch.append(line._replace(text=f"{serial}:{line.text}"))
            view.add_lines(batch, tag=rng.choice(["a", "b"]))
            await pilot.pause()
            width = view._wrap_width
            shown: list[str] = []
            for row in range(view.virtual_size.height):
                index, segment = view._locate(row)
                if segment == 0:
                    shown.append("")
                strip = view._full_strip(index)
                shown[-1] += strip.crop(segment * width, (segment + 1) * width).text
            assert shown == [f"[{tag}] {line.text}" for tag, line in view.tagged_lines]
            stamps = [line.ns for line in view.lines]
            assert stamps == sorted(stamps)
            assert view.line_count <= 60
