"""Turns an unexpected exception into a log entry and a fresh kiosk window, never a bare desktop.

Qt-free: the guard is handed ``rebuild`` and a ``schedule`` function. The kiosk passes
``qt_schedule``, which runs the rebuild on the GUI thread's event loop; tests pass a list.
If the kiosk keeps crashing (more than ``max_crashes`` in ``window_s`` seconds) rebuilding
is not helping: the guard exits non-zero so the operating system's service manager
(systemd ``Restart=always``, Shell Launcher's restart action) starts a clean process.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger(__name__)

#: Exit status when the kiosk gives up (EX_SOFTWARE from BSD sysexits).
CRASH_LOOP_EXIT = 70
MAX_CRASHES = 5
WINDOW_S = 60.0

Schedule = Callable[[Callable[[], None]], None]
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def qt_schedule(fn: Callable[[], None]) -> None:
    """Run ``fn`` soon on the GUI thread, whichever thread the exception happened on."""
    from PySide6.QtCore import QCoreApplication, QTimer

    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("no QApplication to schedule the rebuild on")
    # With a context object the call is queued to that object's (the GUI) thread.
    QTimer.singleShot(0, app, fn)


def hard_exit(code: int) -> None:
    """Flush the log and leave at once: after a crash loop, cleanup code is not to be trusted."""
    logging.shutdown()
    os._exit(code)


class CrashGuard:
    """Logs every uncaught exception and, given a ``rebuild``, schedules a fresh window."""

    def __init__(
        self,
        rebuild: Callable[[], None] | None,
        *,
        schedule: Schedule = qt_schedule,
        exit_process: Callable[[int], None] = hard_exit,
        clock: Callable[[], float] = time.monotonic,
        max_crashes: int = MAX_CRASHES,
        window_s: float = WINDOW_S,
    ) -> None:
        self._rebuild = rebuild
        self._schedule = schedule
        self._exit = exit_process
        self._clock = clock
        self._max_crashes = max_crashes
        self._window_s = window_s
        self._crashes: deque[float] = deque()
        self._rebuild_pending = False
        self._lock = threading.Lock()
        self._previous_excepthook: Callable[..., object] | None = None
        self._previous_threading_hook: Callable[..., object] | None = None

    # --- installing ---------------------------------------------------------------------
    def install(self) -> CrashGuard:
        self._previous_excepthook = sys.excepthook
        self._previous_threading_hook = threading.excepthook
        sys.excepthook = self._sys_hook
        threading.excepthook = self._threading_hook
        return self

    def uninstall(self) -> None:
        if self._previous_excepthook is not None:
            sys.excepthook = self._previous_excepthook
        if self._previous_threading_hook is not None:
            threading.excepthook = self._previous_threading_hook
        self._previous_excepthook = self._previous_threading_hook = None

    def _sys_hook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        self.handle((exc_type, exc, tb), where="main thread")

    def _threading_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return  # threading's own default also stays silent for SystemExit
        name = args.thread.name if args.thread is not None else "unknown"
        self.handle((args.exc_type, args.exc_value, args.exc_traceback), where=f"thread {name}")

    # --- handling -----------------------------------------------------------------------
    def handle(self, exc_info: ExcInfo, where: str = "main thread") -> None:
        """Log one uncaught exception, then rebuild, or exit if the kiosk is crash-looping."""
        exc_type = exc_info[0]
        if issubclass(exc_type, KeyboardInterrupt):
            # Someone at a terminal pressed Ctrl+C: behave as Python always does.
            (self._previous_excepthook or sys.__excepthook__)(*exc_info)
            return
        log.critical("uncaught exception in %s", where, exc_info=exc_info)
        if self._rebuild is None:
            return
        with self._lock:
            now = self._clock()
            self._crashes.append(now)
            while self._crashes and now - self._crashes[0] > self._window_s:
                self._crashes.popleft()
            looping = len(self._crashes) > self._max_crashes
            count = len(self._crashes)
        if looping:
            log.critical(
                "%d crashes within %.0f s; exiting so the service restarts the kiosk",
                count,
                self._window_s,
            )
            self._exit(CRASH_LOOP_EXIT)
            return
        with self._lock:
            # A broken paint raises on every frame: one rebuild answers them all.
            already_pending, self._rebuild_pending = self._rebuild_pending, True
        if already_pending:
            return
        log.warning(
            "rebuilding the kiosk window after a crash (%d within %.0f s)", count, self._window_s
        )
        try:
            self._schedule(self._run_rebuild)
        except Exception:  # no event loop to rebuild on: a restart is the only way back
            log.critical(
                "cannot schedule the rebuild; exiting so the service restarts the kiosk",
                exc_info=True,
            )
            self._exit(CRASH_LOOP_EXIT)

    def _run_rebuild(self) -> None:
        with self._lock:
            self._rebuild_pending = False
        if self._rebuild is not None:
            # An exception in here reaches the hook again and counts as one more crash.
            self._rebuild()


def install_crash_guard(
    rebuild: Callable[[], None] | None,
    *,
    schedule: Schedule = qt_schedule,
    exit_process: Callable[[int], None] = hard_exit,
    max_crashes: int = MAX_CRASHES,
    window_s: float = WINDOW_S,
) -> CrashGuard:
    """Install a CrashGuard on ``sys.excepthook`` and ``threading.excepthook``.

    ``rebuild`` replaces the kiosk window (kiosk mode); None only logs (windowed, staff).
    """
    guard = CrashGuard(
        rebuild,
        schedule=schedule,
        exit_process=exit_process,
        max_crashes=max_crashes,
        window_s=window_s,
    )
    return guard.install()
