"""The keyboard staff type notes on at the kiosk: the patients' letters plus a row of digits."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.shell.i18n import Translator
from kiosk.shell.ui.touch_keyboard import LetterKeyboard


class StaffKeyboard(QWidget):
    """The kiosk's letter keyboard with a row of digits, for notes typed on the touch screen."""

    typed = Signal(str)
    backspace = Signal()
    done = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("staff-keyboard")
        digits = QHBoxLayout()
        digits.setSpacing(6)
        for char in "1234567890":
            key = QPushButton(char)
            key.setObjectName(f"key-{char}")
            key.setProperty("role", "key")
            key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            key.setMinimumSize(QSize(64, 64))
            key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            key.clicked.connect(lambda _=False, c=char: self.typed.emit(c))
            digits.addWidget(key)
        self.letters = LetterKeyboard(Translator("en", {}))
        self.letters.typed.connect(self.typed)
        self.letters.backspace.connect(self.backspace)
        hide = QPushButton("Done")
        hide.setObjectName("staff-keyboard-done")
        hide.setProperty("role", "primary")
        hide.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        hide.clicked.connect(self.done)
        keys = QVBoxLayout()
        keys.setSpacing(6)
        keys.addLayout(digits)
        keys.addWidget(self.letters)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 8, 24, 12)
        row.setSpacing(16)
        row.addStretch(1)
        row.addLayout(keys, 6)
        row.addWidget(hide, 0, Qt.AlignmentFlag.AlignBottom)
        row.addStretch(1)
        self.setMaximumHeight(360)
