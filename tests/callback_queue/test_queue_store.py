"""Tests for CallbackStore on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kiosk.callback_queue.engine import _enable_wal
from kiosk.callback_queue.model import (
    BestTime,
    InvalidTransition,
    NewRequest,
    Status,
)
from kiosk.callback_queue.store import CallbackStore, RequestNotFound

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def make_request(n: int = 0, *, created_at: datetime | None = None) -> NewRequest:
    return NewRequest.create(
        kiosk_id=f"kiosk-{n % 3}",
        name=f"Patient Zed{n}",
        phone_e164=f"+1202555{n % 10_000:04d}",
        best_time=list(BestTime)[n % 4],
        now=created_at or T0 + timedelta(minutes=n),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clocked(store_url: str, clock: FakeClock) -> Iterator[CallbackStore]:
    with CallbackStore.open(store_url, clock=clock) as opened:
        yield opened


def test_submit_stores_every_field(store: CallbackStore) -> None:
    req = make_request(7)
    stored = store.submit(req)
    assert stored.idempotency_key == req.idempotency_key
    assert stored.kiosk_id == req.kiosk_id
    assert stored.name == req.name
    assert stored.phone == req.phone_e164
    assert stored.best_time is req.best_time
    assert stored.created_at == req.created_at
    assert stored.created_at.tzinfo is not None and stored.updated_at.tzinfo is not None
    assert stored.status is Status.NEW
    assert stored.attempts == 0
    assert stored.notes == ""
    assert store.get(stored.id) == stored


def test_unicode_names_survive_the_round_trip(store: CallbackStore) -> None:
    for name in ("李小龙", "محمد عبد الله", "Zoë D’Arcy", "a" * 80):
        req = NewRequest.create("k", name, "+12025550143", BestTime.ANY)
        assert store.get(store.submit(req).id).name == name


def test_submit_is_idempotent(store: CallbackStore) -> None:
    req = make_request()
    first = store.submit(req)
    assert store.submit(req) == first
    assert store.count() == 1
    assert store.submit(make_request(1)).id != first.id
    assert store.count() == 2


def test_concurrent_submits_of_one_key_store_one_row(store: CallbackStore) -> None:
    req = make_request()
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(store.submit(req).id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 8 and len(set(results)) == 1
    assert store.count() == 1


def test_get_unknown_id_raises(store: CallbackStore) -> None:
    with pytest.raises(RequestNotFound):
        store.get(12345)


def test_page_orders_filters_and_slices(store: CallbackStore) -> None:
    stored = [store.submit(make_request(n)) for n in range(10)]
    newest = store.page()
    assert [r.id for r in newest] == [r.id for r in reversed(stored)]
    oldest = store.page(newest_first=False, offset=2, limit=3)
    assert [r.id for r in oldest] == [r.id for r in stored[2:5]]
    store.record_attempt(stored[3].id, Status.NO_ANSWER, "sam")
    store.record_attempt(stored[6].id, Status.NO_ANSWER, "sam")
    only = store.page(Status.NO_ANSWER)
    assert [r.id for r in only] == [stored[6].id, stored[3].id]
    assert store.page(Status.CLOSED) == []
    assert store.page(offset=100) == []
    with pytest.raises(ValueError):
        store.page(offset=-1)


def test_page_breaks_created_at_ties_by_id(store: CallbackStore) -> None:
    same = [store.submit(make_request(n, created_at=T0)) for n in range(5)]
    assert [r.id for r in store.page()] == [r.id for r in reversed(same)]


def test_count_by_status(store: CallbackStore) -> None:
    ids = [store.submit(make_request(n)).id for n in range(5)]
    store.set_status(ids[0], Status.CLOSED, "sam")
    assert store.count() == 5
    assert store.count(Status.NEW) == 4
    assert store.count(Status.CLOSED) == 1
    assert store.count(Status.SCHEDULED) == 0


def test_page_after_walks_by_id(store: CallbackStore) -> None:
    ids = [store.submit(make_request(n)).id for n in range(5)]
    assert [r.id for r in store.page_after(ids[1], limit=2)] == ids[2:4]
    store.set_status(ids[3], Status.CLOSED, "sam")
    assert [r.id for r in store.page_after(0, status=Status.CLOSED)] == [ids[3]]


def test_record_attempt_counts_and_audits(clocked: CallbackStore, clock: FakeClock) -> None:
    req = clocked.submit(make_request())
    clock.advance(hours=1)
    first = clocked.record_attempt(req.id, Status.NO_ANSWER, "sam")
    assert (first.status, first.attempts, first.updated_at) == (Status.NO_ANSWER, 1, clock.now)
    clock.advance(hours=1)
    second = clocked.record_attempt(req.id, Status.LEFT_VOICEMAIL, "kim", note="Left a message")
    assert (second.status, second.attempts) == (Status.LEFT_VOICEMAIL, 2)
    assert second.notes == "[2024-03-01 11:00 UTC, kim] Left a message"
    entries = clocked.audit(req.id)
    assert [(e.actor, e.action, e.detail) for e in entries] == [
        ("sam", "attempt", "new -> no-answer; attempt 1"),
        ("kim", "attempt", "no-answer -> left-voicemail; attempt 2; note added"),
    ]
    assert [e.at for e in entries] == [T0 + timedelta(hours=1), T0 + timedelta(hours=2)]
    assert all(e.request_id == req.id for e in entries)


def test_record_attempt_only_takes_call_outcomes(store: CallbackStore) -> None:
    req = store.submit(make_request())
    with pytest.raises(ValueError, match="set_status"):
        store.record_attempt(req.id, Status.SCHEDULED, "sam")
    assert store.audit(req.id) == []


def test_set_status_follows_the_workflow(store: CallbackStore) -> None:
    req = store.submit(make_request())
    assert store.set_status(req.id, Status.SCHEDULED, "sam").status is Status.SCHEDULED
    assert store.set_status(req.id, Status.CLOSED, "sam").status is Status.CLOSED
    with pytest.raises(InvalidTransition):
        store.set_status(req.id, Status.SCHEDULED, "sam")
    with pytest.raises(InvalidTransition):
        store.record_attempt(req.id, Status.NO_ANSWER, "sam")
    with pytest.raises(ValueError, match="record_attempt"):
        store.set_status(req.id, Status.NO_ANSWER, "sam")
    after = store.get(req.id)
    assert (after.status, after.attempts) == (Status.CLOSED, 0)
    assert [e.detail for e in store.audit(req.id)] == ["new -> scheduled", "scheduled -> closed"]


def test_notes_append_and_are_audited(clocked: CallbackStore) -> None:
    req = clocked.submit(make_request())
    clocked.add_note(req.id, "  Prefers Spanish  ", "sam")
    done = clocked.add_note(req.id, "Call after 5", "kim")
    assert done.notes == (
        "[2024-03-01 09:00 UTC, sam] Prefers Spanish\n[2024-03-01 09:00 UTC, kim] Call after 5"
    )
    assert done.status is Status.NEW
    assert [(e.action, e.actor) for e in clocked.audit(req.id)] == [
        ("note", "sam"),
        ("note", "kim"),
    ]
    with pytest.raises(ValueError):
        clocked.add_note(req.id, "   ", "sam")
    with pytest.raises(ValueError):
        clocked.add_note(req.id, "x" * 2001, "sam")


@pytest.mark.parametrize("actor", ["", "   ", "x" * 65])
def test_changes_need_an_actor(store: CallbackStore, actor: str) -> None:
    req = store.submit(make_request())
    with pytest.raises(ValueError, match="actor"):
        store.set_status(req.id, Status.CLOSED, actor)
    assert store.get(req.id).status is Status.NEW


def test_changes_to_missing_requests_raise(store: CallbackStore) -> None:
    with pytest.raises(RequestNotFound):
        store.record_attempt(99, Status.NO_ANSWER, "sam")
    with pytest.raises(RequestNotFound):
        store.set_status(99, Status.CLOSED, "sam")
    with pytest.raises(RequestNotFound):
        store.add_note(99, "hello", "sam")


def test_change_and_audit_commit_together(
    store: CallbackStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    req = store.submit(make_request())

    def broken_audit(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(CallbackStore, "_write_audit", staticmethod(broken_audit))
    with pytest.raises(RuntimeError):
        store.record_attempt(req.id, Status.NO_ANSWER, "sam")
    assert store.get(req.id) == req


def test_change_marker_moves_on_every_write(clocked: CallbackStore, clock: FakeClock) -> None:
    empty = clocked.change_marker()
    assert empty == (0, None, 0)
    req = clocked.submit(make_request())
    after_submit = clocked.change_marker()
    assert after_submit == (req.id, T0, 1)
    assert after_submit[1] is not None and after_submit[1].tzinfo is not None
    clocked.page()
    clocked.count()
    assert clocked.change_marker() == after_submit
    clock.advance(seconds=1)
    clocked.record_attempt(req.id, Status.NO_ANSWER, "sam")
    after_attempt = clocked.change_marker()
    assert after_attempt != after_submit
    clock.advance(seconds=1)
    clocked.set_status(req.id, Status.CLOSED, "sam")
    assert clocked.change_marker() != after_attempt
    clock.advance(days=40)
    clocked.purge_closed(30)
    assert clocked.change_marker()[2] == 0


def test_purge_deletes_only_old_closed_requests_and_their_audit(
    clocked: CallbackStore, clock: FakeClock
) -> None:
    old_closed = clocked.submit(make_request(1))
    clocked.record_attempt(old_closed.id, Status.NO_ANSWER, "sam", note="private detail")
    clocked.set_status(old_closed.id, Status.CLOSED, "sam")
    old_open = clocked.submit(make_request(2))
    clocked.set_status(old_open.id, Status.SCHEDULED, "sam")
    old_new = clocked.submit(make_request(3))
    clock.advance(days=25)
    recent_closed = clocked.submit(make_request(4))
    clocked.set_status(recent_closed.id, Status.CLOSED, "sam")
    clock.advance(days=10)  # old ones are 35 days untouched, the recent one 10

    assert clocked.purge_closed(30) == 1
    with pytest.raises(RequestNotFound):
        clocked.get(old_closed.id)
    # The trail of what staff did stays, without the patient's name, and still verifies.
    history = clocked.audit(old_closed.id)
    assert [e.action for e in history] == ["attempt", "status"]
    assert all(e.personal is None for e in history)
    assert clocked.audit(recent_closed.id)[0].personal == "Patient Zed4"
    assert clocked.audit_trail()[-1].action == "retention-purge"
    assert clocked.verify_audit().intact
    kept = {r.id for r in clocked.page(limit=10)}
    assert kept == {old_open.id, old_new.id, recent_closed.id}
    assert len(clocked.audit(recent_closed.id)) == 1
    with clocked.engine.connect() as conn:
        leftover = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE personal IS NOT NULL"
                 " AND request_id = :id"), {"id": old_closed.id}
        ).scalar_one()
        notes_left = conn.execute(text("SELECT count(*) FROM callback_requests"
                                       " WHERE id = :id"), {"id": old_closed.id}).scalar_one()
    assert (leftover, notes_left) == (0, 0)
    assert clocked.purge_closed(30) == 0
    assert clocked.purge_closed(5, now=clock.now) == 1
    with pytest.raises(ValueError):
        clocked.purge_closed(-1)


def test_names_and_phones_never_reach_the_log(
    store: CallbackStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    req = store.submit(make_request(42))
    store.submit(make_request(42))
    store.record_attempt(req.id, Status.NO_ANSWER, "sam", note="secret note")
    store.add_note(req.id, "secret note", "sam")
    store.set_status(req.id, Status.CLOSED, "sam")
    assert caplog.records, "the store should log what it does (by id)"
    for record in caplog.records:
        message = record.getMessage()
        assert "Zed" not in message and "5550042" not in message and "secret" not in message


def test_reopening_keeps_rows(store_url: str) -> None:
    with CallbackStore.open(store_url) as first:
        stored = first.submit(make_request())
    with CallbackStore.open(store_url) as second:
        assert second.get(stored.id) == stored


def test_store_is_usable_from_several_threads(store: CallbackStore) -> None:
    errors: list[BaseException] = []

    def worker(base: int) -> None:
        try:
            for n in range(base, base + 20):
                req = store.submit(make_request(n))
                store.record_attempt(req.id, Status.NO_ANSWER, f"t{base}")
                store.page(Status.NO_ANSWER)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i * 100,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count(Status.NO_ANSWER) == 80


# -- SQLite specifics -------------------------------------------------------------------


def test_sqlite_file_is_private_and_durable(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    with CallbackStore.open(f"sqlite:///{path}") as store:
        store.submit(make_request())
        for name in ("queue.sqlite3", "queue.sqlite3-wal", "queue.sqlite3-shm"):
            mode = stat.S_IMODE(os.stat(path.parent / name).st_mode)
            assert mode == 0o600, (name, oct(mode))
        with store.engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    assert pragma == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                      "busy_timeout": 10_000}  # fmt: skip


def test_sqlite_existing_loose_permissions_are_tightened(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    CallbackStore.open(f"sqlite:///{path}").close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_sqlite_in_memory_works() -> None:
    with CallbackStore.open("sqlite://") as store:
        req = store.submit(make_request())
        assert store.get(req.id) == req


def test_deleting_a_request_never_deletes_its_audit_trail(tmp_path: Path) -> None:
    # The audit log once cascaded from its request; a trail someone could shorten by
    # deleting the request would prove nothing.
    with CallbackStore.open(f"sqlite:///{tmp_path / 'q.db'}") as store:
        req = store.submit(make_request())
        store.add_note(req.id, "hi", "sam")
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM callback_requests WHERE id = :id"), {"id": req.id})
            remaining = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
        assert remaining == 1
        assert store.verify_audit().intact


@pytest.mark.postgres
def test_database_errors_do_not_carry_personal_data(pg_url: str) -> None:
    too_long = NewRequest.create("k", "Secretname " * 20, "+12025550143", BestTime.ANY)
    with CallbackStore.open(pg_url) as store, pytest.raises(DBAPIError) as info:
        store.submit(too_long)
    assert "Secretname" not in str(info.value)
    assert "5550143" not in str(info.value)


@pytest.mark.postgres
def test_plain_postgresql_urls_use_psycopg(pg_url: str) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with CallbackStore.open(plain) as store:
        assert store.engine.dialect.driver == "psycopg"
        assert store.count() == 0


def test_sqlite_file_uris_are_refused() -> None:
    with pytest.raises(ValueError, match="file: URI"):
        CallbackStore.open("sqlite:///file:queue.db?mode=rwc&uri=true")


class FlakyCursor:
    """Answers PRAGMA journal_mode like SQLite does when another connection races it."""

    def __init__(self, failures: list[str], mode: str = "wal") -> None:
        self.failures = failures
        self.mode = mode
        self.calls = 0

    def execute(self, sql: str) -> FlakyCursor:
        self.calls += 1
        if self.failures:
            raise sqlite3.OperationalError(self.failures.pop(0))
        return self

    def fetchone(self) -> tuple[str]:
        return (self.mode,)


def test_wal_switch_retries_while_another_connection_holds_the_lock() -> None:
    cursor = FlakyCursor(["database is locked", "database is locked"])
    _enable_wal(cursor)  # type: ignore[arg-type]
    assert cursor.calls == 3


def test_wal_switch_does_not_hide_other_errors() -> None:
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        _enable_wal(FlakyCursor(["disk I/O error"]))  # type: ignore[arg-type]


def test_wal_refusal_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    _enable_wal(FlakyCursor([], mode="delete"))  # type: ignore[arg-type]
    assert "refused WAL" in caplog.text
