"""Every function without the touch screen: what each key of a USB keyboard or keypad does.

| key                       | does                                                        |
| ------------------------- | ----------------------------------------------------------- |
| Tab, arrows               | move in reading order (Shift+Tab, Up and Left go backwards)  |
| Enter                     | activates the focused control; in a field, moves on         |
| Space                     | activates the focused control (Qt's own)                    |
| Backspace                 | Back (in a field it deletes)                                |
| Escape                    | Back (in kiosk mode too, where it is blocked as a hatch)    |
| Home                      | Home (in a field it moves to the start)                     |
| + and -                   | speech louder and softer                                    |
| * and /                   | speech faster and slower                                    |
| F1 and ?                  | says where you are and what you can do                      |
| F2                        | speech mode on or off                                       |
| F3                        | reads the focused field back                                |

A key reaches the window only when the focused widget did not take it: a field keeps its
characters, Backspace and Home; a radio group keeps its arrows. No event filter: nothing
here runs for any other event.

Focus rings: every button takes the focus from the keyboard only (``Qt.TabFocus``), so a
tap never leaves a ring behind, while Tab, the arrows and switch devices show one.
"""

from __future__ import annotations

import functools

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget


@functools.cache
def _keys() -> dict:
    from PySide6.QtCore import Qt

    key = Qt.Key
    return {
        key.Key_Down: "next", key.Key_Right: "next",
        key.Key_Up: "previous", key.Key_Left: "previous",
        key.Key_Backspace: "back", key.Key_Escape: "back", key.Key_Back: "back",
        key.Key_Home: "home", key.Key_HomePage: "home",
        key.Key_F1: "help", key.Key_Help: "help",
        key.Key_F2: "speech",
        key.Key_F3: "read-back",
        key.Key_Plus: "louder", key.Key_Equal: "louder", key.Key_VolumeUp: "louder",
        key.Key_Minus: "softer", key.Key_VolumeDown: "softer",
        key.Key_Asterisk: "faster", key.Key_Slash: "slower",
        key.Key_Question: "help",
        key.Key_Return: "activate", key.Key_Enter: "activate",
    }


def keyboard_command(event: QKeyEvent, focused: QWidget | None) -> str | None:
    """The command a key press the focused widget left alone stands for, or None."""
    command = _keys().get(event.key())
    if command is None and event.text() == "?":
        command = "help"
    if command == "activate":
        if isinstance(focused, QLineEdit):
            return "next"  # Enter in a field: on to the next one
        if not isinstance(focused, QAbstractButton):
            return None
    return command


def keyboard_focus_only(root: QWidget) -> None:
    """Buttons under ``root`` take the focus from Tab and arrows, never from a tap."""
    from PySide6.QtCore import Qt

    for button in root.findChildren(QAbstractButton):
        if button.focusPolicy() == Qt.FocusPolicy.StrongFocus:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
