"""The staff queue screen (kiosk/staff/ui/queue_view.py) on a big queue: open it, then filter it.

Times what staff wait for: from the tap to the first page of rows painted, with the
queries on the worker thread exactly as the kiosk runs them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row

SIZE = (1280, 800)
TIMEOUT_MS = 30_000


def _until_reloaded(model, action: Callable[[], None]) -> None:
    """Runs ``action`` and spins an event loop until the model's reload has landed."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    outcome: list[str] = []

    def landed() -> None:
        outcome.append("")
        loop.quit()

    def failed(message: str) -> None:
        outcome.append(message or "failed")
        loop.quit()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    model.reloaded.connect(landed)
    model.failed.connect(failed)
    try:
        timer.start(TIMEOUT_MS)
        action()
        loop.exec()
    finally:
        timer.stop()
        model.reloaded.disconnect(landed)
        model.failed.disconnect(failed)
    if not outcome:
        raise RuntimeError(f"the staff view did not load within {TIMEOUT_MS} ms")
    if outcome[0]:
        raise RuntimeError(f"the staff view failed to load: {outcome[0]}")


def _ms_since(start: int) -> float:
    return (time.perf_counter_ns() - start) / 1e6


def view_rows(db_path: Path, rows: int, repeats: int, store_open_ms: float,
              store_filter_ms: dict[str, float]) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

    from kiosk.callback_queue.model import Status
    from kiosk.shell.theme import stylesheet
    from kiosk.shell.ui.queue_worker import QueueWorker
    from kiosk.staff.rows import RowFormatter
    from kiosk.staff.ui.jobs import StaffJobs, open_store
    from kiosk.staff.ui.queue_view import StaffQueueView, filter_name

    app = QApplication.instance() or QApplication(["benchmarks"])
    url = f"sqlite:///{db_path}"
    worker = QueueWorker(lambda: open_store(url))
    # The kiosk opens its queue after the first frame, long before staff unlock the screen.
    worker.run(lambda store: store.count(), lambda _: None, lambda _: None).result()
    window = QWidget()
    window.setStyleSheet(stylesheet())
    try:
        start = time.perf_counter_ns()
        view = StaffQueueView(StaffJobs(worker.run), RowFormatter("US"), "bench",
                              on_kiosk=True, choose_export_path=lambda: None)
        QVBoxLayout(window).addWidget(view)
        window.resize(*SIZE)
        window.show()
        window.repaint()
        build_ms = _ms_since(start)

        open_ms = []
        for _ in range(repeats):
            view.deactivate()
            app.processEvents()
            start = time.perf_counter_ns()
            _until_reloaded(view.model, view.activate)
            window.repaint()
            open_ms.append(_ms_since(start))
            if view.model.rowCount() == 0:
                raise RuntimeError("the staff view opened with no rows")

        filter_ms: dict[str, float] = {}
        for status in Status:
            button = view.findChild(QPushButton, filter_name(status))
            everything = view.findChild(QPushButton, filter_name(None))
            worst = 0.0
            for _ in range(repeats):
                _until_reloaded(view.model, everything.click)
                start = time.perf_counter_ns()
                _until_reloaded(view.model, button.click)
                window.repaint()
                worst = max(worst, _ms_since(start))
            filter_ms[status.value] = worst
    finally:
        worker.shutdown()
        window.close()
        window.deleteLater()
        app.processEvents()
    worst = max(filter_ms, key=filter_ms.get)
    return [
        Row("Staff view: build the screen (empty)", build_ms, None, "context", None, "ms",
            note="StaffQueueView() in a 1280×800 window with the kiosk stylesheet, first paint"),
        limit_row(f"Staff view open, {rows:,} requests (screen)", max(open_ms), 300.0, "ms",
                  baseline=store_open_ms,
                  note=f"activate() until the first page is loaded on the worker thread and "
                       f"painted, worst of {repeats}; baseline: the store calls alone"),
        limit_row("Staff view filter, worst status (screen)", filter_ms[worst], 100.0, "ms",
                  baseline=store_filter_ms[worst],
                  note=f"tap a filter button until its first page is painted, worst of "
                       f"{repeats} per status; worst was '{worst}'; baseline: the store calls "
                       f"alone for that status"),
    ]
