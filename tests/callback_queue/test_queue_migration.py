"""Tests that opening an older queue database upgrades it without losing a row."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, inspect, text

from kiosk.callback_queue import schema
from kiosk.callback_queue.engine import make_engine, write_transaction
from kiosk.callback_queue.model import BestTime, NewRequest, Status
from kiosk.callback_queue.store import CallbackStore

T0 = datetime(2023, 11, 5, 8, 30, tzinfo=UTC)

V1_ROWS: list[dict[str, Any]] = [
    {
        "id": n,
        "idempotency_key": f"00000000-0000-4000-8000-00000000000{n}",
        "created_at": T0 + timedelta(hours=n),
        "name": name,
        "phone": f"+1202555010{n}",
        "best_time": best,
        "status": status,
        "attempts": attempts,
        "notes": notes,
    }
    for n, name, best, status, attempts, notes in [
        (1, "Ana María", "morning", "new", 0, ""),
        (2, "李小龙", "evening", "no-answer", 2, "tried twice"),
        (3, "O'Brien", "any", "closed", 1, "done"),
    ]
]


def make_v1(url: str) -> None:
    engine = make_engine(url)
    try:
        with write_transaction(engine) as conn:
            schema.create_v1(conn)
            # Without explicit ids, as the v1 kiosk inserted them (so sequences advance).
            rows = [{k: v for k, v in row.items() if k != "id"} for row in V1_ROWS]
            conn.execute(schema.V1_METADATA.tables["callback_requests"].insert(), rows)
    finally:
        engine.dispose()


def read_version(url: str) -> int | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return schema.read_version(conn)
    finally:
        engine.dispose()


def describe(conn: Connection) -> dict[str, Any]:
    insp = inspect(conn)
    return {
        table: {
            "columns": sorted(
                (c["name"], c["nullable"], type(c["type"]).__name__)
                for c in insp.get_columns(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]))
                for i in insp.get_indexes(table)
                if not i.get("duplicates_constraint")
                and not str(i["name"]).startswith("sqlite_autoindex")
            ),
            "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
            "foreign_keys": sorted(
                (f["referred_table"], tuple(f["constrained_columns"]))
                for f in insp.get_foreign_keys(table)
            ),
        }
        for table in sorted(insp.get_table_names())
    }


def test_v1_is_really_smaller() -> None:
    v1 = schema.V1_METADATA.tables
    assert set(v1) == {"meta", "callback_requests"}
    assert "kiosk_id" not in v1["callback_requests"].c
    assert "updated_at" not in v1["callback_requests"].c
    assert schema.SCHEMA_VERSION == 6


def test_upgrade_from_v1_keeps_every_row(store_url: str) -> None:
    make_v1(store_url)
    assert read_version(store_url) == 1
    with CallbackStore.open(store_url) as store:
        migrated = {r.id: r for r in store.page(limit=10)}
        assert sorted(migrated) == [1, 2, 3]
        for row in V1_ROWS:
            req = migrated[row["id"]]
            assert req.idempotency_key == row["idempotency_key"]
            assert req.created_at == row["created_at"]
            assert req.updated_at == row["created_at"]
            assert (req.name, req.phone, req.notes) == (row["name"], row["phone"], row["notes"])
            assert (req.best_time, req.status, req.attempts) == (
                BestTime(row["best_time"]),
                Status(row["status"]),
                row["attempts"],
            )
            assert req.kiosk_id == "unknown"
        # The upgraded database works fully: new ids continue, audit rows are written.
        fresh = store.submit(NewRequest.create("k9", "New One", "+12025550199", BestTime.ANY))
        assert fresh.id == 4
        store.record_attempt(2, Status.LEFT_VOICEMAIL, "sam")
        assert store.get(2).attempts == 3
        assert [e.action for e in store.audit(2)] == ["attempt"]
        assert store.count(Status.NO_ANSWER) == 0
    assert read_version(store_url) == schema.SCHEMA_VERSION


def test_upgraded_schema_matches_a_fresh_one(store_url: str, tmp_path: Any) -> None:
    make_v1(store_url)
    CallbackStore.open(store_url).close()
    engine = create_engine(store_url)
    with engine.connect() as conn:
        upgraded = describe(conn)
    engine.dispose()

    fresh_engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    if not store_url.startswith("sqlite"):
        fresh_engine.dispose()
        fresh_engine = make_engine(store_url.rsplit("/", 1)[0] + "/postgres")
        with write_transaction(fresh_engine) as conn:
            conn.execute(text("CREATE SCHEMA fresh"))
            conn.execute(text("SET LOCAL search_path TO fresh"))
            schema.upgrade(conn)
            expected = describe(conn)
            conn.execute(text("DROP SCHEMA fresh CASCADE"))
    else:
        with write_transaction(fresh_engine) as conn:
            schema.upgrade(conn)
            expected = describe(conn)
    fresh_engine.dispose()
    assert set(upgraded) == {"audit_chain_head", "audit_log", "callback_archive",
                             "callback_requests", "do_not_call", "kiosk_heartbeats", "meta",
                             "pin_lockout", "staff_accounts", "usage_counts"}
    assert len(upgraded["callback_requests"]["indexes"]) == 7
    assert upgraded == expected


def make_v2(url: str) -> None:
    """A database as the second release left it: a request and its audit row."""
    engine = make_engine(url)
    try:
        with write_transaction(engine) as conn:
            schema.create_v2(conn)
            tables = schema.V2_METADATA.tables
            conn.execute(tables["callback_requests"].insert(), [{
                "idempotency_key": V1_ROWS[0]["idempotency_key"], "created_at": T0,
                "kiosk_id": "lobby", "name": "Ana María", "phone": "+12025550101",
                "best_time": "morning", "status": "no-answer", "attempts": 1, "notes": "",
                "updated_at": T0,
            }])
            conn.execute(tables["audit_log"].insert(), [{
                "request_id": 1, "at": T0, "actor": "kiosk:lobby", "action": "attempt",
                "detail": "new -> no-answer; attempt 1",
            }])
    finally:
        engine.dispose()


def test_v2_is_really_smaller() -> None:
    assert set(schema.V2_METADATA.tables) == {"meta", "callback_requests", "audit_log"}


def test_upgrade_from_v2_keeps_rows_and_adds_the_lockout_and_heartbeats(store_url: str) -> None:
    from kiosk.callback_queue.lockout import LockoutStore

    make_v2(store_url)
    assert read_version(store_url) == 2
    with CallbackStore.open(store_url) as store:
        (request,) = store.page()
        assert (request.id, request.name, request.kiosk_id, request.attempts) == (
            1, "Ana María", "lobby", 1)
        assert [e.action for e in store.audit(1)] == ["attempt"]
        lockout = LockoutStore(store.engine)
        assert lockout.read().failures == 0
        assert lockout.record_failure(lambda f, n: (f + 1, n, None)).failures == 1
        with store.engine.connect() as conn:
            assert inspect(conn).has_table("kiosk_heartbeats")
    assert read_version(store_url) == schema.SCHEMA_VERSION


def test_upgraded_v2_schema_matches_a_fresh_one(store_url: str, tmp_path: Any) -> None:
    make_v2(store_url)
    CallbackStore.open(store_url).close()
    engine = create_engine(store_url)
    with engine.connect() as conn:
        upgraded = describe(conn)
    engine.dispose()
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    if store_url.startswith("sqlite"):
        CallbackStore.open(fresh).close()
        engine = create_engine(fresh)
        with engine.connect() as conn:
            expected = describe(conn)
        engine.dispose()
        assert upgraded == expected
    names = {table: [c[0] for c in facts["columns"]] for table, facts in upgraded.items()}
    assert names["pin_lockout"] == ["failures", "locked_until", "locks", "scope", "updated_at"]
    assert "last_seen" in names["kiosk_heartbeats"]


def test_failed_migration_leaves_v1_untouched(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_v1(store_url)

    def half_done(conn: Connection) -> None:
        conn.execute(text("DELETE FROM callback_requests WHERE id = 1"))
        conn.execute(text("ALTER TABLE callback_requests ADD COLUMN junk INTEGER"))
        raise RuntimeError("power cut")

    monkeypatch.setitem(schema.MIGRATIONS, 1, half_done)
    with pytest.raises(RuntimeError, match="power cut"):
        CallbackStore.open(store_url)
    assert read_version(store_url) == 1
    engine = create_engine(store_url)
    with engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM callback_requests ORDER BY id")).scalars().all()
        columns = {c["name"] for c in inspect(conn).get_columns("callback_requests")}
    engine.dispose()
    assert ids == [1, 2, 3]
    assert "junk" not in columns
    monkeypatch.undo()
    with CallbackStore.open(store_url) as store:
        assert store.count() == 3


def test_newer_schema_is_refused(store_url: str) -> None:
    CallbackStore.open(store_url).close()
    engine = make_engine(store_url)
    with write_transaction(engine) as conn:
        conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    engine.dispose()
    with pytest.raises(schema.SchemaTooNew, match="99"):
        CallbackStore.open(store_url)


def test_unversioned_queue_table_is_refused(store_url: str) -> None:
    engine = make_engine(store_url)
    with write_transaction(engine) as conn:
        conn.execute(text("CREATE TABLE callback_requests (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(RuntimeError, match="without a schema version"):
        CallbackStore.open(store_url)


def test_kiosks_opening_a_new_database_together_do_not_collide(store_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def opener() -> None:
        try:
            barrier.wait()
            CallbackStore.open(store_url).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert read_version(store_url) == schema.SCHEMA_VERSION


def make_v4(url: str) -> None:
    """A database as the fourth release left it: three requests, two still to be called."""
    engine = make_engine(url)
    try:
        with write_transaction(engine) as conn:
            schema.create_v4(conn)
            conn.execute(schema.V4_METADATA.tables["callback_requests"].insert(), [{
                "idempotency_key": row["idempotency_key"], "created_at": row["created_at"],
                "kiosk_id": "lobby", "name": row["name"], "phone": row["phone"],
                "best_time": row["best_time"], "status": row["status"],
                "attempts": row["attempts"], "notes": row["notes"],
                "updated_at": row["created_at"]} for row in V1_ROWS])
    finally:
        engine.dispose()


def test_upgrade_from_v4_makes_old_requests_due_when_made(store_url: str, tmp_path: Any) -> None:
    make_v4(store_url)
    with CallbackStore.open(store_url) as store:
        rows = {r.id: r for r in store.page(limit=10)}
        assert [r.due_by for r in rows.values()] == [r.created_at for r in rows.values()]
        # Those still to be called head the staff list, most overdue first; then the rest.
        from kiosk.callback_queue.store import QueueOrder
        assert [r.id for r in store.page_from(order=QueueOrder.DUE)] == [1, 2, 3]
        assert store.consent(1).text == "" and rows[1].consent_version == ""
        assert not store.is_do_not_call(V1_ROWS[0]["phone"])
    assert read_version(store_url) == schema.SCHEMA_VERSION
    if store_url.startswith("sqlite"):
        engine = create_engine(store_url)
        with engine.connect() as conn:
            upgraded = describe(conn)
        engine.dispose()
        fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
        CallbackStore.open(fresh).close()
        engine = create_engine(fresh)
        with engine.connect() as conn:
            expected = describe(conn)
        engine.dispose()
        assert upgraded == expected
