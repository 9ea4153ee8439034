"""The console's Kiosks panel: every kiosk's last heartbeat, and a warning when one goes silent.

The heartbeats are read on the console's queue worker (``StaffJobs``); the panel only shows
the lines ``kiosk.ops.status`` writes for ``kiosk status`` too. No patient data is in them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from kiosk.ops.status import KioskHealth, ago, assess, describe
from kiosk.staff.ui.jobs import StaffJobs

#: How often the console reads the heartbeats (kiosks write theirs once a minute).
REFRESH_MS = 30_000


def _read_beats(store: Any) -> list[Any]:
    """On the worker thread, with the console's CallbackStore."""
    from kiosk.callback_queue.fleet import read_heartbeats

    return read_heartbeats(store.engine)


class KioskPanel(QWidget):
    """A heading and one line per kiosk; kiosks that need a look are marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staff-kiosks")
        heading = QLabel("Kiosks")
        heading.setObjectName("section-title")
        self.list = QListWidget()
        self.list.setObjectName("staff-kiosks-list")
        self.list.setAccessibleName("Kiosks")
        self.empty = QLabel("No kiosk has reported yet.")
        self.empty.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.empty)
        layout.addWidget(self.list)
        self.list.hide()

    def show_kiosks(self, found: list[KioskHealth]) -> None:
        self.list.clear()
        for health in found:
            item = QListWidgetItem(describe(health))
            if health.problems:
                item.setToolTip("; ".join(health.problems))
            self.list.addItem(item)
        self.empty.setVisible(not found)
        self.list.setVisible(bool(found))

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]


class KioskMonitor(QObject):
    """Reads the heartbeats now and every ``REFRESH_MS``; ``went_silent`` once per silence."""

    went_silent = Signal(str)  # a short text for the tray: the kiosk's id, never a patient

    def __init__(self, jobs: StaffJobs, panel: KioskPanel, silent_after_min: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._panel = panel
        self._silent_after_min = silent_after_min
        self._silent: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def start(self) -> None:
        self._timer.start()
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self) -> None:
        self._jobs.run(self, _read_beats, self._show, lambda _exc: None)

    def _show(self, beats: list[Any]) -> None:
        found = assess(beats, datetime.now(UTC), self._silent_after_min)
        self._panel.show_kiosks(found)
        limit_s = self._silent_after_min * 60
        silent = {h.beat.kiosk_id: h.silent_for_s for h in found if h.silent_for_s > limit_s}
        for kiosk_id in sorted(silent.keys() - self._silent):
            self.went_silent.emit(
                f"Kiosk {kiosk_id} is silent (no heartbeat for {ago(silent[kiosk_id])})")
        self._silent = set(silent)
