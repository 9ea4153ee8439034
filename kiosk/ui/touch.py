"""Touch behaviour shared by every screen: kinetic scrolling, no text selection, swipe gestures."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtWidgets import QAbstractScrollArea, QScroller, QScrollerProperties, QWidget

SWIPE_MIN_PX = 120


def make_kinetic(area: QAbstractScrollArea) -> None:
    """Flick-to-scroll with finger or mouse; a drag scrolls, it never selects."""
    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
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


def no_context_menus(root: QWidget) -> None:
    root.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
    for child in root.findChildren(QWidget):
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
        if kind == QEvent.Type.MouseButtonPress:
            self._start = event.position()
        elif kind == QEvent.Type.MouseButtonRelease and self._start is not None:
            delta = event.position() - self._start
            self._start = None
            dx, dy = delta.x(), delta.y()
            if abs(dx) >= SWIPE_MIN_PX and abs(dx) > 2 * abs(dy):
                self.swiped.emit(1 if dx < 0 else -1)
        return False
