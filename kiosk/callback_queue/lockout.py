"""The staff PIN lock-outs kept in the queue database, so a restart or a second kiosk shares them.

Qt-free. Each change is one write transaction that reads the row locked (FOR UPDATE on
PostgreSQL, BEGIN IMMEDIATE on SQLite), so two kiosks failing at the same moment count
twice. The policy (how many tries, how long a lock) is the caller's: ``record_failure``
is handed a step function and applies it inside the transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, select

from kiosk.callback_queue.engine import upsert_insert, write_transaction
from kiosk.callback_queue.model import utc_now
from kiosk.callback_queue.schema import pin_lockout_table as _lockout

#: The scope of the single shared PIN before staff accounts (and the default here). The
#: PIN gate now keeps one row per account and one per device (staff/access.py
#: ``account_scope``, ``device_scope``), every kiosk and console on a database sharing them.
STAFF_SCOPE = "staff"


@dataclass(frozen=True, slots=True)
class LockoutState:
    #: Wrong PINs since the last lock ended (or since the last right PIN).
    failures: int = 0
    #: Locks so far; each one lasts longer than the last.
    locks: int = 0
    locked_until: datetime | None = None

    def locked_for_s(self, now: datetime) -> float:
        if self.locked_until is None:
            return 0.0
        return max(0.0, (self.locked_until - now).total_seconds())


#: (failures, locks) after one more wrong PIN -> (failures, locks, seconds to lock or None).
FailureStep = Callable[[int, int], tuple[int, int, float | None]]


class LockoutStore:
    """Reads and changes the lock-out rows; thread-safe, like the engine it is given."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self._engine = engine
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    def read(self, scope: str = STAFF_SCOPE) -> LockoutState:
        with self._engine.connect() as conn:
            return _state(conn, scope, lock=False)

    def record_failure(self, step: FailureStep, scope: str = STAFF_SCOPE) -> LockoutState:
        """Count one wrong PIN. A failure that arrives while a lock runs (another kiosk
        locked it a moment ago) is not counted: the lock already answers it."""
        now = self._clock()
        with write_transaction(self._engine) as conn:
            self._ensure_row(conn, scope, now)
            state = _state(conn, scope, lock=True)
            if state.locked_for_s(now) > 0:
                return state
            failures, locks, delay_s = step(state.failures, state.locks)
            until = now + timedelta(seconds=delay_s) if delay_s is not None else None
            conn.execute(
                _lockout.update()
                .where(_lockout.c.scope == scope)
                .values(failures=failures, locks=locks, locked_until=until, updated_at=now)
            )
        return LockoutState(failures, locks, until)

    def clear(self, scope: str = STAFF_SCOPE) -> None:
        """A right PIN: the next wrong one starts from nothing."""
        with write_transaction(self._engine) as conn:
            conn.execute(_lockout.delete().where(_lockout.c.scope == scope))

    def _ensure_row(self, conn: Connection, scope: str, now: datetime) -> None:
        insert = upsert_insert(conn.dialect.name)
        conn.execute(
            insert(_lockout)
            .values(scope=scope, failures=0, locks=0, locked_until=None, updated_at=now)
            .on_conflict_do_nothing(index_elements=[_lockout.c.scope])
        )


def _state(conn: Connection, scope: str, *, lock: bool) -> LockoutState:
    stmt = select(_lockout.c.failures, _lockout.c.locks, _lockout.c.locked_until).where(
        _lockout.c.scope == scope
    )
    if lock:
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).first()
    if row is None:
        return LockoutState()
    return LockoutState(int(row.failures), int(row.locks), row.locked_until)
