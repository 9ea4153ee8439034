"""Who may open the staff screens, and under what name and place their work is audited.

Qt-free. The PIN pad asks a ``PinGate``; the gate knows the staff accounts (read from the
queue database, shared by every kiosk and console on it), or, before the database first
answered, the config's old shared `[staff] pin_hash` as the admin ``Staff``, or in a demo
config without accounts the demo PIN. Its lock-out is kept per account and per device,
each twice: in memory for the whole process, and in the queue database (``SharedLockout``)
so that a restart, a rebuilt window or another kiosk on the same database sees the same
wrong PINs. The strictest applies; while the database is away the memory ones alone do.
"""

from __future__ import annotations

import dataclasses
import hmac
import socket
import threading
import time
from collections.abc import Callable
from enum import StrEnum

from kiosk.callback_queue.model import Actor, Role, StaffAccount, staff_name_key
from kiosk.config import Config
from kiosk.staff.pin import LockPolicy, PinAttempt, PinLock, verify_pin
from kiosk.staff.shared_lock import SharedLockout, SharedState

# The store's limit (store.ACTOR_MAX_CHARS), repeated so the first frame need not import
# SQLAlchemy; a test checks that the two agree.
ACTOR_MAX_CHARS = 64
PLACE_MAX_CHARS = 96
#: Documented in resources/demo-config.toml; accepted only by demo configs without accounts.
DEMO_PIN = "2468"
#: The account the old shared PIN (and `set-pin`) stands for.
SHARED_PIN_ACCOUNT = "Staff"
_DEMO_HASH = "demo"  # never a real hash: no "scrypt$" prefix
#: A device takes more wrong PINs than one account before it locks: several people work it.
DEVICE_ATTEMPTS_FACTOR = 2


class PinSource(StrEnum):
    HASH = "hash"  # accounts with their own hashes
    DEMO = "demo"  # demo config without accounts: the demo PIN
    UNSET = "unset"  # no account and not a demo: nothing unlocks


def _demo_verify(pin: str, _stored: str) -> bool:
    return hmac.compare_digest(pin.encode("utf-8"), DEMO_PIN.encode("utf-8"))


def _fallback_members(pin_hash: str, demo: bool) -> list[StaffAccount]:
    if pin_hash:
        return [StaffAccount(SHARED_PIN_ACCOUNT, Role.ADMIN, pin_hash)]
    if demo:
        return [StaffAccount(SHARED_PIN_ACCOUNT, Role.ADMIN, _DEMO_HASH)]
    return []


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def account_scope(name: str) -> str:
    """The lock-out row of one account (the column holds 32 characters; names are longer)."""
    return f"account:{_digest(staff_name_key(name))}"


def device_scope(place: str) -> str:
    """The lock-out row of one kiosk or console."""
    return f"device:{_digest(place)}"


class PinGate:
    """The check behind the PIN pad; build one per window so its lock-out outlives the pad."""

    def __init__(self, pin_hash: str, demo: bool, lock: PinLock | None = None,
                 shared: SharedLockout | None = None,
                 clock: Callable[[], float] = time.monotonic, *,
                 place: str = "") -> None:
        self.place = place
        self._fallback = _fallback_members(pin_hash, demo)
        self._members = list(self._fallback)
        template = lock or PinLock(clock=clock)
        self._verify = template.verify if lock is not None else verify_pin
        self._policy = template.policy
        self._lock_clock = template.clock
        # The first account's lock is the one handed in (tests drive its clock).
        self._locks: dict[str, PinLock] = {}
        if self._members:
            self._locks[account_scope(self._members[0].name)] = template
        policy = template.policy
        self._device_policy = LockPolicy(policy.max_attempts * DEVICE_ATTEMPTS_FACTOR,
                                         policy.base_delay_s, policy.max_delay_s)
        self._device = PinLock(self._device_policy.max_attempts, policy.base_delay_s,
                               policy.max_delay_s, clock=template.clock)
        self._shared = shared
        self._clock = clock
        # When the database's locks end, on this process's clock, as last read (the pad's
        # countdown reads them every second and must never wait on the database).
        self._shared_until: dict[str, float] = {}
        # The check runs off the GUI thread; a rebuilt pad must not race the old one.
        self._mutex = threading.Lock()

    @classmethod
    def from_config(cls, config: Config, place: str = "") -> PinGate:
        from kiosk.ops.paths import database_url

        return cls(config.staff.pin_hash, config.kiosk.demo,
                   shared=SharedLockout(database_url(config)), place=place)

    # --- who -------------------------------------------------------------------------------
    @property
    def members(self) -> list[StaffAccount]:
        """The accounts as last read, in name order (cheap: for the GUI thread)."""
        return list(self._members)

    @property
    def source(self) -> PinSource:
        members = self._members
        if not members:
            return PinSource.UNSET
        if len(members) == 1 and members[0].pin_hash == _DEMO_HASH:
            return PinSource.DEMO
        return PinSource.HASH

    @property
    def can_unlock(self) -> bool:
        return self.source is not PinSource.UNSET

    def member(self, name: str | None) -> StaffAccount | None:
        members = self._members
        if name is None:
            return members[0] if len(members) == 1 else None
        key = staff_name_key(name)
        return next((m for m in members if staff_name_key(m.name) == key), None)

    # --- lock-out ------------------------------------------------------------------------
    def _account_lock(self, name: str) -> PinLock:
        scope = account_scope(name)
        lock = self._locks.get(scope)
        if lock is None:
            policy = self._policy
            lock = self._locks[scope] = PinLock(policy.max_attempts, policy.base_delay_s,
                                                policy.max_delay_s, clock=self._lock_clock)
        return lock

    def _shared_left(self, scope: str) -> float:
        until = self._shared_until.get(scope)
        return max(0.0, until - self._clock()) if until is not None else 0.0

    def locked_for_s(self, name: str | None = None) -> float:
        """This device's lock, and ``name``'s (the only account's when there is one), from
        memory only: cheap enough for the GUI thread."""
        left = max(self._device.locked_for_s(), self._shared_left(device_scope(self.place)))
        member = self.member(name)
        if member is not None:
            left = max(left, self._account_lock(member.name).locked_for_s(),
                       self._shared_left(account_scope(member.name)))
        return left

    def refresh(self) -> None:
        """Read the accounts and the database's lock-outs (set elsewhere); call it off the
        GUI thread."""
        with self._mutex:
            self._read_accounts()
            self._read_shared(device_scope(self.place), self._device_policy)
            for member in self._members:
                self._read_shared(account_scope(member.name), self._policy)

    def try_pin(self, pin: str, name: str | None = None) -> PinAttempt:
        """Slow on purpose (scrypt) and may wait on the database: call it off the GUI thread.
        ``name`` is the account chosen on the pad (None: the only account)."""
        with self._mutex:
            self._read_accounts()
            member = self.member(name)
            if member is None:
                return PinAttempt(ok=False, locked_for_s=0.0, attempts_left=0)
            device, account = device_scope(self.place), account_scope(member.name)
            reached = (self._read_shared(device, self._device_policy) is not None,
                       self._read_shared(account, self._policy) is not None)
            remaining = self.locked_for_s(member.name)
            if remaining > 0:
                return PinAttempt(ok=False, locked_for_s=remaining, attempts_left=0, who=member)
            lock = self._account_lock(member.name)
            verify = _demo_verify if member.pin_hash == _DEMO_HASH else self._verify
            if verify(pin, member.pin_hash):
                if self._shared is not None and any(reached):
                    self._shared.clear(account)
                    self._shared.clear(device)
                    self._shared.record(self.actor(member), "sign-in", f"signed in ({member.role})")
                self._shared_until.pop(account, None)
                self._shared_until.pop(device, None)
                self._device.succeed()
                return dataclasses.replace(lock.succeed(), who=member)
            answers = [lock.fail(), self._device.fail()]
            if self._shared is not None and any(reached):
                self._shared.record(self.actor(member), "sign-in-failed",
                                    f"wrong PIN for {member.name}")
                for scope, policy in ((account, self._policy), (device, self._device_policy)):
                    theirs = self._shared.fail(policy, scope)
                    if theirs is not None:
                        self._remember(scope, theirs)
                        answers.append(policy.attempt(theirs.failures, theirs.locked_for_s))
            return PinAttempt(ok=False,
                              locked_for_s=max(a.locked_for_s for a in answers),
                              attempts_left=min(a.attempts_left for a in answers), who=member)

    def sign_out(self, member: StaffAccount, why: str = "signed out") -> None:
        """Audit the end of a session; off the GUI thread."""
        with self._mutex:
            if self._shared is not None:
                self._shared.record(self.actor(member), "sign-out", why)

    def actor(self, member: StaffAccount) -> Actor:
        return Actor(member.name, self.place)

    def close(self) -> None:
        if self._shared is not None:
            self._shared.close()

    def _read_accounts(self) -> None:
        if self._shared is None:
            return
        found = self._shared.accounts()
        if found is None:  # unreachable: keep what was read last time
            return
        self._members = found or list(self._fallback)

    def _read_shared(self, scope: str, policy: LockPolicy) -> SharedState | None:
        if self._shared is None:
            return None
        state = self._shared.read(policy, scope)
        if state is not None:  # unreachable: keep the deadline read last time
            self._remember(scope, state)
        return state

    def _remember(self, scope: str, state: SharedState) -> None:
        if state.locked_for_s > 0:
            self._shared_until[scope] = self._clock() + state.locked_for_s
        else:
            self._shared_until.pop(scope, None)


def _place(kind: str, name: str) -> str:
    clean = " ".join(name.split()) or "unknown"
    return f"{kind} {clean}"[:PLACE_MAX_CHARS]


def kiosk_place(kiosk_id: str) -> str:
    """Where staff work on a kiosk's own screen, as the audit names it: ``kiosk lobby-1``."""
    return _place("kiosk", kiosk_id)


def console_place(hostname: str | None = None) -> str:
    """Where staff work at a front-desk console: ``console <host>``."""
    return _place("console", hostname if hostname is not None else socket.gethostname())


def command_line_actor() -> Actor:
    """Who runs a command: the administrator at this computer, under their login name."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor("admin", _place("command line", f"{socket.gethostname()} ({user})"))


def adopt_config_pin(store: object, config: Config, actor: Actor) -> bool:
    """The config's old shared `[staff] pin_hash` becomes the admin account `Staff` in the
    queue, on the first start of a release with accounts; never over an account there."""
    if not config.staff.pin_hash:
        return False
    import logging

    from kiosk.callback_queue.accounts import AccountStore

    adopted = AccountStore(store.engine).adopt_config_pin(config.staff.pin_hash, actor)
    if adopted:
        logging.getLogger(__name__).info(
            "the config's [staff] pin_hash is now the admin account %r in the queue",
            SHARED_PIN_ACCOUNT)
    return adopted


def staff_config_problems(config: Config) -> list[str]:
    """What stops a staff command from trusting this config, one line per problem. (Who may
    sign in is the queue's business now: see the accounts, and `kiosk check`.)"""
    return [str(p) for p in config.problems]
