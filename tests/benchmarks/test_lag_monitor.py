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


def busy_for(cpu_seconds: float) -> None:
    """Work on this thread until it has had ``cpu_seconds`` of CPU (however long that takes
    on a machine whose other processes want the cores too)."""
    end = time.thread_time() + cpu_seconds
    while time.thread_time() < end:
        pass


def test_a_wait_on_the_kiosks_own_thread_is_its_own_stall_a_sleep_is_not(qapp) -> None:
    """The slow test bounds ``own_ms``: the GUI thread waiting while a worker of the same
    process runs (as it waits for the interpreter lock a worker holds) is the kiosk's own
    stall; time when no thread of the process ran (another process had the cores) is not."""
    import threading

    monitor = LagMonitor(sample_stacks=False)
    loop = QEventLoop()

    def wait_for_a_worker() -> None:
        monitor.mark("waits for a worker")
        worker = threading.Thread(target=busy_for, args=(0.12,))
        worker.start()
        worker.join()

    monitor.start()
    QTimer.singleShot(50, wait_for_a_worker)
    QTimer.singleShot(300, lambda: (monitor.mark("asleep"), stall_for_80_ms()))
    QTimer.singleShot(500, loop.quit)
    loop.exec()
    report = monitor.stop()

    by_step = {stall.where(): stall for stall in report.stalls}
    waited, asleep = by_step["waits for a worker"], by_step["asleep"]
    assert waited.ms >= 110 and waited.own_ms >= 110  # the process ran all along
    assert waited.cpu_ms < 30  # but hardly on the GUI thread
    assert asleep.ms >= 80 and asleep.own_ms < 20  # nothing of the process ran
    assert report.worst_own_ms >= waited.own_ms
