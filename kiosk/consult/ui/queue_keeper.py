"""Keeps the kiosk's callback queue working while the kiosk runs, and says when it cannot.

Whenever requests wait in the outbox (a submit that went local, or any found at start) it
delivers them, with backoff, until the outbox is empty; while the queue cannot store a
request at all (a damaged or unwritable file, no server and no outbox) it says so with
``available_changed`` and keeps trying. Between those times nothing ticks: idle on Home
costs no CPU. All queue work runs on the QueueWorker's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.callback_queue.retry import Availability, Backoff
from kiosk.shell.ui.queue_worker import QueueWorker

log = logging.getLogger(__name__)


class QueueKeeper(QObject):
    """The consult screens submit through this; the window asks it whether to offer the form."""

    available_changed = Signal(bool)
    #: How many requests wait in this kiosk's outbox, after each delivery attempt.
    pending_changed = Signal(int)
    #: Once, when the first probe has answered (the queue opened, or could not): the end of
    #: the kiosk's start-up, which housekeeping waits for.
    first_answer = Signal()

    def __init__(self, worker: QueueWorker, parent: QObject | None = None, *,
                 prepare: Callable[[], object] = lambda: None) -> None:
        """``prepare`` runs on the worker thread before each submit and each try: the kiosk
        re-creates its data folder there if someone removed it."""
        super().__init__(parent)
        self.worker = worker
        self._prepare = prepare
        self._backoff = Backoff()
        self._availability = Availability(log)
        self.pending = 0
        self.has_answered = False
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.tend)

    @property
    def available(self) -> bool:
        return self._availability.ok

    def start_after(self, delay_ms: int) -> None:
        """Open the queue (after the first frame), probe it, and deliver what waits."""
        self._timer.start(delay_ms)

    def submit(self, request: Any, on_done: Callable[[Any], None],
               on_error: Callable[[BaseException], None]) -> None:
        def done(result: Any) -> None:
            self._worked()
            on_done(result)
            if getattr(result, "stored_locally", False):
                self.pending += 1
                self.pending_changed.emit(self.pending)
                self._again(fresh=True)

        def failed(exc: BaseException) -> None:
            self._failed(exc)
            on_error(exc)

        def job(queue: Any) -> Any:
            self._prepare()
            return queue.submit(request)

        self.worker.run(job, done, failed)

    def tend(self) -> None:
        """Probe the queue and deliver the outbox now (on the worker thread)."""
        if self._busy:
            return
        self._busy = True
        self._timer.stop()
        def job(queue: Any) -> int:
            self._prepare()
            return queue.tend()

        self.worker.run(job, self._tended, self._tend_failed, log_failure=False)

    def _tended(self, pending: int) -> None:
        self._busy = False
        self._worked()
        if pending != self.pending:
            self.pending = pending
            self.pending_changed.emit(pending)
        if pending:
            self._again()
        else:
            self._backoff.reset()
        self._answered()

    def _tend_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._failed(exc)
        self._answered()

    def _answered(self) -> None:
        if not self.has_answered:
            self.has_answered = True
            self.first_answer.emit()

    def _worked(self) -> None:
        if self._availability.worked():
            self._backoff.reset()
            self.available_changed.emit(True)

    def _failed(self, exc: BaseException) -> None:
        if self._availability.failed(exc):
            self.available_changed.emit(False)
        self._again()

    def _again(self, *, fresh: bool = False) -> None:
        """The next try, on the backoff schedule (from its start after a new local submit)."""
        if fresh:
            self._backoff.reset()
        if fresh or not self._timer.isActive():
            self._timer.start(int(self._backoff.next_delay_s() * 1000))

    def shutdown(self) -> None:
        self._timer.stop()
        self.worker.shutdown()
