"""What the clinic learns without learning who: anonymous counts and callback figures per day.

Qt-free. ``usage_counts`` holds the kiosk's counts (visits, sections opened, choices, form
steps) per local day, kiosk, counter and key, added to in batches. The callback figures
(requests, first call, reached, booked) are read from the queue and its audit history; what
retention deletes is first folded into ``callback_archive`` as per-day totals, so the
figures of a purged day stay the same and no personal data outlives its retention.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from kiosk.callback_queue.counts import UsageCount, check_name
from kiosk.callback_queue.engine import upsert_insert, write_transaction
from kiosk.callback_queue.model import Status
from kiosk.callback_queue.schema import audit_table as _audit
from kiosk.callback_queue.schema import callback_archive_table as _archive
from kiosk.callback_queue.schema import requests_table as _requests
from kiosk.callback_queue.schema import usage_counts_table as _counts

#: Statuses that mean the patient was reached (a call that got through).
REACHED = frozenset({Status.SCHEDULED.value, Status.NOT_INTERESTED.value})
#: Audit actions that are a call to the patient (h-deadlines' new outcomes are attempts too).
CALL_ACTIONS = frozenset({"attempt"})
_TARGET = re.compile(r"->\s*([a-z-]+)")

#: The archived figures: totals per day and kiosk, and first_call_min keyed by minutes.
ARCHIVED_TOTALS = ("requests", "called", "reached", "scheduled")
FIRST_CALL = "first_call_min"


def add_counts(engine: Engine, rows: Iterable[UsageCount]) -> int:
    """Add a batch to the stored counts in one transaction (upsert n = n + batch's n)."""
    batch = [r for r in rows if r.n]
    if not batch:
        return 0
    for row in batch:
        check_name(row.counter, row.key)
    insert = upsert_insert(engine.dialect.name)
    stmt = insert(_counts)
    stmt = stmt.on_conflict_do_update(
        index_elements=[_counts.c.day, _counts.c.kiosk_id, _counts.c.counter, _counts.c.key],
        set_={"n": _counts.c.n + stmt.excluded.n})
    values = [{"day": r.day, "kiosk_id": r.kiosk_id[:64], "counter": r.counter, "key": r.key,
               "n": r.n} for r in batch]
    with write_transaction(engine) as conn:
        conn.execute(stmt, values)  # one statement, many rows
    return len(batch)


def read_counts(engine: Engine, first_day: date, last_day: date) -> list[UsageCount]:
    """The stored counts of those days (inclusive), in a stable order."""
    stmt = (select(_counts)
            .where(_counts.c.day >= first_day.isoformat(), _counts.c.day <= last_day.isoformat())
            .order_by(_counts.c.day, _counts.c.kiosk_id, _counts.c.counter, _counts.c.key))
    with engine.connect() as conn:
        return [UsageCount(r.day, r.kiosk_id, r.counter, r.key, int(r.n))
                for r in conn.execute(stmt)]


# --- callback figures ------------------------------------------------------------------------


def local_day(at: datetime, tz: tzinfo | None) -> date:
    """The clinic's calendar day of an aware instant (tz None: the machine's local time)."""
    return at.astimezone(tz).date()


def day_start(day: date, tz: tzinfo | None) -> datetime:
    """The aware UTC instant a local day begins."""
    if tz is None:
        return datetime.combine(day, time()).astimezone().astimezone(UTC)
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


@dataclass(slots=True)
class DayFigures:
    """The callback figures of one local day and kiosk; no request is identifiable in it."""

    day: str
    kiosk_id: str
    requests: int = 0
    called: int = 0
    reached: int = 0
    scheduled: int = 0
    #: minutes from request to first call -> how many requests waited that long
    first_call_min: Counter[int] = field(default_factory=Counter)

    def add(self, other: DayFigures) -> None:
        self.requests += other.requests
        self.called += other.called
        self.reached += other.reached
        self.scheduled += other.scheduled
        self.first_call_min.update(other.first_call_min)


def _facts(conn: Connection, request_rows: list[Any], tz: tzinfo | None
           ) -> dict[tuple[str, str], DayFigures]:
    """Per (day, kiosk): what the rows and their audit history say."""
    ids = [r.id for r in request_rows]
    history: dict[int, list[Any]] = {}
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start:start + 500]
        stmt = (select(_audit.c.request_id, _audit.c.at, _audit.c.action, _audit.c.detail)
                .where(_audit.c.request_id.in_(chunk))
                .order_by(_audit.c.request_id, _audit.c.at, _audit.c.id))
        for row in conn.execute(stmt):
            history.setdefault(row.request_id, []).append(row)
    out: dict[tuple[str, str], DayFigures] = {}
    for req in request_rows:
        day = local_day(req.created_at, tz).isoformat()
        figures = out.setdefault((day, req.kiosk_id), DayFigures(day, req.kiosk_id))
        figures.requests += 1
        first_call: datetime | None = None
        targets = {req.status}
        for entry in history.get(req.id, []):
            match = _TARGET.search(entry.detail or "")
            target = match.group(1) if match else ""
            if entry.action in ("status", *CALL_ACTIONS) and target:
                targets.add(target)
            is_call = entry.action in CALL_ACTIONS or (entry.action == "status"
                                                       and target in REACHED)
            if is_call and first_call is None:
                first_call = entry.at
        if first_call is not None:
            figures.called += 1
            waited = max(first_call - req.created_at, timedelta(0))
            figures.first_call_min[int(waited.total_seconds() // 60)] += 1
        if targets & REACHED:
            figures.reached += 1
        if Status.SCHEDULED.value in targets:
            figures.scheduled += 1
    return out


def _requests_since(since: datetime | None, until: datetime | None) -> Any:
    stmt = select(_requests.c.id, _requests.c.created_at, _requests.c.kiosk_id,
                  _requests.c.status)
    if since is not None:
        stmt = stmt.where(_requests.c.created_at >= since)
    if until is not None:
        stmt = stmt.where(_requests.c.created_at < until)
    return stmt.order_by(_requests.c.created_at, _requests.c.id)


def callback_figures(engine: Engine, first_day: date, last_day: date, tz: tzinfo | None
                     ) -> list[DayFigures]:
    """Per local day and kiosk: the live requests' figures plus what retention archived."""
    since, until = day_start(first_day, tz), day_start(last_day + timedelta(days=1), tz)
    with engine.connect() as conn:
        rows = list(conn.execute(_requests_since(since, until)))
        merged = _facts(conn, rows, tz)
        archived = conn.execute(
            select(_archive).where(_archive.c.day >= first_day.isoformat(),
                                   _archive.c.day <= last_day.isoformat()))
        for row in archived:
            figures = merged.setdefault((row.day, row.kiosk_id), DayFigures(row.day, row.kiosk_id))
            if row.figure == FIRST_CALL:
                figures.first_call_min[int(row.key)] += int(row.n)
            elif row.figure in ARCHIVED_TOTALS:
                setattr(figures, row.figure, getattr(figures, row.figure) + int(row.n))
    return [merged[k] for k in sorted(merged)]


def archive_requests(conn: Connection, doomed: Any, tz: tzinfo | None) -> int:
    """Inside retention's transaction: fold the requests ``doomed`` selects (ids) into
    ``callback_archive`` before they are deleted. Returns how many were folded."""
    rows = list(conn.execute(
        select(_requests.c.id, _requests.c.created_at, _requests.c.kiosk_id, _requests.c.status)
        .where(_requests.c.id.in_(doomed))))
    if not rows:
        return 0
    insert = upsert_insert(conn.dialect.name)
    for (day, kiosk_id), figures in _facts(conn, rows, tz).items():
        values = [(name, "", getattr(figures, name)) for name in ARCHIVED_TOTALS]
        values += [(FIRST_CALL, str(minutes), n) for minutes, n in figures.first_call_min.items()]
        for figure, key, n in values:
            if not n:
                continue
            stmt = insert(_archive).values(day=day, kiosk_id=kiosk_id, figure=figure, key=key, n=n)
            conn.execute(stmt.on_conflict_do_update(
                index_elements=[_archive.c.day, _archive.c.kiosk_id, _archive.c.figure,
                                _archive.c.key],
                set_={"n": _archive.c.n + stmt.excluded.n}))
    return len(rows)


def overdue_now(engine: Engine, now: datetime) -> int:
    """Requests someone still has to call whose next call was due before ``now`` (the due
    times the store keeps: business minutes from [clinic] hours and the [staff] targets)."""
    stmt = select(func.count()).select_from(_requests).where(
        _requests.c.queue_rank == 0, _requests.c.due_by < now)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())
