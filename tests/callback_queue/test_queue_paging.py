"""Keyset paging (CallbackStore.page_from / page_at): no request skipped or repeated, whatever
arrives between two pages, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.callback_queue import schema
from kiosk.callback_queue.model import BestTime, CallbackRequest, NewRequest, Status
from kiosk.callback_queue.store import CallbackStore, PageKey, page_key

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
_serial = itertools.count()


def submit(store: CallbackStore, at: datetime) -> CallbackRequest:
    n = next(_serial)
    return store.submit(NewRequest.create("lobby", f"Patient {n}", f"+1202555{n % 10_000:04d}",
                                          BestTime.ANY, now=at))


def walk(store: CallbackStore, page: int, newest_first: bool = True,
         status: Status | None = None,
         between: Iterator[None] | None = None) -> list[CallbackRequest]:
    """Every page from one end to the other, running ``between`` after each page."""
    seen: list[CallbackRequest] = []
    key: PageKey | None = None
    while True:
        rows = store.page_from(key, status, page, newest_first=newest_first)
        seen += rows
        if len(rows) < page:
            return seen
        key = page_key(rows[-1])
        if between is not None:
            next(between, None)


@pytest.mark.parametrize("newest_first", [True, False], ids=["newest-first", "oldest-first"])
def test_no_request_is_skipped_or_repeated_while_new_ones_arrive(
        store: CallbackStore, newest_first: bool) -> None:
    # Ties on created_at in threes, so pages often end inside a tie.
    before = [submit(store, T0 + timedelta(minutes=n // 3)) for n in range(60)]

    def arrivals() -> Iterator[None]:
        for n in range(100):
            # A new request now, one at the very moment of a request already paged past (a
            # tie: its higher id must not push a row onto the next page), and a late one.
            submit(store, T0 + timedelta(days=1, minutes=n))
            submit(store, T0 + timedelta(minutes=(n * 7) % 20))
            yield

    seen = walk(store, 7, newest_first, between=arrivals())
    ids = [r.id for r in seen]
    assert len(ids) == len(set(ids)), "a request was shown twice"
    assert {r.id for r in before} <= set(ids), "a request was skipped"
    keys = [page_key(r) for r in seen]
    assert keys == sorted(keys, reverse=newest_first)


def test_inclusive_starts_at_the_key(store: CallbackStore) -> None:
    rows = [submit(store, T0) for _ in range(4)]  # one created_at: the id alone decides
    key = page_key(rows[2])
    assert [r.id for r in store.page_from(key, limit=5, inclusive=True)] == [
        rows[2].id, rows[1].id, rows[0].id]
    assert [r.id for r in store.page_from(key, limit=5, newest_first=False)] == [rows[3].id]


def test_page_at_jumps_from_either_end_with_a_filter(store: CallbackStore) -> None:
    rows = [submit(store, T0 + timedelta(minutes=n // 2)) for n in range(30)]
    for row in rows[::3]:
        store.set_status(row.id, Status.CLOSED, "sam")
    closed = [r.id for r in rows[::3]]
    newest = [r.id for r in reversed(rows)]
    assert [r.id for r in store.page_at(10, limit=4)] == newest[10:14]
    assert [r.id for r in store.page_at(0, limit=3, newest_first=False)] == [r.id for r in rows[:3]]
    assert [r.id for r in store.page_at(2, Status.CLOSED, 3, newest_first=False)] == closed[2:5]
    assert store.page_at(30) == [] and store.page_at(31) == []
    with pytest.raises(ValueError):
        store.page_at(-1)


@pytest.fixture(scope="module")
def property_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CallbackStore]:
    path: Path = tmp_path_factory.mktemp("paging") / "q.sqlite3"
    with CallbackStore.open(f"sqlite:///{path}") as opened:
        yield opened


statuses = st.sampled_from([Status.NEW, Status.CLOSED])


@settings(max_examples=60, deadline=None)
@given(minutes=st.lists(st.tuples(st.integers(0, 8), statuses), max_size=40),
       page=st.integers(1, 9), newest_first=st.booleans(),
       status=st.one_of(st.none(), statuses))
def test_keyset_pages_are_the_sorted_list_cut_in_pages(
        property_store: CallbackStore, minutes: list[tuple[int, Status]], page: int,
        newest_first: bool, status: Status | None) -> None:
    store = property_store
    with store.engine.begin() as conn:
        conn.execute(schema.requests_table.delete())
    stored = []
    for minute, chosen in minutes:
        row = submit(store, T0 + timedelta(minutes=minute))
        if chosen is Status.CLOSED:
            row = store.set_status(row.id, Status.CLOSED, "sam")
        stored.append(row)
    expected = sorted((page_key(r) for r in stored if status in (None, r.status)),
                      reverse=newest_first)
    assert [page_key(r) for r in walk(store, page, newest_first, status)] == expected
    for skip in range(len(expected) + 1):  # and a jump to any depth
        got = store.page_at(skip, status, page, newest_first=newest_first)
        assert [page_key(r) for r in got] == expected[skip:skip + page]


def test_page_at_inside_a_tie_longer_than_its_look_back(store: CallbackStore) -> None:
    rows = [*(submit(store, T0) for _ in range(90)), submit(store, T0 + timedelta(minutes=1))]
    newest = [r.id for r in sorted(rows, key=page_key, reverse=True)]
    assert [r.id for r in store.page_at(80, limit=5)] == newest[80:85]
    assert [r.id for r in store.page_at(3, limit=2, newest_first=False)] == newest[::-1][3:5]
