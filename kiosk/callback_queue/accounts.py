"""Staff accounts kept in the queue database, so every kiosk and console on it shares them.

Qt-free. Hashing a PIN is the caller's (``kiosk.staff.pin``): this module stores what it is
given, never a PIN. Each change is one write transaction with its audit row in the chain,
and the last admin can be neither removed nor made plain staff.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError

from kiosk.callback_queue import schema
from kiosk.callback_queue.engine import write_transaction
from kiosk.callback_queue.model import (
    AccountError,
    Actor,
    Role,
    StaffAccount,
    utc_now,
)
from kiosk.callback_queue.model import clean_staff_name as clean_name
from kiosk.callback_queue.model import staff_name_key as name_key
from kiosk.callback_queue.store import write_audit

_accounts = schema.staff_accounts_table
_meta = schema.meta_table
#: Where the queue remembers which config `[staff] pin_hash` it already made an account of.
ADOPTED_KEY = "adopted_config_pin"
#: The account `set-pin` sets, and the old shared PIN becomes.
SHARED_PIN_ACCOUNT = "Staff"


class AccountStore:
    """Reads and changes the accounts; thread-safe, like the engine it is given."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self._engine = engine
        self._clock = clock

    def list(self) -> list[StaffAccount]:
        """Every account, in name order (case-insensitive): the pad's order."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(_accounts).order_by(_accounts.c.name_key)).all()
        return [StaffAccount(r.name, Role(r.role), r.pin_hash) for r in rows]

    def get(self, name: str) -> StaffAccount | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(_accounts)
                               .where(_accounts.c.name_key == name_key(name))).first()
        return None if row is None else StaffAccount(row.name, Role(row.role), row.pin_hash)

    def count_admins(self) -> int:
        with self._engine.connect() as conn:
            return _admins(conn)

    def add(self, name: str, role: Role, pin_hash: str, actor: Actor | str) -> StaffAccount:
        clean, role, now = clean_name(name), Role(role), self._clock()
        taken = AccountError(f"There is already a staff account named {clean!r} "
                             "(names are the same whatever their letter case).")
        try:
            with write_transaction(self._engine) as conn:
                if _find(conn, clean, lock=True) is not None:
                    raise taken
                conn.execute(_accounts.insert().values(
                    name=clean, name_key=name_key(clean), role=role.value, pin_hash=pin_hash,
                    created_at=now, updated_at=now))
                write_audit(conn, None, now, actor, "account-add", f"added {clean} ({role})")
        except IntegrityError:  # added elsewhere at the same moment
            raise taken from None
        return StaffAccount(clean, role, pin_hash)

    def remove(self, name: str, actor: Actor | str) -> StaffAccount:
        now = self._clock()
        with write_transaction(self._engine) as conn:
            found = _find(conn, name, lock=True)
            if found is None:
                raise AccountError(_unknown(name))
            if found.role == Role.ADMIN and _admins(conn, lock=True) <= 1:
                raise AccountError(f"{found.name} is the last admin account; add another "
                                   "admin first (`staff-user add NAME --admin`).")
            conn.execute(_accounts.delete().where(_accounts.c.id == found.id))
            write_audit(conn, None, now, actor, "account-remove", f"removed {found.name}")
        return StaffAccount(found.name, Role(found.role), found.pin_hash)

    def set_pin(self, name: str, pin_hash: str, actor: Actor | str, *,
                create_as: Role | None = None) -> StaffAccount:
        """A new PIN for ``name``; with ``create_as`` an unknown name is added instead."""
        now = self._clock()
        with write_transaction(self._engine) as conn:
            found = _find(conn, name, lock=True)
            if found is None:
                if create_as is None:
                    raise AccountError(_unknown(name))
                clean = clean_name(name)
                conn.execute(_accounts.insert().values(
                    name=clean, name_key=name_key(clean), role=Role(create_as).value,
                    pin_hash=pin_hash, created_at=now, updated_at=now))
                write_audit(conn, None, now, actor, "account-add",
                            f"added {clean} ({Role(create_as)})")
                return StaffAccount(clean, Role(create_as), pin_hash)
            conn.execute(_accounts.update().where(_accounts.c.id == found.id)
                         .values(pin_hash=pin_hash, updated_at=now))
            write_audit(conn, None, now, actor, "account-pin", f"new PIN for {found.name}")
        return StaffAccount(found.name, Role(found.role), pin_hash)

    def adopt_config_pin(self, pin_hash: str, actor: Actor | str) -> bool:
        """The old shared `[staff] pin_hash` becomes the admin account `Staff`, once.

        Never replaces an account already there, and never brings it back once an admin
        removed it: the queue remembers (a digest of) the hash it adopted."""
        if not pin_hash:
            return False
        marker = hashlib.sha256(pin_hash.encode("utf-8")).hexdigest()
        now = self._clock()
        with write_transaction(self._engine) as conn:
            seen = conn.execute(select(_meta.c.value)
                                .where(_meta.c.key == ADOPTED_KEY)).scalar_one_or_none()
            if seen == marker:
                return False
            if seen is None:
                conn.execute(_meta.insert().values(key=ADOPTED_KEY, value=marker))
            else:
                conn.execute(_meta.update().where(_meta.c.key == ADOPTED_KEY)
                             .values(value=marker))
            if _find(conn, SHARED_PIN_ACCOUNT, lock=True) is not None:
                return False
            conn.execute(_accounts.insert().values(
                name=SHARED_PIN_ACCOUNT, name_key=name_key(SHARED_PIN_ACCOUNT),
                role=Role.ADMIN.value, pin_hash=pin_hash, created_at=now, updated_at=now))
            write_audit(conn, None, now, actor, "account-add",
                        f"added {SHARED_PIN_ACCOUNT} (admin) from the config's [staff] pin_hash")
        return True


def _find(conn: Connection, name: str, *, lock: bool = False):  # noqa: ANN202 - a Row
    stmt = select(_accounts).where(_accounts.c.name_key == name_key(name))
    if lock:
        stmt = stmt.with_for_update()
    return conn.execute(stmt).first()


def _admins(conn: Connection, *, lock: bool = False) -> int:
    if lock:  # PostgreSQL: no aggregate FOR UPDATE; lock the admin rows, then count them
        ids = conn.execute(select(_accounts.c.id).where(_accounts.c.role == Role.ADMIN.value)
                           .with_for_update()).all()
        return len(ids)
    return int(conn.execute(select(func.count()).select_from(_accounts)
                            .where(_accounts.c.role == Role.ADMIN.value)).scalar_one())


def _unknown(name: str) -> str:
    return f"There is no staff account named {' '.join(str(name).split())!r}."
