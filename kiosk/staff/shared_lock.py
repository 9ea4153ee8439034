"""What the PIN gate keeps in the queue database, seen by every kiosk and console that share it:
the lock-out (per account and per device), the staff accounts, and the sign-in audit rows.

Qt-free, and slow when the server is away (a connect timeout): call it off the GUI thread.
Every method answers None when the database cannot be reached or refuses, and the gate
falls back to its in-memory lock then: staff are never let in because the database is
down, and never locked out for good either.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.staff.pin import LockPolicy

if TYPE_CHECKING:
    from kiosk.callback_queue.lockout import LockoutState, LockoutStore
    from kiosk.callback_queue.model import Actor, StaffAccount

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SharedState:
    failures: int
    locked_for_s: float


class SharedLockout:
    """Opens the queue database on first use (SQLAlchemy is imported then, not before)."""

    def __init__(self, url: str, *, connect_timeout_s: int | None = None) -> None:
        self._url = url
        self._connect_timeout_s = connect_timeout_s
        self._mutex = threading.Lock()
        self._store: Any = None  # the CallbackStore that owns the engine
        self._lockout: LockoutStore | None = None
        self._down = False  # logged once per outage
        self._closed = False

    def read(self, policy: LockPolicy, scope: str | None = None) -> SharedState | None:
        return self._call("read", lambda lockout: lockout.read(*_scoped(scope)), policy)

    def fail(self, policy: LockPolicy, scope: str | None = None) -> SharedState | None:
        return self._call("record", lambda lockout: lockout.record_failure(
            policy.after_failure, *_scoped(scope)), policy)

    def clear(self, scope: str | None = None) -> bool:
        return self._call("clear", lambda lockout: lockout.clear(*_scoped(scope)),
                          None) is not None

    def accounts(self) -> list[StaffAccount] | None:
        """Every staff account, in name order; None while the database is away."""
        return self._use("accounts", lambda store: _account_store(store).list())

    def record(self, actor: Actor, action: str, detail: str) -> bool:
        """An audit row (a sign-in, a failed one, a sign-out) in the queue's chain."""
        return self._use("audit", lambda store: store.record_event(actor, action, detail)
                         or True) is not None

    def _use(self, what: str, fn: Any) -> Any:
        with self._mutex:
            if self._closed:
                return None
            try:
                self._open()
                result = fn(self._store)
            except Exception as exc:
                if not self._down:
                    self._down = True
                    log.warning("PIN gate: the queue database is not answering (%s %s)",
                                what, type(exc).__name__)
                return None
            if self._down:
                self._down = False
                log.info("PIN gate: the queue database answers again")
            return result

    def close(self) -> None:
        with self._mutex:
            if self._store is not None:
                self._store.close()
            self._store = self._lockout = None
            self._closed = True

    def _call(self, what: str, fn: Any, policy: LockPolicy | None) -> Any:
        with self._mutex:
            if self._closed:  # the window is closing; a late check falls back to memory
                return None
            try:
                lockout = self._open()
                state: LockoutState | None = fn(lockout)
                now = lockout.now()
            except Exception as exc:  # unreachable, refused, too new: the memory lock rules
                if not self._down:
                    self._down = True
                    log.warning("PIN lock-out: the queue database is not answering (%s %s); "
                                "using this computer's own count until it is back",
                                what, type(exc).__name__)
                return None
            if self._down:
                self._down = False
                log.info("PIN lock-out: the queue database answers again")
        if policy is None or state is None:
            return True
        # A deadline further off than any lock could be (a clock set wrong somewhere) still
        # ends within the longest lock.
        return SharedState(state.failures, min(state.locked_for_s(now), policy.max_delay_s))

    def _open(self) -> LockoutStore:
        if self._lockout is None:
            from kiosk.callback_queue.lockout import LockoutStore
            from kiosk.callback_queue.store import CallbackStore

            kwargs = ({} if self._connect_timeout_s is None
                      else {"connect_timeout_s": self._connect_timeout_s})
            self._store = CallbackStore.open(self._url, **kwargs)
            self._lockout = LockoutStore(self._store.engine)
        return self._lockout


def _scoped(scope: str | None) -> tuple[str, ...]:
    return () if scope is None else (scope,)


def _account_store(store: Any) -> Any:
    from kiosk.callback_queue.accounts import AccountStore

    return AccountStore(store.engine)
