"""The queue's tables, one frozen definition per schema version, and the migrations between them.

Each version's tables are built by their own function and never edited once released, so
that upgrading an old database always starts from what that database really contains.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.schema import CreateTable
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

SCHEMA_VERSION = 6
VERSION_KEY = "schema_version"
# Any constant works; it only has to be the same in every process that opens the database.
_PG_MIGRATION_LOCK = 0x6B696F736B  # "kiosk"


class SchemaTooNew(RuntimeError):
    """The database was written by a newer kiosk than this one."""


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        # SQLite has no time zones; storing naive UTC text keeps ORDER BY chronological.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _meta_v1(md: MetaData) -> Table:
    return Table(
        "meta",
        md,
        Column("key", String(64), primary_key=True),
        Column("value", String(255), nullable=False),
    )


def _requests_v1(md: MetaData) -> Table:
    table = Table(
        "callback_requests",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("idempotency_key", String(36), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Column("name", String(80), nullable=False),
        Column("phone", String(20), nullable=False),
        Column("best_time", String(16), nullable=False),
        Column("status", String(20), nullable=False),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("notes", Text, nullable=False, server_default=text("''")),
        UniqueConstraint("idempotency_key", name="uq_callback_requests_idempotency_key"),
    )
    Index("ix_callback_requests_created_at", table.c.created_at)
    return table


def _requests_v2(md: MetaData, name: str = "callback_requests") -> Table:
    return Table(
        name,
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("idempotency_key", String(36), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Column("kiosk_id", String(64), nullable=False),
        Column("name", String(80), nullable=False),
        Column("phone", String(20), nullable=False),
        Column("best_time", String(16), nullable=False),
        Column("status", String(20), nullable=False),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("notes", Text, nullable=False, server_default=text("''")),
        Column("updated_at", UtcDateTime, nullable=False),
        UniqueConstraint("idempotency_key", name="uq_callback_requests_idempotency_key"),
    )


def _requests_indexes_v2(table: Table) -> list[Index]:
    # (status, created_at) serves the filtered staff view; created_at the unfiltered one;
    # (status, updated_at) the retention purge; updated_at the change marker's max().
    return [
        Index("ix_callback_requests_created_at", table.c.created_at),
        Index("ix_callback_requests_status_created_at", table.c.status, table.c.created_at),
        Index("ix_callback_requests_status_updated_at", table.c.status, table.c.updated_at),
        Index("ix_callback_requests_updated_at", table.c.updated_at),
    ]


def _audit_v2(md: MetaData) -> Table:
    table = Table(
        "audit_log",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "request_id",
            Integer,
            ForeignKey("callback_requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("at", UtcDateTime, nullable=False),
        Column("actor", String(64), nullable=False),
        Column("action", String(32), nullable=False),
        Column("detail", Text, nullable=False, server_default=text("''")),
    )
    Index("ix_audit_log_request_id", table.c.request_id)
    return table


def _pin_lockout_v3(md: MetaData) -> Table:
    # One row per lock-out scope (today only "staff"); no row means no failures.
    return Table(
        "pin_lockout",
        md,
        Column("scope", String(32), primary_key=True),
        Column("failures", Integer, nullable=False),
        Column("locks", Integer, nullable=False),
        Column("locked_until", UtcDateTime, nullable=True),
        Column("updated_at", UtcDateTime, nullable=False),
    )


def _kiosk_heartbeats_v3(md: MetaData) -> Table:
    # One row per kiosk id, overwritten by each heartbeat; never a patient's data.
    return Table(
        "kiosk_heartbeats",
        md,
        Column("kiosk_id", String(64), primary_key=True),
        Column("version", String(32), nullable=False),
        Column("started_at", UtcDateTime, nullable=False),
        Column("last_seen", UtcDateTime, nullable=False),
        Column("outbox_depth", Integer, nullable=False),
        Column("outbox_oldest_at", UtcDateTime, nullable=True),
        Column("queue_state", String(16), nullable=False),
        Column("speech", String(16), nullable=False),
        Column("free_disk_bytes", BigInteger, nullable=True),
        Column("last_error", String(200), nullable=False, server_default=text("''")),
    )


def _usage_counts_v4(md: MetaData) -> Table:
    # Anonymous counts per local day, kiosk, counter and key (a section id, a language,
    # a form step): never a name, a phone or anything that follows one visitor.
    return Table(
        "usage_counts",
        md,
        Column("day", String(10), primary_key=True),  # YYYY-MM-DD in the clinic's time
        Column("kiosk_id", String(64), primary_key=True),
        Column("counter", String(32), primary_key=True),
        Column("key", String(64), primary_key=True),
        Column("n", BigInteger, nullable=False),
    )


def _callback_archive_v4(md: MetaData) -> Table:
    # What retention keeps of the requests it deletes: per local day and kiosk, how many
    # there were, were called, reached and booked, and how many minutes each waited for its
    # first call (figure "first_call_min", key = the minutes), so the report's figures for
    # a day survive the purge of its personal data.
    return Table(
        "callback_archive",
        md,
        Column("day", String(10), primary_key=True),
        Column("kiosk_id", String(64), primary_key=True),
        Column("figure", String(32), primary_key=True),
        Column("key", String(64), primary_key=True),
        Column("n", BigInteger, nullable=False),
    )


def _requests_v5(md: MetaData) -> Table:
    """Version 2's requests plus what is due and what the patient agreed to."""
    table = _requests_v2(md)
    # When the next call is due; for a request nobody has to call any more, when it was.
    table.append_column(Column("due_by", UtcDateTime, nullable=True))
    # 0 while someone has to call (the top of the staff list, by due_by), 1 afterwards.
    table.append_column(Column("queue_rank", Integer, nullable=False, server_default=text("1")))
    # The consent sentence exactly as shown, its language, and its version (a hash of it).
    table.append_column(Column("consent_text", Text, nullable=False, server_default=text("''")))
    table.append_column(
        Column("consent_language", String(8), nullable=False, server_default=text("''")))
    table.append_column(
        Column("consent_version", String(16), nullable=False, server_default=text("''")))
    return table


def _requests_indexes_v5(table: Table) -> list[Index]:
    # The staff list's order, (queue_rank, due_by, id), with and without a status filter;
    # the overdue watch reads the rank-0 end of the first one; do-not-call finds a number.
    return [
        Index("ix_callback_requests_rank_due", table.c.queue_rank, table.c.due_by, table.c.id),
        Index("ix_callback_requests_status_rank_due", table.c.status, table.c.queue_rank,
              table.c.due_by, table.c.id),
        Index("ix_callback_requests_phone", table.c.phone),
    ]


def _do_not_call_v5(md: MetaData) -> Table:
    # Numbers whose owner asked not to be called: kept past retention, so that a later
    # request from the number is recorded closed. No name, only the number and who noted it.
    return Table(
        "do_not_call",
        md,
        Column("phone", String(20), primary_key=True),
        Column("request_id", Integer, nullable=False),
        Column("at", UtcDateTime, nullable=False),
        Column("actor", String(64), nullable=False),
    )


def _staff_accounts_v6(md: MetaData) -> Table:
    # One row per staff member. name_key (the name casefolded) is what must be unique;
    # name keeps the spelling shown on the pad. pin_hash holds its own parameters and salt.
    return Table(
        "staff_accounts",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String(40), nullable=False),
        Column("name_key", String(40), nullable=False),
        Column("role", String(16), nullable=False),
        Column("pin_hash", String(300), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
        UniqueConstraint("name_key", name="uq_staff_accounts_name_key"),
    )


def _audit_v6(md: MetaData, name: str = "audit_log") -> Table:
    # No foreign key: the trail outlives the requests retention deletes (their rows stay,
    # with the personal column emptied), and rows without a request record sign-ins,
    # exports and account changes. row_hash chains each row to prev_hash (audit_chain.py).
    return Table(
        name,
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("request_id", Integer, nullable=True),
        Column("at", UtcDateTime, nullable=False),
        Column("actor", String(64), nullable=False),
        Column("person", String(64), nullable=False, server_default=text("''")),
        Column("place", String(96), nullable=False, server_default=text("''")),
        Column("action", String(32), nullable=False),
        Column("detail", Text, nullable=False, server_default=text("''")),
        # The patient's name the row is about: hashed into the chain only as a digest
        # (salted, so the digest alone reveals nothing), and emptied by retention.
        Column("personal", Text, nullable=True),
        Column("personal_salt", String(32), nullable=True),
        Column("personal_digest", String(64), nullable=False, server_default=text("''")),
        Column("prev_hash", String(64), nullable=False, server_default=text("''")),
        Column("row_hash", String(64), nullable=False, server_default=text("''")),
    )


def _audit_indexes_v6(table: Table) -> list[Index]:
    return [Index("ix_audit_log_request_id", table.c.request_id)]


def _audit_chain_head_v6(md: MetaData) -> Table:
    # Exactly one row (id 1): the last row of the chain. Writers lock it, so two kiosks
    # appending at once take turns instead of forking the chain; verify compares it with
    # the last row, so deleting the newest rows shows too.
    return Table(
        "audit_chain_head",
        md,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("last_id", Integer, nullable=False),
        Column("last_hash", String(64), nullable=False),
        Column("rows", Integer, nullable=False),
    )


def _build_v1() -> MetaData:
    md = MetaData()
    _meta_v1(md)
    _requests_v1(md)
    return md


def _build_v2() -> MetaData:
    md = MetaData()
    _meta_v1(md)
    _requests_indexes_v2(_requests_v2(md))
    _audit_v2(md)
    return md


def _build_v3() -> MetaData:
    md = _build_v2()
    _pin_lockout_v3(md)
    _kiosk_heartbeats_v3(md)
    return md


def _build_v4() -> MetaData:
    md = _build_v3()
    _usage_counts_v4(md)
    _callback_archive_v4(md)
    return md


def _build_v5() -> MetaData:
    md = MetaData()
    _meta_v1(md)
    requests = _requests_v5(md)
    _requests_indexes_v2(requests)
    _requests_indexes_v5(requests)
    _audit_v2(md)
    _pin_lockout_v3(md)
    _kiosk_heartbeats_v3(md)
    _usage_counts_v4(md)
    _callback_archive_v4(md)
    _do_not_call_v5(md)
    return md


def _build_current() -> MetaData:
    md = MetaData()
    _meta_v1(md)
    requests = _requests_v5(md)
    _requests_indexes_v2(requests)
    _requests_indexes_v5(requests)
    _audit_indexes_v6(_audit_v6(md))
    _pin_lockout_v3(md)
    _kiosk_heartbeats_v3(md)
    _usage_counts_v4(md)
    _callback_archive_v4(md)
    _do_not_call_v5(md)
    _staff_accounts_v6(md)
    _audit_chain_head_v6(md)
    return md


#: The released schemas, kept so tests (and old kiosks) can create them exactly.
V1_METADATA = _build_v1()
V2_METADATA = _build_v2()
V3_METADATA = _build_v3()
V4_METADATA = _build_v4()
V5_METADATA = _build_v5()
#: The schema this code reads and writes.
METADATA = _build_current()
meta_table = METADATA.tables["meta"]
requests_table = METADATA.tables["callback_requests"]
audit_table = METADATA.tables["audit_log"]
pin_lockout_table = METADATA.tables["pin_lockout"]
kiosk_heartbeats_table = METADATA.tables["kiosk_heartbeats"]
staff_accounts_table = METADATA.tables["staff_accounts"]
audit_chain_head_table = METADATA.tables["audit_chain_head"]
usage_counts_table = METADATA.tables["usage_counts"]
callback_archive_table = METADATA.tables["callback_archive"]
do_not_call_table = METADATA.tables["do_not_call"]
#: Statuses whose requests someone still has to call (queue_rank 0); kept here as plain
#: text so the migration below stays frozen whatever the model later adds.
_AWAITING_V5 = ("new", "no-answer", "left-voicemail")


def _migrate_1_to_2(conn: Connection) -> None:
    """Add kiosk_id, updated_at and the audit log; rows keep their ids."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "ALTER TABLE callback_requests"
                " ADD COLUMN kiosk_id VARCHAR(64) NOT NULL DEFAULT 'unknown',"
                " ADD COLUMN updated_at TIMESTAMP WITH TIME ZONE"
            )
        )
        conn.execute(text("UPDATE callback_requests SET updated_at = created_at"))
        conn.execute(
            text(
                "ALTER TABLE callback_requests"
                " ALTER COLUMN kiosk_id DROP DEFAULT,"
                " ALTER COLUMN updated_at SET NOT NULL"
            )
        )
    else:
        # SQLite cannot add NOT NULL columns without constant defaults, so rebuild the table
        # as https://www.sqlite.org/lang_altertable.html describes. Nothing references it yet.
        staging = _requests_v2(MetaData(), name="callback_requests_v2")
        conn.execute(CreateTable(staging))
        conn.execute(
            text(
                "INSERT INTO callback_requests_v2 (id, idempotency_key, created_at, kiosk_id,"
                " name, phone, best_time, status, attempts, notes, updated_at)"
                " SELECT id, idempotency_key, created_at, 'unknown', name, phone, best_time,"
                " status, attempts, notes, created_at FROM callback_requests"
            )
        )
        conn.execute(text("DROP TABLE callback_requests"))
        conn.execute(text("ALTER TABLE callback_requests_v2 RENAME TO callback_requests"))
    md = MetaData()
    table = _requests_v2(md)
    conn.execute(text("DROP INDEX IF EXISTS ix_callback_requests_created_at"))
    for index in _requests_indexes_v2(table):
        index.create(conn)
    _audit_v2(md).create(conn)


def _migrate_2_to_3(conn: Connection) -> None:
    """Add the shared PIN lock-out and the kiosks' heartbeats; nothing existing changes."""
    md = MetaData()
    _pin_lockout_v3(md).create(conn)
    _kiosk_heartbeats_v3(md).create(conn)


def _migrate_3_to_4(conn: Connection) -> None:
    """Add the anonymous usage counts and the callback figures retention keeps."""
    md = MetaData()
    _usage_counts_v4(md).create(conn)
    _callback_archive_v4(md).create(conn)


def _migrate_4_to_5(conn: Connection) -> None:
    """Add due times, the queue's rank and consent to requests, and the do-not-call list.

    Requests stored before have no deadline of their own: they are due when they were
    made (so they head the list, as late as they really are), and their consent is blank:
    it was not recorded then."""
    md = MetaData()
    table = _requests_v5(md)
    for name in ("due_by", "queue_rank", "consent_text", "consent_language", "consent_version"):
        column = table.c[name]
        kind = column.type.compile(dialect=conn.dialect)
        default = f" DEFAULT {column.server_default.arg.text}" if column.server_default else ""
        null = "" if column.nullable else " NOT NULL"
        conn.execute(text(f"ALTER TABLE callback_requests ADD COLUMN {name} {kind}{null}{default}"))
    conn.execute(text("UPDATE callback_requests SET due_by = created_at"))
    conn.execute(
        text("UPDATE callback_requests SET queue_rank = 0 WHERE status IN "
             "('" + "', '".join(_AWAITING_V5) + "')"))
    for index in _requests_indexes_v5(table):
        index.create(conn)
    _do_not_call_v5(md).create(conn)


def _migrate_5_to_6(conn: Connection) -> None:
    """Staff accounts, and the audit log rebuilt without its foreign key, with the person,
    the place and the hash chain; the rows it had are kept and chained once, in id order."""
    from kiosk.callback_queue import audit_chain

    md = MetaData()
    _staff_accounts_v6(md).create(conn)
    head = _audit_chain_head_v6(md)
    head.create(conn)
    staging = _audit_v6(MetaData(), name="audit_log_v6")
    staging.create(conn)
    # Older rows named only the machine ("kiosk:lobby-1"): that becomes the place.
    conn.execute(text(
        "INSERT INTO audit_log_v6 (id, request_id, at, actor, person, place, action, detail,"
        " personal_digest, prev_hash, row_hash)"
        " SELECT id, request_id, at, actor, '', replace(actor, ':', ' '), action, detail,"
        " '', '', '' FROM audit_log"))
    conn.execute(text("DROP TABLE audit_log"))
    conn.execute(text("ALTER TABLE audit_log_v6 RENAME TO audit_log"))
    if conn.dialect.name == "postgresql":  # the copied ids must not be handed out again
        conn.execute(text("ALTER SEQUENCE audit_log_v6_id_seq RENAME TO audit_log_id_seq"))
        conn.execute(text("ALTER TABLE audit_log RENAME CONSTRAINT audit_log_v6_pkey"
                          " TO audit_log_pkey"))
        conn.execute(text("SELECT setval('audit_log_id_seq',"
                          " (SELECT coalesce(max(id), 0) + 1 FROM audit_log), false)"))
    table = _audit_v6(MetaData())
    for index in _audit_indexes_v6(table):
        index.create(conn)
    audit_chain.chain_unchained(conn, table, head)


#: MIGRATIONS[n] upgrades a database from version n to n + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4, 4: _migrate_4_to_5,
    5: _migrate_5_to_6,
}


def read_version(conn: Connection) -> int | None:
    """The stored schema version, or None for an empty database."""
    if not inspect(conn).has_table("meta"):
        return None
    value = conn.execute(
        select(meta_table.c.value).where(meta_table.c.key == VERSION_KEY)
    ).scalar_one_or_none()
    return None if value is None else int(value)


def _write_version(conn: Connection, version: int) -> None:
    updated = conn.execute(
        meta_table.update().where(meta_table.c.key == VERSION_KEY).values(value=str(version))
    )
    if updated.rowcount == 0:
        conn.execute(meta_table.insert().values(key=VERSION_KEY, value=str(version)))


def create_v1(conn: Connection) -> None:
    """Create the version-1 schema, as the first release did (used by migration tests)."""
    V1_METADATA.create_all(conn)
    _write_version(conn, 1)


def create_v2(conn: Connection) -> None:
    """Create the version-2 schema, as the second release did (used by migration tests)."""
    V2_METADATA.create_all(conn)
    _write_version(conn, 2)


def create_v3(conn: Connection) -> None:
    """Create the version-3 schema, as the third release did (used by migration tests)."""
    V3_METADATA.create_all(conn)
    _write_version(conn, 3)


def create_v4(conn: Connection) -> None:
    """Create the version-4 schema, as the fourth release did (used by migration tests)."""
    V4_METADATA.create_all(conn)
    _write_version(conn, 4)


def create_v5(conn: Connection) -> None:
    """Create the version-5 schema, as the fifth release did (used by migration tests)."""
    V5_METADATA.create_all(conn)
    _write_version(conn, 5)


def upgrade(conn: Connection) -> int:
    """Create or upgrade the schema inside the caller's transaction; returns the old version.

    Returns 0 for a database that was empty. On PostgreSQL an advisory lock makes kiosks
    that start together take turns; on SQLite the caller's BEGIN IMMEDIATE does the same.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
    found = read_version(conn)
    if found is None:
        if inspect(conn).has_table("callback_requests"):
            raise RuntimeError("callback_requests exists without a schema version; refusing")
        METADATA.create_all(conn)
        from kiosk.callback_queue import audit_chain

        audit_chain.start_chain(conn, audit_chain_head_table)
        _write_version(conn, SCHEMA_VERSION)
        log.info("created callback queue schema version %d", SCHEMA_VERSION)
        return 0
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"database schema version {found} is newer than this kiosk's {SCHEMA_VERSION};"
            " update the kiosk software"
        )
    for version in range(found, SCHEMA_VERSION):
        MIGRATIONS[version](conn)
        log.info("migrated callback queue schema %d -> %d", version, version + 1)
    if found != SCHEMA_VERSION:
        _write_version(conn, SCHEMA_VERSION)
    return found
