"""The callback request, its workflow of statuses and the audit trail, as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    NO_ANSWER = "no-answer"
    LEFT_VOICEMAIL = "left-voicemail"
    SCHEDULED = "scheduled"
    NOT_INTERESTED = "not-interested"
    CLOSED = "closed"


class BestTime(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    ANY = "any"


#: Outcomes of a call that did not reach the patient; each one counts as an attempt.
CALL_OUTCOMES: frozenset[Status] = frozenset({Status.NO_ANSWER, Status.LEFT_VOICEMAIL})

_AFTER_CONTACT = frozenset({Status.SCHEDULED, Status.NOT_INTERESTED, Status.CLOSED})

# Calling again after no answer is a legal move, hence the self-loops on the call outcomes.
# "closed" straight from "new" lets staff close a duplicate or prank request.
_NEXT: dict[Status, frozenset[Status]] = {
    Status.NEW: CALL_OUTCOMES | _AFTER_CONTACT,
    Status.NO_ANSWER: CALL_OUTCOMES | _AFTER_CONTACT,
    Status.LEFT_VOICEMAIL: CALL_OUTCOMES | _AFTER_CONTACT,
    Status.SCHEDULED: frozenset({Status.NOT_INTERESTED, Status.CLOSED}),
    Status.NOT_INTERESTED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class InvalidTransition(ValueError):
    """A status change the workflow does not allow."""

    def __init__(self, current: Status, requested: Status) -> None:
        allowed = ", ".join(sorted(allowed_next(current))) or "nothing (it is final)"
        super().__init__(
            f"cannot move a request from {current!s} to {requested!s}; allowed: {allowed}"
        )
        self.current = current
        self.requested = requested


def allowed_next(status: Status) -> frozenset[Status]:
    """The statuses a request in ``status`` may move to."""
    return _NEXT[Status(status)]


def check_transition(current: Status, requested: Status) -> None:
    """Raise InvalidTransition unless ``current`` may move to ``requested``."""
    if Status(requested) not in allowed_next(current):
        raise InvalidTransition(Status(current), Status(requested))


def utc_now() -> datetime:
    return datetime.now(UTC)


# Names, phone numbers and notes are kept out of repr() so that a logged or printed
# request never leaks personal data.
@dataclass(frozen=True, slots=True)
class NewRequest:
    idempotency_key: str
    kiosk_id: str
    name: str = field(repr=False)
    phone_e164: str = field(repr=False)
    best_time: BestTime
    created_at: datetime

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")

    @classmethod
    def create(
        cls,
        kiosk_id: str,
        name: str,
        phone_e164: str,
        best_time: BestTime,
        now: datetime | None = None,
    ) -> NewRequest:
        """A request with a fresh idempotency key, made once on the kiosk per patient."""
        return cls(
            idempotency_key=str(uuid.uuid4()),
            kiosk_id=kiosk_id,
            name=name,
            phone_e164=phone_e164,
            best_time=BestTime(best_time),
            created_at=(now or utc_now()).astimezone(UTC),
        )


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    id: int
    idempotency_key: str
    created_at: datetime
    kiosk_id: str
    name: str = field(repr=False)
    phone: str = field(repr=False)
    best_time: BestTime
    status: Status
    attempts: int
    notes: str = field(repr=False)
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something, and where: ``Ana on kiosk lobby-1``, ``Ana on console desk-2``."""

    person: str
    place: str = ""

    def __str__(self) -> str:
        return f"{self.person} on {self.place}" if self.place else self.person


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    request_id: int | None
    at: datetime
    actor: str
    action: str
    detail: str
    person: str = ""
    place: str = ""
    #: The patient's name the row is about; None once retention removed it.
    personal: str | None = field(default=None, repr=False)


class Role(StrEnum):
    ADMIN = "admin"  # manage staff, export, exit kiosk mode
    STAFF = "staff"  # work the queue


#: A staff name's longest form (the pad's buttons, the audit's person).
STAFF_NAME_MAX_CHARS = 40


class AccountError(ValueError):
    """An account change that cannot be made; the message says why, for whoever asked."""


@dataclass(frozen=True, slots=True)
class StaffAccount:
    name: str
    role: Role
    pin_hash: str = field(repr=False)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def staff_name_key(name: str) -> str:
    """What makes two names the same account: spacing and letter case do not count."""
    return " ".join(name.split()).casefold()


def clean_staff_name(name: str) -> str:
    """The name as stored and shown, or AccountError saying what is wrong with it."""
    clean = " ".join(name.split()) if isinstance(name, str) else ""
    if not clean:
        raise AccountError("A staff name cannot be empty.")
    if len(clean) > STAFF_NAME_MAX_CHARS:
        raise AccountError(f"A staff name can be at most {STAFF_NAME_MAX_CHARS} characters.")
    if not clean.isprintable():
        raise AccountError("A staff name cannot contain control characters.")
    return clean
