"""Runs something right after a window's first paint: deferred building, start-up checks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, callback: Callable[[], object], delay_ms: int) -> None:
        super().__init__(window)
        self._callback = callback
        self._delay_ms = delay_ms

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # Queued: the paint this event starts completes before the callback runs.
            QTimer.singleShot(self._delay_ms, self._callback)
        return False


def after_first_paint(window: QWidget, callback: Callable[[], object], delay_ms: int = 0) -> None:
    window.installEventFilter(_FirstPaint(window, callback, delay_ms))


def quit_after_first_paint(window: QWidget, app: QCoreApplication) -> None:
    # exit(), not quit(): Qt 6's quit() first asks every window to close, and a locked
    # kiosk window refuses.
    after_first_paint(window, lambda: app.exit(0))
