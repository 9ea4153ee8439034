"""Protects the staff console: scrypt PIN hashes, constant-time checks and a growing lock-out."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.callback_queue.model import StaffAccount

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12
#: OWASP's scrypt figure (N=2^17, r=8, p=1): about 128 MiB and a few tenths of a second.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
_SALT_BYTES = 16
_KEY_BYTES = 32
_SCHEME = "scrypt"
# Bounds on parameters read from a stored hash, so a corrupted or hostile config file
# cannot make verification allocate gigabytes or spin for minutes.
_MAX_N = 2**20
_MAX_R = 32
_MAX_P = 16
_MAX_MEM = 256 * 1024 * 1024
_PIN_RE = re.compile(rf"[0-9]{{{PIN_MIN_DIGITS},{PIN_MAX_DIGITS}}}")


def validate_new_pin(pin: str) -> str | None:
    """None if ``pin`` may be set as the staff PIN, else the reason it may not."""
    if not isinstance(pin, str) or not _PIN_RE.fullmatch(pin):
        return f"The PIN must be {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits (0-9)."
    return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEM, dklen=dklen
    )


def hash_pin(pin: str, *, n: int | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64): the parameters and salt travel with the hash.

    ``n`` is for tests only (tests/conftest.py ``cheap_pin_hashes``): every real hash is
    made at ``SCRYPT_N``."""
    if not isinstance(pin, str) or not pin:
        raise ValueError("the PIN must be a non-empty string")
    cost = SCRYPT_N if n is None else n
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(pin, salt, cost, SCRYPT_R, SCRYPT_P, _KEY_BYTES)
    return f"{_SCHEME}${cost}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    if not isinstance(stored, str):
        return None
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != _SCHEME:
        return None
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        return None
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= _MAX_R and 0 < p <= _MAX_P):
        return None
    if not salt or not 16 <= len(key) <= 64 or 128 * r * n > _MAX_MEM // 2:
        return None
    return n, r, p, salt, key


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches ``stored``; False, never an exception, for a malformed hash."""
    parsed = _parse(stored)
    if parsed is None or not isinstance(pin, str):
        return False
    n, r, p, salt, expected = parsed
    try:
        actual = _scrypt(pin, salt, n, r, p, len(expected))
    except (ValueError, MemoryError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True, slots=True)
class PinAttempt:
    ok: bool
    #: Seconds until the pad accepts another try; 0 when it is not locked.
    locked_for_s: float
    #: Wrong PINs still allowed before the pad locks.
    attempts_left: int
    #: Who signed in (a right PIN), or whose PIN was tried.
    who: StaffAccount | None = None


@dataclass(frozen=True, slots=True)
class LockPolicy:
    """How many wrong PINs lock the pad, and for how long: each lock twice the last."""

    max_attempts: int = 5
    base_delay_s: float = 30.0
    max_delay_s: float = 15 * 60.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_delay_s <= 0 or self.max_delay_s < self.base_delay_s:
            raise ValueError("need max_attempts >= 1 and 0 < base_delay_s <= max_delay_s")

    def after_failure(self, failures: int, locks: int) -> tuple[int, int, float | None]:
        """(failures, locks, seconds to lock for, or None) after one more wrong PIN."""
        failures += 1
        if failures < self.max_attempts:
            return failures, locks, None
        # The exponent is capped so a patient attacker cannot overflow the float.
        delay = min(self.base_delay_s * 2 ** min(locks, 32), self.max_delay_s)
        return 0, locks + 1, delay

    def attempt(self, failures: int, locked_for_s: float) -> PinAttempt:
        """The answer for a wrong PIN that left ``failures`` counted and this lock."""
        if locked_for_s > 0:
            return PinAttempt(ok=False, locked_for_s=locked_for_s, attempts_left=0)
        return PinAttempt(False, 0.0, max(0, self.max_attempts - failures))


class PinLock:
    """Counts wrong PINs and locks the pad, each lock twice as long as the last.

    After ``max_attempts`` wrong PINs the pad locks for ``base_delay_s``; when the lock
    ends the same number of tries is allowed again, but the next lock lasts twice as long,
    up to ``max_delay_s``. A right PIN resets everything. Tries during a lock are refused
    without looking at the PIN, so guessing cannot continue in the background.

    This lock lives in memory; ``PinGate`` adds the copy kept in the queue database.
    """

    def __init__(
        self,
        max_attempts: int = 5,
        base_delay_s: float = 30.0,
        max_delay_s: float = 15 * 60.0,
        clock: Callable[[], float] = time.monotonic,
        verify: Callable[[str, str], bool] = verify_pin,
    ) -> None:
        self.policy = LockPolicy(max_attempts, base_delay_s, max_delay_s)
        self.clock = clock
        self._clock = clock
        self._verify = verify
        self._failures = 0
        self._locks = 0
        self._locked_until: float | None = None

    def locked_for_s(self) -> float:
        """Seconds left on the current lock, 0 when unlocked (for a countdown on screen)."""
        if self._locked_until is None:
            return 0.0
        return max(0.0, self._locked_until - self._clock())

    def verify(self, pin: str, stored_hash: str) -> bool:
        return self._verify(pin, stored_hash)

    def succeed(self) -> PinAttempt:
        self._failures = 0
        self._locks = 0
        self._locked_until = None
        return PinAttempt(ok=True, locked_for_s=0.0, attempts_left=self.policy.max_attempts)

    def fail(self) -> PinAttempt:
        """Count one wrong PIN (checked while no lock ran)."""
        self._locked_until = None
        self._failures, self._locks, delay = self.policy.after_failure(
            self._failures, self._locks)
        if delay is not None:
            self._locked_until = self._clock() + delay
        return self.policy.attempt(self._failures, delay or 0.0)

    def try_pin(self, pin: str, stored_hash: str) -> PinAttempt:
        remaining = self.locked_for_s()
        if remaining > 0:
            return PinAttempt(ok=False, locked_for_s=remaining, attempts_left=0)
        if self.verify(pin, stored_hash):
            return self.succeed()
        return self.fail()
