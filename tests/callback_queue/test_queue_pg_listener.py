"""Tests that a staff console LISTENing on PostgreSQL hears of new and changed requests."""

from __future__ import annotations

import time

import psycopg
import pytest
from pg_server import PgServer

from kiosk.callback_queue.model import BestTime, NewRequest, Status
from kiosk.callback_queue.pg_listener import PgListener, libpq_conninfo
from kiosk.callback_queue.store import CallbackStore

pytestmark = pytest.mark.postgres


def make_request() -> NewRequest:
    return NewRequest.create("kiosk-1", "Ann", "+12025550143", BestTime.ANY)


def test_conninfo_drops_the_driver_name() -> None:
    url = "postgresql+psycopg://kiosk:s3cret@db.example:6543/clinic?sslmode=require"
    assert libpq_conninfo(url) == "postgresql://kiosk:s3cret@db.example:6543/clinic?sslmode=require"


def test_listener_hears_submits_and_staff_changes(pg_url: str) -> None:
    with CallbackStore.open(pg_url) as store, PgListener(pg_url) as listener:
        assert not listener.wait_for_notification(0.2)
        req = store.submit(make_request())
        assert listener.wait_for_notification(5)
        assert not listener.wait_for_notification(0.1)

        for _ in range(5):
            store.submit(make_request())
        assert listener.wait_for_notification(5)
        # The burst is coalesced: a notification still in flight may wake it once more.
        extra_wakes = 0
        while listener.wait_for_notification(0.3):
            extra_wakes += 1
        assert extra_wakes <= 4

        store.record_attempt(req.id, Status.NO_ANSWER, "sam")
        assert listener.wait_for_notification(5)


def test_resubmission_is_silent(pg_url: str) -> None:
    with CallbackStore.open(pg_url) as store, PgListener(pg_url) as listener:
        req = make_request()
        store.submit(req)
        assert listener.wait_for_notification(5)
        store.submit(req)
        assert not listener.wait_for_notification(0.3)


def test_wait_returns_promptly_on_timeout(pg_url: str) -> None:
    with PgListener(pg_url) as listener:
        started = time.monotonic()
        assert not listener.wait_for_notification(0.3)
        assert 0.2 < time.monotonic() - started < 2


def test_lost_connection_raises_then_reconnects(pg_url: str, pg_server: PgServer) -> None:
    listener = PgListener(pg_url)
    try:
        listener.connect()
        pg_server.stop()
        try:
            with pytest.raises(psycopg.OperationalError):
                listener.wait_for_notification(2)
        finally:
            pg_server.start()
        with CallbackStore.open(pg_url) as store:
            assert not listener.wait_for_notification(0.1)  # reconnects and listens again
            store.submit(make_request())
            assert listener.wait_for_notification(5)
    finally:
        listener.close()
