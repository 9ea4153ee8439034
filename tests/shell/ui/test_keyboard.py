"""A USB keyboard or keypad alone: which command each key stands for, and that Tab and the
arrows move through Home in reading order (top bar left to right, then the tiles row by row)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget

from kiosk.shell.ui.keyboard import keyboard_command

K = Qt.Key


def press(code: Qt.Key, text: str = "") -> QKeyEvent:
    return QKeyEvent(QEvent.Type.KeyPress, code, Qt.KeyboardModifier.NoModifier, text)


@pytest.mark.parametrize(("code", "text", "command"), [
    (K.Key_Tab, "", None),  # Qt's own focus chain
    (K.Key_Down, "", "next"), (K.Key_Right, "", "next"),
    (K.Key_Up, "", "previous"), (K.Key_Left, "", "previous"),
    (K.Key_Backspace, "", "back"), (K.Key_Escape, "", "back"),
    (K.Key_Home, "", "home"),
    (K.Key_F1, "", "help"), (K.Key_Question, "?", "help"),
    (K.Key_F2, "", "speech"), (K.Key_F3, "", "read-back"),
    (K.Key_Plus, "+", "louder"), (K.Key_Equal, "=", "louder"),
    (K.Key_Minus, "-", "softer"),
    (K.Key_Asterisk, "*", "faster"), (K.Key_Slash, "/", "slower"),
    (K.Key_A, "a", None),
])
def test_each_key_stands_for_its_command(qapp, code, text, command) -> None:
    button = QPushButton("Go")
    assert keyboard_command(press(code, text), button) == command


def test_enter_activates_a_button_moves_on_from_a_field_and_leaves_the_rest(qapp) -> None:
    enter = press(K.Key_Return)
    assert keyboard_command(enter, QPushButton("Send")) == "activate"
    assert keyboard_command(enter, QLineEdit()) == "next"
    assert keyboard_command(enter, QWidget()) is None
    assert keyboard_command(enter, None) is None


def focus_path(qtbot, kiosk, code: Qt.Key, steps: int) -> list[str]:
    path = []
    for _ in range(steps):
        QTest.keyClick(QApplication.focusWidget() or kiosk, code)
        qtbot.wait(5)
        focused = QApplication.focusWidget()
        path.append(focused.objectName() if focused else "")
    return path


def reading_order(widgets: list[QWidget], window: QWidget) -> list[str]:
    """Top to bottom, then left to right: how a sighted reader goes through them."""
    def place(widget: QWidget) -> tuple[int, int]:
        at = widget.mapTo(window, QPoint(0, 0))
        return at.y() // 40, at.x()  # a row is anything within 40 px of the same top
    return [w.objectName() for w in sorted(widgets, key=place)]


def test_tab_and_the_arrows_go_through_home_in_reading_order(qtbot, kiosk) -> None:
    kiosk.activateWindow()
    qtbot.waitUntil(kiosk.isActiveWindow, timeout=2000)
    home = kiosk.screens["home"]
    tiles = [t for t in home.findChildren(QPushButton) if t.objectName().startswith("tile-")]
    bar = [b for b in kiosk.top_bar.findChildren(QPushButton)
           if b.isVisible() and b.isEnabled() and b.focusPolicy() != Qt.FocusPolicy.NoFocus]
    expected = reading_order(bar, kiosk) + reading_order(tiles, kiosk)
    assert len(tiles) >= 5 and len(bar) >= 4

    kiosk.setFocus()
    assert focus_path(qtbot, kiosk, K.Key_Tab, len(expected)) == expected
    kiosk.setFocus()
    assert focus_path(qtbot, kiosk, K.Key_Down, len(expected)) == expected
    # Up and Left go back the same way.
    assert focus_path(qtbot, kiosk, K.Key_Up, 3) == expected[-2:-5:-1]
    assert focus_path(qtbot, kiosk, K.Key_Left, 1) == [expected[-5]]
