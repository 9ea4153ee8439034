"""Tests that a request survives an unreachable server and then arrives exactly once."""

from __future__ import annotations

import os
import socket
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer
from sqlalchemy.exc import OperationalError

from kiosk.callback_queue.model import BestTime, NewRequest
from kiosk.callback_queue.outbox import ResilientQueue, SubmitResult
from kiosk.callback_queue.store import CallbackStore


def make_request(n: int = 0) -> NewRequest:
    return NewRequest.create(f"kiosk-{n}", f"Patient {n}", f"+1202555{n:04d}", BestTime.EVENING)


def keys_in(url: str) -> list[str]:
    with CallbackStore.open(url) as store:
        return [r.idempotency_key for r in store.page(limit=1000, newest_first=False)]


@pytest.fixture
def server_down(pg_server: PgServer) -> Iterator[PgServer]:
    """The throwaway server, stopped for the test and running again afterwards."""
    pg_server.stop()
    try:
        yield pg_server
    finally:
        pg_server.start()


def test_sqlite_primary_is_written_directly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    outbox = tmp_path / "outbox.db"
    with ResilientQueue(url, outbox) as queue:
        assert not queue.uses_outbox
        req = make_request()
        result = queue.submit(req)
        assert result == SubmitResult(
            req.idempotency_key, stored_locally=False, request=result.request
        )
        assert result.request is not None and result.request.idempotency_key == req.idempotency_key
        assert queue.submit(req).request == result.request
        assert queue.deliver_pending() == 0
        assert queue.pending_count() == 0
        assert queue.store().get(result.request.id) == result.request
    assert not outbox.exists()
    assert keys_in(url) == [req.idempotency_key]


@pytest.mark.postgres
def test_reachable_server_gets_the_request(pg_url: str, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    with ResilientQueue(pg_url, outbox) as queue:
        req = make_request()
        result = queue.submit(req)
        assert not result.stored_locally
        assert result.request is not None
    assert not outbox.exists()
    assert keys_in(pg_url) == [req.idempotency_key]


@pytest.mark.postgres
def test_down_server_means_outbox_then_exactly_once_delivery(
    pg_url: str, server_down: PgServer, tmp_path: Path
) -> None:
    outbox = tmp_path / "kiosk" / "outbox.db"
    outbox.parent.mkdir()  # the kiosk's data folder, which kiosk.ops.paths prepares
    with ResilientQueue(pg_url, outbox) as queue:
        reqs = [make_request(n) for n in range(3)]
        started = time.monotonic()
        results = [queue.submit(r) for r in reqs]
        assert time.monotonic() - started < 10
        assert all(r.stored_locally and r.request is None for r in results)
        assert queue.submit(reqs[0]).stored_locally  # a retry is still one request
        assert queue.pending_count() == 3
        assert stat.S_IMODE(os.stat(outbox).st_mode) == 0o600

        assert queue.deliver_pending() == 0  # still down: nothing leaves the outbox
        assert queue.pending_count() == 3

        server_down.start()
        assert queue.deliver_pending() == 3
        assert queue.pending_count() == 0
        assert queue.deliver_pending() == 0

        later = make_request(9)
        assert not queue.submit(later).stored_locally

    with CallbackStore.open(pg_url) as store:
        stored = store.page(limit=10, newest_first=False)
    assert sorted(r.idempotency_key for r in stored) == sorted(
        r.idempotency_key for r in [*reqs, later]
    )
    by_key = {r.idempotency_key: r for r in stored}
    for req in reqs:
        got = by_key[req.idempotency_key]
        assert (got.kiosk_id, got.name, got.phone, got.best_time, got.created_at) == (
            req.kiosk_id,
            req.name,
            req.phone_e164,
            req.best_time,
            req.created_at,
        )


@pytest.mark.postgres
def test_server_lost_mid_session_then_back(
    pg_url: str, pg_server: PgServer, tmp_path: Path
) -> None:
    with ResilientQueue(pg_url, tmp_path / "outbox.db") as queue:
        assert not queue.submit(make_request(1)).stored_locally
        pg_server.stop()
        try:
            assert queue.submit(make_request(2)).stored_locally
        finally:
            pg_server.start()
        # The pool's dead connections are replaced: the next submit reaches the server.
        assert not queue.submit(make_request(3)).stored_locally
        assert queue.deliver_pending() == 1
    assert len(keys_in(pg_url)) == 3


@pytest.mark.postgres
def test_crash_after_server_commit_does_not_duplicate(
    pg_url: str, server_down: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = tmp_path / "outbox.db"
    with ResilientQueue(pg_url, outbox) as queue:
        req = make_request()
        assert queue.submit(req).stored_locally
    server_down.start()

    real_submit = CallbackStore.submit

    def commit_then_crash(self: CallbackStore, request: NewRequest) -> object:
        real_submit(self, request)
        raise KeyboardInterrupt("power cut between server commit and outbox delete")

    monkeypatch.setattr(CallbackStore, "submit", commit_then_crash)
    with ResilientQueue(pg_url, outbox) as queue, pytest.raises(KeyboardInterrupt):
        queue.deliver_pending()
    monkeypatch.undo()

    assert keys_in(pg_url) == [req.idempotency_key]
    with ResilientQueue(pg_url, outbox) as queue:
        assert queue.pending_count() == 1
        assert queue.deliver_pending() == 1
        assert queue.pending_count() == 0
    assert keys_in(pg_url) == [req.idempotency_key]


def test_silent_server_is_given_up_on_quickly(tmp_path: Path) -> None:
    # A socket that completes the TCP handshake but never answers: a hung server.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"postgresql+psycopg://kiosk@127.0.0.1:{silent.getsockname()[1]}/clinic"
        with ResilientQueue(url, tmp_path / "outbox.db", connect_timeout_s=2) as queue:
            started = time.monotonic()
            assert queue.submit(make_request()).stored_locally
            assert 1 < time.monotonic() - started < 8
            assert queue.pending_count() == 1


def test_queue_works_from_a_worker_thread(tmp_path: Path) -> None:
    url = "postgresql+psycopg://kiosk@127.0.0.1:1/clinic"  # port 1: refused at once
    results: list[SubmitResult] = []
    with ResilientQueue(url, tmp_path / "outbox.db") as queue:
        worker = threading.Thread(target=lambda: results.append(queue.submit(make_request())))
        worker.start()
        worker.join()
        assert [r.stored_locally for r in results] == [True]
        assert queue.pending_count() == 1


def test_no_outbox_file_until_needed(tmp_path: Path) -> None:
    url = "postgresql+psycopg://kiosk@127.0.0.1:1/clinic"
    outbox = tmp_path / "outbox.db"
    with ResilientQueue(url, outbox) as queue:
        assert queue.pending_count() == 0
        assert queue.deliver_pending() == 0
        with pytest.raises(OperationalError):
            queue.store()
    assert not outbox.exists()


@pytest.mark.postgres
def test_a_refused_request_does_not_block_the_others(
    pg_url: str, server_down: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = tmp_path / "outbox.db"
    reqs = [make_request(n) for n in range(3)]
    with ResilientQueue(pg_url, outbox) as queue:
        for req in reqs:
            assert queue.submit(req).stored_locally
        opens: list[int] = []
        real_open = ResilientQueue._open_primary

        def counting_open(self: ResilientQueue) -> CallbackStore:
            opens.append(1)
            return real_open(self)

        monkeypatch.setattr(ResilientQueue, "_open_primary", counting_open)
        assert queue.deliver_pending() == 0
        assert len(opens) == 1  # an unreachable server is tried once per call, not per row
        monkeypatch.undo()

        server_down.start()
        real_submit = CallbackStore.submit

        def refuse_one(self: CallbackStore, request: NewRequest) -> object:
            if request.idempotency_key == reqs[0].idempotency_key:
                raise ValueError("refused")
            return real_submit(self, request)

        monkeypatch.setattr(CallbackStore, "submit", refuse_one)
        assert queue.deliver_pending() == 2
        assert queue.pending_count() == 1
        monkeypatch.undo()
        assert queue.deliver_pending() == 1
        assert queue.pending_count() == 0
    assert sorted(keys_in(pg_url)) == sorted(r.idempotency_key for r in reqs)


@pytest.mark.postgres
def test_consent_travels_through_the_outbox_and_an_old_outbox_file_gains_it(
    pg_url: str, server_down: PgServer, tmp_path: Path
) -> None:
    import sqlite3

    outbox = tmp_path / "outbox.db"
    # An outbox file as the release before consent records wrote it, one request waiting.
    with sqlite3.connect(outbox) as conn:
        conn.execute("CREATE TABLE outbox (idempotency_key VARCHAR(36) PRIMARY KEY, kiosk_id "
                     "VARCHAR(64) NOT NULL, name VARCHAR(80) NOT NULL, phone_e164 VARCHAR(20) "
                     "NOT NULL, best_time VARCHAR(16) NOT NULL, created_at DATETIME NOT NULL, "
                     "stored_at DATETIME NOT NULL)")
        conn.execute("INSERT INTO outbox VALUES ('00000000-0000-4000-8000-000000000001', "
                     "'lobby', 'Old Request', '+12025550100', 'any', "
                     "'2026-12-01 10:00:00.000000', '2026-12-01 10:00:00.000000')")
    conn.close()
    consent = "Acepto que la clínica me llame a este número"
    req = NewRequest.create("lobby", "Ana Ruiz", "+12025550101", BestTime.ANY,
                            consent_text=consent, language="es")
    with ResilientQueue(pg_url, outbox) as queue:
        assert queue.submit(req).stored_locally
        assert queue.pending_count() == 2
        server_down.start()
        assert queue.deliver_pending() == 2
    with CallbackStore.open(pg_url) as store:
        by_name = {r.name: r for r in store.page(limit=10)}
        kept = store.consent(by_name["Ana Ruiz"].id)
        assert (kept.text, kept.language) == (consent, "es")
        assert by_name["Old Request"].consent_version == ""
