"""Notices when nobody is touching the kiosk, warns with a countdown, then asks for a reset.

Nothing ticks while the kiosk rests: the idle timer is armed only by a touch or key press,
and an expiry that finds the kiosk already in its default state simply disarms it. The one
exception is the attract timer (``attract_s``, 0 = never): armed by the same touches and by
each reset, it asks once for the attract screen when the kiosk is still in its default
state when it fires, and then stays disarmed until the next touch or reset.
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
#: Input that starts a visit; a pointer merely moving over the glass does not.
_PRESS_EVENTS = frozenset(
    {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress}
)


class IdleGuard(QObject):
    warning_started = Signal(int)  # seconds left
    countdown = Signal(int)  # seconds left, once a second while warning
    warning_cancelled = Signal()
    expired = Signal()
    #: The first press after the kiosk rested (started, expired, or found pristine when
    #: idle): someone new is at the kiosk. ``rest()`` marks a rest for other ways back to a
    #: fresh Home (the staff lock); a reset right after a press (a dismissing touch) is not.
    visit_started = Signal()
    attract_due = Signal()  # the kiosk has sat in its default state for attract_s

    def __init__(
        self,
        idle_s: float,
        warning_s: float,
        is_pristine: Callable[[], bool],
        parent: QObject | None = None,
        attract_s: float = 0,
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
        self._attract: QTimer | None = None
        if attract_s > 0:
            self._attract = QTimer(self)
            self._attract.setSingleShot(True)
            self._attract.setInterval(round(attract_s * 1000))
            self._attract.timeout.connect(self._on_attract)
        self.enabled = True
        self._resting = True

    @property
    def warning(self) -> bool:
        return self._tick.isActive()

    @property
    def armed(self) -> bool:
        return self._idle.isActive() or self._tick.isActive()

    @property
    def attract_armed(self) -> bool:
        return self._attract is not None and self._attract.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _INPUT_EVENTS and self.enabled:
            if self._resting and event.type() in _PRESS_EVENTS:
                self._resting = False
                self.visit_started.emit()
            self.poke()
        return False

    def poke(self) -> None:
        """Someone is here: cancel any warning and start the idle period again."""
        if self._tick.isActive():
            self._tick.stop()
            self.warning_cancelled.emit()
        self._idle.start()
        if self._attract is not None:
            self._attract.start()

    def arm_attract(self) -> None:
        """The kiosk is in its default state now (a reset, the first frame): count from here."""
        if self._attract is not None and self.enabled:
            self._attract.start()

    def rest(self) -> None:
        """The kiosk is waiting for its next visitor: the next press starts a visit."""
        self._resting = True

    def stop(self) -> None:
        """Nothing ticks: no idle timer, no countdown, no attract timer."""
        self._idle.stop()
        if self._attract is not None:
            self._attract.stop()
        if self._tick.isActive():
            self._tick.stop()
            self.warning_cancelled.emit()

    def _on_idle(self) -> None:
        if self._is_pristine():
            self._resting = True
            return
        self._warn_deadline = time.monotonic() + self._warning_s
        # Whole seconds, each once: a coarse timer fires up to 5% early, and its error grew
        # until one second was shown (and said) twice. Set here, not when built: PySide6
        # makes the whole ``Qt`` namespace on first use, and the guard is on the first frame.
        from PySide6.QtCore import Qt

        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick.start()
        self.warning_started.emit(math.ceil(self._warning_s))

    def _on_attract(self) -> None:
        if self.enabled and not self._tick.isActive() and self._is_pristine():
            self.attract_due.emit()

    def _on_tick(self) -> None:
        left = round(self._warn_deadline - time.monotonic())
        if left <= 0:
            self._tick.stop()
            self._resting = True  # the reset that follows readies the kiosk for someone new
            self.expired.emit()
        else:
            self.countdown.emit(left)
