"""Builds SQLAlchemy engines with the durability, privacy and timeout settings the queue needs."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)

#: Seconds to wait for a PostgreSQL server before the kiosk falls back to its outbox.
DEFAULT_CONNECT_TIMEOUT_S = 3
SQLITE_BUSY_TIMEOUT_MS = 10_000
_PRIVATE_FILE = 0o600
_WRITE = "kiosk_write"


class QueueFileError(OSError):
    """A SQLite file the kiosk must not open for writing: its folder is missing, or it,
    its -wal or -shm file or the folder is not writable.

    SQLite maps the -shm file into memory; a side file it cannot write can kill the whole
    process with SIGBUS, so the kiosk refuses before SQLite ever sees the file.
    """


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def upsert_insert(dialect_name: str) -> Callable[..., Any]:
    """The ``insert`` with ``on_conflict_do_*`` for this dialect. Imported when first asked:
    PostgreSQL's dialect costs a SQLite kiosk 60 ms of start-up it never needs."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def sqlite_path(url: str) -> Path | None:
    """The database file behind a SQLite URL, or None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        # The file's permissions could not be enforced on a path SQLite parses itself.
        raise ValueError("use sqlite:///path/to/file, not a file: URI")
    return Path(database)


def make_engine(url: str, connect_timeout_s: int = DEFAULT_CONNECT_TIMEOUT_S) -> Engine:
    """An engine for ``sqlite:///path`` or ``postgresql+psycopg://...``, safe across threads.

    Statement parameters are hidden from logs and error messages: they hold patients'
    names and phone numbers.
    """
    if is_sqlite(url):
        return _make_sqlite_engine(url)
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        # A plain postgresql:// URL would mean psycopg2, which the kiosk does not ship.
        parsed = parsed.set(drivername="postgresql+psycopg")
    # libpq rounds timeouts below 2 s up to 2 s; pre-ping replaces connections that a
    # restarted server has closed, so the first submit after an outage does not fail.
    return create_engine(
        parsed,
        connect_args={"connect_timeout": max(2, int(connect_timeout_s))},
        pool_pre_ping=True,
        hide_parameters=True,
    )


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: on SQLite it takes the write lock up front.

    A deferred SQLite transaction that reads and then writes fails at once with
    SQLITE_BUSY when another process wrote in between; BEGIN IMMEDIATE waits instead.
    """
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


def restrict_sqlite_files(path: Path) -> None:
    """Make the database and its WAL side files readable by the owner only."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(candidate, _PRIVATE_FILE)


def _make_sqlite_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is None:
        engine = create_engine(
            url,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
            hide_parameters=True,
        )
    else:
        _create_private_file(path)
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
    _install_sqlite_hooks(engine)
    return engine


def check_writable(path: Path) -> None:
    """Raise QueueFileError unless ``path``, its side files and its folder are writable.

    The folder is never created here: only the kiosk's own data folder is, by its caller
    (kiosk.ops.paths.prepare_data_dir), so a mistyped path cannot leave folders behind.
    """
    folder = path.parent
    if not folder.is_dir():
        raise QueueFileError(
            errno.ENOENT,
            f"the folder {folder} for the queue file {path.name} does not exist; "
            "create it, or correct database.url",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise QueueFileError(
            errno.EACCES,
            f"this user cannot create files in {folder}, where SQLite keeps "
            f"{path.name}-wal and {path.name}-shm beside the queue",
        )
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            fd = os.open(candidate, os.O_RDWR)
        except FileNotFoundError:
            continue
        except IsADirectoryError:
            raise QueueFileError(errno.EISDIR, f"{candidate} is a folder, not a file") from None
        except OSError as exc:
            raise QueueFileError(
                exc.errno or errno.EACCES,
                f"this user cannot write {candidate} ({exc.strerror}); give the kiosk's "
                "user account write access to it (never delete a -wal file: it holds data)",
            ) from None
        os.close(fd)


def _create_private_file(path: Path) -> None:
    check_writable(path)
    # Created with 0600 from the start, so personal data is never briefly world-readable.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, _PRIVATE_FILE)
    os.close(fd)
    restrict_sqlite_files(path)


def _install_sqlite_hooks(engine: Engine) -> None:
    # pysqlite's own transaction handling skips BEGIN before DDL and cannot BEGIN IMMEDIATE;
    # turning it off and emitting BEGIN ourselves is the recipe in SQLAlchemy's SQLite docs.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        try:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
                _enable_wal(cursor)
                cursor.execute("PRAGMA synchronous = FULL")
                cursor.execute("PRAGMA foreign_keys = ON")
            finally:
                cursor.close()
        except BaseException:
            # The pool never saw this connection, so nobody else would close it.
            dbapi_conn.close()
            raise

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _enable_wal(cursor: sqlite3.Cursor) -> None:
    """Switch to WAL, retrying while another connection is doing the same.

    Changing the journal mode needs an exclusive lock, and SQLite reports SQLITE_BUSY at
    once, without the busy handler, when two fresh connections try it together.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = str(cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
            continue
        if mode not in ("wal", "memory"):
            log.warning("SQLite refused WAL mode (journal_mode=%s); durability is reduced", mode)
        return


class ClosesOnExit:
    """``with thing:`` closes the thing at the end of the block."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
