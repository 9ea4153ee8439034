"""Runs callback-queue work on a background thread so the screen never waits on a disk or network.

The queue (and SQLAlchemy with it) is opened on that thread by the first job (in the kiosk,
once the window's background build has settled: kiosk.app); a queue that failed to open is
tried again by the next job.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)


class QueueWorker(QObject):
    """Calls ``fn(queue)`` on the worker thread; results come back as signals on the GUI thread."""

    _finished = Signal(int, object)  # ticket, result
    _failed = Signal(int, object)  # ticket, exception

    def __init__(self, open_queue: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_queue = open_queue
        self._queue: Any = None
        self._pool: ThreadPoolExecutor | None = None  # started by the first job
        # Callbacks stay on the GUI thread, keyed by ticket: the worker never holds the last
        # reference to a screen, so no widget is ever freed on the worker thread.
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[Any], None]]] = {}
        self._tickets = itertools.count()
        self._finished.connect(lambda ticket, result: self._answer(ticket, 0, result))
        self._failed.connect(lambda ticket, exc: self._answer(ticket, 1, exc))
        self._closed = False

    def queue(self) -> Any:
        """The opened queue; call only from the worker thread."""
        if self._queue is None:
            self._queue = self._open_queue()
        return self._queue

    def run(
        self,
        fn: Callable[[Any], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        *,
        log_failure: bool = True,
    ) -> Future | None:
        """``log_failure=False`` for work whose caller logs failures itself (a retry loop
        that says so once per outage, not once per try)."""
        if self._closed:
            return None
        ticket = next(self._tickets)
        self._callbacks[ticket] = (on_done, on_error)

        def job() -> None:
            try:
                result = fn(self.queue())
            except Exception as exc:  # reported to the screen, which keeps the patient's input
                if log_failure:
                    log.exception("queue work failed")  # the engine hides SQL parameters
                self._failed.emit(ticket, exc)
            else:
                self._finished.emit(ticket, result)

        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="queue")
        return self._pool.submit(job)

    def _answer(self, ticket: int, which: int, value: Any) -> None:
        callbacks = self._callbacks.pop(ticket, None)
        if callbacks is not None:
            callbacks[which](value)

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self._queue is not None:
            self._queue.close()
            self._queue = None
