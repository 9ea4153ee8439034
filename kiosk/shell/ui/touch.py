"""Touch behaviour shared by every screen: kinetic scrolling, no text selection, taps that
mean a tap (``TouchIntent``), swipe gestures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea

# The scrolling classes and `Qt` are imported where they are used: Home's first frame uses
# this module but neither (see kiosk/shell/ui/window.py).

SWIPE_MIN_PX = 120
#: A finger that moves further than this (or Qt's drag distance) before lifting did not tap.
TAP_SLOP_MM = 3.0


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


def warm_up_gestures() -> None:
    """Pay, on a throwaway scroll area, for the process's first kinetic scroll area: PySide6
    creates its enum types (the scroller's, its properties', the scroll area's) when first
    used, most of a frame, which would otherwise land inside the step that puts Home in its
    scroll area."""
    from PySide6.QtWidgets import QScroller

    area = kinetic_scroll_area(QWidget())
    QScroller.ungrabGesture(area.viewport())
    area.deleteLater()


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


class TouchLineEdit(QLineEdit):
    """A text field a finger cannot select in: a tap places the cursor, a drag, double tap
    or long press selects nothing (the on-screen keyboard types and erases)."""

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt API
        event.accept()  # no drag selection

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.mousePressEvent(event)  # a second tap only moves the cursor, as the first did

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().mouseReleaseEvent(event)
        self.deselect()


class SwipeDetector(QObject):
    """Emits ``swiped(+1)`` for a right-to-left swipe (next) and ``swiped(-1)`` for previous.

    A finger's swipe is recognised by the window's ``TouchIntent`` (one finger, mostly
    sideways) and handed to the detector of the widget it started on; this filter itself
    follows only a real mouse, so a touch is never counted twice.
    """

    swiped = Signal(int)

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self._start: QPointF | None = None
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            return False
        if _synthesized(event):
            return False
        if kind == QEvent.Type.MouseButtonPress:
            self._start = event.position()
        elif self._start is not None:
            start, self._start = self._start, None
            step = swipe_step(start, event.position())
            if step:
                self.swiped.emit(step)
        return False


def swipe_step(start: QPointF, end: QPointF) -> int:
    """+1 (next) for a long right-to-left stroke, -1 for left-to-right, 0 for anything else."""
    dx, dy = end.x() - start.x(), end.y() - start.y()
    if abs(dx) >= SWIPE_MIN_PX and abs(dx) > 2 * abs(dy):
        return 1 if dx < 0 else -1
    return 0


def _synthesized(event: QEvent) -> bool:
    """A mouse event Qt (or the platform) made from a finger on a touchscreen."""
    from PySide6.QtCore import Qt

    return event.source() != Qt.MouseEventSource.MouseEventNotSynthesized


def tap_slop_px(window: QWidget) -> float:
    """How far (logical px) a finger may wander and still tap: Qt's drag distance or 3 mm,
    whichever is more, at the screen's physical density (96 dpi when it reports nonsense)."""
    from PySide6.QtGui import QGuiApplication

    hint = QGuiApplication.styleHints().startDragDistance()
    screen = window.screen()
    if screen is None:
        return float(hint)
    dpi = screen.physicalDotsPerInch()
    if not 50 <= dpi <= 1200:
        dpi = 96.0
    return max(float(hint), TAP_SLOP_MM / 25.4 * dpi / screen.devicePixelRatio())


class TouchIntent(QObject):
    """Decides what each finger on the glass meant, for a whole window.

    Installed on the window's ``QWindow``, it sees every touch sequence before any widget
    does, and the mouse events Qt synthesizes from it (which is how buttons, check boxes,
    keys and fields hear a finger). A sequence stops being a tap, and its synthesized press
    and release activate nothing, when:

    - the finger moves more than ``tap_slop_px`` (it was a scroll or a swipe);
    - it landed while a page was still flinging (the touch stopped the scroll);
    - a second finger joined (a pinch or a two-finger drag does nothing).

    A sequence of one finger moving mostly sideways is a swipe, handed to the
    ``SwipeDetector`` of the widget it started on.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        # Nothing on the kiosk is double-clicked. Qt would make a second quick tap a double
        # click delivered only to the widget the first tap pressed, so a patient tapping a
        # card just after the tile that opened its section would find the tap lost.
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.styleHints().setMouseDoubleClickInterval(0)
        self._start: QPointF | None = None  # the first finger, global position
        self._first_id = -1
        self._fingers = 0
        self._void = False  # this sequence is no tap
        self._press_seen = False  # its synthesized press reached the widgets
        self._press_at: QPointF | None = None  # where that press landed, global

    @property
    def tapping(self) -> bool:
        """Whether the current (or last) touch sequence still counts as a tap."""
        return not self._void

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.TouchBegin:
            self._begin(event)
        elif kind == QEvent.Type.TouchUpdate:
            self._follow(event)
        elif kind in (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            self._follow(event)
            if kind == QEvent.Type.TouchEnd:
                self._maybe_swipe(event)
            self._start = None
        elif kind in _MOUSE_KINDS and _synthesized(event):
            return self._filter_mouse(kind)
        return False

    def _begin(self, event) -> None:
        points = event.points()
        self._fingers = len(points)
        self._first_id = points[0].id() if points else -1
        self._start = points[0].globalPosition() if points else None
        self._press_seen = False
        self._void = self._fingers > 1 or _fling_running(self._window)

    def _follow(self, event) -> None:
        if self._start is None:
            return
        points = event.points()
        self._fingers = max(self._fingers, len(points))
        if self._fingers > 1:
            self._cancel()
            return
        first = self._first(points)
        if first is None:
            return
        moved = first.globalPosition() - self._start
        if max(abs(moved.x()), abs(moved.y())) > tap_slop_px(self._window):
            self._cancel()

    def _first(self, points):
        for point in points:
            if point.id() == self._first_id:
                return point
        return None

    def _cancel(self) -> None:
        if not self._void:
            self._void = True
            if self._press_seen:
                self._lift()

    def _lift(self) -> None:
        """Lift the control the finger pressed, without activating it."""
        from PySide6.QtWidgets import QAbstractButton

        if self._start is None and self._press_at is None:
            return
        widget = self._under(self._press_at or self._start)
        while widget is not None and not isinstance(widget, QAbstractButton):
            widget = widget.parentWidget()
        if widget is not None and widget.isDown():
            widget.setDown(False)
            widget.released.emit()  # as when a finger slides off it: a held press ends

    def _under(self, global_pos: QPointF) -> QWidget | None:
        """The widget under a point of this window (not QApplication.widgetAt: that asks
        the screens, and a window larger than its screen has parts no screen covers)."""
        return self._window.childAt(self._window.mapFromGlobal(global_pos).toPoint())

    def _filter_mouse(self, kind) -> bool:
        """True eats the synthesized mouse event.

        Presses always pass: Qt's widgets keep track of which one took a press (a quick
        second tap is a double click, delivered only to the widget that took the first), and
        an eaten press leaves that bookkeeping wrong. A sequence that is no tap instead has
        its control lifted before the release arrives, so the release activates nothing.
        """
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self._press_seen = True
            self._press_at = self._start
            return False
        if kind == QEvent.Type.MouseMove:
            if self._void:
                self._lift()
                return True  # no drag reaches a widget: nothing re-presses, nothing selects
            return False
        if self._void:  # the release
            self._lift()
        self._press_at = None
        return False

    def _maybe_swipe(self, event) -> None:
        if self._fingers != 1 or self._start is None:
            return
        first = self._first(event.points())
        if first is None:
            return
        step = swipe_step(self._start, first.globalPosition())
        if not step:
            return
        widget = self._under(self._start)
        while widget is not None:
            for child in widget.children():
                if isinstance(child, SwipeDetector):
                    child.swiped.emit(step)
                    return
            widget = widget.parentWidget()


def _fling_running(window: QWidget) -> bool:
    """Whether a page of ``window`` is still moving. QScroller's list is the whole
    application's: a scroller of another window (one closed mid-fling, say) is not ours."""
    from PySide6.QtWidgets import QScroller

    for scroller in QScroller.activeScrollers():
        target = scroller.target()
        if (scroller.state() == QScroller.State.Scrolling and isinstance(target, QWidget)
                and target.isVisible() and window.isAncestorOf(target)):
            return True
    return False


_MOUSE_KINDS = (
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseMove,
    QEvent.Type.MouseButtonDblClick,
)
