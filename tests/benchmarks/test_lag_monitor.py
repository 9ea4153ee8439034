"""The lag monitor finds a deliberate stall, names the step that caused it and samples its stack."""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, QTimer

from benchmarks.lag_monitor import LagMonitor


def stall_for_80_ms() -> None:
    time.sleep(0.08)


def test_a_stall_is_measured_named_and_sampled(qapp) -> None:
    monitor = LagMonitor()
    loop = QEventLoop()

    def step(label: str, work) -> None:
        monitor.mark(label)
        work()

    monitor.start()
    QTimer.singleShot(100, lambda: step("quick step", lambda: None))
    QTimer.singleShot(200, lambda: step("slow step", stall_for_80_ms))
    QTimer.singleShot(400, loop.quit)
    loop.exec()
    report = monitor.stop()

    assert report.worst is not None
    assert report.worst_ms >= 80
    assert report.worst.where() == "slow step"
    assert any("stall_for_80_ms" in line for line in report.worst.stack)
    assert report.over[50.0] >= 1
    assert report.ticks > 50  # a 2 ms timer over 0.4 s, minus the stall
    assert report.p99_ms <= report.worst_ms
    assert "slow step" in report.describe()


def test_a_stall_with_no_step_in_it_belongs_to_the_last_step(qapp) -> None:
    monitor = LagMonitor(sample_stacks=False)
    loop = QEventLoop()
    monitor.start()
    QTimer.singleShot(50, lambda: monitor.mark("tap"))
    QTimer.singleShot(100, stall_for_80_ms)  # e.g. the paint that the tap posted
    QTimer.singleShot(250, loop.quit)
    loop.exec()
    report = monitor.stop()
    assert report.worst is not None and report.worst.where() == "tap"
    assert report.worst.stack == []
