"""A top-level window a visitor cannot close: full screen, frameless, on top, deaf to Alt+F4/Escape.

The app can only refuse what Qt delivers to it; Ctrl+Alt+Del, Alt+Tab and edge swipes belong
to the operating system and are locked down there (docs/deploy.md).
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget

# `Qt` is imported where it is used: PySide6 builds all 94 of its enum types on first touch
# (about 25 ms), and the windowed first frame does without them (see KioskWindow).


@functools.cache
def _blocked_keys() -> frozenset:
    from PySide6.QtCore import Qt

    return frozenset({Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_Close})


class LockedWindow(QWidget):
    """Context menus are switched off by whoever fills the window (kiosk.shell.ui.touch)."""

    def __init__(self, kiosk_mode: bool) -> None:
        super().__init__()
        self.kiosk_mode = kiosk_mode
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
        else:
            self.resize(1280, 800)
            self.show()

    def escape_pressed(self) -> None:
        """Escape was refused as an escape hatch; a window may give it a meaning of its own."""

    def release(self) -> None:
        """Staff chose to leave kiosk mode: the window may now be closed."""
        self.kiosk_mode = False

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
