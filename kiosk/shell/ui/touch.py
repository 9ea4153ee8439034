"""Touch behaviour shared by every screen: kinetic scrolling, no text selection, swipe gestures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea

# The scrolling classes and `Qt` are imported where they are used: Home's first frame uses
# this module but neither (see kiosk/shell/ui/window.py).

SWIPE_MIN_PX = 120


def make_kinetic(area: QAbstractScrollArea) -> None:
    """Flick-to-scroll with a finger; a drag scrolls, it never selects.

    The touch gesture (not the mouse one) leaves taps on buttons inside the area immediate:
    the mouse gesture holds every press back until it knows the press is not a drag.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QScroller, QScrollerProperties

    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.TouchGesture)
    scroller = QScroller.scroller(viewport)
    props = scroller.scrollerProperties()
    props.setScrollMetric(QScrollerProperties.ScrollMetric.OvershootDragResistanceFactor, 0.3)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.OvershootScrollDistanceFactor, 0.1)
    props.setScrollMetric(
        QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy,
        QScrollerProperties.OvershootPolicy.OvershootAlwaysOff,
    )
    scroller.setScrollerProperties(props)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


def kinetic_scroll_area(content: QWidget) -> QScrollArea:
    """A frameless page that scrolls ``content`` vertically by finger."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QScrollArea

    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    # A tap on a key that takes no focus must leave it where it was (the field being typed
    # in), not hand it to the page; Tab moves between the page's controls, not to the page.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(content)
    make_kinetic(area)
    return area


def no_context_menus(root: QWidget) -> None:
    from PySide6.QtCore import Qt

    root.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
    # The base method: a window that builds screens on demand must not build them for this.
    for child in QWidget.findChildren(root, QWidget):
        child.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)


class SwipeDetector(QObject):
    """Emits ``swiped(+1)`` for a right-to-left swipe (next) and ``swiped(-1)`` for previous."""

    swiped = Signal(int)

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self._start: QPointF | None = None
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self._start = _position(event)
        elif (
            kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd)
            and self._start is not None
        ):
            end = _position(event)
            start, self._start = self._start, None
            if end is None or start is None:
                return False
            dx, dy = end.x() - start.x(), end.y() - start.y()
            if abs(dx) >= SWIPE_MIN_PX and abs(dx) > 2 * abs(dy):
                self.swiped.emit(1 if dx < 0 else -1)
        return False


def _position(event: QEvent) -> QPointF | None:
    points = getattr(event, "points", None)
    if points is not None:  # a touch event: follow the first finger
        touches = points()
        return touches[0].position() if touches else None
    return event.position()
