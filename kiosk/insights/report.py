"""The figures of `kiosk report` and the staff Report view, gathered from the queue database.

Qt-free: the counts the kiosks wrote and the callback figures (requests per day and kiosk,
time from request to first call, reached, booked, overdue now) for the last N local days.
The formats (text, CSV, HTML) are in ``kiosk.insights.formats``; the view draws the same
``Report``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from kiosk.callback_queue.counts import UsageCount
from kiosk.callback_queue.usage import (
    DayFigures,
    callback_figures,
    local_day,
    overdue_now,
    read_counts,
)

DEFAULT_DAYS = 14
MAX_DAYS = 3660
#: What "overdue now" counts, in words for the report's readers.
OVERDUE_RULE = ("requests still to be called whose next call was due before now (opening "
                "hours, [staff] callback_within_min and retry_after_min)")
#: The time-to-first-call histogram's bins: (from minutes, label); each runs to the next.
FIRST_CALL_BINS: tuple[tuple[int, str], ...] = (
    (0, "<15 min"), (15, "15-30 min"), (30, "30-60 min"), (60, "1-2 h"), (120, "2-4 h"),
    (240, "4-8 h"), (480, "8-24 h"), (1440, "1-2 d"), (2880, "2 d+"),
)


def percentile(histogram: Counter[int], p: float) -> int | None:
    """The nearest-rank ``p``th percentile of whole minutes counted in ``histogram``."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, math.ceil(p / 100 * total))
    seen = 0
    for minutes in sorted(histogram):
        seen += histogram[minutes]
        if seen >= rank:
            return minutes
    raise AssertionError("unreachable")


def bin_first_calls(histogram: Counter[int]) -> list[tuple[str, int]]:
    """(label, requests) for every bin of FIRST_CALL_BINS, empty ones included."""
    bins = [0] * len(FIRST_CALL_BINS)
    starts = [start for start, _label in FIRST_CALL_BINS]
    for minutes, n in histogram.items():
        index = max(i for i, start in enumerate(starts) if minutes >= start)
        bins[index] += n
    return [(label, bins[i]) for i, (_start, label) in enumerate(FIRST_CALL_BINS)]


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Report:
    first_day: date
    last_day: date
    time_zone: str  # a zone name, or "local" for the machine's
    generated_at: datetime
    counts: list[UsageCount]
    days: list[DayFigures]
    overdue: int
    #: How "overdue" was decided, in words (due times, or the callback target).
    overdue_rule: str
    totals: DayFigures = field(init=False)

    def __post_init__(self) -> None:
        totals = DayFigures("", "")
        for figures in self.days:
            totals.add(figures)
        object.__setattr__(self, "totals", totals)

    @property
    def day_list(self) -> list[date]:
        return [self.first_day + timedelta(days=i)
                for i in range((self.last_day - self.first_day).days + 1)]

    @property
    def kiosks(self) -> list[str]:
        return sorted({f.kiosk_id for f in self.days} | {c.kiosk_id for c in self.counts})

    def requests_per_day(self) -> list[tuple[str, int]]:
        per_day: Counter[str] = Counter()
        for figures in self.days:
            per_day[figures.day] += figures.requests
        return [(d.isoformat(), per_day[d.isoformat()]) for d in self.day_list]

    def first_call_bins(self) -> list[tuple[str, int]]:
        return bin_first_calls(self.totals.first_call_min)

    @property
    def median_first_call_min(self) -> int | None:
        return percentile(self.totals.first_call_min, 50)

    @property
    def p90_first_call_min(self) -> int | None:
        return percentile(self.totals.first_call_min, 90)

    @property
    def share_reached(self) -> float | None:
        return share(self.totals.reached, self.totals.requests)

    @property
    def share_scheduled(self) -> float | None:
        return share(self.totals.scheduled, self.totals.requests)

    def count_totals(self) -> list[tuple[str, str, int]]:
        """(counter, key, n) over the whole period and every kiosk, in COUNTERS order."""
        from kiosk.insights.tally import COUNTERS

        order = {name: i for i, name in enumerate(COUNTERS)}
        totals: Counter[tuple[str, str]] = Counter()
        for c in self.counts:
            totals[(c.counter, c.key)] += c.n
        return [(counter, key, n) for (counter, key), n in
                sorted(totals.items(), key=lambda kv: (order.get(kv[0][0], len(order)), kv[0]))]


def _duration(minutes: int) -> str:
    if minutes % 1440 == 0:
        return f"{minutes // 1440} d" if minutes != 1440 else "24 h"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def report_for(config: Any, engine: Any, days: int) -> Report:
    """The report of ``config``'s clinic (days in its time zone) from an open queue."""
    from kiosk.insights.tally import clinic_time_zone

    tz, tz_name = clinic_time_zone(config)
    return build_report(engine, days, tz=tz, tz_name=tz_name)


def build_report(engine: Any, days: int, *, tz: tzinfo | None = None, tz_name: str = "local",
                 now: datetime | None = None) -> Report:
    """The report of the ``days`` local days ending today, read from the queue database."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"--days must be 1 to {MAX_DAYS}, not {days}")
    now = now or datetime.now(UTC)
    last_day = local_day(now, tz)
    first_day = last_day - timedelta(days=days - 1)
    return Report(
        first_day=first_day, last_day=last_day, time_zone=tz_name, generated_at=now,
        counts=read_counts(engine, first_day, last_day),
        days=callback_figures(engine, first_day, last_day, tz),
        overdue=overdue_now(engine, now),
        overdue_rule=OVERDUE_RULE,
    )
