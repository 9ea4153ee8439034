"""A 100,000-request queue opens and filters to the right rows on both databases.

How fast is a `make bench` row (``benchmarks/bench_staff.py``, a million requests, against
a baseline in the same run), and which index each read takes is checked by plan in
``test_query_plans.py``: a wall-time bound here failed on a busy machine, not on a slow read.
"""

from __future__ import annotations

import uuid
from collections import Counter
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


def test_a_big_queue_opens_and_filters_to_the_right_rows(store_url: str) -> None:
    with CallbackStore.open(store_url) as store:
        fill(store)

    expected = Counter(STATUS_CYCLE[n % len(STATUS_CYCLE)] for n in range(ROWS))
    with CallbackStore.open(store_url) as store:
        first_page = store.page()
        assert store.count() == ROWS and store.change_marker()[2] == ROWS
        assert [r.created_at for r in first_page] == [
            T0 + timedelta(minutes=17 * n) for n in range(ROWS - 1, ROWS - 51, -1)]
        for status in (Status.NEW, Status.CLOSED, Status.SCHEDULED):
            assert store.count(status) == expected[status], status
            page = store.page(status)
            assert len(page) == 50 and {r.status for r in page} == {status}
            assert [r.created_at for r in page] == sorted(
                (r.created_at for r in page), reverse=True)
        first, second = store.page(Status.NEW), store.page(Status.NEW, offset=50, limit=50)
        assert len(second) == 50 and not {r.id for r in first} & {r.id for r in second}
        assert first[-1].created_at > second[0].created_at


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
