"""Due times, retries, the attempt limit, do-not-call and consent records, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.callback_queue.deadlines import DeadlinePolicy
from kiosk.callback_queue.model import BestTime, InvalidTransition, NewRequest, Status
from kiosk.callback_queue.store import CallbackStore, QueueOrder
from kiosk.config.hours import OpeningHours

NY = ZoneInfo("America/New_York")
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=NY)
POLICY = DeadlinePolicy(OpeningHours.parse(["mon-fri 08:00-18:00"], NY),
                        callback_within_min=60, retry_after_min=120, max_attempts=3)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY)


@pytest.fixture
def store(store_url: str, clock: Clock):
    with CallbackStore.open(store_url, policy=POLICY, clock=clock) as opened:
        yield opened


def ask(store: CallbackStore, phone: str = "+12025550143", at: datetime = MONDAY,
        consent: str = "I agree that the clinic may call me", language: str = "en"):
    return store.submit(NewRequest.create("lobby", "Ann Lee", phone, BestTime.ANY, at,
                                          consent_text=consent, language=language))


def test_a_new_request_is_due_within_the_business_hour(store: CallbackStore) -> None:
    assert ask(store).due_by == MONDAY + timedelta(hours=1)
    friday_evening = datetime(2026, 12, 11, 17, 50, tzinfo=NY)
    assert ask(store, "+12025550144", friday_evening).due_by == datetime(
        2026, 12, 14, 8, 50, tzinfo=NY)


def test_each_unanswered_call_sets_the_next_due_and_the_third_gives_up(
        store: CallbackStore, clock: Clock) -> None:
    request = ask(store)
    clock.now = MONDAY + timedelta(minutes=30)
    first = store.record_attempt(request.id, Status.NO_ANSWER, "Ana")
    assert (first.status, first.attempts) == (Status.NO_ANSWER, 1)
    assert first.due_by == clock.now + timedelta(minutes=120)
    clock.now = datetime(2026, 12, 7, 17, 0, tzinfo=NY)
    second = store.record_attempt(request.id, Status.LEFT_VOICEMAIL, "Ana")
    assert second.due_by == datetime(2026, 12, 8, 9, 0, tzinfo=NY)  # 60 today, 60 tomorrow
    clock.now = datetime(2026, 12, 8, 9, 5, tzinfo=NY)
    third = store.record_attempt(request.id, Status.NO_ANSWER, "Ben")
    assert (third.status, third.attempts) == (Status.UNREACHABLE, 3)
    assert not third.awaiting_call
    assert "unreachable after 3 of 3 calls" in store.audit(request.id)[-1].detail
    with pytest.raises(InvalidTransition):
        store.record_attempt(request.id, Status.NO_ANSWER, "Ben")
    # The patient may still call back: unreachable is not the end.
    assert store.set_status(request.id, Status.SCHEDULED, "Ben").status is Status.SCHEDULED


def test_the_staff_list_puts_what_is_due_first(store: CallbackStore, clock: Clock) -> None:
    late = ask(store, "+12025550101", MONDAY - timedelta(hours=3))
    soon = ask(store, "+12025550102", MONDAY)
    done = ask(store, "+12025550103", MONDAY - timedelta(hours=5))
    store.set_status(done.id, Status.SCHEDULED, "Ana")
    retried = ask(store, "+12025550104", MONDAY - timedelta(hours=4))
    store.record_attempt(retried.id, Status.NO_ANSWER, "Ana")  # now due at 11:00
    order = [r.id for r in store.page_from(order=QueueOrder.DUE)]
    assert order == [late.id, soon.id, retried.id, done.id]
    assert [r.id for r in store.page_at(1, limit=2, order=QueueOrder.DUE)] == [soon.id,
                                                                              retried.id]
    assert [r.id for r in store.page_from(order=QueueOrder.DUE, newest_first=False)] == \
        order[::-1]
    assert [r.id for r in store.overdue_between(MONDAY - timedelta(days=1), MONDAY)] == [late.id]
    assert store.next_due_after(MONDAY) == soon.due_by


def test_do_not_call_closes_every_open_request_and_later_ones(
        store: CallbackStore, clock: Clock) -> None:
    number = "+12025550143"
    one, two = ask(store, number), ask(store, number, MONDAY + timedelta(minutes=20))
    scheduled = ask(store, number, MONDAY + timedelta(minutes=40))
    store.set_status(scheduled.id, Status.SCHEDULED, "Ana")
    closed = ask(store, number, MONDAY + timedelta(minutes=50))
    store.set_status(closed.id, Status.CLOSED, "Ana")
    other = ask(store, "+12025550199")
    store.set_status(two.id, Status.DO_NOT_CALL, "Ben on console desk")
    statuses = {r.id: r.status for r in store.page(limit=10)}
    assert statuses == {one.id: Status.DO_NOT_CALL, two.id: Status.DO_NOT_CALL,
                        scheduled.id: Status.DO_NOT_CALL, closed.id: Status.CLOSED,
                        other.id: Status.NEW}
    assert f"(request {two.id})" in store.audit(one.id)[-1].detail
    assert store.is_do_not_call(number)
    # Next week the same number asks again: recorded, and closed at once, with the reason.
    clock.now = MONDAY + timedelta(days=7)
    later = ask(store, number, clock.now)
    assert later.status is Status.DO_NOT_CALL and not later.awaiting_call
    (why,) = store.audit(later.id)
    assert "asked not to be called" in why.detail and "Ben on console desk" in why.detail
    with pytest.raises(InvalidTransition):
        store.set_status(later.id, Status.NEW, "Ana")
    # Retention deletes the requests, never the list.
    assert store.purge_closed(0, now=clock.now + timedelta(days=1)) == 5
    assert ask(store, number, clock.now).status is Status.DO_NOT_CALL


def test_wrong_number_is_an_outcome_of_its_own(store: CallbackStore) -> None:
    request = ask(store)
    assert store.set_status(request.id, Status.WRONG_NUMBER, "Ana").status is \
        Status.WRONG_NUMBER
    assert store.set_status(request.id, Status.CLOSED, "Ana").status is Status.CLOSED


def test_consent_text_language_and_version_are_kept(store: CallbackStore) -> None:
    english = "I agree that the clinic may call me at this number about a consult"
    spanish = "Acepto que la clínica me llame a este número para hablar de una consulta"
    a = ask(store, "+12025550101", consent=english, language="en")
    b = ask(store, "+12025550102", consent=english, language="en")
    c = ask(store, "+12025550103", consent=spanish, language="es")
    d = ask(store, "+12025550104", consent=english + ".", language="en")
    assert a.consent_version == b.consent_version
    assert len({a.consent_version, c.consent_version, d.consent_version}) == 3
    kept = store.consent(c.id)
    assert (kept.text, kept.language, kept.version) == (spanish, "es", c.consent_version)
    assert store.get(c.id).language == "es"
