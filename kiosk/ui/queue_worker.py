"""Runs callback-queue work on a background thread so the screen never waits on a disk or network.

The queue (and SQLAlchemy with it) is opened on that thread, after the first frame.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

OUTBOX_RETRY_MS = 30_000


class QueueWorker(QObject):
    """Calls ``fn(queue)`` on the worker thread; results come back as signals on the GUI thread."""

    _finished = Signal(object, object)  # callback, result
    _failed = Signal(object, object)  # callback, exception

    def __init__(self, open_queue: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_queue = open_queue
        self._queue: Any = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="queue")
        self._finished.connect(lambda cb, result: cb(result))
        self._failed.connect(lambda cb, exc: cb(exc))
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

        def job() -> None:
            try:
                result = fn(self.queue())
            except Exception as exc:  # reported to the screen, which keeps the patient's input
                log.exception("queue work failed")
                self._failed.emit(on_error, exc)
            else:
                self._finished.emit(on_done, result)

        return self._pool.submit(job)

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
        self._pool.shutdown(wait=True)
        if self._queue is not None:
            self._queue.close()
            self._queue = None
