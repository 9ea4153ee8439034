"""The longest GUI-thread task in a scripted patient session: every tap within one frame, all day.

The one long row of `make bench`: a seeded session of 10 minutes (20 s with --quick) taps,
scrolls, types, submits, switches language, text size and contrast and resets for the next
visitor, while a LagMonitor times every gap between its 2 ms ticks from the first frame on.
The baseline is the same monitor on an empty event loop in the same process: the timer's
own jitter on this machine.
"""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row
from benchmarks.bench_startup import preflight, write_config

FULL_S = 600.0
QUICK_S = 20.0
STALL_LIMIT_MS = 50.0
FRAME_MS = 16.7


def _idle_loop(seconds: float):
    """The monitor alone on an event loop with nothing else to do."""
    from PySide6.QtCore import QEventLoop, QTimer

    from benchmarks.lag_monitor import LagMonitor

    monitor = LagMonitor(sample_stacks=False)
    loop = QEventLoop()
    monitor.start()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
    return monitor.stop()


def run(quick: bool, workdir: Path) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from benchmarks.patient_session import run_session

    app = QApplication.instance() or QApplication(["benchmarks"])  # noqa: F841 - kept alive
    config = write_config(workdir)
    preflight(config)
    seconds = QUICK_S if quick else FULL_S
    result = run_session(config, seconds)
    report = result.report
    bare = _idle_loop(2.0 if quick else 10.0)
    steps = sum(result.counts.values())
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(result.counts.items()))
    worst = report.worst
    where = (f"worst during '{worst.where()}' at {worst.at_s:.0f} s"
             + (f", sampled in {worst.innermost().strip().splitlines()[0]}" if worst.stack
                else "")) if worst else "no gap over 20 ms"
    others = "; ".join(f"{s.ms:.0f} ms {s.where()}" for s in report.stalls[1:6])
    how = (f"{report.seconds:.0f} s seeded session from the first frame, {steps} steps "
           f"({kinds}), {result.submitted} requests sent (SQLite in a temp folder); "
           f"longest gap between 2 ms PreciseTimer ticks; {where}. Next: {others or '—'}. "
           f"Baseline: the same monitor on an empty event loop")
    reactivated = (f"; the window lost activation {result.reactivated}× and was re-activated "
                   "(the call-us screen briefly shows parentless labels)"
                   if result.reactivated else "")
    return [
        limit_row("Patient session, worst GUI-thread stall", report.worst_ms, STALL_LIMIT_MS,
                  "ms", baseline=bare.worst_ms, note=how),
        limit_row("Patient session, p99 tick gap", report.p99_ms, FRAME_MS, "ms",
                  baseline=bare.p99_ms,
                  note=f"same ticks: p99.9 {report.p999_ms:.1f} ms; "
                       + ", ".join(f"{n} gaps over {ms:g} ms" for ms, n in report.over.items())
                       + reactivated),
    ]
