"""Tests for the request workflow and value types."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from kiosk.callback_queue.model import (
    CALL_OUTCOMES,
    BestTime,
    CallbackRequest,
    InvalidTransition,
    NewRequest,
    Status,
    allowed_next,
    check_transition,
)

_CALLED_NEXT = [
    Status.NO_ANSWER,
    Status.LEFT_VOICEMAIL,
    Status.SCHEDULED,
    Status.NOT_INTERESTED,
    Status.CLOSED,
    Status.WRONG_NUMBER,
    Status.UNREACHABLE,
    Status.DO_NOT_CALL,
]
# The whole workflow, written out so that any change to it shows up here.
LEGAL = [
    *[(Status.NEW, s) for s in _CALLED_NEXT],
    *[(Status.NO_ANSWER, s) for s in _CALLED_NEXT],
    *[(Status.LEFT_VOICEMAIL, s) for s in _CALLED_NEXT],
    (Status.SCHEDULED, Status.NOT_INTERESTED),
    (Status.SCHEDULED, Status.CLOSED),
    (Status.SCHEDULED, Status.DO_NOT_CALL),
    (Status.NOT_INTERESTED, Status.CLOSED),
    (Status.NOT_INTERESTED, Status.DO_NOT_CALL),
    # Unreachable after the last attempt, the patient may still call the clinic back.
    (Status.UNREACHABLE, Status.SCHEDULED),
    (Status.UNREACHABLE, Status.NOT_INTERESTED),
    (Status.UNREACHABLE, Status.CLOSED),
    (Status.UNREACHABLE, Status.DO_NOT_CALL),
    (Status.WRONG_NUMBER, Status.CLOSED),
]


def test_status_values_are_the_stored_strings() -> None:
    assert [s.value for s in Status] == [
        "new",
        "no-answer",
        "left-voicemail",
        "scheduled",
        "not-interested",
        "closed",
        "wrong-number",
        "unreachable",
        "do-not-call",
    ]
    assert [t.value for t in BestTime] == ["morning", "afternoon", "evening", "any"]
    assert frozenset({Status.NO_ANSWER, Status.LEFT_VOICEMAIL}) == CALL_OUTCOMES


@pytest.mark.parametrize(("current", "requested"), LEGAL)
def test_legal_transitions(current: Status, requested: Status) -> None:
    assert requested in allowed_next(current)
    check_transition(current, requested)


def test_every_other_transition_is_rejected_with_a_clear_message() -> None:
    legal = set(LEGAL)
    rejected = 0
    for current in Status:
        for requested in Status:
            if (current, requested) in legal:
                continue
            with pytest.raises(InvalidTransition) as info:
                check_transition(current, requested)
            assert str(current) in str(info.value) and str(requested) in str(info.value)
            assert info.value.current is current and info.value.requested is requested
            rejected += 1
    assert rejected == len(Status) ** 2 - len(LEGAL)


def test_closed_is_final_and_new_is_never_reentered() -> None:
    assert allowed_next(Status.CLOSED) == frozenset()
    assert all(Status.NEW not in allowed_next(s) for s in Status)
    with pytest.raises(InvalidTransition, match="final"):
        check_transition(Status.CLOSED, Status.NEW)


def test_every_status_can_reach_an_end() -> None:
    for start in Status:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in allowed_next(frontier.pop()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert seen & {Status.CLOSED, Status.DO_NOT_CALL}  # do-not-call: closed for good


def test_do_not_call_is_final_and_open_from_every_contact() -> None:
    assert allowed_next(Status.DO_NOT_CALL) == frozenset()
    for status in Status:
        if status not in (Status.CLOSED, Status.DO_NOT_CALL, Status.WRONG_NUMBER):
            assert Status.DO_NOT_CALL in allowed_next(status), status


def test_invalid_transition_is_a_value_error() -> None:
    assert issubclass(InvalidTransition, ValueError)


def test_new_request_create_makes_a_uuid4_key_and_utc_time() -> None:
    plus2 = timezone(timedelta(hours=2))
    req = NewRequest.create(
        "kiosk-1", "Ann", "+12025550143", BestTime.ANY, now=datetime(2024, 5, 1, 12, tzinfo=plus2)
    )
    assert uuid.UUID(req.idempotency_key).version == 4
    assert req.created_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert req.created_at.utcoffset() == timedelta(0)
    other = NewRequest.create("kiosk-1", "Ann", "+12025550143", BestTime.ANY)
    assert other.idempotency_key != req.idempotency_key
    assert other.created_at.tzinfo is not None


def test_new_request_rejects_naive_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        NewRequest("k", "kiosk", "Ann", "+12025550143", BestTime.ANY, datetime(2024, 1, 1))


def test_personal_data_stays_out_of_repr() -> None:
    now = datetime.now(UTC)
    new = NewRequest.create("kiosk-1", "Secret Name", "+12025550143", BestTime.ANY)
    stored = CallbackRequest(
        1, "k", now, "kiosk-1", "Secret Name", "+12025550143", BestTime.ANY, Status.NEW, 0,
        "private note", now,
    )  # fmt: skip
    for text in (repr(new), repr(stored)):
        assert "Secret" not in text and "5550143" not in text and "private" not in text
