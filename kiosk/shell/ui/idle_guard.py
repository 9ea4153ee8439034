"""Notices when nobody is touching the kiosk, warns with a countdown, then asks for a reset.

Nothing ticks while the kiosk rests: the idle timer is armed only by a touch or key press,
and an expiry that finds the kiosk already in its default state simply disarms it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseMove,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)


class IdleGuard(QObject):
    warning_started = Signal(int)  # seconds left
    countdown = Signal(int)  # seconds left, once a second while warning
    warning_cancelled = Signal()
    expired = Signal()

    def __init__(
        self,
        idle_s: float,
        warning_s: float,
        is_pristine: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._warning_s = warning_s
        self._is_pristine = is_pristine
        self._warn_deadline = 0.0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(round(idle_s * 1000))
        self._idle.timeout.connect(self._on_idle)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self.enabled = True

    @property
    def warning(self) -> bool:
        return self._tick.isActive()

    @property
    def armed(self) -> bool:
        return self._idle.isActive() or self._tick.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _INPUT_EVENTS and self.enabled:
            self.poke()
        return False

    def poke(self) -> None:
        """Someone is here: cancel any warning and start the idle period again."""
        if self._tick.isActive():
            self._tick.stop()
            self.warning_cancelled.emit()
        self._idle.start()

    def stop(self) -> None:
        self._idle.stop()
        if self._tick.isActive():
            self._tick.stop()
            self.warning_cancelled.emit()

    def _on_idle(self) -> None:
        if self._is_pristine():
            return
        self._warn_deadline = time.monotonic() + self._warning_s
        self._tick.start()
        self.warning_started.emit(math.ceil(self._warning_s))

    def _on_tick(self) -> None:
        left = math.ceil(self._warn_deadline - time.monotonic() - 0.05)
        if left <= 0:
            self._tick.stop()
            self.expired.emit()
        else:
            self.countdown.emit(left)
