"""The callback figures come from the queue's history, survive retention, and the counts add up."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from report_history import ROUND_THE_CLOCK

from kiosk.callback_queue.counts import UsageCount
from kiosk.callback_queue.model import BestTime, NewRequest, Status
from kiosk.callback_queue.store import CallbackStore
from kiosk.callback_queue.usage import add_counts, callback_figures, overdue_now, read_counts
from kiosk.insights.report import bin_first_calls, build_report, percentile

CHICAGO = ZoneInfo("America/Chicago")
# 2026-11-30 at 17:30 in Chicago is 2026-11-30 23:30 UTC; 19:00 there is already 12-01 UTC.
T0 = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def submit(store: CallbackStore, clock: Clock, kiosk: str, phone: str) -> int:
    req = NewRequest.create(kiosk, "Ana María Ruiz", phone, BestTime.ANY, now=clock.now)
    return store.submit(req).id


@pytest.fixture
def queue(store_url: str):
    clock = Clock(T0)
    with CallbackStore.open(store_url, clock=clock, policy=ROUND_THE_CLOCK) as store:
        yield store, clock


def seed(store: CallbackStore, clock: Clock) -> None:
    """Four requests on 11-30 (Chicago) at two kiosks, one on 12-01; a known history."""
    a = submit(store, clock, "lobby", "+12025550101")      # called at +35 min, booked
    b = submit(store, clock, "lobby", "+12025550102")      # no answer at +90, then reached
    c = submit(store, clock, "upstairs", "+12025550103")   # never called
    d = submit(store, clock, "upstairs", "+12025550104")   # closed as a duplicate, no call
    clock.now = T0 + timedelta(minutes=35)
    store.set_status(a, Status.SCHEDULED, "sam")
    clock.now = T0 + timedelta(minutes=90)
    store.record_attempt(b, Status.NO_ANSWER, "sam")
    clock.now = T0 + timedelta(minutes=200)
    store.set_status(b, Status.NOT_INTERESTED, "sam")
    store.set_status(d, Status.CLOSED, "sam")
    clock.now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 09:00 on 12-01 in Chicago
    e = submit(store, clock, "lobby", "+12025550105")
    clock.now += timedelta(minutes=10)
    store.record_attempt(e, Status.LEFT_VOICEMAIL, "sam")
    assert c


def test_figures_per_local_day_and_kiosk_from_the_audit_history(queue) -> None:
    store, clock = queue
    seed(store, clock)
    figures = {(f.day, f.kiosk_id): f for f in
               callback_figures(store.engine, date(2026, 11, 29), date(2026, 12, 1), CHICAGO)}
    assert sorted(figures) == [("2026-11-30", "lobby"), ("2026-11-30", "upstairs"),
                               ("2026-12-01", "lobby")]
    lobby = figures[("2026-11-30", "lobby")]
    assert (lobby.requests, lobby.called, lobby.reached, lobby.scheduled) == (2, 2, 2, 1)
    assert lobby.first_call_min == Counter({35: 1, 90: 1})
    upstairs = figures[("2026-11-30", "upstairs")]
    assert (upstairs.requests, upstairs.called, upstairs.reached, upstairs.scheduled) == (
        2, 0, 0, 0)
    later = figures[("2026-12-01", "lobby")]
    assert (later.requests, later.called, later.first_call_min) == (1, 1, Counter({10: 1}))
    # In UTC the 11-30 evening requests fall on 11-30 too, but the 12-01 one stays 12-01.
    utc = callback_figures(store.engine, date(2026, 11, 30), date(2026, 11, 30), UTC)
    assert sum(f.requests for f in utc) == 4


def test_percentiles_are_nearest_rank_on_whole_minutes() -> None:
    minutes = Counter({10: 1, 35: 1, 90: 1})
    assert (percentile(minutes, 50), percentile(minutes, 90)) == (35, 90)
    assert percentile(Counter(), 50) is None
    assert percentile(Counter({5: 9, 600: 1}), 90) == 5
    assert percentile(Counter({5: 9, 600: 2}), 90) == 600
    bins = dict(bin_first_calls(Counter({0: 1, 14: 1, 15: 1, 61: 2, 5000: 1})))
    assert (bins["<15 min"], bins["15-30 min"], bins["1-2 h"], bins["2 d+"]) == (2, 1, 2, 1)
    assert sum(bins.values()) == 6


def test_retention_deletes_the_people_and_keeps_the_figures(queue) -> None:
    store, clock = queue
    seed(store, clock)
    now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    before = build_report(store.engine, 7, tz=CHICAGO, now=now)
    # Close everything from 11-30, then purge it 100 days on.
    for request in store.page(limit=100):
        if request.status != Status.CLOSED and request.created_at < T0 + timedelta(hours=1):
            store.set_status(request.id, Status.CLOSED, "sam")
    clock.now = now + timedelta(days=100)
    assert store.purge_closed(90, tz=CHICAGO) == 4
    assert [r.kiosk_id for r in store.page(limit=100)] == ["lobby"]  # 12-01's request stays
    after = build_report(store.engine, 7, tz=CHICAGO, now=now)
    assert [(f.day, f.kiosk_id, f.requests, f.called, f.reached, f.scheduled, f.first_call_min)
            for f in after.days] == [
        (f.day, f.kiosk_id, f.requests, f.called, f.reached, f.scheduled, f.first_call_min)
        for f in before.days]
    assert (after.median_first_call_min, after.p90_first_call_min) == (35, 90)
    # A second purge of nothing changes nothing; the archive is never counted twice.
    assert store.purge_closed(90, tz=CHICAGO) == 0
    again = build_report(store.engine, 7, tz=CHICAGO, now=now)
    assert again.totals.requests == before.totals.requests == 5


def test_overdue_counts_requests_past_their_due_time(queue) -> None:
    store, clock = queue
    seed(store, clock)
    # c, never called, is due a day after it was made: at T0 + 23 h it is not yet late, at
    # + 25 h it is. e's voicemail set its next call a day on; a, b and d need no call.
    assert overdue_now(store.engine, T0 + timedelta(hours=23)) == 0
    assert overdue_now(store.engine, T0 + timedelta(hours=25)) == 1
    assert overdue_now(store.engine, datetime(2026, 12, 2, 16, 0, tzinfo=UTC)) == 2


def test_counts_add_up_batch_by_batch(store_url: str) -> None:
    with CallbackStore.open(store_url) as store:
        add_counts(store.engine, [UsageCount("2026-12-01", "lobby", "visit", "", 2),
                                  UsageCount("2026-12-01", "lobby", "section_opened",
                                             "aftercare", 1)])
        add_counts(store.engine, [UsageCount("2026-12-01", "lobby", "visit", "", 3),
                                  UsageCount("2026-12-01", "upstairs", "visit", "", 1)])
        assert read_counts(store.engine, date(2026, 12, 1), date(2026, 12, 1)) == [
            UsageCount("2026-12-01", "lobby", "section_opened", "aftercare", 1),
            UsageCount("2026-12-01", "lobby", "visit", "", 5),
            UsageCount("2026-12-01", "upstairs", "visit", "", 1),
        ]
        with pytest.raises(ValueError, match="short lower-case"):
            add_counts(store.engine, [UsageCount("2026-12-01", "lobby", "visit",
                                                 "Ana María", 1)])


def test_a_version_3_queue_gains_the_tables_and_keeps_its_rows(store_url: str) -> None:
    from sqlalchemy import inspect

    from kiosk.callback_queue import schema
    from kiosk.callback_queue.engine import make_engine, write_transaction

    engine = make_engine(store_url)
    with write_transaction(engine) as conn:
        schema.create_v3(conn)
        assert not inspect(conn).has_table("usage_counts")
    engine.dispose()
    with CallbackStore.open(store_url) as store:
        submit(store, Clock(T0), "lobby", "+12025550101")
        add_counts(store.engine, [UsageCount("2026-11-30", "lobby", "visit", "", 1)])
        assert len(callback_figures(store.engine, date(2026, 11, 30), date(2026, 11, 30),
                                    UTC)) == 1
        with store.engine.connect() as conn:
            assert schema.read_version(conn) == schema.SCHEMA_VERSION
            assert inspect(conn).has_table("callback_archive")
