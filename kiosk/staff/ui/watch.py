"""Notices new and changed requests for the staff screens within seconds of their submission.

PostgreSQL announces changes (LISTEN/NOTIFY), heard on a thread of its own; SQLite has no
such channel, so the store's cheap ``change_marker()`` is read every two seconds instead,
and also on PostgreSQL while its listening connection is down.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from kiosk.staff.ui.jobs import StaffJobs

log = logging.getLogger(__name__)

POLL_MS = 2000
LISTEN_TIMEOUT_S = 1.0
RECONNECT_S = 5.0
#: Counting more new requests than this at once would only read rows for nothing.
MAX_COUNTED = 1000


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql", "postgres:"))


class QueueWatcher(QObject):
    """``changed`` on any change; ``new_requests(n)`` when n requests arrived since last look."""

    changed = Signal()
    new_requests = Signal(int)
    ready = Signal()  # the starting point is known: later submissions will be announced

    _heard = Signal()
    _listening = Signal(bool)

    def __init__(self, url: str, jobs: StaffJobs, parent: QObject | None = None,
                 poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._url = url
        self._jobs = jobs
        self._marker: tuple[Any, ...] | None = None
        self._looking = False
        self._look_again = False
        self._round = 0  # bumped by start(): answers to an earlier round's looks are dropped
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.check)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._heard.connect(self.check)
        self._listening.connect(self._listener_up)

    @property
    def running(self) -> bool:
        return self._poll.isActive() or self._thread is not None

    @property
    def has_baseline(self) -> bool:
        """True once the starting point is known: from now on, arrivals are announced."""
        return self._marker is not None

    @property
    def listening(self) -> bool:
        """True while PostgreSQL notifications arrive instead of polling."""
        return self._thread is not None and not self._poll.isActive()

    def start(self) -> None:
        if self.running:
            return
        self._round += 1
        self._marker = None
        self._looking = self._look_again = False
        self.check()  # the starting point
        self._poll.start()  # until the listener, if any, says it hears
        if is_postgres(self._url):
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._listen, args=(self._stop,),
                                            name="queue-listen", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._poll.stop()
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=LISTEN_TIMEOUT_S + 2)

    # --- looking ------------------------------------------------------------------------------
    def check(self) -> None:
        """Read the change marker (on the worker); at most one look at a time."""
        if self._looking:
            self._look_again = True
            return
        self._looking = True
        last, round_ = self._marker, self._round

        def look(store: Any) -> tuple[tuple[Any, ...], int]:
            marker = tuple(store.change_marker())
            arrived = 0
            if last is not None and marker[0] > last[0]:
                arrived = len(store.page_after(last[0], limit=MAX_COUNTED))
            return marker, arrived

        if not self._jobs.run(self, look, lambda answer: self._looked(round_, answer),
                              lambda exc: self._look_failed(round_, exc)):
            self._looking = False

    def _looked(self, round_: int, answer: tuple[tuple[Any, ...], int]) -> None:
        if round_ != self._round or not self.running:
            return
        self._looking = False
        marker, arrived = answer
        first = self._marker is None
        changed = not first and marker != self._marker
        self._marker = marker
        if first:
            self.ready.emit()
        if changed:
            self.changed.emit()
        if arrived:
            self.new_requests.emit(arrived)
        if self._look_again:
            self._look_again = False
            self.check()

    def _look_failed(self, round_: int, exc: BaseException) -> None:
        if round_ != self._round:
            return
        self._looking = False
        self._look_again = False
        log.warning("queue watch: cannot read the queue: %s", exc.__class__.__name__)

    # --- PostgreSQL ------------------------------------------------------------------------
    def _listener_up(self, up: bool) -> None:
        if not self.running:
            return
        if up:
            self._poll.stop()
            self.check()  # whatever changed before LISTEN took effect
        elif not self._poll.isActive():
            self._poll.start()

    def _listen(self, stop: threading.Event) -> None:
        from kiosk.callback_queue.pg_listener import PgListener

        listener = PgListener(self._url)
        up: bool | None = None
        try:
            while not stop.is_set() and isValid(self):
                try:
                    listener.connect()
                    if up is not True:
                        up = True
                        self._listening.emit(True)
                    if listener.wait_for_notification(LISTEN_TIMEOUT_S) and not stop.is_set():
                        self._heard.emit()
                except RuntimeError:  # this watcher was deleted: nobody is listening any more
                    return
                except Exception as exc:  # the server went away; poll until it is back
                    if up is not False:
                        up = False
                        log.warning("queue watch: not listening (%s); polling meanwhile",
                                    exc.__class__.__name__)
                        self._listening.emit(False)
                    stop.wait(RECONNECT_S)
        except RuntimeError:
            return
        finally:
            listener.close()
