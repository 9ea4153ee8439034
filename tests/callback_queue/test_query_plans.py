"""The staff list's reads of one status start where that status lives, on both databases.

A clinic's queue is skewed: the requests still to be called all sort before those nobody
has to call any more. Ordered by (queue_rank, due_by, id), a page of "closed" requests was
read by PostgreSQL from the top of ``ix_callback_requests_rank_due``, skipping every request
still to be called (133 ms at a million requests, 200,050 rows thrown away). Each index read
must now be bounded by the status or its queue rank. The plans of the statements the store
really sends are checked, not of a query written for the test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from benchmarks.bench_staff import seed_postgres, seed_sqlite
from kiosk.callback_queue.model import Status
from kiosk.callback_queue.store import CallbackStore, QueueOrder

pytestmark = pytest.mark.slow

ROWS = 100_000


def seed(url: str) -> None:
    """The staff bench's queue (20% still to be called, 55% closed), made in the database
    by the bench's own seeding."""
    if url.startswith("sqlite:///"):
        seed_sqlite(Path(url.removeprefix("sqlite:///")), ROWS)
    else:
        seed_postgres(url, ROWS)


@contextmanager
def statements(store: CallbackStore) -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT the store sends while the block runs: (SQL, parameters)."""
    sent: list[tuple[str, Any]] = []

    def heard(conn: Any, cursor: Any, sql: str, params: Any, context: Any,
              executemany: bool) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            sent.append((sql, params))

    event.listen(store.engine, "before_cursor_execute", heard)
    try:
        yield sent
    finally:
        event.remove(store.engine, "before_cursor_execute", heard)


def unbounded_reads(store: CallbackStore, sql: str, params: Any) -> list[str]:
    """The table or index reads in the plan of one statement (as sent) that are not
    bounded by the status or the queue rank: each would start at the top of the queue."""
    with store.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()
        if store.dialect == "postgresql":
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            found: list[str] = []

            def walk(node: dict[str, Any]) -> None:
                if "Scan" in node["Node Type"]:
                    cond = node.get("Index Cond", "")
                    if "status" not in cond and "queue_rank" not in cond:
                        found.append(json.dumps(node))
                for child in node.get("Plans", []):
                    walk(child)

            walk(cursor.fetchone()[0][0]["Plan"])
            return found
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        steps = [str(row[-1]) for row in cursor.fetchall()]
        return [step for step in steps if step.startswith(("SCAN", "SEARCH"))
                and "status=" not in step and "queue_rank=" not in step]


READS: dict[str, Callable[[CallbackStore], list[Any]]] = {
    "first page": lambda s: s.page_from(None, Status.CLOSED, 100, order=QueueOrder.DUE),
    "oldest page": lambda s: s.page_from(None, Status.CLOSED, 100, newest_first=False,
                                         order=QueueOrder.DUE),
    "jump into the middle": lambda s: s.page_at(ROWS // 4, Status.CLOSED, 100,
                                                order=QueueOrder.DUE),
}


@pytest.mark.parametrize("read", list(READS))
def test_a_status_page_of_the_staff_list_starts_where_the_status_lives(store_url: str,
                                                                       read: str) -> None:
    seed(store_url)
    with CallbackStore.open(store_url) as store:
        with statements(store) as sent:
            rows = READS[read](store)
        assert rows and all(r.status is Status.CLOSED for r in rows)
        assert sent
        for sql, params in sent:
            assert not unbounded_reads(store, sql, params), (read, sql)
