"""How a callback request reads on the staff screens: local times, national phone numbers, labels.

Qt-free. The staff table formats a row only when the view first asks for one of its cells
(about 34 µs each, mostly the phone number), so a screenful costs well under a millisecond
however long the queue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from kiosk.callback_queue.model import AuditEntry, BestTime, CallbackRequest, Status

STATUS_LABELS: dict[Status, str] = {
    Status.NEW: "New",
    Status.NO_ANSWER: "No answer",
    Status.LEFT_VOICEMAIL: "Left voicemail",
    Status.SCHEDULED: "Scheduled",
    Status.NOT_INTERESTED: "Not interested",
    Status.CLOSED: "Closed",
    Status.WRONG_NUMBER: "Wrong number",
    Status.UNREACHABLE: "Unreachable",
    Status.DO_NOT_CALL: "Do not call",
}
BEST_TIME_LABELS: dict[BestTime, str] = {
    BestTime.MORNING: "Morning",
    BestTime.AFTERNOON: "Afternoon",
    BestTime.EVENING: "Evening",
    BestTime.ANY: "Any time",
}
ACTION_LABELS = {"attempt": "Call attempt", "status": "Status", "note": "Note",
                 "sent-again": "Sent again"}
COLUMNS = ("Received", "Name", "Phone", "Best time", "Status", "Calls")

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Longest first, so "no-answer" is not read as "new" followed by something.
_STATUS_WORDS = re.compile(
    r"(?<![\w-])(" + "|".join(sorted((re.escape(s.value) for s in Status), key=len, reverse=True))
    + r")(?![\w-])"
)


def local_now() -> datetime:
    return datetime.now(UTC)


def received_parts(moment: datetime, now: datetime, tz: tzinfo | None = None) -> tuple[str, str]:
    """("Today", "14:05"); the day is "Yesterday", "Tue", "3 Mar" or "3 Mar 2024" when older."""
    local = moment.astimezone(tz)
    today = now.astimezone(tz).date()
    day = local.date()
    if day == today:
        name = "Today"
    elif day == today - timedelta(days=1):
        name = "Yesterday"
    elif today - timedelta(days=6) < day < today:
        name = _DAYS[day.weekday()]
    elif day.year == today.year:
        name = f"{day.day} {_MONTHS[day.month - 1]}"
    else:
        name = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return name, f"{local:%H:%M}"


def format_received(moment: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """"Today 14:05", "Yesterday 09:10", "Tue 16:30", "3 Mar 11:00" or "3 Mar 2024 11:00"."""
    return " ".join(received_parts(moment, now, tz))


def lateness(due: datetime, now: datetime) -> str:
    """How late a call is: "42 min late", "3 h 5 min late", "2 days late"."""
    minutes = int((now - due).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min late"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min late" if rest else f"{hours} h late"
    days = minutes // (24 * 60)
    return "1 day late" if days == 1 else f"{days} days late"


def due_text(request: CallbackRequest, now: datetime, tz: tzinfo | None = None) -> str:
    """The Due cell: "42 min late" once overdue, else when ("14:30", "Mon 08:50"); blank
    for a request nobody has to call any more."""
    if not request.awaiting_call or request.due_by is None:
        return ""
    if request.due_by <= now:
        return lateness(request.due_by, now)
    day, clock = received_parts(request.due_by, now, tz)
    if day == "Today":
        return f"by {clock}"
    if request.due_by.astimezone(tz).date() == now.astimezone(tz).date() + timedelta(days=1):
        day = "Tomorrow"
    return f"by {day} {clock}"


def format_phone(e164: str, region: str) -> str:
    """National form for the clinic's own country, international for any other."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == region.upper()
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def describe_detail(detail: str) -> str:
    """An audit detail with arrows and status labels: "New → No answer; attempt 1"."""
    text = detail.replace(" -> ", " → ")
    return _STATUS_WORDS.sub(lambda m: STATUS_LABELS[Status(m.group(1))], text)


#: Audit actions the detail panel's history leaves out (they change nothing).
QUIET_ACTIONS = frozenset({"view"})
#: Anything that looks like a phone number, for the trail printed by `kiosk audit`.
PHONE_LIKE = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def mask_phone_numbers(text: str) -> str:
    return PHONE_LIKE.sub("[number]", text)


def audit_line(entry: AuditEntry) -> str:
    """One row of `kiosk audit`, tab-separated: the time, who and where (``Ana on kiosk
    lobby-1``), the action and its detail; never a phone number (nor the patient's name:
    ``request 12`` says which request)."""
    about = f"request {entry.request_id}: " if entry.request_id is not None else ""
    detail = mask_phone_numbers(f"{about}{entry.detail}")
    who = f"{entry.person} on {entry.place}" if entry.place else entry.person or entry.actor
    return "\t".join((f"{entry.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC", who,
                      entry.action, detail))


@dataclass(frozen=True, slots=True)
class StaffRow:
    """One request, with every table cell already written out."""

    request: CallbackRequest = field(repr=False)
    received_day: str
    received_time: str
    name: str = field(repr=False)
    phone: str = field(repr=False)
    best_time: str
    status: str
    attempts: str
    #: "42 min late", "by 14:30", or "" once nobody has to call.
    due: str = ""
    overdue: bool = False

    @property
    def id(self) -> int:
        return self.request.id

    @property
    def received(self) -> str:
        return f"{self.received_day} {self.received_time}"

    @property
    def due_line(self) -> str:
        """The detail panel's line about the deadline."""
        if not self.due:
            return ""
        return f"Overdue: {self.due}" if self.overdue else f"Call {self.due}"

    def cells(self) -> tuple[str, ...]:
        """The table's cells; the received day and time on two lines keep that column narrow,
        and the status carries its deadline on a second line ("New" / "42 min late")."""
        status = f"{self.status}\n{self.due}" if self.due else self.status
        return (f"{self.received_day}\n{self.received_time}", self.name, self.phone,
                self.best_time, status, self.attempts)


@dataclass(frozen=True, slots=True)
class RequestDetail:
    """Everything the detail panel shows for one request, its history included."""

    row: StaffRow = field(repr=False)
    kiosk_id: str
    notes: tuple[str, ...] = field(repr=False)
    history: tuple[str, ...] = field(repr=False)


class RowFormatter:
    """Formats requests for one clinic: its region for phones, the local zone for times."""

    def __init__(self, region: str, now: Callable[[], datetime] = local_now,
                 tz: tzinfo | None = None) -> None:
        self._region = region
        self._now = now
        self._tz = tz

    @property
    def clock(self) -> Callable[[], datetime]:
        """What "now" is for the rows' lateness (and the overdue watch)."""
        return self._now

    def rows(self, requests: Iterable[CallbackRequest]) -> list[StaffRow]:
        now = self._now()
        return [self._row(req, now) for req in requests]

    def row(self, request: CallbackRequest) -> StaffRow:
        return self._row(request, self._now())

    def _row(self, req: CallbackRequest, now: datetime) -> StaffRow:
        day, clock = received_parts(req.created_at, now, self._tz)
        return StaffRow(
            request=req,
            received_day=day,
            received_time=clock,
            name=req.name,
            phone=format_phone(req.phone, self._region),
            best_time=BEST_TIME_LABELS.get(req.best_time, str(req.best_time)),
            status=STATUS_LABELS.get(req.status, str(req.status)),
            attempts=str(req.attempts),
            due=due_text(req, now, self._tz),
            overdue=req.awaiting_call and req.due_by is not None and req.due_by <= now,
        )

    def detail(self, request: CallbackRequest, audit: Iterable[AuditEntry]) -> RequestDetail:
        now = self._now()
        history = tuple(
            f"{format_received(entry.at, now, self._tz)} · "
            f"{ACTION_LABELS.get(entry.action, entry.action)}: {describe_detail(entry.detail)}"
            f" · {entry.actor}"
            # newest first, like the table; who only looked is in `kiosk audit`, not here
            for entry in reversed(list(audit)) if entry.action not in QUIET_ACTIONS
        )
        notes = tuple(line for line in request.notes.splitlines() if line.strip())
        return RequestDetail(self._row(request, now), request.kiosk_id, notes, history)
