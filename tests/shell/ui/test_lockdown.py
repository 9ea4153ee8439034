"""In kiosk mode a visitor cannot close the window; --windowed behaves like a normal app."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def test_close_alt_f4_and_escape_are_ignored_in_kiosk_mode(qtbot, build, make_config):
    window = build(make_config(kiosk={"fullscreen": True}), windowed=False)
    flags = window.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert not window.close()
    assert window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    # Right after the first frame, before the window has finished building (QWidget's own
    # findChild does not finish it): a Home button passes Escape up to the locked window.
    early = QWidget.findChild(window.stack.currentWidget(), QWidget, "tile-consult")
    qtbot.keyClick(early, Qt.Key.Key_Escape)
    assert window.isVisible()
    focus = window.findChild(QWidget, "tile-what-is")
    qtbot.keyClick(focus, Qt.Key.Key_Escape)
    assert window.isVisible()
    assert window.stack.currentWidget().objectName() == "screen-home"


def test_present_goes_full_screen_in_kiosk_mode(qtbot, build, make_config):
    window = build(make_config(kiosk={"fullscreen": True}), windowed=False, show=False)
    window.present()
    qtbot.waitExposed(window)
    assert window.isFullScreen()


def test_windowed_mode_closes_normally(qtbot, build, make_config):
    window = build(make_config(kiosk={"fullscreen": True}), windowed=True)
    assert not window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.close()


def test_kiosk_mode_hides_the_pointer_until_staff_leave_it(qtbot, build, make_config):
    """(Covering the screen is checked on a real X server: tests/e2e/test_real_display.py.)"""
    from PySide6.QtGui import QGuiApplication

    window = build(make_config(kiosk={"fullscreen": True}), windowed=False, show=False)
    window.present()
    qtbot.waitExposed(window)
    cursor = QGuiApplication.overrideCursor()
    assert cursor is not None and cursor.shape() == Qt.CursorShape.BlankCursor
    window.release()  # staff left kiosk mode: the pointer is back
    assert QGuiApplication.overrideCursor() is None


def test_hide_cursor_false_keeps_the_pointer(qtbot, build, make_config):
    from PySide6.QtGui import QGuiApplication

    window = build(make_config(kiosk={"fullscreen": True, "hide_cursor": False}),
                   windowed=False, show=False)
    window.present()
    qtbot.waitExposed(window)
    assert QGuiApplication.overrideCursor() is None


def test_text_follows_the_glass_when_the_window_changes_screen(qtbot, build, make_config,
                                                               monkeypatch) -> None:
    """Moved to another screen (here: the same screen, measured again as a denser panel),
    the body text is sized for the new glass, and Home shows it at once."""
    from PySide6.QtWidgets import QLabel, QWidget

    from kiosk.shell.ui import window as window_module

    kiosk = build(make_config(), show=False)
    kiosk.present()  # as main.py shows it: the window follows its screen from here
    qtbot.waitExposed(kiosk)
    home = kiosk.findChild(QWidget, "screen-home")
    welcome = home.findChild(QLabel, "welcome")  # (the name styles many screens' text)
    before = welcome.fontInfo().pixelSize()
    monkeypatch.setattr(window_module, "glass_body_px", lambda screen, scale: kiosk.body_px * 2)
    kiosk._screen_changed(kiosk.windowHandle().screen())  # what Qt's screenChanged calls
    assert welcome.fontInfo().pixelSize() > before * 1.5
