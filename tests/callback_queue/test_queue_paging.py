"""Keyset paging (CallbackStore.page_from / page_at): no request skipped or repeated, whatever
arrives between two pages, on SQLite and PostgreSQL alike, in creation order and in the staff
list's due order."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.callback_queue import schema
from kiosk.callback_queue.deadlines import DeadlinePolicy
from kiosk.callback_queue.model import BestTime, CallbackRequest, NewRequest, Status
from kiosk.callback_queue.store import (
    _TIE_LOOKBACK,
    CallbackStore,
    PageKey,
    QueueOrder,
    due_key,
    order_key,
    page_key,
)
from kiosk.config.hours import DEFAULT_HOURS, OpeningHours

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)  # a Friday
_serial = itertools.count()


def submit(store: CallbackStore, at: datetime) -> CallbackRequest:
    n = next(_serial)
    return store.submit(NewRequest.create("lobby", f"Patient {n}", f"+1202555{n % 10_000:04d}",
                                          BestTime.ANY, now=at))


def walk(store: CallbackStore, page: int, newest_first: bool = True,
         status: Status | None = None,
         between: Callable[[list[CallbackRequest]], object] | None = None,
         order: QueueOrder = QueueOrder.CREATED) -> list[CallbackRequest]:
    """Every page from one end to the other, calling ``between`` with the rows seen so far
    after each full page (the next page starts after the last of them)."""
    seen: list[CallbackRequest] = []
    key: PageKey | None = None
    while True:
        rows = store.page_from(key, status, page, newest_first=newest_first, order=order)
        seen += rows
        if len(rows) < page:
            return seen
        key = order_key(rows[-1], order)
        if between is not None:
            between(seen)


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

    arriving = arrivals()
    seen = walk(store, 7, newest_first, between=lambda _: next(arriving, None))
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


# -- the staff list's order, QueueOrder.DUE: (queue_rank, due_by, id) ------------------------
#
# "Newest first" there is the top of the list: rank 0 (someone has to call) before rank 1,
# each most due first, so the key grows down the page. Due times come from the clinic's hours
# (in UTC here, not the machine's zone): a request made on Friday is due an hour later (on
# Monday from 16:00 on), one made over the weekend Monday at 10:00, all of them one tie.

SEED = 12  # change it to explore other queues; a failure names the depth or request it saw
SATURDAY = datetime(2024, 3, 2, tzinfo=UTC)
#: Due before, and after, every other request of its rank.
EARLIEST, LATEST = T0 - timedelta(days=1), T0 + timedelta(days=7)
#: The store's clock: a call attempt then makes the next call due at 13:00, for every one.
STAFF_NOW = T0 + timedelta(hours=2)
#: Two statuses of each queue rank, so a status filter narrows more than the rank does.
STATUSES = (Status.NEW, Status.NO_ANSWER, Status.CLOSED, Status.SCHEDULED)
#: How many page turns new requests arrive on: bounds the walk, which they lengthen.
ARRIVING_TURNS = 12


@pytest.fixture
def due_store(store_url: str) -> Iterator[CallbackStore]:
    """A store whose due times do not depend on the machine's time zone or the real clock."""
    policy = DeadlinePolicy(OpeningHours.parse(DEFAULT_HOURS, "UTC"))  # mon-fri 09:00-17:00
    with CallbackStore.open(store_url, policy=policy, clock=lambda: STAFF_NOW) as opened:
        yield opened


def add(store: CallbackStore, at: datetime, status: Status = Status.NEW) -> CallbackRequest:
    """A request made at ``at``, moved on to ``status`` (no-answer by a call attempt)."""
    request = submit(store, at)
    if status is Status.NO_ANSWER:
        return store.record_attempt(request.id, status, "sam")
    if status is not Status.NEW:
        return store.set_status(request.id, status, "sam")
    return request


def like(store: CallbackStore, request: CallbackRequest) -> CallbackRequest:
    """A new request tied with ``request`` in the due order: its rank and due time, a higher
    id."""
    twin = add(store, request.created_at, request.status)
    assert due_key(twin)[:2] == due_key(request)[:2]
    return twin


def random_moment(rng: random.Random) -> datetime:
    """Friday's opening hours in steps of 20 minutes (ties, due an hour later or on Monday),
    or the weekend (due Monday 10:00: one long tie)."""
    if rng.random() < 0.75:
        return T0 + timedelta(minutes=20 * rng.randrange(24))
    return SATURDAY + timedelta(minutes=rng.randrange(48 * 60))


def comes_after(key: PageKey, cursor: PageKey, newest_first: bool) -> bool:
    """Whether a walk in the due order from that end reaches ``key`` after ``cursor``."""
    return key > cursor if newest_first else key < cursor


def shown(request: CallbackRequest, status: Status | None) -> bool:
    return status in (None, request.status)


@pytest.mark.parametrize("status", [None, Status.NEW, Status.CLOSED],
                         ids=["all", "new", "closed"])
@pytest.mark.parametrize("newest_first", [True, False], ids=["most-due-first", "least-due-first"])
def test_due_order_pages_skip_and_repeat_nothing_while_new_ones_arrive(
        due_store: CallbackStore, newest_first: bool, status: Status | None) -> None:
    store, rng = due_store, random.Random(SEED)
    queue = [add(store, random_moment(rng), rng.choice(STATUSES)) for _ in range(40)]
    #: Each request that arrived during the walk, with how many rows had been read by then.
    arrived: list[tuple[CallbackRequest, int]] = []

    def arrive(seen: list[CallbackRequest]) -> None:
        if len({read for _, read in arrived}) >= ARRIVING_TURNS:
            return
        cursor = seen[-1]
        kind = status or rng.choice([Status.NEW, Status.CLOSED])
        ahead = [r for r in queue + [a for a, _ in arrived] if shown(r, status)
                 and comes_after(due_key(r), due_key(cursor), newest_first)]
        news = [add(store, EARLIEST, kind), add(store, LATEST, kind),  # before / after all
                like(store, rng.choice(seen)),  # among the rows already read
                like(store, cursor)]  # tied with the page's last row: a higher id
        if ahead:
            news.append(like(store, rng.choice(ahead)))  # among the rows still to read
        arrived.extend((request, len(seen)) for request in news)

    seen = walk(store, 3, newest_first, status, between=arrive, order=QueueOrder.DUE)

    ids = [r.id for r in seen]
    assert len(ids) == len(set(ids)), "a request was shown twice"
    assert {r.id for r in queue if shown(r, status)} <= set(ids), "a request was skipped"
    assert all(shown(r, status) for r in seen), "a request of another status was shown"
    for before, after in itertools.pairwise(seen):
        assert comes_after(due_key(after), due_key(before), newest_first), (before, after)
    at = {request_id: n for n, request_id in enumerate(ids)}
    for request, read in arrived:
        cursor = seen[read - 1]
        ahead = shown(request, status) and comes_after(due_key(request), due_key(cursor),
                                                       newest_first)
        # Once, and below the page it arrived after, if the order puts it there; else never.
        assert (request.id in at) is ahead, (request, due_key(request), due_key(cursor))
        assert request.id not in at or at[request.id] >= read
    outcomes = {request.id in at for request, _ in arrived if shown(request, status)}
    assert outcomes == {True, False}, "no arrival fell both behind and ahead of the walk"


def ties(keys: Sequence[PageKey]) -> Iterator[tuple[int, int]]:
    """(depth, length) of every run of two or more keys with one rank and due time."""
    depth = 0
    for _, run in itertools.groupby(keys, key=lambda key: key[:2]):
        length = len(list(run))
        if length > 1:
            yield depth, length
        depth += length


def depths_to_jump_to(keys: Sequence[PageKey]) -> list[int]:
    """The ends, the middle, one past the end, and around every tie: the row before it, its
    first rows, its last and the one after; in a tie longer than page_at's look-back, the
    rows just past it, where only a sorted read can tell the place."""
    depths = {0, 1, len(keys) // 2, len(keys) - 1, len(keys), len(keys) + 1}
    for start, length in ties(keys):
        depths |= {start - 1, start, start + 1, start + length - 1, start + length}
        if length > _TIE_LOOKBACK:
            depths |= {start + _TIE_LOOKBACK, start + _TIE_LOOKBACK + 1}
    return sorted(depth for depth in depths if depth >= 0)


def test_page_at_in_due_order_is_the_sorted_list_cut_at_any_depth(
        due_store: CallbackStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store, rng, limit = due_store, random.Random(SEED), 5
    # More requests due Monday 10:00 than the look-back, at each rank, each made at its own
    # moment (a created_at tie would hide a jump that confused the two orders).
    weekend = [(SATURDAY + timedelta(minutes=17 * n), status)
               for n in range(_TIE_LOOKBACK + 8) for status in (Status.NEW, Status.CLOSED)]
    plan = weekend + [(random_moment(rng), rng.choice(STATUSES)) for _ in range(40)]
    rng.shuffle(plan)  # ids in no relation to the order
    queue = [add(store, at, status) for at, status in plan]
    sorted_reads: list[object] = []
    real = CallbackStore._page_at_sorted
    monkeypatch.setattr(CallbackStore, "_page_at_sorted",
                        lambda self, *args: sorted_reads.append(args) or real(self, *args))

    for status in (None, *STATUSES):
        for newest_first in (True, False):
            case = f"status {status}, {'most' if newest_first else 'least'} due first"
            keys = sorted((due_key(r) for r in queue if shown(r, status)),
                          reverse=not newest_first)
            sorted_reads.clear()
            for skip in depths_to_jump_to(keys):
                got = store.page_at(skip, status, limit, newest_first, order=QueueOrder.DUE)
                assert [due_key(r) for r in got] == keys[skip:skip + limit], f"{case}: {skip}"
                if skip < len(keys):  # and that is where count_before puts the row
                    from_top = skip if newest_first else len(keys) - 1 - skip
                    assert store.count_before(keys[skip], status, QueueOrder.DUE) == from_top
            if any(length > _TIE_LOOKBACK + 1 for _, length in ties(keys)):
                assert sorted_reads, f"{case}: no jump took the sorted read past the look-back"
