"""The audit trail's hash chain: each row holds a SHA-256 over its content and the last row's.

Qt-free. A row's content is serialised canonically (``canonical``: JSON, keys sorted, no
spaces, UTF-8, the time as UTC ISO 8601 with microseconds) and hashed together with the
previous row's hash; the first row follows ``GENESIS``. One ``audit_chain_head`` row holds
the last row's id and hash: every writer locks it (FOR UPDATE on PostgreSQL; SQLite's
BEGIN IMMEDIATE already serialises writers), so two kiosks appending at the same moment
take turns instead of forking the chain, and ``verify`` compares it with the last row, so
deleting the newest rows shows as well as editing or deleting older ones.

The patient's name a row is about (``personal``) is hashed into the chain only as a salted
digest: retention empties the name and its salt, and the chain still verifies.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, select

GENESIS = "0" * 64
#: Bumped if the canonical form ever changes; part of every hashed row.
CANONICAL_VERSION = 1
_HEAD_ID = 1
_HASHED = ("id", "request_id", "at", "actor", "person", "place", "action", "detail",
           "personal_digest", "prev_hash")


class ChainMissing(RuntimeError):
    """The database has no chain head row (it was deleted)."""


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(row: Mapping[str, Any]) -> bytes:
    """The exact bytes a row's hash covers."""
    content: dict[str, Any] = {key: row[key] for key in _HASHED}
    content["at"] = _stamp(row["at"])
    content["v"] = CANONICAL_VERSION
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def row_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


def personal_digest(salt_hex: str, personal: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt_hex) + personal.encode("utf-8")).hexdigest()


def start_chain(conn: Connection, head: Table) -> None:
    """The head of an empty chain (a new database)."""
    conn.execute(head.insert().values(id=_HEAD_ID, last_id=0, last_hash=GENESIS, rows=0))


def _lock_head(conn: Connection, head: Table) -> Any:
    stmt = select(head).where(head.c.id == _HEAD_ID).with_for_update()
    found = conn.execute(stmt).first()
    if found is None:
        raise ChainMissing("the audit chain's head row is missing; run `kiosk audit verify`")
    return found


def append(conn: Connection, table: Table, head: Table, *, request_id: int | None,
           at: datetime, actor: str, person: str, place: str, action: str, detail: str,
           personal: str | None = None) -> int:
    """Add one row at the end of the chain inside the caller's write transaction."""
    last = _lock_head(conn, head)
    salt = secrets.token_hex(16) if personal else None
    values: dict[str, Any] = {
        "request_id": request_id, "at": at, "actor": actor, "person": person,
        "place": place, "action": action, "detail": detail,
        "personal": personal or None, "personal_salt": salt,
        "personal_digest": personal_digest(salt, personal) if salt and personal else "",
        "prev_hash": last.last_hash, "row_hash": "",
    }
    new_id = conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()
    values["id"] = new_id
    digest = row_hash(values)
    conn.execute(table.update().where(table.c.id == new_id).values(row_hash=digest))
    conn.execute(head.update().where(head.c.id == _HEAD_ID)
                 .values(last_id=new_id, last_hash=digest, rows=last.rows + 1))
    return int(new_id)


def chain_unchained(conn: Connection, table: Table, head: Table) -> int:
    """Chain every row of an older database once, in id order (the migration to v4)."""
    prev, count, last_id = GENESIS, 0, 0
    rows = conn.execute(select(table).order_by(table.c.id)).mappings().all()
    for row in rows:
        values = {**row, "prev_hash": prev}
        prev = row_hash(values)
        conn.execute(table.update().where(table.c.id == row["id"])
                     .values(prev_hash=values["prev_hash"], row_hash=prev))
        count, last_id = count + 1, row["id"]
    conn.execute(head.insert().values(id=_HEAD_ID, last_id=last_id, last_hash=prev, rows=count))
    return count


@dataclass(frozen=True, slots=True)
class ChainReport:
    rows: int
    #: The id of the first row that does not match, None when the chain is intact.
    bad_row: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def verify(conn: Connection, table: Table, head: Table) -> ChainReport:
    """Walk the chain from the first row; the first row that does not match ends it."""
    stmt = select(table).order_by(table.c.id)
    # In batches (a server-side cursor on PostgreSQL): years of rows never sit in memory.
    with contextlib.closing(conn.execution_options(yield_per=1000).execute(stmt)) as result:
        return _walk(conn, result.mappings(), head)


def _walk(conn: Connection, rows: Any, head: Table) -> ChainReport:
    prev, count, last_id = GENESIS, 0, 0
    for row in rows:
        if row["prev_hash"] != prev:
            before = f"row {last_id}" if last_id else "the start of the trail"
            return ChainReport(count, row["id"], (
                f"row {row['id']} is not chained to {before}: a row between them was "
                f"deleted, or {before} was changed"))
        if row_hash(row) != row["row_hash"]:
            return ChainReport(count, row["id"],
                               f"row {row['id']} was changed after it was written")
        personal, salt = row["personal"], row["personal_salt"]
        if personal is not None and (not salt or personal_digest(salt, personal)
                                     != row["personal_digest"]):
            return ChainReport(count, row["id"],
                               f"row {row['id']}: the patient's name in it was changed")
        prev, count, last_id = row["row_hash"], count + 1, row["id"]
    found = conn.execute(select(head).where(head.c.id == _HEAD_ID)).first()
    if found is None:
        return ChainReport(count, None, "the chain's head row is missing")
    if found.last_id != last_id or found.last_hash != prev or found.rows != count:
        if found.last_id > last_id:
            return ChainReport(count, found.last_id, (
                f"row {found.last_id}, the newest, is missing: the rows after row "
                f"{last_id} were deleted"))
        return ChainReport(count, last_id or None, (
            f"the chain's head names row {found.last_id} of {found.rows} as the last, "
            f"but the trail ends at row {last_id} of {count}"))
    return ChainReport(count)


def count_rows(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
