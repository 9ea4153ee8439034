"""The durable callback queue on SQLite or PostgreSQL: submit, page, staff changes, retention.

Every method opens its own short transaction on a shared engine, so one store may be used
from several threads. Logs carry request ids only, never names or phone numbers.

Over 300 lines for a reason: it is the one class that writes the queue, and each change
(an attempt, a status, a note) is one transaction with its audit row, kept side by side so
that what every write locks, checks and records can be read in one place.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, select, tuple_

from kiosk.callback_queue import audit_chain, schema
from kiosk.callback_queue.deadlines import DeadlinePolicy
from kiosk.callback_queue.engine import (
    DEFAULT_CONNECT_TIMEOUT_S,
    ClosesOnExit,
    make_engine,
    restrict_sqlite_files,
    sqlite_path,
    upsert_insert,
    write_transaction,
)
from kiosk.callback_queue.file_identity import OpenedFile, QueueFileReplaced
from kiosk.callback_queue.model import (
    AWAITING_CALL,
    CALL_OUTCOMES,
    FINAL,
    Actor,
    AuditEntry,
    BestTime,
    CallbackRequest,
    Consent,
    NewRequest,
    Status,
    check_transition,
    consent_version,
    utc_now,
)
from kiosk.callback_queue.usage import archive_requests

log = logging.getLogger(__name__)

#: PostgreSQL channel a staff console LISTENs on; the payload is the changed request's id.
LISTEN_CHANNEL = "callback_queue"
ACTOR_MAX_CHARS = 64
PERSON_MAX_CHARS = 64
PLACE_MAX_CHARS = 96
NOTE_MAX_CHARS = 2000
#: The same phone number sent again from the same kiosk within this time is one request.
SENT_AGAIN_WITHIN = timedelta(minutes=10)

_requests = schema.requests_table
_audit = schema.audit_table
_do_not_call = schema.do_not_call_table
_chain_head = schema.audit_chain_head_table

#: (highest id, latest updated_at, number of requests); see CallbackStore.change_marker.
ChangeMarker = tuple[int, datetime | None, int]
#: How many requests before a jump's depth page_at reads to place it inside a tie.
_TIE_LOOKBACK = 64
#: Where a keyset page starts: a request's place in one of the orders below.
PageKey = tuple[Any, ...]


class QueueOrder(StrEnum):
    """The two total orders the queue is read in, each served by its own indexes."""

    #: (created_at, id): newest first, as stored. Exports and tests read in it.
    CREATED = "created"
    #: (queue_rank, due_by, id): who has to be called, most due first; then the rest.
    #: The staff list's order.
    DUE = "due"


def page_key(request: CallbackRequest) -> PageKey:
    return request.created_at, request.id


def queue_rank(status: Status) -> int:
    """0 while someone has to call the request, 1 once nobody does."""
    return 0 if Status(status) in AWAITING_CALL else 1


def due_key(request: CallbackRequest) -> PageKey:
    """A request's place in QueueOrder.DUE."""
    return queue_rank(request.status), request.due_by, request.id


def order_key(request: CallbackRequest, order: QueueOrder) -> PageKey:
    return due_key(request) if order is QueueOrder.DUE else page_key(request)


class RequestNotFound(LookupError):
    """No callback request has this id (it may have been purged)."""


class QueueDamaged(RuntimeError):
    """SQLite's integrity check found the queue's file damaged."""


def probe_write(conn: Connection, statement: Any) -> None:
    """Run ``statement`` in a transaction that is rolled back: proves the database takes
    writes (permissions, locks, a full disk) without changing it."""
    with contextlib.suppress(_RolledBack), conn.begin():
        conn.execute(statement)
        raise _RolledBack


class _RolledBack(Exception):
    pass


class CallbackStore(ClosesOnExit):
    """The queue's single source of truth; build it with ``CallbackStore.open(url)``."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now,
                 url: str | None = None, policy: DeadlinePolicy | None = None) -> None:
        self._engine = engine
        self._clock = clock
        #: The clinic's hours and callback targets: what makes each request due when.
        self.policy = policy or DeadlinePolicy.default()
        self._is_pg = engine.dialect.name == "postgresql"
        self._url = url
        path = sqlite_path(url) if url is not None and not self._is_pg else None
        #: The SQLite file this store writes, followed when it is removed or replaced.
        self._file = OpenedFile(path) if path is not None else None
        self._reopen_lock = threading.Lock()
        self._told_replaced = False

    @classmethod
    def open(
        cls,
        url: str,
        *,
        clock: Callable[[], datetime] = utc_now,
        connect_timeout_s: int = DEFAULT_CONNECT_TIMEOUT_S,
        policy: DeadlinePolicy | None = None,
    ) -> CallbackStore:
        """Connect, then create or upgrade the schema in one transaction.

        Raises sqlalchemy.exc.OperationalError when the server cannot be reached and
        schema.SchemaTooNew when a newer kiosk wrote the database.
        """
        engine = make_engine(url, connect_timeout_s)
        try:
            with write_transaction(engine) as conn:
                schema.upgrade(conn)
        except BaseException:
            engine.dispose()
            raise
        path = sqlite_path(url) if engine.dialect.name == "sqlite" else None
        if path is not None:
            restrict_sqlite_files(path)
        return cls(engine, clock, url, policy)

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    def now(self) -> datetime:
        """The store's clock (UTC): what due times and overdue checks are measured against."""
        return self._now()

    # -- kiosk side ----------------------------------------------------------------------

    def submit(self, req: NewRequest, *, merge_sent_again: bool = False) -> CallbackRequest:
        """Store a request once and return its row.

        Resubmitting the same idempotency key returns the first row. With
        ``merge_sent_again`` (the kiosk's own submits), the same phone number sent again from
        the same kiosk within ``SENT_AGAIN_WITHIN`` is the same request too: staff see "sent
        again" in its history. The request is confirmed only once it is in the file at the
        queue's path (see file_identity).
        """
        for _ in range(3):
            try:
                return self._submit_once(req, merge_sent_again)
            except QueueFileReplaced:  # the idempotency key makes writing it again safe
                continue
        raise QueueFileReplaced(f"the queue file {self._file.path if self._file else ''} "
                                "keeps changing under the kiosk")

    def _submit_once(self, req: NewRequest, merge_sent_again: bool) -> CallbackRequest:
        now = self._now()
        values = {
            "idempotency_key": req.idempotency_key,
            "created_at": req.created_at,
            "kiosk_id": req.kiosk_id,
            "name": req.name,
            "phone": req.phone_e164,
            "best_time": BestTime(req.best_time).value,
            "status": Status.NEW.value,
            "attempts": 0,
            "notes": "",
            "updated_at": now,
            "due_by": self.policy.first_due(req.created_at),
            "queue_rank": queue_rank(Status.NEW),
            "consent_text": req.consent_text,
            "consent_language": req.language[:8],
            "consent_version": consent_version(req.consent_text) if req.consent_text else "",
        }
        insert = upsert_insert(self._engine.dialect.name)
        stmt = (
            insert(_requests)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[_requests.c.idempotency_key])
            .returning(_requests.c.id)
        )
        same_key = select(_requests).where(_requests.c.idempotency_key == req.idempotency_key)
        sent_again = None
        with self._writing() as conn:
            row = conn.execute(same_key).first()
            new_id = None
            if row is None and merge_sent_again:
                sent_again = self._recent_from_same_phone(conn, req)
            if row is None:
                if sent_again is not None:
                    row = sent_again
                    self._write_audit(conn, row.id, now,
                                      _check_actor(Actor("patient", f"kiosk {req.kiosk_id}")),
                                      "sent-again", "the same number was sent again",
                                      personal=row.name)
                    self._update(conn, row.id, {"updated_at": now})
                else:
                    new_id = conn.execute(stmt).scalar_one_or_none()
                    if new_id is not None:
                        self._refuse_if_do_not_call(conn, new_id, req, now)
                        self._notify(conn, new_id)
                    row = conn.execute(same_key).one()
        if sent_again is not None:
            log.info("request %d was sent again from kiosk %s; kept as one", row.id, req.kiosk_id)
        elif new_id is None:
            log.info("request %d was already stored; resubmission ignored", row.id)
        else:
            log.info("stored request %d from kiosk %s", new_id, req.kiosk_id)
        return _to_request(row)

    def _refuse_if_do_not_call(self, conn: Connection, request_id: int, req: NewRequest,
                               now: datetime) -> None:
        """A number on the do-not-call list: the request is kept (the patient did ask), but
        closed at once as do-not-call, with the reason in its history."""
        listed = conn.execute(
            select(_do_not_call).where(_do_not_call.c.phone == req.phone_e164)).first()
        if listed is None:
            return
        conn.execute(_requests.update().where(_requests.c.id == request_id).values(
            status=Status.DO_NOT_CALL.value, queue_rank=queue_rank(Status.DO_NOT_CALL)))
        self._write_audit(
            conn, request_id, now, _check_actor(f"kiosk:{req.kiosk_id}"), "status",
            f"new -> do-not-call; this number asked not to be called "
            f"(request {listed.request_id}, {listed.at:%Y-%m-%d}, noted by {listed.actor})")
        log.info("request %d: the number is on the do-not-call list; recorded closed",
                 request_id)

    @staticmethod
    def _recent_from_same_phone(conn: Connection, req: NewRequest) -> Row[Any] | None:
        stmt = (
            select(_requests)
            .where(
                _requests.c.created_at >= req.created_at - SENT_AGAIN_WITHIN,
                _requests.c.created_at <= req.created_at,
                _requests.c.kiosk_id == req.kiosk_id,
                _requests.c.phone == req.phone_e164,
            )
            .order_by(_requests.c.created_at.desc(), _requests.c.id.desc())
            .limit(1)
        )
        return conn.execute(stmt).first()

    # -- staff side: reading -------------------------------------------------------------

    def get(self, request_id: int) -> CallbackRequest:
        with self._engine.connect() as conn:
            row = conn.execute(select(_requests).where(_requests.c.id == request_id)).first()
        if row is None:
            raise RequestNotFound(request_id)
        return _to_request(row)

    def page(
        self,
        status: Status | None = None,
        offset: int = 0,
        limit: int = 50,
        newest_first: bool = True,
        order: QueueOrder = QueueOrder.CREATED,
    ) -> list[CallbackRequest]:
        """One page of requests ordered by creation time (or ``order``), optionally of one
        status."""
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must not be negative")
        stmt = (select(_requests).order_by(*_key_order(newest_first, order))
                .offset(offset).limit(limit))
        stmt = _of_status(stmt, status, order)
        with self._engine.connect() as conn:
            return [_to_request(row) for row in conn.execute(stmt)]

    def page_from(
        self,
        key: PageKey | None = None,
        status: Status | None = None,
        limit: int = 100,
        newest_first: bool = True,
        inclusive: bool = False,
        order: QueueOrder = QueueOrder.CREATED,
    ) -> list[CallbackRequest]:
        """Keyset paging: up to ``limit`` requests after ``key`` in (created_at, id) order.

        Newest first reads requests older than ``key``, oldest first newer ones; ``None``
        starts at that end. Each page is one range read of ``ix_callback_requests_created_at``
        (or ``..._status_created_at``), as cheap at the millionth row as at the first, and a
        request stored meanwhile can neither push a row onto the next page nor hide one.

        With ``order=QueueOrder.DUE`` the key is ``due_key`` and "newest first" means from
        the top of the staff list (most due first), on ``ix_callback_requests_rank_due``
        (or ``..._status_rank_due``).
        """
        if limit < 0:
            raise ValueError("limit must not be negative")
        columns = tuple_(*_order_columns(order))
        stmt = select(_requests).order_by(*_key_order(newest_first, order)).limit(limit)
        if key is not None:
            bound = tuple_(*key)
            if _descending(newest_first, order):
                stmt = stmt.where(columns <= bound if inclusive else columns < bound)
            else:
                stmt = stmt.where(columns >= bound if inclusive else columns > bound)
        stmt = _of_status(stmt, status, order)
        with self._engine.connect() as conn:
            return [_to_request(row) for row in conn.execute(stmt)]

    def page_at(
        self,
        skip: int,
        status: Status | None = None,
        limit: int = 100,
        newest_first: bool = True,
        order: QueueOrder = QueueOrder.CREATED,
    ) -> list[CallbackRequest]:
        """The page ``skip`` requests in from one end: a jump deep into the queue.

        Only the creation time at that depth is found by OFFSET, on the index alone (no sort:
        ordering by created_at and id would make PostgreSQL sort every skipped row, 0.5 s at
        half a million); the requests created at that same moment just before it tell how
        far into a tie it is. The page itself is read by keyset. Jump from the nearer end:
        the cost grows with ``skip``.
        """
        if skip < 0:
            raise ValueError("skip must not be negative")
        if not skip:
            return self.page_from(None, status, limit, newest_first, order=order)
        back = min(skip, _TIE_LOOKBACK)
        # Every key column but the id: one column (created_at), or (queue_rank, due_by).
        prefix = _order_columns(order)[:-1]
        descending = _descending(newest_first, order)
        stmt = (select(*prefix).order_by(*(c.desc() if descending else c.asc() for c in prefix))
                .offset(skip - back).limit(back + 1))
        stmt = _of_status(stmt, status, order)
        with self._engine.connect() as conn:
            stamps = [tuple(row) for row in conn.execute(stmt)]
        if len(stamps) <= back:
            return []
        moment = stamps[-1]
        ahead = 0  # requests of the same moment before position ``skip``
        while ahead < back and stamps[-2 - ahead] == moment:
            ahead += 1
        if ahead == back and skip > back:  # a tie longer than the look-back: sort it out
            return self._page_at_sorted(skip, status, limit, newest_first, order)
        at = prefix[0] if len(prefix) == 1 else tuple_(*prefix)
        bound = moment[0] if len(prefix) == 1 else tuple_(*moment)
        stmt = (select(_requests).where(at <= bound if descending else at >= bound)
                .order_by(*_key_order(newest_first, order)).limit(limit + ahead))
        stmt = _of_status(stmt, status, order)
        with self._engine.connect() as conn:
            return [_to_request(row) for row in conn.execute(stmt)][ahead:]

    def _page_at_sorted(self, skip: int, status: Status | None, limit: int,
                        newest_first: bool, order: QueueOrder) -> list[CallbackRequest]:
        stmt = (select(*_order_columns(order))
                .order_by(*_key_order(newest_first, order)).offset(skip - 1).limit(1))
        stmt = _of_status(stmt, status, order)
        with self._engine.connect() as conn:
            found = conn.execute(stmt).first()
        if found is None:
            return []
        return self.page_from(tuple(found), status, limit, newest_first, order=order)

    def page_after(
        self, after_id: int = 0, status: Status | None = None, limit: int = 1000
    ) -> list[CallbackRequest]:
        """Requests with id > after_id in id order: stable paging while rows come and go."""
        stmt = (
            select(_requests).where(_requests.c.id > after_id).order_by(_requests.c.id).limit(limit)
        )
        stmt = _of_status(stmt, status)
        with self._engine.connect() as conn:
            return [_to_request(row) for row in conn.execute(stmt)]

    def count(self, status: Status | None = None) -> int:
        stmt = select(func.count()).select_from(_requests)
        stmt = _of_status(stmt, status)
        with self._engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def count_before(self, key: PageKey, status: Status | None = None,
                     order: QueueOrder = QueueOrder.CREATED) -> int:
        """How many requests come before ``key`` from the top of ``order``: where a held row
        now sits when requests arrived (or went) on either side of it. One index range."""
        columns = tuple_(*_order_columns(order))
        bound = tuple_(*key)
        before = columns > bound if _descending(True, order) else columns < bound
        stmt = _of_status(select(func.count()).select_from(_requests).where(before), status)
        with self._engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def change_marker(self) -> ChangeMarker:
        """A cheap value that differs whenever a request is added, changed or purged."""
        self.follow_file()  # the staff screens poll this: they follow a replaced file too
        # Separate subqueries let each max() read one end of an index instead of every row.
        stmt = select(
            select(func.coalesce(func.max(_requests.c.id), 0)).scalar_subquery(),
            select(func.max(_requests.c.updated_at)).scalar_subquery(),
            select(func.count()).select_from(_requests).scalar_subquery(),
        )
        with self._engine.connect() as conn:
            max_id, last_update, total = conn.execute(stmt).one()
        return int(max_id), last_update, int(total)

    def overdue_between(self, after: datetime, until: datetime) -> list[CallbackRequest]:
        """Requests someone has to call whose due time passed in (after, until], most due
        first: one range read of ``ix_callback_requests_rank_due``."""
        stmt = (select(_requests)
                .where(_requests.c.queue_rank == 0, _requests.c.due_by > after,
                       _requests.c.due_by <= until)
                .order_by(_requests.c.due_by, _requests.c.id))
        with self._engine.connect() as conn:
            return [_to_request(row) for row in conn.execute(stmt)]

    def next_due_after(self, moment: datetime) -> datetime | None:
        """The earliest due time after ``moment`` of a request someone has to call."""
        stmt = select(func.min(_requests.c.due_by)).where(
            _requests.c.queue_rank == 0, _requests.c.due_by > moment)
        with self._engine.connect() as conn:
            return conn.execute(stmt).scalar_one_or_none()

    def consent(self, request_id: int) -> Consent:
        """The consent the patient agreed to: its exact text, language and version (blank
        for requests stored before consent was recorded)."""
        stmt = select(_requests.c.consent_text, _requests.c.consent_language,
                      _requests.c.consent_version).where(_requests.c.id == request_id)
        with self._engine.connect() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            raise RequestNotFound(request_id)
        return Consent(row.consent_text, row.consent_language, row.consent_version)

    def last_actors(self, request_ids: Iterable[int]) -> dict[int, str]:
        """Who wrote each request's latest audit row (requests without one are left out)."""
        ids = list(request_ids)
        if not ids:
            return {}
        latest = (select(func.max(_audit.c.id)).where(_audit.c.request_id.in_(ids))
                  .group_by(_audit.c.request_id))
        stmt = select(_audit.c.request_id, _audit.c.actor).where(_audit.c.id.in_(latest))
        with self._engine.connect() as conn:
            return {row.request_id: row.actor for row in conn.execute(stmt)}

    def is_do_not_call(self, phone_e164: str) -> bool:
        with self._engine.connect() as conn:
            return conn.execute(select(_do_not_call.c.phone)
                                .where(_do_not_call.c.phone == phone_e164)).first() is not None

    def audit(self, request_id: int) -> list[AuditEntry]:
        """One request's history, oldest first."""
        return self.audit_trail(request_id)

    def audit_trail(self, request_id: int | None = None, *,
                    after_id: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """The whole trail (or one request's) in the order it was written."""
        stmt = select(_audit).where(_audit.c.id > after_id).order_by(_audit.c.id)
        if request_id is not None:
            stmt = stmt.where(_audit.c.request_id == request_id)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._engine.connect() as conn:
            return [
                AuditEntry(r.id, r.request_id, r.at, r.actor, r.action, r.detail,
                           r.person, r.place, r.personal)
                for r in conn.execute(stmt)
            ]

    def verify_audit(self) -> audit_chain.ChainReport:
        """Walk the audit chain: intact, or the first row that does not match."""
        with self._engine.connect() as conn:
            return audit_chain.verify(conn, _audit, _chain_head)

    # -- staff side: what staff looked at and did outside a request's changes ---------

    def record_view(self, request_id: int, actor: Actor | str) -> None:
        """Staff opened a request's details (a name and a phone number): audited too."""
        actor = _check_actor(actor)
        with self._writing() as conn:
            name = conn.execute(select(_requests.c.name)
                                .where(_requests.c.id == request_id)).scalar_one_or_none()
            if name is None:
                raise RequestNotFound(request_id)
            self._write_audit(conn, request_id, self._now(), actor, "view",
                              "opened the request's details", personal=name)

    def record_event(self, actor: Actor | str, action: str, detail: str = "",
                     request_id: int | None = None) -> None:
        """An audited event that changes no request: a sign-in, an export, an account."""
        actor = _check_actor(actor)
        with self._writing() as conn:
            self._write_audit(conn, request_id, self._now(), actor, action, detail)

    # -- staff side: changes (each one audited in its own transaction) ----------------

    def record_attempt(
        self, request_id: int, outcome: Status, actor: Actor | str, note: str | None = None
    ) -> CallbackRequest:
        """A call that did not reach the patient: bumps attempts and sets the outcome.

        The next call is due ``retry_after_min`` business minutes later; the
        ``max_attempts``-th such call makes the request "unreachable" instead."""
        outcome = Status(outcome)
        if outcome not in CALL_OUTCOMES:
            raise ValueError(
                f"{outcome} is not a call outcome; use set_status for reached patients"
            )
        actor = _check_actor(actor)
        clean_note = _check_note(note) if note is not None else None
        with self._writing() as conn:
            row = self._lock_row(conn, request_id)
            current = Status(row.status)
            check_transition(current, outcome)
            attempts = row.attempts + 1
            now = self._now()
            limit = self.policy.max_attempts
            final = Status.UNREACHABLE if attempts >= limit else outcome
            changes: dict[str, Any] = {
                "status": final.value,
                "attempts": attempts,
                "updated_at": now,
                "queue_rank": queue_rank(final),
            }
            detail = f"{current} -> {outcome}; attempt {attempts}"
            if final is Status.UNREACHABLE:
                detail += f"; {outcome} -> unreachable after {attempts} of {limit} calls"
            else:
                changes["due_by"] = self.policy.retry_due(now)
            if clean_note is not None:
                changes["notes"] = _append_note(row.notes, clean_note, actor, now)
                detail += "; note added"
            self._update(conn, request_id, changes)
            self._write_audit(conn, request_id, now, actor, "attempt", detail,
                              personal=row.name)
        log.info("request %d: call attempt %d by %s%s", request_id, attempts, actor,
                 "; unreachable" if final is Status.UNREACHABLE else "")
        return self.get(request_id)

    def set_status(self, request_id: int, status: Status,
                   actor: Actor | str) -> CallbackRequest:
        """Move a request on after the patient was reached, or close it.

        "do-not-call" also puts the number on the do-not-call list and closes every other
        open request from it, each with its own audit row; later requests from the number
        are recorded closed (see submit)."""
        status = Status(status)
        if status in CALL_OUTCOMES:
            raise ValueError(f"{status} counts as a call attempt; use record_attempt")
        actor = _check_actor(actor)
        others: list[int] = []
        with self._writing() as conn:
            row = self._lock_row(conn, request_id)
            current = Status(row.status)
            check_transition(current, status)
            now = self._now()
            self._update(conn, request_id, {"status": status.value, "updated_at": now,
                                            "queue_rank": queue_rank(status)})
            self._write_audit(conn, request_id, now, actor, "status", f"{current} -> {status}",
                              personal=row.name)
            if status is Status.DO_NOT_CALL:
                others = self._close_number(conn, row.phone, request_id, actor, now)
        log.info("request %d: %s -> %s by %s", request_id, current, status, actor)
        if others:
            log.info("do-not-call from request %d closed %d other request(s): %s",
                     request_id, len(others), ", ".join(map(str, others)))
        return self.get(request_id)

    def _close_number(self, conn: Connection, phone: str, request_id: int,
                      actor: Actor | str,
                      now: datetime) -> list[int]:
        insert = upsert_insert(self._engine.dialect.name)
        conn.execute(insert(_do_not_call).values(phone=phone, request_id=request_id, at=now,
                                                 actor=str(actor)[:64])
                     .on_conflict_do_nothing(index_elements=[_do_not_call.c.phone]))
        final = [s.value for s in (*FINAL,)]
        stmt = (select(_requests.c.id, _requests.c.status, _requests.c.name)
                .where(_requests.c.phone == phone, _requests.c.id != request_id,
                       _requests.c.status.not_in(final))
                .order_by(_requests.c.id).with_for_update())
        closed = []
        for other in conn.execute(stmt).all():
            self._update(conn, other.id, {"status": Status.DO_NOT_CALL.value, "updated_at": now,
                                          "queue_rank": queue_rank(Status.DO_NOT_CALL)})
            self._write_audit(conn, other.id, now, actor, "status",
                              f"{other.status} -> do-not-call; the number asked not to be "
                              f"called (request {request_id})", personal=other.name)
            closed.append(other.id)
        return closed

    def add_note(self, request_id: int, text: str, actor: Actor | str) -> CallbackRequest:
        clean = _check_note(text)
        actor = _check_actor(actor)
        with self._writing() as conn:
            row = self._lock_row(conn, request_id)
            now = self._now()
            notes = _append_note(row.notes, clean, actor, now)
            self._update(conn, request_id, {"notes": notes, "updated_at": now})
            self._write_audit(
                conn, request_id, now, actor, "note", f"note added ({len(clean)} characters)",
                personal=row.name,
            )
        log.info("request %d: note added by %s", request_id, actor)
        return self.get(request_id)

    def purge_closed(self, older_than_days: int, now: datetime | None = None,
                     tz: tzinfo | None = None, actor: Actor | str = "retention") -> int:
        """Delete final requests (closed, wrong number, do-not-call) untouched for that
        many days, with their personal data. The do-not-call list keeps its numbers.

        Their anonymous figures (per local day in ``tz``, None for the machine's: how many,
        called, reached, booked, minutes to the first call) are kept in the same
        transaction, so the report of a purged day does not change. Their audit rows stay,
        without the patient's name: the chain hashes only a digest of it, so it still
        verifies; the purge itself is a row of the chain."""
        if older_than_days < 0:
            raise ValueError("older_than_days must not be negative")
        actor = _check_actor(actor)
        cutoff = (now or self._now()) - timedelta(days=older_than_days)
        doomed = select(_requests.c.id).where(
            _requests.c.status.in_([s.value for s in FINAL]), _requests.c.updated_at < cutoff
        )
        with self._writing() as conn:
            archive_requests(conn, doomed, tz)
            conn.execute(_audit.update().where(_audit.c.request_id.in_(doomed))
                         .values(personal=None, personal_salt=None))
            purged = conn.execute(_requests.delete().where(_requests.c.id.in_(doomed))).rowcount
            if purged:
                self._notify(conn, 0)
                self._write_audit(conn, None, self._now(), actor, "retention-purge",
                                  f"{purged} finished request(s) untouched for "
                                  f"{older_than_days} days deleted with their personal data")
        log.info("purged %d closed requests older than %d days", purged, older_than_days)
        return int(purged)

    def probe(self) -> None:
        """Raise unless a request could be stored now: the file at the queue's path, whole
        (SQLite's quick_check), and writable (a write, rolled back)."""
        self.follow_file()
        if not self._is_pg:
            with self._engine.connect() as conn:
                problems = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise QueueDamaged("; ".join(str(p) for p in problems))
        with self._engine.connect() as conn:
            probe_write(conn, schema.meta_table.update()
                        .where(schema.meta_table.c.key == schema.VERSION_KEY)
                        .values(value=schema.meta_table.c.value))

    # -- internals -----------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction on the file at the queue's path, checked before and after:
        QueueFileReplaced when the file changed while the change was written."""
        self.follow_file()
        with write_transaction(self._engine) as conn:
            yield conn
        if self._file is not None and not self._file.is_current():
            self.follow_file()
            raise QueueFileReplaced(f"the queue file {self._file.path} changed during a write")

    def follow_file(self) -> None:
        """Reopen the queue's path if its file was removed or replaced since it was opened
        (a new, empty database when the file is gone); an ERROR in the log names it.

        Raises (engine.QueueFileError) while the file's folder is gone: nothing is written
        anywhere until it is back (the kiosk re-creates its own data folder)."""
        if self._file is None or self._file.is_current():
            return
        with self._reopen_lock:
            if self._file.is_current():
                return
            path = self._file.path
            if not self._told_replaced:  # once per replaced file, not once per try
                self._told_replaced = True
                log.error("the queue file %s was removed or replaced while the kiosk ran; "
                          "reopening it (a new, empty queue if it is gone)", path)
            engine = make_engine(self._url, DEFAULT_CONNECT_TIMEOUT_S)
            try:
                with write_transaction(engine) as conn:
                    schema.upgrade(conn)
            except BaseException:
                engine.dispose()
                raise
            restrict_sqlite_files(path)
            old, self._engine = self._engine, engine
            self._file = OpenedFile(path)
            self._told_replaced = False
            old.dispose()

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the store's clock must return aware datetimes")
        return now.astimezone(UTC)

    def _lock_row(self, conn: Connection, request_id: int) -> Row[Any]:
        # FOR UPDATE serialises staff edits on PostgreSQL; SQLite's BEGIN IMMEDIATE already has.
        stmt = select(_requests).where(_requests.c.id == request_id).with_for_update()
        row = conn.execute(stmt).first()
        if row is None:
            raise RequestNotFound(request_id)
        return row

    def _update(self, conn: Connection, request_id: int, changes: dict[str, Any]) -> None:
        conn.execute(_requests.update().where(_requests.c.id == request_id).values(**changes))
        self._notify(conn, request_id)

    @staticmethod
    def _write_audit(
        conn: Connection, request_id: int | None, at: datetime, actor: Actor | str,
        action: str, detail: str, personal: str | None = None,
    ) -> None:
        """One row at the end of the audit chain, in the change's own transaction."""
        write_audit(conn, request_id, at, actor, action, detail, personal)

    def _notify(self, conn: Connection, request_id: int) -> None:
        # pg_notify is transactional: listeners hear of the change only if it commits.
        if self._is_pg:
            conn.execute(select(func.pg_notify(LISTEN_CHANNEL, str(request_id))))


def _of_status(stmt: Any, status: Status | None, order: QueueOrder | None = None) -> Any:
    """``stmt`` narrowed to one status, or as it is for all of them.

    A read in the due order says the status's queue rank as well: it follows from the
    status, so it narrows nothing, but it tells the planner where in that order the status
    lives. A clinic's queue is skewed (every request still to be called sorts before those
    nobody has to call), and without it PostgreSQL read a page of "closed" requests from
    ``ix_callback_requests_rank_due`` by skipping the 200,050 still to be called: 133 ms at
    a million requests, 7-13 ms with it. Counts go without: there the extra column made
    PostgreSQL count on the wider index (82 -> 114 ms)."""
    if status is None:
        return stmt
    status = Status(status)
    stmt = stmt.where(_requests.c.status == status.value)
    if order is not None and QueueOrder(order) is QueueOrder.DUE:
        stmt = stmt.where(_requests.c.queue_rank == queue_rank(status))
    return stmt


def _order_columns(order: QueueOrder) -> tuple[Any, ...]:
    if QueueOrder(order) is QueueOrder.DUE:
        return _requests.c.queue_rank, _requests.c.due_by, _requests.c.id
    return _requests.c.created_at, _requests.c.id


def _descending(newest_first: bool, order: QueueOrder) -> bool:
    """Creation order's top is its newest (descending), the due order's its most due."""
    return newest_first if QueueOrder(order) is QueueOrder.CREATED else not newest_first


def _key_order(newest_first: bool, order: QueueOrder = QueueOrder.CREATED) -> tuple[Any, ...]:
    descending = _descending(newest_first, order)
    return tuple(c.desc() if descending else c.asc() for c in _order_columns(order))


def _to_request(row: Row[Any]) -> CallbackRequest:
    return CallbackRequest(
        id=row.id,
        idempotency_key=row.idempotency_key,
        created_at=row.created_at,
        kiosk_id=row.kiosk_id,
        name=row.name,
        phone=row.phone,
        best_time=BestTime(row.best_time),
        status=Status(row.status),
        attempts=row.attempts,
        notes=row.notes,
        updated_at=row.updated_at,
        due_by=row.due_by,
        language=row.consent_language,
        consent_version=row.consent_version,
    )


def write_audit(conn: Connection, request_id: int | None, at: datetime, actor: Actor | str,
                action: str, detail: str, personal: str | None = None) -> None:
    """Append an audit row inside the caller's write transaction (the store's, the
    accounts', the lock-out's): the chain's head is locked until it commits."""
    who = _check_actor(actor)
    audit_chain.append(conn, _audit, _chain_head, request_id=request_id, at=at,
                       actor=str(who)[:ACTOR_MAX_CHARS], person=who.person, place=who.place,
                       action=action, detail=detail, personal=personal)


def _check_actor(actor: Actor | str) -> Actor:
    """An Actor, from a plain name too (then with no place)."""
    if isinstance(actor, Actor):
        person, place = " ".join(actor.person.split()), " ".join(actor.place.split())
    else:
        person, place = (" ".join(actor.split()) if isinstance(actor, str) else ""), ""
    if not person or len(person) > PERSON_MAX_CHARS:
        raise ValueError(f"actor must be 1 to {PERSON_MAX_CHARS} characters")
    return Actor(person, place[:PLACE_MAX_CHARS])


def _check_note(text: str) -> str:
    clean = text.strip() if isinstance(text, str) else ""
    if not clean or len(clean) > NOTE_MAX_CHARS:
        raise ValueError(f"a note must be 1 to {NOTE_MAX_CHARS} characters")
    return clean


def _append_note(existing: str, note: str, actor: str, at: datetime) -> str:
    entry = f"[{at:%Y-%m-%d %H:%M} UTC, {actor}] {note}"
    return f"{existing}\n{entry}" if existing else entry
