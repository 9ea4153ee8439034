"""Quits the application right after a window's first paint: start-up checks and benchmarks."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, app: QCoreApplication) -> None:
        super().__init__(window)
        self._app = app

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # Queued: the paint this event starts completes before the loop sees the quit.
            QTimer.singleShot(0, self._app.quit)
        return False


def quit_after_first_paint(window: QWidget, app: QCoreApplication) -> None:
    window.installEventFilter(_FirstPaint(window, app))
