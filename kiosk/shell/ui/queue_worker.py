"""Runs callback-queue work on a background thread so the screen never waits on a disk or network.

The queue (and SQLAlchemy with it) is opened on that thread, after the first frame.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)

OUTBOX_RETRY_MS = 30_000


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
        # Only runs while requests wait in the outbox for the server to come back.
        self._retry = QTimer(self)
        self._retry.setInterval(OUTBOX_RETRY_MS)
        self._retry.timeout.connect(self.deliver_pending)
        self._warm = QTimer(self)
        self._warm.setSingleShot(True)
        self._warm.timeout.connect(self.warm_up)
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
    ) -> Future | None:
        if self._closed:
            return None
        ticket = next(self._tickets)
        self._callbacks[ticket] = (on_done, on_error)

        def job() -> None:
            try:
                result = fn(self.queue())
            except Exception as exc:  # reported to the screen, which keeps the patient's input
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

    def warm_up_after(self, delay_ms: int) -> None:
        self._warm.start(delay_ms)

    def warm_up(self) -> None:
        """Open the queue now (in the background), and deliver anything left in the outbox."""
        self.deliver_pending()

    def deliver_pending(self) -> None:
        def deliver(queue: Any) -> int:
            if not getattr(queue, "uses_outbox", False):
                return 0
            queue.deliver_pending()
            return queue.pending_count()

        self.run(deliver, self._after_delivery, lambda exc: self._after_delivery(1))

    def _after_delivery(self, pending: int) -> None:
        if pending:
            self._retry.start()
        else:
            self._retry.stop()

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._warm.stop()
        self._retry.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self._queue is not None:
            self._queue.close()
            self._queue = None
