"""The attract screen: a calm invitation that drifts over an idle kiosk, and goes dark at night.

It covers the whole window (top bar too) after Home has sat untouched for
``[kiosk] attract_after_s``. The first touch, click or key only dismisses it: it takes the
whole gesture (press to release), so nothing under the finger is activated. The text
drifts slowly on a long Lissajous path and alternates languages, so no pixel stays lit in
one place (burn-in); one timer drives it, at a few frames a second, repainting only the
strip the text left and entered. Outside opening hours it is black, with no timer at all,
until someone touches it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QWidget

from kiosk.shell.i18n import N_
from kiosk.shell.ui.screen import Screen

#: One animation step. Slow on purpose: calm to look at, and cheap (well under 2 % of a core).
STEP_MS = 125
#: Each language stays this long before the other takes its place.
ALTERNATE_MS = 7000
#: The drift: seconds for one full sweep across and down (incommensurate, so the path covers
#: the whole screen over a few minutes instead of retracing a short loop).
SWEEP_X_S = 97.0
SWEEP_Y_S = 61.0
#: The invitation, in every language it alternates through (translated through the catalogs).
INVITATION = N_("Touch to learn about dry needling")

BACKGROUND = QColor("#0d2530")
TEXT = QColor("#d6e8ee")
DARK = QColor("#000000")

OpenAt = Callable[[datetime], bool]


class AttractScreen(Screen):
    """A child of the window it covers, shown over Home by ``begin`` and gone after one touch.

    ``messages`` are the invitation in each language, in the order they alternate;
    ``is_open(now)`` says whether the clinic is open (None: always), asked when the screen
    appears and at each change of language, never by a timer of its own.
    """

    dismissed = Signal()

    def __init__(self, window: QWidget, messages: Sequence[str], is_open: OpenAt | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(window)
        self.setObjectName("screen-attract")
        self.setAccessibleName(messages[0])
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._messages = list(messages)
        self._is_open = is_open
        self._now = now
        self._index = 0
        self._step = 0
        self._dark = False
        self._pressed = False
        self._pixmaps: dict[int, QPixmap] = {}
        self._drawn = QRect()
        self._timer = QTimer(self)
        self._timer.setInterval(STEP_MS)
        self._timer.timeout.connect(self._advance)
        self.hide()
        window.installEventFilter(self)

    # --- what the window calls -----------------------------------------------------------
    def begin(self) -> None:
        """Cover the window: animated while the clinic is open, black while it is closed."""
        self._index = self._step = 0
        self._pressed = False
        self.setGeometry(self.parentWidget().rect())
        self._dark = not self._open_now()
        self._set_message(0)
        self.raise_()
        self.show()
        self.setFocus()
        if not self._dark:
            self._timer.start()

    @property
    def dark(self) -> bool:
        return self._dark

    @property
    def animating(self) -> bool:
        return self._timer.isActive()

    def message(self) -> str:
        """The invitation on the glass now ("" while dark)."""
        return "" if self._dark else self._messages[self._index]

    def spoken_title(self) -> str:
        return self._messages[0]

    def reset(self) -> None:
        self._stop()

    def left(self) -> None:
        self._stop()

    # --- animation -----------------------------------------------------------------------
    def _open_now(self) -> bool:
        return self._is_open is None or self._is_open(self._now())

    def _advance(self) -> None:
        self._step += 1
        if self._step * STEP_MS % ALTERNATE_MS < STEP_MS:  # time for the other language
            if not self._open_now():
                self._go_dark()
                return
            self._set_message((self._index + 1) % len(self._messages))
            return
        self._move()

    def _go_dark(self) -> None:
        self._timer.stop()
        self._dark = True
        self._drawn = QRect()
        self.update()

    def _set_message(self, index: int) -> None:
        self._index = index
        self.setAccessibleName(self._messages[index])
        self._drawn = QRect()
        self.update()  # everything: the old language's text goes too

    def _pixmap(self) -> QPixmap:
        """The current language's text, drawn once per language and size (not per frame)."""
        pixmap = self._pixmaps.get(self._index)
        if pixmap is None:
            pixmap = _render_text(self._messages[self._index], self.width(),
                                  self.devicePixelRatioF())
            self._pixmaps[self._index] = pixmap
        return pixmap

    def _place(self) -> QRect:
        """Where the text is at this step: a slow drift over the whole free area."""
        pixmap = self._pixmap()
        ratio = pixmap.devicePixelRatio() or 1.0
        w, h = round(pixmap.width() / ratio), round(pixmap.height() / ratio)
        seconds = self._step * STEP_MS / 1000
        free_x, free_y = max(0, self.width() - w), max(0, self.height() - h)
        x = free_x * (0.5 + 0.5 * math.sin(2 * math.pi * seconds / SWEEP_X_S))
        y = free_y * (0.5 + 0.5 * math.sin(2 * math.pi * seconds / SWEEP_Y_S + 1.0))
        return QRect(round(x), round(y), w, h)

    def _move(self) -> None:
        place = self._place()
        if place != self._drawn:
            self.update(place.united(self._drawn) if self._drawn.isValid() else self.rect())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.fillRect(event.rect(), DARK if self._dark else BACKGROUND)
        if not self._dark:
            place = self._place()
            painter.drawPixmap(place.topLeft(), self._pixmap())
            self._drawn = place
        painter.end()

    def _stop(self) -> None:
        self._timer.stop()
        self._pressed = False
        self.hide()

    def _dismiss(self) -> None:
        self._stop()
        self.dismissed.emit()

    # --- input: the whole first gesture is the attract screen's --------------------------
    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate):
            event.accept()
            self._pressed = True
            return True
        if kind in (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            event.accept()
            if kind == QEvent.Type.TouchEnd:
                self._dismiss()
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        event.accept()
        self._pressed = True

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        event.accept()
        if self._pressed:
            self._dismiss()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt API
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - a key wakes it too
        event.accept()
        self._dismiss()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._pixmaps.clear()
            self.setGeometry(self.parentWidget().rect())
        return False


def _render_text(text: str, width: int, ratio: float) -> QPixmap:
    """The invitation in large, soft letters on the background colour, in two lines at most."""
    from PySide6.QtGui import QFontMetrics

    font = QFont()
    font.setPixelSize(max(36, min(72, width // 18)))
    font.setWeight(QFont.Weight.DemiBold)
    metrics = QFontMetrics(font)
    box_width = max(200, min(width - 40, round(width * 0.6)))
    flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
    bounds = metrics.boundingRect(QRect(0, 0, box_width, 10_000), flags, text)
    size = bounds.size().grownBy(_margins())
    pixmap = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(BACKGROUND)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setFont(font)
    painter.setPen(TEXT)
    painter.drawText(QRect(0, 0, size.width(), size.height()), flags, text)
    painter.end()
    return pixmap


def _margins():
    from PySide6.QtCore import QMargins

    return QMargins(12, 12, 12, 12)
