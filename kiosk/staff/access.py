"""Who may open the staff screens, and under what name their changes are audited.

Qt-free. The PIN pad asks a ``PinGate``; the gate knows whether the configured hash, the
demo PIN or nothing at all unlocks it, and keeps one lock-out for the whole process.
"""

from __future__ import annotations

import hmac
import socket
import threading
from enum import StrEnum

from kiosk.config import Config, production_problems
from kiosk.staff.pin import PinAttempt, PinLock

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

    def __init__(self, pin_hash: str, demo: bool, lock: PinLock | None = None) -> None:
        self.source = pin_source(pin_hash, demo)
        self._hash = pin_hash
        if lock is None:
            verify = {PinSource.DEMO: _demo_verify, PinSource.UNSET: _never}.get(self.source)
            lock = PinLock(verify=verify) if verify else PinLock()
        self._lock = lock
        # The check runs off the GUI thread; a rebuilt pad must not race the old one.
        self._mutex = threading.Lock()

    @classmethod
    def from_config(cls, config: Config) -> PinGate:
        return cls(config.staff.pin_hash, config.kiosk.demo)

    @property
    def can_unlock(self) -> bool:
        return self.source is not PinSource.UNSET

    def locked_for_s(self) -> float:
        return self._lock.locked_for_s()

    def try_pin(self, pin: str) -> PinAttempt:
        """Slow on purpose (scrypt): call it off the GUI thread."""
        with self._mutex:
            return self._lock.try_pin(pin, self._hash)


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
