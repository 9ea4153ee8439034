"""Who may open the staff screens, and under what name their changes are audited.

Qt-free. The PIN pad asks a ``PinGate``; the gate knows whether the configured hash, the
demo PIN or nothing at all unlocks it. Its lock-out is kept twice: in memory for the whole
process, and in the queue database (``SharedLockout``) so that a restart, a rebuilt window
or another kiosk on the same database sees the same wrong PINs. The stricter of the two
applies; while the database is away the memory one alone does.
"""

from __future__ import annotations

import hmac
import socket
import threading
import time
from collections.abc import Callable
from enum import StrEnum

from kiosk.config import Config, production_problems
from kiosk.staff.pin import PinAttempt, PinLock
from kiosk.staff.shared_lock import SharedLockout, SharedState

# The store's limit (store.ACTOR_MAX_CHARS), repeated so the first frame need not import
# SQLAlchemy; a test checks that the two agree.
ACTOR_MAX_CHARS = 64
#: Documented in resources/demo-config.toml; accepted only by demo configs without a hash.
DEMO_PIN = "2468"


class PinSource(StrEnum):
    HASH = "hash"  # the configured scrypt hash
    DEMO = "demo"  # demo config without a hash: the demo PIN
    UNSET = "unset"  # no hash and not a demo: nothing unlocks


def pin_source(pin_hash: str, demo: bool) -> PinSource:
    if pin_hash:
        return PinSource.HASH
    return PinSource.DEMO if demo else PinSource.UNSET


def _demo_verify(pin: str, _stored: str) -> bool:
    return hmac.compare_digest(pin.encode("utf-8"), DEMO_PIN.encode("utf-8"))


def _never(_pin: str, _stored: str) -> bool:
    return False


class PinGate:
    """The check behind the PIN pad; build one per window so its lock-out outlives the pad."""

    def __init__(self, pin_hash: str, demo: bool, lock: PinLock | None = None,
                 shared: SharedLockout | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.source = pin_source(pin_hash, demo)
        self._hash = pin_hash
        if lock is None:
            verify = {PinSource.DEMO: _demo_verify, PinSource.UNSET: _never}.get(self.source)
            lock = PinLock(verify=verify) if verify else PinLock()
        self._lock = lock
        self._shared = shared if self.can_unlock else None
        self._clock = clock
        # When the database's lock ends, on this process's clock, as last read (the pad's
        # countdown reads it every second and must never wait on the database).
        self._shared_until: float | None = None
        # The check runs off the GUI thread; a rebuilt pad must not race the old one.
        self._mutex = threading.Lock()

    @classmethod
    def from_config(cls, config: Config) -> PinGate:
        from kiosk.ops.paths import database_url

        return cls(config.staff.pin_hash, config.kiosk.demo,
                   shared=SharedLockout(database_url(config)))

    @property
    def can_unlock(self) -> bool:
        return self.source is not PinSource.UNSET

    def locked_for_s(self) -> float:
        """From memory only: cheap enough for the GUI thread."""
        until = self._shared_until
        shared = max(0.0, until - self._clock()) if until is not None else 0.0
        return max(self._lock.locked_for_s(), shared)

    def refresh(self) -> None:
        """Read the database's lock-out (a lock set elsewhere); call it off the GUI thread."""
        with self._mutex:
            self._read_shared()

    def try_pin(self, pin: str) -> PinAttempt:
        """Slow on purpose (scrypt) and may wait on the database: call it off the GUI thread."""
        with self._mutex:
            shared = self._read_shared()
            remaining = self.locked_for_s()
            if remaining > 0:
                return PinAttempt(ok=False, locked_for_s=remaining, attempts_left=0)
            if self._lock.verify(pin, self._hash):
                if shared is not None:
                    self._shared.clear()
                self._shared_until = None
                return self._lock.succeed()
            mine = self._lock.fail()
            # Skip the database when it did not answer a moment ago: one timeout is enough.
            theirs = self._shared.fail(self._lock.policy) if shared is not None else None
            if theirs is None:
                return mine
            self._remember(theirs)
            counted = self._lock.policy.attempt(theirs.failures, theirs.locked_for_s)
            return PinAttempt(ok=False,
                              locked_for_s=max(mine.locked_for_s, counted.locked_for_s),
                              attempts_left=min(mine.attempts_left, counted.attempts_left))

    def close(self) -> None:
        if self._shared is not None:
            self._shared.close()

    def _read_shared(self) -> SharedState | None:
        if self._shared is None:
            return None
        state = self._shared.read(self._lock.policy)
        if state is not None:  # unreachable: keep the deadline read last time
            self._remember(state)
        return state

    def _remember(self, state: SharedState) -> None:
        self._shared_until = (self._clock() + state.locked_for_s
                              if state.locked_for_s > 0 else None)


def _actor(kind: str, name: str) -> str:
    clean = " ".join(name.split()) or "unknown"
    return f"{kind}:{clean}"[:ACTOR_MAX_CHARS]


def kiosk_actor(kiosk_id: str) -> str:
    """The audit name of staff working on a kiosk's own screen."""
    return _actor("kiosk", kiosk_id)


def console_actor(hostname: str | None = None) -> str:
    """The audit name of staff working at a front-desk console."""
    return _actor("console", hostname if hostname is not None else socket.gethostname())


def staff_config_problems(config: Config, *, need_pin: bool) -> list[str]:
    """What stops a staff command from trusting this config, one line per problem."""
    problems = [str(p) for p in config.problems]
    if need_pin:
        problems += [str(p) for p in production_problems(config)]
    return problems
