"""When a callback is due: business minutes counted through the clinic's opening hours.

Qt-free. ``due_at(created, 60, hours)`` is created + 60 minutes when the clinic stays open
that long; otherwise the minutes left at closing carry into the next opening (Friday
17:50 + 60 minutes with "mon-fri 08:00-18:00" is due Monday 08:50). A request made while
the clinic is closed starts counting when it opens. Wall-clock hours and DST changes are
``OpeningHours``' business (``kiosk.config.hours``); this module only walks its periods.

``DeadlinePolicy`` bundles the clinic's hours with ``[staff] callback_within_min``,
``retry_after_min`` and ``max_attempts``: the store asks it for each request's due time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.config.hours import DEFAULT_HOURS, OpeningHours

DEFAULT_CALLBACK_WITHIN_MIN = 60
DEFAULT_RETRY_AFTER_MIN = 120
DEFAULT_MAX_ATTEMPTS = 3


class NeverOpen(ValueError):
    """The opening hours have no open minute at all, so nothing can ever be due."""


def due_at(created: datetime, minutes: int, hours: OpeningHours) -> datetime:
    """The moment ``minutes`` business minutes after ``created`` (an aware UTC datetime)."""
    if created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    left = timedelta(minutes=minutes)
    for opens, closes in hours.open_periods(created):
        start = max(opens, created)
        available = closes - start
        if left <= available:
            return (start + left).astimezone(UTC)
        left -= available
    raise NeverOpen("the clinic's hours never open; set [clinic] hours")


def business_minutes_between(start: datetime, end: datetime, hours: OpeningHours) -> float:
    """Open minutes in [start, end): how late a request is in the clinic's own time."""
    if end <= start:
        return 0.0
    total = timedelta()
    for opens, closes in hours.open_periods(start):
        if opens >= end:
            break
        total += min(closes, end) - max(opens, start)
    return total / timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    """The clinic's promise: first call within ``callback_within_min`` business minutes,
    each retry ``retry_after_min`` later, "unreachable" after ``max_attempts`` calls."""

    hours: OpeningHours
    callback_within_min: int = DEFAULT_CALLBACK_WITHIN_MIN
    retry_after_min: int = DEFAULT_RETRY_AFTER_MIN
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    @classmethod
    def default(cls) -> DeadlinePolicy:
        return cls(OpeningHours.parse(DEFAULT_HOURS))

    @classmethod
    def from_config(cls, config: Any) -> DeadlinePolicy:
        """The policy a loaded (validated) config describes."""
        return cls(OpeningHours.from_config(config), config.staff.callback_within_min,
                   config.staff.retry_after_min, config.staff.max_attempts)

    def first_due(self, created: datetime) -> datetime:
        return due_at(created, self.callback_within_min, self.hours)

    def retry_due(self, attempted: datetime) -> datetime:
        return due_at(attempted, self.retry_after_min, self.hours)
