"""A top-level window a visitor cannot close: full screen, frameless, on top, deaf to Alt+F4/Escape.

The app can only refuse what Qt delivers to it; Ctrl+Alt+Del, Alt+Tab and edge swipes belong
to the operating system and are locked down there (docs/deploy.md).
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget

# `Qt` is imported where it is used: PySide6 builds all 94 of its enum types on first touch
# (about 25 ms), and the windowed first frame does without them (see KioskWindow).


@functools.cache
def _blocked_keys() -> frozenset:
    from PySide6.QtCore import Qt

    return frozenset({Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_Close})


#: The windowed try-out's size, when the screen has room for it.
WINDOWED_SIZE = (1280, 800)


class LockedWindow(QWidget):
    """Context menus are switched off by whoever fills the window (kiosk.shell.ui.touch).

    In kiosk mode the window covers its screen's whole geometry itself rather than trusting
    a window manager with the full-screen request (with none, X leaves the window at its
    default size in a corner; cage likewise), and follows the screen when it changes size or
    orientation. ``hide_cursor`` hides the pointer while in kiosk mode.
    """

    #: Emitted once, when the window has done all the work it put off until after its first
    #: frame: housekeeping that would hold a tap back (a full garbage collection) waits
    #: for it. A window with nothing put off settles as soon as it is presented.
    settled = Signal()
    #: Whether present() settles the window; a window that builds in the background says
    #: so itself.
    settles_when_presented = True

    def __init__(self, kiosk_mode: bool, hide_cursor: bool = True) -> None:
        super().__init__()
        self.kiosk_mode = kiosk_mode
        self.hide_cursor = hide_cursor
        self._cursor_hidden = False
        self._followed = None  # the QScreen whose geometry the window follows
        self._seen = None  # that screen's (geometry, available geometry) when last fitted
        self._settled = False
        if kiosk_mode:
            from PySide6.QtCore import Qt

            self.setWindowFlags(
                Qt.WindowType.Window
                | Qt.WindowType.FramelessWindowHint
                | Qt.WindowType.WindowStaysOnTopHint
            )

    def present(self) -> None:
        if self.kiosk_mode:
            self.showFullScreen()
            self._cover_screen()
            if self.hide_cursor and not self._cursor_hidden:
                from PySide6.QtCore import Qt
                from PySide6.QtGui import QCursor, QGuiApplication

                QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
                self._cursor_hidden = True
        else:
            self._fit_available()
            self.show()
            from PySide6.QtCore import QTimer

            # A window manager's frame is known only once the window is mapped.
            QTimer.singleShot(0, self, self._fit_available)
        self._follow_screen()
        if self.settles_when_presented:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, self, self._settle)

    @property
    def is_settled(self) -> bool:
        return self._settled

    def _settle(self) -> None:
        if not self._settled:
            self._settled = True
            self.settled.emit()

    def _cover_screen(self) -> None:
        """Without a window manager nobody honours the full-screen request: take the
        screen's geometry ourselves (a window manager that does honour it is left alone).

        Not on Wayland, where the compositor sizes the window: cage answers the full-screen
        request with the output's size and the kiosk draws every frame at it (measured
        through the kiosk's Wayland log, tests/e2e/test_frozen_build.py).
        """
        screen = self.screen()
        if screen is None or self.geometry() == screen.geometry() or _on_wayland():
            return
        from PySide6.QtCore import Qt

        self.setGeometry(screen.geometry())
        # Moving a window ends its full-screen state in Qt; it stays full screen here.
        self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)

    def _fit_available(self) -> None:
        """The try-out window: 1280x800, or less, so that it and its frame fit the screen's
        available area (without the panels and docks)."""
        from PySide6.QtCore import QSize

        screen = self.screen()
        if screen is None or _on_wayland():  # the compositor places and bounds it
            if not self.isVisible():
                self.resize(*WINDOWED_SIZE)
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size() if self.isVisible() \
            else QSize(0, 0)
        room = area.size() - frame
        self.resize(QSize(*WINDOWED_SIZE).boundedTo(room))
        if self.isVisible() and not area.contains(self.frameGeometry()):
            from PySide6.QtGui import QGuiApplication

            if QGuiApplication.platformName() != "wayland":  # Wayland places windows itself
                self.move(area.topLeft())

    def _follow_screen(self) -> None:
        handle = self.windowHandle()
        if handle is None:
            return
        if self._followed is None:
            handle.screenChanged.connect(self._screen_changed)
        self._watch(handle.screen())

    def _watch(self, screen) -> None:
        if screen is self._followed or screen is None:
            return
        if self._followed is not None:
            self._followed.geometryChanged.disconnect(self._screen_resized)
            self._followed.availableGeometryChanged.disconnect(self._screen_resized)
        self._followed = screen
        self._seen = (screen.geometry(), screen.availableGeometry())
        screen.geometryChanged.connect(self._screen_resized)
        screen.availableGeometryChanged.connect(self._screen_resized)

    def _screen_changed(self, screen) -> None:
        self._watch(screen)
        self._seen = None  # a new screen: fit it even if it is the old one's size
        self._screen_resized()

    def _screen_resized(self, *_) -> None:
        """The panel turned or changed mode: cover it again (or fit it, windowed)."""
        screen = self._followed
        seen = (screen.geometry(), screen.availableGeometry()) if screen is not None else None
        if seen == self._seen:
            return  # a signal that changed nothing (Wayland repeats them)
        self._seen = seen
        if self.kiosk_mode:
            self._cover_screen()
            if not self.isFullScreen():
                self.showFullScreen()
        elif self.isVisible():
            self._fit_available()
        self.glass_changed()

    def glass_changed(self) -> None:
        """The window is on another screen, or its screen changed size: what fills the
        window may measure the glass again (the kiosk window sizes its text to it)."""

    def escape_pressed(self) -> None:
        """Escape was refused as an escape hatch; a window may give it a meaning of its own."""

    def release(self) -> None:
        """Staff chose to leave kiosk mode: the window may now be closed."""
        self.kiosk_mode = False
        if self._cursor_hidden:
            from PySide6.QtGui import QGuiApplication

            QGuiApplication.restoreOverrideCursor()
            self._cursor_hidden = False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.kiosk_mode:
            event.ignore()
        else:
            event.accept()

    def event(self, event: QEvent) -> bool:
        if _is_escape_hatch(self.kiosk_mode, event):
            event.accept()
            if _is_escape_press(event):
                self.escape_pressed()
            return True
        return super().event(event)


def _on_wayland() -> bool:
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.platformName() == "wayland"


def _is_escape_hatch(kiosk_mode: bool, event: QEvent) -> bool:
    """A key a visitor might use to leave the kiosk (Escape, Alt+F4, Close)."""
    return (kiosk_mode
            and event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and event.key() in _blocked_keys())


def _is_escape_press(event: QEvent) -> bool:
    from PySide6.QtCore import Qt

    return (event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape
            and not event.isAutoRepeat())


class KeyLock(QObject):
    """Installed on the application in kiosk mode so no child widget ever sees Escape or Alt+F4."""

    def __init__(self, window: LockedWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not _is_escape_hatch(self._window.kiosk_mode, event):
            return False
        if _is_escape_press(event):
            self._window.escape_pressed()  # Escape means Back to a visitor, never "leave"
        return True
