"""Tests that the staff view stays fast on a 100,000-request queue."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from kiosk.callback_queue import schema
from kiosk.callback_queue.engine import write_transaction
from kiosk.callback_queue.model import BestTime, Status
from kiosk.callback_queue.store import CallbackStore

pytestmark = pytest.mark.slow

ROWS = 100_000
T0 = datetime(2020, 1, 1, tzinfo=UTC)
# Mostly finished work, a small live queue: what a clinic's database looks like after years.
STATUS_CYCLE = [Status.CLOSED] * 14 + [
    Status.NOT_INTERESTED,
    Status.SCHEDULED,
    Status.NO_ANSWER,
    Status.LEFT_VOICEMAIL,
    Status.NEW,
]


def fill(store: CallbackStore) -> None:
    def row(n: int) -> dict[str, Any]:
        at = T0 + timedelta(minutes=17 * n)
        return {
            "idempotency_key": str(uuid.UUID(int=n, version=4)),
            "created_at": at,
            "kiosk_id": f"kiosk-{n % 4}",
            "name": f"Patient {n}",
            "phone": f"+1202555{n % 10_000:04d}",
            "best_time": list(BestTime)[n % 4].value,
            "status": STATUS_CYCLE[n % len(STATUS_CYCLE)].value,
            "attempts": n % 3,
            "notes": "",
            "updated_at": at,
        }

    with write_transaction(store.engine) as conn:
        for start in range(0, ROWS, 10_000):
            conn.execute(
                schema.requests_table.insert(), [row(n) for n in range(start, start + 10_000)]
            )
        if store.dialect == "postgresql":
            conn.execute(text("ANALYZE callback_requests"))
        else:
            conn.execute(text("ANALYZE"))


def best_of(runs: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def test_staff_view_opens_and_filters_a_big_queue_quickly(store_url: str) -> None:
    with CallbackStore.open(store_url) as store:
        fill(store)

    started = time.perf_counter()
    store = CallbackStore.open(store_url)
    try:
        total = store.count()
        first_page = store.page()
        marker = store.change_marker()
        opened_s = time.perf_counter() - started
        assert total == ROWS and len(first_page) == 50 and marker[2] == ROWS
        assert first_page[0].created_at == T0 + timedelta(minutes=17 * (ROWS - 1))
        assert opened_s < 0.300, f"opening the staff view took {opened_s * 1000:.0f} ms"

        for status in (Status.NEW, Status.CLOSED, Status.SCHEDULED):

            def show(status: Status = status) -> None:
                store.count(status)
                store.page(status)

            filter_s = best_of(3, show)
            assert filter_s < 0.100, f"filtering on {status} took {filter_s * 1000:.0f} ms"
        assert len(store.page(Status.NEW, offset=50, limit=50)) == 50
    finally:
        store.close()


def test_sqlite_uses_the_indexes(tmp_path: Any) -> None:
    with CallbackStore.open(f"sqlite:///{tmp_path / 'q.db'}") as store:
        with store.engine.connect() as conn:

            def plan(sql: str) -> str:
                rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
                return " | ".join(str(r[-1]) for r in rows)

            filtered = plan(
                "SELECT * FROM callback_requests WHERE status = 'new'"
                " ORDER BY created_at DESC, id DESC LIMIT 50"
            )
            unfiltered = plan(
                "SELECT * FROM callback_requests ORDER BY created_at DESC, id DESC LIMIT 50"
            )
            purge = plan(
                "SELECT id FROM callback_requests WHERE status = 'closed'"
                " AND updated_at < '2024-01-01'"
            )
        assert "ix_callback_requests_status_created_at" in filtered
        assert "ix_callback_requests_created_at" in unfiltered
        assert "ix_callback_requests_status_updated_at" in purge
