"""Screen switch time, in process: the kiosk's screens against a bare QStackedWidget of labels."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row, median, percentile
from benchmarks.bench_startup import write_config

SIZE = (1280, 800)
FRAME_MS = 16.0


Times = tuple[list[float], list[float]]


def _timed_switches(switches: list[Callable[[], None]], repaint: Callable[[], None],
                    settle: Callable[[], None], count: int) -> Times:
    """Milliseconds for each switch plus a synchronous repaint, and for the same plus the
    posted events that follow it (deferred layout, a second paint) until the queue is empty."""
    painted, settled = [], []
    for i in range(count):
        switch = switches[i % len(switches)]
        start = time.perf_counter_ns()
        switch()
        repaint()
        painted.append((time.perf_counter_ns() - start) / 1e6)
        settle()
        settled.append((time.perf_counter_ns() - start) / 1e6)
    return painted, settled


def _kiosk_times(app, config: Path, count: int) -> tuple[Times, int]:
    from kiosk.app import build_kiosk
    from kiosk.shell.navigation import CONSULT
    from kiosk.shell.ui.window import KioskWindow

    window = build_kiosk(config, windowed=True)
    if not isinstance(window, KioskWindow):
        window.deleteLater()
        raise RuntimeError("build_kiosk gave the out-of-order window (run `make check`)")
    try:
        window.resize(*SIZE)
        window.show()
        app.processEvents()
        targets = [*window.navigator.sections, CONSULT]
        switches: list[Callable[[], None]] = []
        for name in targets:  # Home -> screen -> Home -> next screen ...
            switches += [lambda n=name: window.show_screen(n), window.go_home]
        return _timed_switches(switches, window.repaint, app.processEvents, count), len(targets)
    finally:
        worker = getattr(window, "queue_worker", None)
        if worker is not None:
            worker.shutdown()
        window.close()
        window.deleteLater()
        app.processEvents()


def _bare_times(app, screens: int, count: int) -> Times:
    from PySide6.QtWidgets import QLabel, QStackedWidget

    stack = QStackedWidget()
    try:
        home, *others = [QLabel() for _ in range(screens + 1)]
        for label in (home, *others):
            stack.addWidget(label)
        stack.resize(*SIZE)
        stack.show()
        app.processEvents()
        switches: list[Callable[[], None]] = []
        for label in others:
            switches += [lambda w=label: stack.setCurrentWidget(w),
                         lambda: stack.setCurrentWidget(home)]
        return _timed_switches(switches, stack.repaint, app.processEvents, count)
    finally:
        stack.close()
        stack.deleteLater()
        app.processEvents()


def run(quick: bool, workdir: Path) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["benchmarks"])
    count = 60 if quick else 500
    (kiosk, kiosk_settled), screens = _kiosk_times(app, write_config(workdir), count)
    bare, bare_settled = _bare_times(app, screens, count)
    first = 2 * screens  # the first visit of every screen, and the way back to Home
    how = (f"{count} switches between Home and each of {screens} screens (sections, consult), "
           f"each timed as show_screen/go_home + window.repaint(), {SIZE[0]}×{SIZE[1]}; "
           f"baseline: QStackedWidget of {screens + 1} empty QLabels, same switches")
    return [
        limit_row("Screen switch, median", median(kiosk), FRAME_MS, "ms", baseline=median(bare),
                  note=how),
        limit_row("Screen switch, p99", percentile(kiosk, 99), FRAME_MS, "ms",
                  baseline=percentile(bare, 99), note="same runs; includes the first visits"),
        Row("Screen switch, worst first visit", max(kiosk[:first]), max(bare[:first]),
            "context", None, "ms",
            note="first time each screen is shown after start (style polish, layout)"),
        Row("Screen switch until idle, p99", percentile(kiosk_settled, 99),
            percentile(bare_settled, 99), "context", None, "ms",
            note="same switches, also timing the posted events processed after the repaint "
                 "(deferred layout and any second paint) until the event queue is empty"),
    ]
