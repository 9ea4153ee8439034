"""The staff queue screen (kiosk/staff/ui/queue_view.py) on a queue of a million requests.

Times what staff wait for, from the tap (or the scroll) to the rows painted, with the
queries on the worker thread exactly as the kiosk runs them: open, filter, jump to the
oldest request, one page at depth, a jump into the middle; and how much memory scrolling
deep costs. On SQLite and on a real PostgreSQL (Debian's binaries, as the tests start it).
Baselines, measured in the same run: the store's calls alone, and the OFFSET page the
screen used to read at the same depth.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row, median

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1280, 800)
TIMEOUT_S = 30.0
PAGE = 100
STATUSES = "('new', 'no-answer', 'left-voicemail', 'scheduled', 'not-interested', 'closed')"
# Ties in threes on created_at, 90 s apart, from 2022 on; a long-running clinic's mix of
# statuses (most requests finished). The same rows on both databases.
_SQLITE_SEED = """
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?)
INSERT INTO callback_requests (idempotency_key, created_at, kiosk_id, name, phone, best_time,
  status, attempts, notes, updated_at, due_by, queue_rank)
SELECT printf('%08x-0000-4000-8000-%012x', i, i),
  strftime('%Y-%m-%d %H:%M:%S', 1640995200 + (i - i % 3) * 90, 'unixepoch') || '.000000',
  'kiosk-' || (i % 3), 'Patient ' || i, printf('+1202555%04d', i % 10000),
  CASE i % 4 WHEN 0 THEN 'morning' WHEN 1 THEN 'afternoon' WHEN 2 THEN 'evening' ELSE 'any' END,
  CASE WHEN i % 100 < 8 THEN 'new' WHEN i % 100 < 14 THEN 'no-answer'
       WHEN i % 100 < 20 THEN 'left-voicemail' WHEN i % 100 < 35 THEN 'scheduled'
       WHEN i % 100 < 45 THEN 'not-interested' ELSE 'closed' END,
  i % 3, '',
  strftime('%Y-%m-%d %H:%M:%S', 1640995200 + (i - i % 3) * 90 + (i % 30) * 86400, 'unixepoch')
    || '.000000',
  strftime('%Y-%m-%d %H:%M:%S', 1640995200 + (i - i % 3) * 90 + 3600, 'unixepoch') || '.000000',
  CASE WHEN i % 100 < 20 THEN 0 ELSE 1 END
FROM g
"""
_PG_SEED = """
INSERT INTO callback_requests (idempotency_key, created_at, kiosk_id, name, phone, best_time,
  status, attempts, notes, updated_at, due_by, queue_rank)
SELECT lpad(to_hex(i), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0'),
  timestamptz '2022-01-01 00:00:00+00' + (i - i % 3) * 90 * interval '1 second',
  'kiosk-' || (i % 3), 'Patient ' || i, '+1202555' || lpad((i % 10000)::text, 4, '0'),
  (ARRAY['morning', 'afternoon', 'evening', 'any'])[i % 4 + 1],
  CASE WHEN i % 100 < 8 THEN 'new' WHEN i % 100 < 14 THEN 'no-answer'
       WHEN i % 100 < 20 THEN 'left-voicemail' WHEN i % 100 < 35 THEN 'scheduled'
       WHEN i % 100 < 45 THEN 'not-interested' ELSE 'closed' END,
  i % 3, '',
  timestamptz '2022-01-01 00:00:00+00' + ((i - i % 3) * 90 + (i % 30) * 86400)
    * interval '1 second',
  timestamptz '2022-01-01 01:00:00+00' + (i - i % 3) * 90 * interval '1 second',
  CASE WHEN i % 100 < 20 THEN 0 ELSE 1 END
FROM generate_series(1, :rows) AS i
"""


def _ms_since(start: int) -> float:
    return (time.perf_counter_ns() - start) / 1e6


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter_ns()
    fn()
    return _ms_since(start)


def _worst(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm the statement caches, as the screen's own first read did
    return max(_ms(fn) for _ in range(repeats))


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def seed_sqlite(path: Path, rows: int) -> float:
    """Seeds ``path`` once (kept under the bench workdir); returns seconds taken (0: cached)."""
    from kiosk.callback_queue.store import CallbackStore

    done = path.with_suffix(".seeded")
    if done.exists() and path.exists():
        return 0.0
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    CallbackStore.open(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA cache_size = -262144")  # 256 MiB while seeding only
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(_SQLITE_SEED, (rows,))
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    done.touch()
    return time.perf_counter() - start


def seed_postgres(url: str, rows: int) -> float:
    from sqlalchemy import text

    from kiosk.callback_queue.store import CallbackStore

    start = time.perf_counter()
    with CallbackStore.open(url) as store:
        with store.engine.begin() as conn:
            conn.execute(text(_PG_SEED), {"rows": rows})
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE callback_requests"))
    return time.perf_counter() - start


class _Screen:
    """The staff view in a window, on a real worker thread, with ways to wait for it."""

    def __init__(self, url: str) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

        from kiosk.callback_queue.store import CallbackStore
        from kiosk.shell.theme import stylesheet
        from kiosk.shell.ui.queue_worker import QueueWorker
        from kiosk.staff.rows import RowFormatter
        from kiosk.staff.ui.jobs import StaffJobs
        from kiosk.staff.ui.queue_view import StaffQueueView

        self.app = QApplication.instance() or QApplication(["benchmarks"])
        self.worker = QueueWorker(lambda: CallbackStore.open(url))
        # The kiosk opens its queue after the first frame, long before staff unlock.
        self.worker.run(lambda store: store.count(), lambda _: None, lambda _: None).result()
        self.window = QWidget()
        self.window.setStyleSheet(stylesheet())
        start = time.perf_counter_ns()
        self.view = StaffQueueView(StaffJobs(self.worker.run), RowFormatter("US"), "bench",
                                   on_kiosk=True, choose_export_path=lambda: None)
        QVBoxLayout(self.window).addWidget(self.view)
        self.window.resize(*SIZE)
        self.window.show()
        self.window.repaint()
        self.build_ms = _ms_since(start)
        self.table = self.view.table
        self.model = self.view.model
        self._tick = QTimer()  # wakes the wait below now and then, so a timeout is seen
        self._tick.start(50)

    def until(self, done: Callable[[], bool], what: str) -> None:
        from PySide6.QtCore import QEventLoop

        deadline = time.monotonic() + TIMEOUT_S
        while not done():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the staff view did not {what} within {TIMEOUT_S:g} s")
            self.app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    def reload(self, action: Callable[[], None]) -> None:
        landed: list[bool] = []
        failed: list[str] = []
        self.model.reloaded.connect(lambda: landed.append(True))
        self.model.failed.connect(failed.append)
        try:
            action()
            self.until(lambda: landed or failed, "load")
        finally:
            self.model.reloaded.disconnect()
            self.model.failed.disconnect()
        if failed:
            raise RuntimeError(f"the staff view failed to load: {failed[0]}")
        self.window.repaint()

    def visible_rows(self) -> range:
        viewport = self.table.viewport()
        first = self.table.rowAt(0)
        last = self.table.rowAt(viewport.height() - 1)
        last = self.model.rowCount() - 1 if last < 0 else last
        return range(max(first, 0), last + 1)

    def scroll_to_row(self, row: int) -> float:
        """Scroll so ``row`` is at the top; ms until every visible row is painted.

        A scroll repaints the table's viewport only, as here: with the rows it holds, and
        when some were not (blank cells, which asks for them), again once they are in."""
        bar = self.table.verticalScrollBar()
        viewport = self.table.viewport()
        start = time.perf_counter_ns()
        bar.setValue(min(bar.maximum(), row * self.table.verticalHeader().defaultSectionSize()))
        viewport.repaint()

        def shown() -> bool:
            return all(self.model.request_at(r) is not None for r in self.visible_rows())

        if not shown():
            self.until(shown, "show the rows")
            viewport.repaint()
        took = _ms_since(start)
        # Staff look at the page a moment: the window's next read lands meanwhile (untimed).
        self.until(lambda: not self.model.loading, "finish reading")
        return took

    def repaint_ms(self) -> float:
        """One repaint of the table as it stands: the floor of any scroll."""
        start = time.perf_counter_ns()
        self.table.viewport().repaint()
        return _ms_since(start)

    def close(self) -> None:
        self._tick.stop()
        self.worker.shutdown()
        self.window.close()
        self.window.deleteLater()
        self.app.processEvents()


def view_rows(url: str, label: str, rows: int, repeats: int, scroll_rows: int) -> list[Row]:
    from PySide6.QtWidgets import QPushButton

    from kiosk.callback_queue.model import Status
    from kiosk.callback_queue.store import CallbackStore, QueueOrder, due_key
    from kiosk.staff.ui.queue_view import FILTERED, filter_name
    from kiosk.staff.ui.table import WINDOW_ROWS

    with CallbackStore.open(url) as store:  # the baselines: the store's calls alone
        counts = {s: store.count(s) for s in Status}
        # The screen paints its first page before it counts: the page alone is its floor.
        # The staff list's order (what is due first), as the view reads it.
        due = QueueOrder.DUE
        open_base = _worst(lambda: store.page_from(limit=PAGE, order=due), repeats)
        open_count = _worst(store.count, repeats)
        filter_base = {s: _worst(lambda s=s: store.page_from(None, s, PAGE, order=due), repeats)
                       for s in FILTERED}
        filter_count = {s: _worst(lambda s=s: store.count(s), repeats) for s in FILTERED}
        end_offset = _worst(lambda: store.page(offset=rows - PAGE, limit=PAGE, order=due),
                            repeats)
        end_keyset = _worst(lambda: store.page_from(limit=PAGE, newest_first=False, order=due),
                            repeats)
        middle = store.page(offset=rows // 2, limit=1, order=due)[0]
        mid_keyset = _worst(lambda: store.page_from(due_key(middle), limit=PAGE, order=due),
                            repeats)
        mid_offset = _worst(lambda: store.page(offset=rows // 2, limit=PAGE, order=due),
                            repeats)
        mid_jump = _worst(lambda: store.page_at(rows // 2, limit=PAGE, order=due), repeats)
        last_name = store.page_from(limit=1, newest_first=False, order=due)[0].name

    rss_before = _rss_mib()
    screen = _Screen(url)
    try:
        open_ms, open_count_ms = [], []
        for _ in range(repeats):
            screen.view.deactivate()
            screen.app.processEvents()
            start = time.perf_counter_ns()
            screen.reload(screen.view.activate)
            open_ms.append(_ms_since(start))
            screen.until(lambda: screen.model.total == rows, "count")
            open_count_ms.append(_ms_since(start))
        if screen.model.rowCount() != rows:
            raise RuntimeError(f"the staff view counted {screen.model.rowCount()} of {rows}")

        filter_ms: dict[Status, float] = {}
        filter_count_ms: dict[Status, float] = {}
        everything = screen.view.findChild(QPushButton, filter_name(None))
        for status in FILTERED:
            button = screen.view.findChild(QPushButton, filter_name(status))
            worst = 0.0
            for _ in range(repeats):
                screen.reload(everything.click)
                screen.until(lambda: screen.model.total == rows, "count")
                start = time.perf_counter_ns()
                screen.reload(button.click)
                worst = max(worst, _ms_since(start))
                screen.until(lambda s=status: screen.model.total == counts[s], "count")
                filter_count_ms[status] = max(filter_count_ms.get(status, 0.0),
                                              _ms_since(start))
            filter_ms[status] = worst
        screen.reload(everything.click)

        end_ms, mid_ms, page_ms, paint_ms = [], [], [], []
        for _ in range(repeats):
            screen.scroll_to_row(0)
            end_ms.append(screen.scroll_to_row(rows - 1))  # the bottom of the scroll bar
            oldest = screen.model.request_at(rows - 1)
            if oldest is None or oldest.name != last_name:
                # Seen once in a full run (and not in the next): say what was there instead.
                held = screen.model.request_at(screen.model.rowCount() - 1)
                raise RuntimeError(
                    f"the bottom of the staff view is not the least due request ({last_name!r}):"
                    f" row {rows - 1} holds {oldest.name if oldest else None!r}, the last row "
                    f"{held.name if held else None!r}; {screen.model.rowCount()} rows, "
                    f"visible {list(screen.visible_rows())[-3:]}")
            for step in range(1, 6):  # upwards from the end, one page at a time
                page_ms.append(screen.scroll_to_row(rows - 12 - step * PAGE))
            mid_ms.append(screen.scroll_to_row(rows // 2))
            for step in range(1, 6):  # downwards from the middle
                page_ms.append(screen.scroll_to_row(rows // 2 + step * PAGE))
                paint_ms.append(screen.repaint_ms())

        screen.scroll_to_row(0)
        for row in range(0, min(scroll_rows, rows), PAGE):  # staff scrolling a long way down
            screen.scroll_to_row(row)
        screen.scroll_to_row(rows - 1)
        screen.scroll_to_row(rows // 2)
        held = screen.model.held()
        rss_after = _rss_mib()
    finally:
        screen.close()
    worst = max(filter_ms, key=filter_ms.__getitem__)
    where = f"{rows:,} requests, {label}"
    return [
        Row(f"Staff view: build the screen (empty), {label}", screen.build_ms, None, "context",
            None, "ms", note="StaffQueueView() in a 1280×800 window with the kiosk stylesheet, "
                             "first paint"),
        limit_row(f"Staff view open, {where}", max(open_ms), 100.0, "ms", baseline=open_base,
                  note=f"activate() until the first page is in and painted, worst of "
                       f"{repeats} (a kiosk's first unlock also builds the screen first: "
                       f"{screen.build_ms:.0f} ms, the row above); the total follows (the "
                       f"scroll bar grows to the whole queue) after "
                       f"{max(open_count_ms):.0f} ms at worst (store.count() alone: "
                       f"{open_count:.1f} ms); baseline: store.page_from() alone"),
        limit_row(f"Staff view filter, worst status, {where}", filter_ms[worst], 100.0, "ms",
                  baseline=filter_base[worst],
                  note=f"tap a filter until its first page is painted, worst of {repeats} "
                       f"per status; worst was '{worst}'; its total followed after "
                       f"{filter_count_ms[worst]:.0f} ms at worst (any status: "
                       f"{max(filter_count_ms.values()):.0f} ms; store.count() of that "
                       f"status alone: {filter_count[worst]:.1f} ms); baseline: "
                       f"store.page_from() alone for that status"),
        limit_row(f"Staff view jump to the oldest, {where}", max(end_ms), 100.0, "ms",
                  baseline=end_keyset,
                  note=f"scroll bar to the bottom until the oldest rows are painted, worst of "
                       f"{repeats}; baseline: the store's keyset read of that page alone (by "
                       f"OFFSET, as the screen used to: {end_offset:.1f} ms)"),
        limit_row(f"Staff view one page at depth, {where}", max(page_ms), 16.0, "ms",
                  baseline=max(paint_ms),
                  note=f"scroll one page ({PAGE} rows) near the end and in the middle until "
                       f"every visible row is painted, worst of {len(page_ms)} (median "
                       f"{median(page_ms):.1f} ms; {sum(ms >= 16 for ms in page_ms)} of them "
                       f"16 ms or more); the window's "
                       f"next read lands between steps (untimed) as it would while staff "
                       f"look; baseline: repainting the table unscrolled, worst of "
                       f"{len(paint_ms)}; the read itself, by keyset in the middle: "
                       f"{mid_keyset:.1f} ms (by OFFSET: {mid_offset:.1f} ms)"),
        limit_row(f"Staff view jump to the middle, {where}", max(mid_ms), 100.0, "ms",
                  baseline=mid_jump,
                  note=f"scroll bar to the middle until painted, worst of {repeats}; the "
                       f"page's depth is found by OFFSET on the (queue_rank, due_by) index from "
                       f"the nearer end, the rest of the window is read behind it; baseline: "
                       f"store.page_at() of that page alone"),
        limit_row(f"Staff view memory after scrolling deep, {where}", rss_after - rss_before,
                  50.0, "MiB",
                  note=f"RSS growth from before the screen was built to after opening, "
                       f"filtering, jumping, and scrolling {min(scroll_rows, rows):,} rows "
                       f"page by page; {held} requests held at the end (window "
                       f"{WINDOW_ROWS})"),
    ]


def run(quick: bool, workdir: Path) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    rows = 10_000 if quick else 1_000_000
    repeats = 3 if quick else 5
    scroll_rows = 10_000 if quick else 100_000
    path = workdir / f"staff-{rows}.sqlite3"
    seconds = seed_sqlite(path, rows)
    out = view_rows(f"sqlite:///{path}", "SQLite", rows, repeats, scroll_rows)
    out.append(Row(f"Staff bench: seed {rows:,} requests, SQLite", seconds, None, "context",
                   None, "s", note="one INSERT … SELECT of a recursive CTE, in one transaction; "
                                   "0 when the cached file was reused"))

    sys.path.insert(0, str(ROOT / "tests"))
    from pg_server import start_server

    server = start_server()
    try:
        url = server.url_for(server.create_database())
        seconds = seed_postgres(url, rows)
        out += view_rows(url, "PostgreSQL", rows, repeats, scroll_rows)
        out.append(Row(f"Staff bench: seed {rows:,} requests, PostgreSQL", seconds, None,
                       "context", None, "s",
                       note="INSERT … SELECT generate_series, then VACUUM ANALYZE"))
    finally:
        server.destroy()
    return out
