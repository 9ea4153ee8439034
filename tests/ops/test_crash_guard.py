"""The crash guard: every uncaught exception is logged and the kiosk comes back, or restarts."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable

from kiosk.ops.crash_guard import CRASH_LOOP_EXIT, CrashGuard, install_crash_guard, qt_schedule


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    """Stands in for the Qt event loop and for the process exit."""

    def __init__(self) -> None:
        self.scheduled: list[Callable[[], None]] = []
        self.exits: list[int] = []
        self.rebuilds = 0

    def schedule(self, fn: Callable[[], None]) -> None:
        self.scheduled.append(fn)

    def exit(self, code: int) -> None:
        self.exits.append(code)

    def rebuild(self) -> None:
        self.rebuilds += 1

    def run_scheduled(self) -> None:
        while self.scheduled:
            self.scheduled.pop(0)()


def _exc_info(message: str = "boom") -> tuple:
    try:
        raise RuntimeError(message)
    except RuntimeError:
        return sys.exc_info()


def _guard(rec: Recorder, clock: FakeClock | None = None, **options) -> CrashGuard:
    return CrashGuard(
        rec.rebuild,
        schedule=rec.schedule,
        exit_process=rec.exit,
        clock=clock or FakeClock(),
        **options,
    )


def test_a_crash_is_logged_with_its_traceback_and_rebuilds(caplog) -> None:
    rec = Recorder()
    guard = _guard(rec)
    with caplog.at_level(logging.WARNING, logger="kiosk.ops.crash_guard"):
        guard.handle(_exc_info("the screen broke"))

    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert critical and critical[0].exc_info[1].args == ("the screen broke",)
    assert rec.rebuilds == 0  # not inside the hook: on the event loop, later
    rec.run_scheduled()
    assert rec.rebuilds == 1 and rec.exits == []


def test_more_than_five_crashes_in_a_minute_exits_for_a_restart(caplog) -> None:
    rec, clock = Recorder(), FakeClock()
    guard = _guard(rec, clock)
    for _ in range(5):
        guard.handle(_exc_info())
        rec.run_scheduled()
        clock.now += 10
    assert rec.exits == [] and rec.rebuilds == 5

    guard.handle(_exc_info())  # the sixth within 60 s
    assert rec.exits == [CRASH_LOOP_EXIT]
    assert rec.scheduled == []  # no rebuild is attempted after giving up
    assert "exiting so the service restarts the kiosk" in caplog.text


def test_crashes_spread_over_time_never_exit() -> None:
    rec, clock = Recorder(), FakeClock()
    guard = _guard(rec, clock, max_crashes=2, window_s=60)
    for _ in range(20):
        guard.handle(_exc_info())
        rec.run_scheduled()
        clock.now += 31  # at most two within any 60 s
    assert rec.exits == [] and rec.rebuilds == 20


def test_crashes_before_the_rebuild_runs_share_one_rebuild() -> None:
    rec = Recorder()
    guard = _guard(rec)
    for _ in range(3):  # e.g. a paint event raising on every frame
        guard.handle(_exc_info())
    assert len(rec.scheduled) == 1
    rec.run_scheduled()
    guard.handle(_exc_info())  # a later crash gets its own rebuild
    rec.run_scheduled()
    assert rec.rebuilds == 2


def test_a_failing_rebuild_counts_as_another_crash() -> None:
    rec, clock = Recorder(), FakeClock()

    def broken_rebuild() -> None:
        raise RuntimeError("cannot build the window")

    guard = CrashGuard(
        broken_rebuild, schedule=rec.schedule, exit_process=rec.exit, clock=clock, max_crashes=3
    )
    guard.handle(_exc_info())
    while rec.scheduled and not rec.exits:
        try:
            rec.scheduled.pop(0)()
        except RuntimeError:  # what the event loop would hand to sys.excepthook
            guard.handle(sys.exc_info())
    assert rec.exits == [CRASH_LOOP_EXIT]


def test_without_a_rebuild_it_only_logs(caplog) -> None:
    rec = Recorder()
    guard = CrashGuard(None, schedule=rec.schedule, exit_process=rec.exit)
    guard.handle(_exc_info("windowed"))
    assert rec.scheduled == [] and rec.exits == []
    assert "uncaught exception in main thread" in caplog.text


def test_no_event_loop_to_rebuild_on_means_exit() -> None:
    rec = Recorder()

    def cannot_schedule(fn: Callable[[], None]) -> None:
        raise RuntimeError("no QApplication")

    guard = CrashGuard(rec.rebuild, schedule=cannot_schedule, exit_process=rec.exit)
    guard.handle(_exc_info())
    assert rec.exits == [CRASH_LOOP_EXIT]


def test_keyboard_interrupt_goes_to_the_previous_hook(monkeypatch) -> None:
    seen = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: seen.append(info[0]))
    rec = Recorder()
    guard = _guard(rec).install()
    try:
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    finally:
        guard.uninstall()
    assert seen == [KeyboardInterrupt] and rec.scheduled == []


def test_install_sets_both_hooks_and_uninstall_restores_them() -> None:
    before = (sys.excepthook, threading.excepthook)
    rec = Recorder()
    guard = install_crash_guard(rec.rebuild, schedule=rec.schedule, exit_process=rec.exit)
    try:
        assert sys.excepthook != before[0] and threading.excepthook != before[1]
        sys.excepthook(*_exc_info())
    finally:
        guard.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
    assert len(rec.scheduled) == 1


def test_an_exception_in_a_thread_is_caught(caplog) -> None:
    rec = Recorder()
    guard = install_crash_guard(rec.rebuild, schedule=rec.schedule, exit_process=rec.exit)
    try:

        def work() -> None:
            raise ValueError("worker died")

        thread = threading.Thread(target=work, name="queue-listener")
        thread.start()
        thread.join()
    finally:
        guard.uninstall()
    assert len(rec.scheduled) == 1
    assert "uncaught exception in thread queue-listener" in caplog.text
    assert "worker died" in caplog.text


def test_qt_schedule_runs_on_the_gui_thread_from_any_thread(qtbot) -> None:
    ran_on: list[str] = []
    worker = threading.Thread(
        target=lambda: qt_schedule(lambda: ran_on.append(threading.current_thread().name))
    )
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(ran_on), timeout=2000)
    assert ran_on == [threading.main_thread().name]


def test_an_exception_in_a_qt_slot_rebuilds_the_window(qtbot) -> None:
    from PySide6.QtCore import QTimer

    rebuilt: list[bool] = []
    exits: list[int] = []
    guard = install_crash_guard(lambda: rebuilt.append(True), exit_process=exits.append)
    try:

        def broken_slot() -> None:
            raise RuntimeError("a widget raised")

        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: bool(rebuilt), timeout=2000)
    finally:
        guard.uninstall()
    assert rebuilt == [True] and exits == []


def test_the_guard_module_does_not_import_qt() -> None:
    import subprocess

    code = (
        "import sys, kiosk.ops.crash_guard, kiosk.ops.logging_setup; "
        "sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_thread_calling_sys_exit_is_not_a_crash() -> None:
    rec = Recorder()
    guard = install_crash_guard(rec.rebuild, schedule=rec.schedule, exit_process=rec.exit)
    try:
        thread = threading.Thread(target=sys.exit)
        thread.start()
        thread.join()
    finally:
        guard.uninstall()
    assert rec.scheduled == []
