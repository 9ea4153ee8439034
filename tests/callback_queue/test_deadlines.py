"""Business minutes: due_at against a plain minute-by-minute count, DST changes included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.callback_queue.deadlines import (
    DeadlinePolicy,
    NeverOpen,
    business_minutes_between,
    due_at,
)
from kiosk.config.hours import DAYS, OpeningHours

NY = ZoneInfo("America/New_York")
MINUTE = timedelta(minutes=1)
#: Zones with DST (north and south, a 30-minute one, a negative one), without, and odd offsets.
ZONES = ("America/New_York", "Europe/London", "Europe/Dublin", "Australia/Lord_Howe",
         "America/Sao_Paulo", "Australia/Sydney", "America/St_Johns", "Asia/Kolkata",
         "Pacific/Chatham", "America/Santiago", "UTC", "Africa/Casablanca")
#: Days of DST changes somewhere in ZONES: creation times cluster around them.
CHANGES = (datetime(2026, 3, 8, tzinfo=UTC), datetime(2026, 3, 29, tzinfo=UTC),
           datetime(2026, 4, 5, tzinfo=UTC), datetime(2026, 10, 4, tzinfo=UTC),
           datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC),
           datetime(2026, 9, 6, tzinfo=UTC), datetime(2026, 4, 5, 14, tzinfo=UTC))


def reference_due(created: datetime, minutes: int, hours: OpeningHours) -> datetime:
    """Count open minutes one at a time, asking is_open about each."""
    moment, left = created, minutes
    while left:
        if hours.is_open(moment):
            left -= 1
        moment += MINUTE
    return moment


def reference_is_open(at: datetime, spans: list[tuple[int, int, int]], zone: str) -> bool:
    local = at.astimezone(ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    return any(day == local.weekday() and start <= minute < end for day, start, end in spans)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def hours_entries(draw: st.DrawFn) -> tuple[list[str], list[tuple[int, int, int]]]:
    entries, spans = [], []
    for _ in range(draw(st.integers(1, 4))):
        first = draw(st.integers(0, 6))
        length = draw(st.integers(0, 6))
        start = draw(st.integers(0, 23 * 60 + 30))
        end = draw(st.integers(start + 30, 24 * 60))
        days = DAYS[first] if not length else f"{DAYS[first]}-{DAYS[(first + length) % 7]}"
        entries.append(f"{days} {_clock(start)}-{_clock(end)}")
        spans += [((first + i) % 7, start, end) for i in range(length + 1)]
    return entries, spans


creation_times = st.one_of(
    st.builds(lambda base, minutes: base + timedelta(minutes=minutes),
              st.sampled_from(CHANGES), st.integers(-3 * 24 * 60, 3 * 24 * 60)),
    st.datetimes(datetime(2025, 1, 1), datetime(2028, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)),
)


@settings(max_examples=200, deadline=None)
@given(hours=hours_entries(), zone=st.sampled_from(ZONES), created=creation_times,
       minutes=st.integers(1, 240))
def test_due_at_matches_counting_minute_by_minute(
        hours: tuple[list[str], list[tuple[int, int, int]]], zone: str, created: datetime,
        minutes: int) -> None:
    entries, spans = hours
    opening = OpeningHours.parse(entries, zone)
    due = due_at(created, minutes, opening)
    assert due == reference_due(created, minutes, opening)
    assert business_minutes_between(created, due, opening) == minutes
    for probe in (created, due - MINUTE, due, due + 17 * MINUTE):
        assert opening.is_open(probe) == reference_is_open(probe, spans, zone)
    opens = opening.next_opening(created)
    assert opens is not None and opening.is_open(opens) and opens >= created
    assert opens == created or not opening.is_open(opens - MINUTE)


def test_the_friday_evening_example() -> None:
    hours = OpeningHours.parse(["mon-fri 08:00-18:00"], "America/New_York")
    friday = datetime(2026, 12, 4, 17, 50, tzinfo=NY)
    assert due_at(friday, 60, hours) == datetime(2026, 12, 7, 8, 50, tzinfo=NY)
    # Enough time left today: simply an hour later.
    assert due_at(friday - timedelta(hours=2), 60, hours) == friday - timedelta(hours=1)
    # Made while closed (Saturday): counting starts at Monday's opening.
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=NY)
    assert due_at(saturday, 60, hours) == datetime(2026, 12, 7, 9, 0, tzinfo=NY)


def test_wall_clock_hours_across_the_spring_change() -> None:
    hours = OpeningHours.parse(["sun 01:00-04:00"], "America/New_York")
    # 8 March 2026: clocks jump from 02:00 to 03:00, so Sunday has two open hours.
    sunday = datetime(2026, 3, 8, 1, 0, tzinfo=NY)
    assert due_at(sunday, 120, hours) == datetime(2026, 3, 8, 4, 0, tzinfo=NY)
    assert due_at(sunday, 121, hours) == datetime(2026, 3, 15, 1, 1, tzinfo=NY)


def test_hours_that_never_open_say_so() -> None:
    empty = OpeningHours([[] for _ in DAYS], UTC)
    with pytest.raises(NeverOpen, match="never open"):
        due_at(datetime(2026, 1, 1, tzinfo=UTC), 5, empty)
    assert empty.next_opening(datetime(2026, 1, 1, tzinfo=UTC)) is None


def test_policy_retries_count_from_the_attempt() -> None:
    policy = DeadlinePolicy(OpeningHours.parse(["mon-fri 08:00-18:00"], "America/New_York"),
                            callback_within_min=30, retry_after_min=120, max_attempts=3)
    thursday = datetime(2026, 12, 3, 17, 0, tzinfo=NY)
    assert policy.first_due(thursday) == datetime(2026, 12, 3, 17, 30, tzinfo=NY)
    assert policy.retry_due(thursday) == datetime(2026, 12, 4, 9, 0, tzinfo=NY)


def test_open_around_the_clock() -> None:
    hours = OpeningHours.parse(["mon-sun 00:00-24:00"], "Europe/London")
    now = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert due_at(now, 60, hours) == now + timedelta(hours=1)
    assert due_at(now, 20 * 24 * 60, hours) == now + timedelta(days=20)
    assert hours.next_opening(now) == now


def test_is_open_on_the_clinic_clocks_for_the_attract_screen() -> None:
    hours = OpeningHours(["mon-fri 08:00-18:00", "sat 09:00-12:00"], "America/New_York")
    # Summer and winter alike, 08:00 on the clinic's clocks opens it.
    assert hours.is_open(datetime(2026, 7, 6, 12, 0, tzinfo=UTC))  # 08:00 EDT, Monday
    assert not hours.is_open(datetime(2026, 7, 6, 11, 59, tzinfo=UTC))
    assert hours.is_open(datetime(2026, 12, 7, 13, 0, tzinfo=UTC))  # 08:00 EST
    assert not hours.is_open(datetime(2026, 12, 7, 12, 59, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 12, 5, 12, 0, tzinfo=NY))  # Saturday noon: shut
    assert hours.next_opening(datetime(2026, 12, 5, 12, 0, tzinfo=NY)) == datetime(
        2026, 12, 7, 8, 0, tzinfo=NY)
    with pytest.raises(ValueError, match="naive"):
        hours.is_open(datetime(2026, 12, 7, 9, 0))
