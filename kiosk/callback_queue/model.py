"""The callback request, its workflow of statuses and the audit trail, as plain values."""

from __future__ import annotations

import hashlib
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
    WRONG_NUMBER = "wrong-number"
    UNREACHABLE = "unreachable"
    DO_NOT_CALL = "do-not-call"


class BestTime(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    ANY = "any"


#: Outcomes of a call that did not reach the patient; each one counts as an attempt.
CALL_OUTCOMES: frozenset[Status] = frozenset({Status.NO_ANSWER, Status.LEFT_VOICEMAIL})

#: Requests someone still has to call: each has a due time and sorts by it.
AWAITING_CALL: frozenset[Status] = frozenset({Status.NEW, *CALL_OUTCOMES})
#: Requests nothing more happens to; retention deletes them once old enough.
FINAL: frozenset[Status] = frozenset({Status.CLOSED, Status.WRONG_NUMBER, Status.DO_NOT_CALL})

_AFTER_CONTACT = frozenset({Status.SCHEDULED, Status.NOT_INTERESTED, Status.CLOSED})
_GIVE_UP = frozenset({Status.WRONG_NUMBER, Status.UNREACHABLE, Status.DO_NOT_CALL})

# Calling again after no answer is a legal move, hence the self-loops on the call outcomes.
# "closed" straight from "new" lets staff close a duplicate or prank request. Whoever is
# reached may still ask not to be called again: do-not-call is open from every state but a
# final one. "unreachable" (after the last attempt) may still hear back from the patient.
_NEXT: dict[Status, frozenset[Status]] = {
    Status.NEW: CALL_OUTCOMES | _AFTER_CONTACT | _GIVE_UP,
    Status.NO_ANSWER: CALL_OUTCOMES | _AFTER_CONTACT | _GIVE_UP,
    Status.LEFT_VOICEMAIL: CALL_OUTCOMES | _AFTER_CONTACT | _GIVE_UP,
    Status.SCHEDULED: frozenset({Status.NOT_INTERESTED, Status.CLOSED, Status.DO_NOT_CALL}),
    Status.NOT_INTERESTED: frozenset({Status.CLOSED, Status.DO_NOT_CALL}),
    Status.UNREACHABLE: _AFTER_CONTACT | {Status.DO_NOT_CALL},
    Status.WRONG_NUMBER: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.DO_NOT_CALL: frozenset(),
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


def consent_version(text: str) -> str:
    """The version of a consent wording: the first 16 hex digits of its SHA-256, so any
    change to the text (a word, a comma) is a new version and the same text the same one."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Consent:
    """What the patient agreed to: the exact text shown, its language and its version."""

    text: str
    language: str
    version: str


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
    #: The consent sentence exactly as the patient saw it, and the screen's language.
    consent_text: str = ""
    language: str = ""

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
        *,
        consent_text: str = "",
        language: str = "",
    ) -> NewRequest:
        """A request with a fresh idempotency key, made once on the kiosk per patient."""
        return cls(
            idempotency_key=str(uuid.uuid4()),
            kiosk_id=kiosk_id,
            name=name,
            phone_e164=phone_e164,
            best_time=BestTime(best_time),
            created_at=(now or utc_now()).astimezone(UTC),
            consent_text=consent_text,
            language=language,
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
    #: When the next call is due (for a request nobody needs to call any more, when it was).
    due_by: datetime | None = None
    language: str = ""
    consent_version: str = ""

    @property
    def awaiting_call(self) -> bool:
        return self.status in AWAITING_CALL


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
