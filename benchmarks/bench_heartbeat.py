"""The kiosk's heartbeat: one upsert of its row, against one trivial SELECT on the same database.

It runs once a minute on the queue worker, so what matters is that it stays a small, short
write (a patient's submit queued behind it waits that long) and costs nothing measurable
between beats.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from benchmarks.bench_rows import Row, limit_row, median, percentile


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - start) / 1e6


def run(quick: bool, workdir: Path) -> list[Row]:
    from kiosk import __version__
    from kiosk.callback_queue.outbox import ResilientQueue
    from kiosk.ops.heartbeat import HeartbeatReporter

    count = 30 if quick else 300
    url = f"sqlite:///{workdir / 'heartbeat.sqlite3'}"
    queue = ResilientQueue(url, workdir / "outbox.sqlite3")
    reporter = HeartbeatReporter("bench", __version__, datetime.now(UTC), workdir)
    engine = queue.store().engine

    def select_one() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1")).scalar_one()

    beat_ms, select_ms = [], []
    try:
        for i in range(count + 1):  # the first of each is a warm-up
            pair = [(beat_ms, lambda: reporter.beat(queue, "unknown")), (select_ms, select_one)]
            for times, fn in pair if i % 2 else reversed(pair):
                took = _ms(fn)
                if i:
                    times.append(took)
    finally:
        queue.close()
    beat_median, select_median = median(beat_ms), median(select_ms)
    how = (f"{count} each, alternating; SQLite WAL, synchronous=FULL, on {workdir}; the "
           "heartbeat collects its facts (outbox depth, free disk) and upserts one row in its "
           "own write transaction; baseline: SELECT 1 through the same engine; once a minute")
    return [
        limit_row("Heartbeat write, median", beat_median, 20.0, "ms", baseline=select_median,
                  note=how),
        limit_row("Heartbeat write, p99", percentile(beat_ms, 99), 100.0, "ms",
                  baseline=percentile(select_ms, 99), note="same runs"),
    ]
