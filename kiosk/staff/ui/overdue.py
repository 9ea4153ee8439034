"""Alerts the staff once when a request becomes overdue, and keeps the "42 min late" current.

Only the staff views run it (the console while it is open, the kiosk's staff screen while
it is unlocked), so the idle patient kiosk never ticks for it. It sleeps until the next due
time the queue knows of (one indexed ``min()``), asks the store which requests fell due
since it last looked, and alerts for each (request, due time) once: a request retried
later and overdue again alerts again, a request already alerted never twice, however many
reloads, refreshes or consoles look at it. Requests already overdue when the watch starts
are shown late in the list but not alerted: they were news before this screen opened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.staff.ui.jobs import StaffJobs

log = logging.getLogger(__name__)

#: However far the next due time, look again at least this often (requests change).
MAX_SLEEP_MS = 15 * 60 * 1000
#: The "N min late" cells are redrawn this often while the view shows them.
RELABEL_MS = 60 * 1000


def describe_overdue(count: int) -> str:
    return "1 callback request is overdue" if count == 1 else \
        f"{count} callback requests are overdue"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class OverdueWatch(QObject):
    """``became_overdue(ids)`` once per request and due time; ``tick`` every minute."""

    became_overdue = Signal(list)  # request ids, most overdue first
    tick = Signal()  # redraw the lateness shown

    def __init__(self, jobs: StaffJobs, parent: QObject | None = None,
                 now: Callable[[], datetime] = _utc_now) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._now = now
        self._since: datetime | None = None
        self._alerted: set[tuple[int, datetime]] = set()
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)
        self._relabel = QTimer(self)
        self._relabel.setInterval(RELABEL_MS)
        self._relabel.timeout.connect(self.tick)

    @property
    def running(self) -> bool:
        return self._since is not None

    def start(self) -> None:
        if self._since is not None:
            return
        self._since = self._now()
        self._relabel.start()
        self.rearm()

    def stop(self) -> None:
        self._generation += 1
        self._since = None
        self._timer.stop()
        self._relabel.stop()

    def rearm(self) -> None:
        """Sleep until the next due time (call when the queue changed: a new request or a
        retry may be due sooner than the one waited for)."""
        if self._since is None:
            return
        generation, since = self._generation, self._since
        self._jobs.run(self, lambda store: store.next_due_after(since),
                       lambda due: self._arm(generation, due),
                       lambda exc: self._failed(generation, exc))

    def _arm(self, generation: int, due: datetime | None) -> None:
        if generation != self._generation:
            return
        wait = MAX_SLEEP_MS
        if due is not None:
            wait = min(wait, max(0, int((due - self._now()).total_seconds() * 1000) + 50))
        self._timer.start(wait)

    def check(self) -> None:
        """Ask which requests fell due since the last look; alert for the new ones."""
        if self._since is None:
            return
        generation, since, until = self._generation, self._since, self._now()

        def work(store: object) -> list[tuple[int, datetime]]:
            return [(r.id, r.due_by) for r in store.overdue_between(since, until)]

        self._jobs.run(self, work, lambda found: self._checked(generation, until, found),
                       lambda exc: self._failed(generation, exc))

    def _checked(self, generation: int, until: datetime,
                 found: list[tuple[int, datetime]]) -> None:
        if generation != self._generation:
            return
        self._since = max(self._since or until, until)
        fresh = [key for key in found if key not in self._alerted]
        self._alerted.update(fresh)
        if fresh:
            log.info("%d request(s) became overdue: %s", len(fresh),
                     ", ".join(str(rid) for rid, _ in fresh))
            self.became_overdue.emit([rid for rid, _ in fresh])
            self.tick.emit()
        self.rearm()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        log.warning("overdue watch: the queue could not be read (%s)", type(exc).__name__)
        self._timer.start(MAX_SLEEP_MS // 15)  # try again in a minute
