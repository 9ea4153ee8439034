"""Looks at a queue without changing it, for `check` and `self-test`: is it readable, whole,
and of a schema this kiosk can use?

Qt-free. SQLite files are opened read-only with the stdlib driver, so nothing is written
and no side file is left behind; a PostgreSQL server gets one short, read-only connection.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

from kiosk.callback_queue.engine import QueueFileError, check_writable, is_sqlite, sqlite_path
from kiosk.callback_queue.schema import SCHEMA_VERSION, VERSION_KEY

#: Seconds `check` waits for a PostgreSQL server before calling it unreachable.
CHECK_CONNECT_TIMEOUT_S = 3
_SHOWN_ROWS = 3


class QueueReport(NamedTuple):
    """What inspecting a queue found: ``problems`` fail a check; ``summary`` says what it saw."""

    problems: list[str]
    summary: str
    #: Admin staff accounts in the queue: 0 for a queue not created yet, None if unread.
    admins: int | None = None


def quick_check(path: Path) -> list[str]:
    """Problems ``PRAGMA quick_check`` finds in the SQLite file at ``path`` (empty: it is whole)."""
    try:
        with _closing(_open_read_only(path)) as conn:
            rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]
        # SQLite reports as one row of many lines, headed "*** in database main ***".
        rows = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
    except sqlite3.DatabaseError as exc:
        if "malformed" in str(exc):  # a database, broken where quick_check had to read
            return [f"{path} is damaged: {exc}"]
        return [f"{path} cannot be read as a SQLite database ({exc})"]
    if rows == ["ok"]:
        return []
    more = f" (and {len(rows) - _SHOWN_ROWS} more errors)" if len(rows) > _SHOWN_ROWS else ""
    return [f"{path} is damaged: PRAGMA quick_check says " + "; ".join(rows[:_SHOWN_ROWS]) + more]


def inspect_queue(url: str, *, connect_timeout_s: int = CHECK_CONNECT_TIMEOUT_S) -> QueueReport:
    """Look at the queue behind ``url`` read-only; never creates or upgrades anything."""
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is None:
            return QueueReport([], "an in-memory SQLite queue (nothing to inspect)")
        return inspect_sqlite(path)
    return inspect_postgres(url, connect_timeout_s)


def inspect_sqlite(path: Path) -> QueueReport:
    if not path.exists():
        if path.parent.is_dir():
            try:
                check_writable(path)
            except QueueFileError as exc:
                return QueueReport([exc.strerror or str(exc)], f"SQLite queue {path}")
        return QueueReport(
            [], f"SQLite queue {path} does not exist yet; the kiosk creates it at first start",
            admins=0)
    problems = quick_check(path)
    if problems:
        return QueueReport(problems, f"SQLite queue {path}")
    try:
        check_writable(path)
    except QueueFileError as exc:
        problems.append(exc.strerror or str(exc))
    try:
        with _closing(_open_read_only(path)) as conn:
            version, count = _sqlite_version_and_count(conn)
            admins = _sqlite_admins(conn)
    except (sqlite3.DatabaseError, ValueError) as exc:
        return QueueReport([*problems, f"{path} cannot be read ({exc})"], f"SQLite queue {path}")
    problems += _version_problems(version)
    return QueueReport(problems, f"SQLite queue {path}: {_described(version, count)}", admins)


def inspect_postgres(url: str, connect_timeout_s: int = CHECK_CONNECT_TIMEOUT_S) -> QueueReport:
    from sqlalchemy import func, inspect, select
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.callback_queue.engine import make_engine
    from kiosk.callback_queue.schema import read_version, requests_table, staff_accounts_table

    engine = make_engine(url, connect_timeout_s)
    where = f"PostgreSQL queue {engine.url.host or 'on the local socket'}/{engine.url.database}"
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(postgresql_readonly=True)
            version = read_version(conn)
            count = None
            if version is not None and inspect(conn).has_table(requests_table.name):
                count = int(conn.execute(select(func.count()).select_from(requests_table))
                            .scalar_one())
            admins = 0
            if inspect(conn).has_table(staff_accounts_table.name):
                admins = int(conn.execute(
                    select(func.count()).select_from(staff_accounts_table)
                    .where(staff_accounts_table.c.role == "admin")).scalar_one())
            conn.rollback()
    except ValueError as exc:
        return QueueReport([f"its meta table holds a schema version that is not a number ({exc})"],
                           where)
    except SQLAlchemyError as exc:
        # The driver's own words: SQLAlchemy's message can quote a statement's values.
        reason = str(getattr(exc, "orig", None) or type(exc).__name__).strip()
        reason = reason.splitlines()[0] if reason else type(exc).__name__
        return QueueReport([f"cannot use the PostgreSQL server: {reason}"], where)
    finally:
        engine.dispose()
    return QueueReport(_version_problems(version), f"{where}: {_described(version, count)}",
                       admins)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves no file behind.

    With no -wal or -shm beside it the file is closed and checkpointed, so it is read as
    immutable (SQLite would otherwise create side files owned by whoever runs `check`).
    """
    uri = path.resolve().as_uri()
    side_files = Path(f"{path}-wal").exists() or Path(f"{path}-shm").exists()
    return sqlite3.connect(f"{uri}?mode=ro" if side_files else f"{uri}?mode=ro&immutable=1",
                           uri=True)


class _closing:
    """``with`` that closes a sqlite3 connection (its own ``with`` only ends a transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def _sqlite_version_and_count(conn: sqlite3.Connection) -> tuple[int | None, int | None]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "meta" not in tables:
        return None, None
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (VERSION_KEY,)).fetchone()
    version = None if row is None else int(row[0])
    count = None
    if "callback_requests" in tables:
        count = int(conn.execute("SELECT count(*) FROM callback_requests").fetchone()[0])
    return version, count


def _sqlite_admins(conn: sqlite3.Connection) -> int:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "staff_accounts" not in tables:
        return 0
    return int(conn.execute("SELECT count(*) FROM staff_accounts WHERE role = 'admin'")
               .fetchone()[0])


def _version_problems(version: int | None) -> list[str]:
    if version is not None and version > SCHEMA_VERSION:
        return [f"its schema version {version} was written by a newer kiosk (this one knows "
                f"up to {SCHEMA_VERSION}); update the kiosk software"]
    return []


def _described(version: int | None, count: int | None) -> str:
    if version is None:
        return "empty; the kiosk creates its tables at first start"
    if version < SCHEMA_VERSION:
        return f"schema {version}, upgraded to {SCHEMA_VERSION} at the kiosk's next start"
    return f"schema {version}, {count if count is not None else 'no'} request(s)"
