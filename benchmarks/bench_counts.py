"""The anonymous usage counts: what a tap pays on the GUI thread, and what a flush costs the
queue worker.

A count is a dictionary increment under a lock, compared with a bare Counter increment; a
flush upserts a busy day's batch in one transaction, compared with the kiosk's heartbeat
write (the other small write the worker does on its own schedule).
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row, median, percentile

#: A busy day's distinct (counter, key) pairs: sections, cards, choices, form steps.
BATCH_ROWS = 60


def _batch(day: str) -> list:
    from kiosk.callback_queue.counts import UsageCount

    keys = [("visit", "")] + [("section_opened", f"s{i}") for i in range(8)] + [
        ("card_opened", f"how-it-works/{i}") for i in range(1, 40)] + [
        ("consult_abandoned", step) for step in ("name", "phone", "time", "consent")] + [
        ("language", "es"), ("language", "en"), ("text_size", "large"),
        ("text_size", "largest"), ("text_size", "default"), ("contrast", "high-contrast"),
        ("contrast", "calm"), ("speech", "read_aloud"), ("consult_opened", ""),
        ("consult_started", ""), ("consult_sent", ""), ("qr_shown", "aftercare")]
    assert len(keys) >= BATCH_ROWS
    return [UsageCount(day, "bench", c, k, 3) for c, k in keys[:BATCH_ROWS]]


def run(quick: bool, workdir: Path) -> list[Row]:
    from kiosk import __version__
    from kiosk.callback_queue.outbox import ResilientQueue
    from kiosk.callback_queue.usage import add_counts
    from kiosk.insights.tally import Tally
    from kiosk.ops.heartbeat import HeartbeatReporter

    taps = 20_000 if quick else 200_000
    tally = Tally("bench", date.today)
    plain: Counter[tuple[str, str, str]] = Counter()
    count_ns, plain_ns = [], []
    for i in range(taps):
        start = time.perf_counter_ns()
        tally.count("section_opened", "aftercare")
        middle = time.perf_counter_ns()
        plain[("2026-12-01", "section_opened", "aftercare")] += 1
        count_ns.append((middle - start) / 1000)
        plain_ns.append((time.perf_counter_ns() - middle) / 1000)
        if i % 5000 == 0:
            tally.take()

    flushes = 20 if quick else 200
    url = f"sqlite:///{workdir / 'counts.sqlite3'}"
    queue = ResilientQueue(url, workdir / "outbox.sqlite3")
    reporter = HeartbeatReporter("bench", __version__, datetime.now(UTC), workdir)
    engine = queue.store().engine
    flush_ms, beat_ms = [], []
    batch = _batch(date.today().isoformat())
    try:
        for i in range(flushes + 1):  # the first is a warm-up
            start = time.perf_counter_ns()
            add_counts(engine, batch)
            middle = time.perf_counter_ns()
            reporter.beat(queue, "unknown")
            if i:
                flush_ms.append((middle - start) / 1e6)
                beat_ms.append((time.perf_counter_ns() - middle) / 1e6)
    finally:
        queue.close()
    return [
        limit_row("Usage count on a tap (GUI thread), p99", percentile(count_ns, 99), 50.0,
                  "µs", baseline=percentile(plain_ns, 99),
                  note=f"{taps} counts; baseline: a bare Counter increment; no I/O on the GUI "
                       "thread"),
        limit_row("Usage counts flush (queue worker), median", median(flush_ms), 50.0, "ms",
                  baseline=median(beat_ms),
                  note=f"{flushes} upserts of a {BATCH_ROWS}-row batch in one transaction, "
                       "SQLite WAL; baseline: the heartbeat write; every 5 min and at idle "
                       "reset"),
    ]
