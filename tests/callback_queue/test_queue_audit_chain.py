"""The audit trail's hash chain: every row names who and where, and no row can be edited,
deleted or added behind the store's back without `verify` naming it; on SQLite and on a
real PostgreSQL, with writers racing each other."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from kiosk.callback_queue import audit_chain, schema
from kiosk.callback_queue.accounts import AccountStore
from kiosk.callback_queue.engine import make_engine, write_transaction
from kiosk.callback_queue.model import Actor, BestTime, NewRequest, Role, Status
from kiosk.callback_queue.store import CallbackStore

ANA = Actor("Ana", "kiosk lobby-1")
BEN = Actor("Ben", "console desk-2")


def fill(store: CallbackStore) -> int:
    """A day's work: every kind of audited action, by two people in two places."""
    req = store.submit(NewRequest.create("lobby-1", "Maria Lopez", "+12025550188",
                                         BestTime.MORNING))
    store.record_event(ANA, "sign-in", "signed in (staff)")
    store.record_view(req.id, ANA)
    store.record_attempt(req.id, Status.NO_ANSWER, ANA, note="rang twice")
    store.record_event(BEN, "sign-in-failed", "wrong PIN for Ben")
    store.set_status(req.id, Status.SCHEDULED, BEN)
    store.add_note(req.id, "Tue 3pm", BEN)
    store.record_event(BEN, "export", "exported 1 requests; reason: weekly review")
    AccountStore(store.engine).add("Cy", Role.STAFF, "scrypt$x", BEN)
    store.record_event(ANA, "sign-out", "signed out (Lock)")
    return req.id


@pytest.fixture
def store(store_url: str) -> Any:
    with CallbackStore.open(store_url) as opened:
        yield opened


def test_every_row_names_the_person_and_the_place(store: CallbackStore) -> None:
    request_id = fill(store)
    trail = store.audit_trail()
    assert [(e.person, e.place, e.action) for e in trail] == [
        ("Ana", "kiosk lobby-1", "sign-in"),
        ("Ana", "kiosk lobby-1", "view"),
        ("Ana", "kiosk lobby-1", "attempt"),
        ("Ben", "console desk-2", "sign-in-failed"),
        ("Ben", "console desk-2", "status"),
        ("Ben", "console desk-2", "note"),
        ("Ben", "console desk-2", "export"),
        ("Ben", "console desk-2", "account-add"),
        ("Ana", "kiosk lobby-1", "sign-out"),
    ]
    assert trail[1].actor == "Ana on kiosk lobby-1"
    assert [e.action for e in store.audit(request_id)] == ["view", "attempt", "status", "note"]
    assert all(e.personal == "Maria Lopez" for e in store.audit(request_id))
    assert store.verify_audit().intact and store.verify_audit().rows == 9


def _row(store: CallbackStore, row_id: int) -> dict[str, Any]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(schema.audit_table)
                                 .where(schema.audit_table.c.id == row_id)).mappings().one())


def _sql(store: CallbackStore, statement: str, **params: Any) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_editing_any_row_is_named(store: CallbackStore) -> None:
    fill(store)
    ids = [e.id for e in store.audit_trail()]
    for row_id in ids:
        before = _row(store, row_id)
        _sql(store, "UPDATE audit_log SET detail = detail || '!' WHERE id = :id", id=row_id)
        report = store.verify_audit()
        assert not report.intact and report.bad_row == row_id, (row_id, report)
        assert f"row {row_id}" in report.problem and "changed" in report.problem
        _sql(store, "UPDATE audit_log SET detail = :d WHERE id = :id", d=before["detail"],
             id=row_id)
        assert store.verify_audit().intact
    # Who and where are hashed too, and so is the patient's name (as its digest).
    _sql(store, "UPDATE audit_log SET person = 'Eve' WHERE id = :id", id=ids[2])
    assert store.verify_audit().bad_row == ids[2]
    _sql(store, "UPDATE audit_log SET person = 'Ana' WHERE id = :id", id=ids[2])
    _sql(store, "UPDATE audit_log SET personal = 'Someone Else' WHERE id = :id", id=ids[1])
    report = store.verify_audit()
    assert report.bad_row == ids[1] and "patient's name" in report.problem


def test_deleting_any_row_is_named(store: CallbackStore) -> None:
    fill(store)
    ids = [e.id for e in store.audit_trail()]
    for index, row_id in enumerate(ids):
        saved = _row(store, row_id)
        _sql(store, "DELETE FROM audit_log WHERE id = :id", id=row_id)
        report = store.verify_audit()
        assert not report.intact, row_id
        # The row after the gap no longer follows; with the newest gone, the head says so.
        expected = ids[index + 1] if index + 1 < len(ids) else row_id
        assert report.bad_row == expected, (row_id, report)
        assert f"row {expected}" in report.problem
        with store.engine.begin() as conn:
            conn.execute(schema.audit_table.insert().values(**saved))
        assert store.verify_audit().intact


def test_a_row_added_behind_the_stores_back_is_named(store: CallbackStore) -> None:
    fill(store)
    last = store.audit_trail()[-1]
    with store.engine.begin() as conn:
        conn.execute(schema.audit_table.insert().values(
            id=last.id + 1, request_id=None, at=datetime.now(UTC), actor="Eve", person="Eve",
            place="nowhere", action="sign-in", detail="", personal_digest="",
            prev_hash=_row(store, last.id)["row_hash"], row_hash="0" * 64))
    report = store.verify_audit()
    assert report.bad_row == last.id + 1


def test_retention_keeps_the_chain_verifiable(store: CallbackStore) -> None:
    request_id = fill(store)
    store.set_status(request_id, Status.CLOSED, ANA)
    later = datetime.now(UTC) + timedelta(days=40)
    assert store.purge_closed(30, now=later, actor=Actor("retention", "kiosk lobby-1")) == 1
    history = store.audit(request_id)
    assert history and all(e.personal is None for e in history)  # the name is gone
    with store.engine.connect() as conn:
        names = conn.execute(text("SELECT count(*) FROM audit_log WHERE personal IS NOT NULL"
                                  " OR personal_salt IS NOT NULL")).scalar_one()
    assert names == 0
    purge = store.audit_trail()[-1]
    assert (purge.person, purge.action) == ("retention", "retention-purge")
    report = store.verify_audit()
    assert report.intact, report.problem
    # ... and still catches an edit after the purge.
    _sql(store, "UPDATE audit_log SET action = 'view' WHERE id = :id", id=history[1].id)
    assert store.verify_audit().bad_row == history[1].id


def test_writers_racing_each_other_never_fork_the_chain(store_url: str) -> None:
    """Two kiosks (two engines, four threads) appending at once: one chain, every row in it."""
    stores = [CallbackStore.open(store_url) for _ in range(2)]
    errors: list[BaseException] = []

    def work(store: CallbackStore, who: str) -> None:
        try:
            for n in range(15):
                store.record_event(Actor(who, "kiosk race"), "sign-in", f"try {n}")
        except BaseException as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(stores[i % 2], f"P{i}")) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        report = stores[0].verify_audit()
        assert report.intact, report.problem
        assert report.rows == 60
    finally:
        for store in stores:
            store.close()


def test_canonical_form_is_stable() -> None:
    row = {"id": 7, "request_id": None, "at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
           "actor": "Ana on kiosk lobby-1", "person": "Ana", "place": "kiosk lobby-1",
           "action": "view", "detail": "ünïcode", "personal_digest": "", "prev_hash": "0" * 64}
    assert audit_chain.canonical(row) == (
        '{"action":"view","actor":"Ana on kiosk lobby-1","at":"2026-01-02T03:04:05.000006Z",'
        '"detail":"ünïcode","id":7,"person":"Ana","personal_digest":"","place":"kiosk lobby-1",'
        f'"prev_hash":"{"0" * 64}","request_id":null,"v":1}}').encode()


def test_an_older_database_is_chained_once_by_the_migration(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        with write_transaction(engine) as conn:
            schema.create_v3(conn)
            tables = schema.V3_METADATA.tables
            conn.execute(tables["callback_requests"].insert(), [{
                "idempotency_key": "00000000-0000-4000-8000-000000000001",
                "created_at": datetime(2025, 5, 1, tzinfo=UTC), "kiosk_id": "lobby",
                "name": "Old Patient", "phone": "+12025550101", "best_time": "any",
                "status": "no-answer", "attempts": 1, "notes": "",
                "updated_at": datetime(2025, 5, 1, tzinfo=UTC)}])
            conn.execute(tables["audit_log"].insert(), [
                {"request_id": 1, "at": datetime(2025, 5, 1, 9, tzinfo=UTC),
                 "actor": "kiosk:lobby", "action": "attempt", "detail": "new -> no-answer"},
                {"request_id": 1, "at": datetime(2025, 5, 1, 10, tzinfo=UTC),
                 "actor": "console:desk", "action": "note", "detail": "note added"},
            ])
    finally:
        engine.dispose()
    with CallbackStore.open(store_url) as store:
        trail = store.audit_trail()
        assert [(e.actor, e.place, e.action) for e in trail] == [
            ("kiosk:lobby", "kiosk lobby", "attempt"), ("console:desk", "console desk", "note")]
        assert store.verify_audit().intact
        store.set_status(1, Status.SCHEDULED, ANA)  # new rows follow the old ones
        assert store.verify_audit().rows == 3
        assert store.audit_trail()[-1].id == 3
        _sql(store, "UPDATE audit_log SET detail = 'nothing' WHERE id = 1")
        assert store.verify_audit().bad_row == 1
    with CallbackStore.open(store_url) as again:  # opening again does not re-chain
        assert again.verify_audit().bad_row == 1
