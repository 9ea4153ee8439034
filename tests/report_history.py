"""A known callback history for the report's tests: six requests, three calls, two reached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.callback_queue.counts import UsageCount
from kiosk.callback_queue.deadlines import DeadlinePolicy
from kiosk.callback_queue.model import BestTime, NewRequest, Status
from kiosk.callback_queue.store import CallbackStore
from kiosk.callback_queue.usage import add_counts, day_start, local_day
from kiosk.config.hours import OpeningHours

NAME, PHONE = "Ana María Ruiz", "+12025550101"
#: Open every hour, a day to the first call and between calls: of the history only the
#: three-day-old request is overdue, whatever the weekday the tests run on.
ROUND_THE_CLOCK = DeadlinePolicy(OpeningHours.parse(["mon-sun 00:00-24:00"], "UTC"), 1440, 1440)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def seed(url: str) -> list[str]:
    """Six requests (five in the last hours, one three days old and still new), three of
    them called after 35, 90 and 10 minutes; two reached, one booked. Returns their days."""
    now = datetime.now(UTC)
    # Four hours ago, but never yesterday: the five recent requests share today's date.
    base = max(now - timedelta(hours=4), day_start(local_day(now, None), None) + timedelta(
        minutes=1))
    clock = Clock(base)
    days = []
    with CallbackStore.open(url, clock=clock, policy=ROUND_THE_CLOCK) as store:
        def submit(kiosk: str, phone: str, at: datetime) -> int:
            days.append(local_day(at, None).isoformat())
            return store.submit(NewRequest.create(kiosk, NAME, phone, BestTime.ANY, now=at)).id

        a = submit("lobby", PHONE, base)
        b = submit("lobby", "+12025550102", base)
        submit("upstairs", "+12025550103", base)
        d = submit("upstairs", "+12025550104", base)
        e = submit("lobby", "+12025550105", base + timedelta(minutes=60))
        submit("lobby", "+12025550106", now - timedelta(days=3))
        clock.now = base + timedelta(minutes=35)
        store.set_status(a, Status.SCHEDULED, "sam")
        clock.now = base + timedelta(minutes=70)
        store.record_attempt(e, Status.LEFT_VOICEMAIL, "sam")
        clock.now = base + timedelta(minutes=90)
        store.record_attempt(b, Status.NO_ANSWER, "sam")
        clock.now = base + timedelta(minutes=200)
        store.set_status(b, Status.NOT_INTERESTED, "sam")
        store.set_status(d, Status.CLOSED, "sam")
        today = local_day(now, None).isoformat()
        add_counts(store.engine, [UsageCount(today, "lobby", "visit", "", 7),
                                  UsageCount(today, "lobby", "section_opened", "aftercare", 3),
                                  UsageCount(today, "upstairs", "visit", "", 2)])
    return days
