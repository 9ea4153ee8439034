"""Keeps a patient's request on the kiosk's disk when the clinic's server is down, then delivers it.

The outbox is a SQLite file with the same durability settings as the queue. A request
sent to the server is removed from the outbox only after the server has committed it,
and the idempotency key makes a repeated delivery harmless, so each request arrives
exactly once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, Text, func, select, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from kiosk.callback_queue.deadlines import DeadlinePolicy
from kiosk.callback_queue.engine import (
    DEFAULT_CONNECT_TIMEOUT_S,
    ClosesOnExit,
    is_sqlite,
    make_engine,
    restrict_sqlite_files,
    write_transaction,
)
from kiosk.callback_queue.file_identity import OpenedFile
from kiosk.callback_queue.model import BestTime, CallbackRequest, NewRequest, utc_now
from kiosk.callback_queue.schema import UtcDateTime
from kiosk.callback_queue.store import CallbackStore, probe_write

log = logging.getLogger(__name__)

_metadata = MetaData()
_outbox = Table(
    "outbox",
    _metadata,
    Column("idempotency_key", String(36), primary_key=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("name", String(80), nullable=False),
    Column("phone_e164", String(20), nullable=False),
    Column("best_time", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("stored_at", UtcDateTime, nullable=False),
    # Added with consent records; an outbox file written before gains them on opening.
    Column("consent_text", Text, nullable=False, server_default=text("''")),
    Column("language", String(8), nullable=False, server_default=text("''")),
)


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """A durably stored request: on the clinic's server, or for now in the kiosk's outbox."""

    idempotency_key: str
    stored_locally: bool
    #: The server's row; None while the request waits in the outbox.
    request: CallbackRequest | None


class ResilientQueue(ClosesOnExit):
    """Submits to the primary store, falling back to a local outbox when it is unreachable.

    Safe to call from a worker thread: the engines are thread-safe and delivery is
    serialised by a lock.
    """

    def __init__(
        self,
        primary_url: str,
        outbox_path: Path,
        *,
        connect_timeout_s: int = DEFAULT_CONNECT_TIMEOUT_S,
        merge_sent_again: bool = False,
        policy: DeadlinePolicy | None = None,
    ) -> None:
        """``merge_sent_again``: a kiosk's queue, where the same phone number sent again soon
        is one request (CallbackStore.submit)."""
        self._merge = merge_sent_again
        self._policy = policy
        self._primary_url = primary_url
        self._outbox_path = Path(outbox_path)
        self._connect_timeout_s = connect_timeout_s
        self._uses_outbox = not is_sqlite(primary_url)
        # Separate locks: a slow connect to the primary must not hold up the outbox.
        self._primary_lock = threading.Lock()
        self._outbox_lock = threading.Lock()
        self._deliver_lock = threading.Lock()
        self._primary: CallbackStore | None = None
        self._outbox_engine: Engine | None = None
        self._outbox_file: OpenedFile | None = None
        #: (when, "what: ExceptionType") of the last submit or delivery the primary failed,
        #: None once it takes one again; for the heartbeat, so no message text (it may hold
        #: a statement's values).
        self.last_failure: tuple[datetime, str] | None = None
        if not self._uses_outbox:
            # A local primary is its own durable store; failing to open it must be loud.
            self._primary = CallbackStore.open(primary_url, policy=policy)

    @property
    def uses_outbox(self) -> bool:
        return self._uses_outbox

    def submit(self, req: NewRequest) -> SubmitResult:
        """Store ``req`` durably; raises only if neither the primary nor the outbox can."""
        if not self._uses_outbox:
            try:
                stored = self._submit_primary(req)
            except Exception as exc:
                self._note_failure("submit", exc)
                raise
            self.last_failure = None
            return SubmitResult(req.idempotency_key, stored_locally=False, request=stored)
        try:
            stored = self._submit_primary(req)
        # Whatever went wrong on the server, the patient's request must still be kept.
        except Exception as exc:
            self._log_primary_failure("submit", exc)
            self._store_locally(req)
            return SubmitResult(req.idempotency_key, stored_locally=True, request=None)
        self.last_failure = None
        return SubmitResult(req.idempotency_key, stored_locally=False, request=stored)

    def _submit_primary(self, req: NewRequest) -> CallbackRequest:
        store = self._open_primary()
        return store.submit(req, merge_sent_again=True) if self._merge else store.submit(req)

    def probe(self) -> None:
        """Raise unless a request could be stored now: in the primary when it is the kiosk's
        own file, else in the outbox (which keeps requests while the server is away)."""
        if not self._uses_outbox:
            self._open_primary().probe()
            return
        engine = self._outbox(create=True)
        assert engine is not None
        with engine.connect() as conn:
            probe_write(conn, _outbox.delete().where(_outbox.c.idempotency_key == ""))

    def tend(self) -> int:
        """What the kiosk runs while it keeps its queue: probe, deliver what waits in the
        outbox, and say how many requests still wait there."""
        self.probe()
        if not self._uses_outbox:
            return 0
        self.deliver_pending()
        return self.pending_count()

    def store(self) -> CallbackStore:
        """The primary store, opened on first use (for staff work and retention).

        Raises sqlalchemy.exc.OperationalError while the primary cannot be reached.
        """
        return self._open_primary()

    def pending_count(self) -> int:
        """Requests waiting in the outbox."""
        engine = self._outbox(create=False)
        if engine is None:
            return 0
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(_outbox)).scalar_one())

    def oldest_pending_at(self) -> datetime | None:
        """When the request that has waited longest in the outbox was stored there."""
        engine = self._outbox(create=False)
        if engine is None:
            return None
        with engine.connect() as conn:
            return conn.execute(select(func.min(_outbox.c.stored_at))).scalar_one()

    def deliver_pending(self) -> int:
        """Send outbox requests to the primary; returns how many left the outbox.

        Stops at the first sign that the primary is unreachable. A request the primary
        refuses for any other reason stays in the outbox (logged) without holding up the
        ones behind it.
        """
        engine = self._outbox(create=False)
        if engine is None:
            return 0
        delivered = 0
        with self._deliver_lock:
            with engine.connect() as conn:
                keys = (
                    conn.execute(
                        select(_outbox.c.idempotency_key).order_by(
                            _outbox.c.stored_at, _outbox.c.idempotency_key
                        )
                    )
                    .scalars()
                    .all()
                )
            for key in keys:
                with engine.connect() as conn:
                    row = conn.execute(
                        select(_outbox).where(_outbox.c.idempotency_key == key)
                    ).first()
                if row is None:
                    continue
                req = NewRequest(
                    idempotency_key=row.idempotency_key,
                    kiosk_id=row.kiosk_id,
                    name=row.name,
                    phone_e164=row.phone_e164,
                    best_time=BestTime(row.best_time),
                    created_at=row.created_at,
                    consent_text=row.consent_text,
                    language=row.language,
                )
                try:
                    stored = self._submit_primary(req)
                except Exception as exc:  # it stays queued; the next call retries
                    self._log_primary_failure("delivery", exc)
                    if _is_unreachable(exc):
                        break
                    continue
                # Only now, with the server's commit done, may the local copy go.
                with write_transaction(engine) as conn:
                    conn.execute(_outbox.delete().where(_outbox.c.idempotency_key == key))
                delivered += 1
                self.last_failure = None
                log.info("delivered outbox request as request %d", stored.id)
        return delivered

    def close(self) -> None:
        with self._primary_lock:
            if self._primary is not None:
                self._primary.close()
                self._primary = None
        with self._outbox_lock:
            if self._outbox_engine is not None:
                self._outbox_engine.dispose()
                self._outbox_engine = None

    def _open_primary(self) -> CallbackStore:
        with self._primary_lock:
            if self._primary is None:
                self._primary = CallbackStore.open(
                    self._primary_url, connect_timeout_s=self._connect_timeout_s,
                    policy=self._policy,
                )
            return self._primary

    def _outbox(self, *, create: bool) -> Engine | None:
        with self._outbox_lock:
            if self._outbox_engine is not None and not self._outbox_file.is_current():
                log.error("the outbox file %s was removed or replaced while the kiosk ran; "
                          "reopening it", self._outbox_path)
                self._outbox_engine.dispose()
                self._outbox_engine = None
            if self._outbox_engine is None:
                if not create and not self._outbox_path.exists():
                    return None
                engine = make_engine(f"sqlite:///{self._outbox_path}")
                with write_transaction(engine) as conn:
                    _metadata.create_all(conn)
                    _add_consent_columns(conn)
                restrict_sqlite_files(self._outbox_path)
                self._outbox_engine = engine
                self._outbox_file = OpenedFile(self._outbox_path)
            return self._outbox_engine

    def _store_locally(self, req: NewRequest) -> None:
        """Into the outbox file at its path: written again if that file changed meanwhile."""
        for _ in range(3):
            engine = self._outbox(create=True)
            assert engine is not None
            self._insert_locally(engine, req)
            if self._outbox_file is not None and self._outbox_file.is_current():
                log.warning("request kept in the kiosk outbox until the primary takes it")
                return
        raise OSError(f"the outbox file {self._outbox_path} keeps changing under the kiosk")

    @staticmethod
    def _insert_locally(engine: Engine, req: NewRequest) -> None:
        stmt = (
            _outbox.insert()
            .values(
                idempotency_key=req.idempotency_key,
                kiosk_id=req.kiosk_id,
                name=req.name,
                phone_e164=req.phone_e164,
                best_time=BestTime(req.best_time).value,
                created_at=req.created_at,
                stored_at=utc_now(),
                consent_text=req.consent_text,
                language=req.language[:8],
            )
            .prefix_with("OR IGNORE")  # the same request twice is still one request
        )
        with write_transaction(engine) as conn:
            conn.execute(stmt)

    def _note_failure(self, what: str, exc: Exception) -> None:
        self.last_failure = (utc_now(), f"{what}: {type(exc).__name__}")

    def _log_primary_failure(self, what: str, exc: Exception) -> None:
        self._note_failure(what, exc)
        if _is_unreachable(exc):
            log.warning("%s: primary store unreachable (%s)", what, type(exc).__name__)
        else:
            log.error("%s: primary store failed", what, exc_info=exc)


def _add_consent_columns(conn: Connection) -> None:
    """An outbox file from before consent was recorded: add its columns, keep its rows."""
    have = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(outbox)")}
    for name, kind in (("consent_text", "TEXT"), ("language", "VARCHAR(8)")):
        if name not in have:
            conn.exec_driver_sql(f"ALTER TABLE outbox ADD COLUMN {name} {kind} NOT NULL "
                                 "DEFAULT ''")


def _is_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` means the server or the network is down, not that it refused a row."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated
