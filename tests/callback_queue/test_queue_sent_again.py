"""The same phone number sent again from the same kiosk soon after is one request."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from kiosk.callback_queue.model import BestTime, NewRequest
from kiosk.callback_queue.store import SENT_AGAIN_WITHIN, CallbackStore


def request(kiosk: str = "lobby", phone: str = "+12025550143") -> NewRequest:
    return NewRequest.create(kiosk, "Ana Ruiz", phone, BestTime.MORNING)


def test_a_second_send_within_ten_minutes_is_the_same_request(store: CallbackStore) -> None:
    first = store.submit(request(), merge_sent_again=True)
    again = request()
    again = replace(again, created_at=first.created_at + timedelta(minutes=9))
    merged = store.submit(again, merge_sent_again=True)
    assert merged.id == first.id and store.count() == 1
    actions = [entry.action for entry in store.audit(first.id)]
    assert actions == ["sent-again"]  # staff see it was sent twice


def test_later_other_kiosks_and_other_numbers_are_new_requests(store: CallbackStore) -> None:
    first = store.submit(request(), merge_sent_again=True)
    later = replace(request(), created_at=first.created_at + SENT_AGAIN_WITHIN
                    + timedelta(seconds=1))
    store.submit(later, merge_sent_again=True)
    store.submit(request(kiosk="hall"), merge_sent_again=True)
    store.submit(request(phone="+12025550144"), merge_sent_again=True)
    assert store.count() == 4


def test_without_merging_every_key_is_its_own_request(store: CallbackStore) -> None:
    store.submit(request())
    store.submit(request())
    assert store.count() == 2


def test_merging_is_idempotent_under_redelivery(store: CallbackStore) -> None:
    first = store.submit(request(), merge_sent_again=True)
    again = request()
    assert store.submit(again, merge_sent_again=True).id == first.id
    assert store.submit(again, merge_sent_again=True).id == first.id  # an outbox retry
    assert store.count() == 1
