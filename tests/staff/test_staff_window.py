"""The staff table's window (kiosk/staff/window.py): where it moves and what it reads."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.staff.window import Edge, Fetch, plan

SIZE, MARGIN = 300, 50


def test_a_row_well_inside_needs_nothing() -> None:
    assert plan(0, 100, 1000, 10, SIZE, MARGIN) is None
    assert plan(700, 1000, 1000, 999, SIZE, MARGIN) is None  # the queue's end is no edge


def test_scrolling_down_reads_older_rows_from_the_edge() -> None:
    assert plan(0, 100, 1000, 80, SIZE, MARGIN) == Fetch(0, 300, Edge.OLDER, 200)
    assert plan(300, 600, 1000, 310, SIZE, MARGIN) == Fetch(160, 460, Edge.NEWER, 140)


def test_a_jump_reads_a_page_only_when_told() -> None:
    assert plan(0, 100, 1_000_000, 999_999, SIZE, MARGIN, jump=100) == Fetch(
        999_900, 1_000_000, Edge.JUMP, 100, skip=0, from_newest=False)
    # and the next plan fills the window from that page's edge
    assert plan(999_900, 1_000_000, 1_000_000, 999_920, SIZE, MARGIN, jump=100) == Fetch(
        999_700, 1_000_000, Edge.NEWER, 200)


def test_far_away_jumps_from_the_nearer_end() -> None:
    assert plan(0, 100, 1_000_000, 999_999, SIZE, MARGIN) == Fetch(
        999_700, 1_000_000, Edge.JUMP, 300, skip=0, from_newest=False)
    assert plan(0, 100, 1_000_000, 400_000, SIZE, MARGIN) == Fetch(
        399_850, 400_150, Edge.JUMP, 300, skip=399_850, from_newest=True)


@given(total=st.integers(1, 5000), data=st.data())
def test_the_wanted_row_ends_inside_a_bounded_window(total: int, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, total - 1))
    stop = data.draw(st.integers(start, min(total, start + SIZE)))
    wanted = data.draw(st.integers(0, total - 1))
    fetch = plan(start, stop, total, wanted, SIZE, MARGIN, data.draw(st.sampled_from([None, 100])))
    if fetch is None:
        assert start <= wanted < stop
        return
    assert fetch.start <= wanted < fetch.stop <= total
    assert fetch.stop - fetch.start <= SIZE
    assert 0 < fetch.count <= SIZE
