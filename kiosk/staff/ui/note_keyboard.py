"""The keyboard staff type notes on at the kiosk: the patients' letters plus a row of digits."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.shell.i18n import Translator
from kiosk.shell.ui.touch_keyboard import LetterKeyboard

#: A key's least width (the staff view's sheet gives it too): ten digits and Done share a
#: row down to 650 px.
KEY_MIN_WIDTH = 48
#: Ten keys, Done and the gaps: narrower than this, Done goes above and letters eight a row.
WIDE_WIDTH = 10 * KEY_MIN_WIDTH + 9 * 6 + 10 + 100


class StaffKeyboard(QWidget):
    """The kiosk's letter keyboard with a row of digits, for notes typed on the touch screen.

    Done ends the digits' row; on a narrow screen (``set_narrow``: eight letters a row) it
    gets a row of its own above them. No side margins: the staff view has its own (with
    Done and 24 px margins beside the keys it was 1,134 px wide, past a 1024 px glass)."""

    typed = Signal(str)
    backspace = Signal()
    done = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("staff-keyboard")
        self._digits = digits = QHBoxLayout()
        digits.setSpacing(6)
        for char in "1234567890":
            key = QPushButton(char)
            key.setObjectName(f"key-{char}")
            key.setProperty("role", "key")
            key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            key.setMinimumSize(QSize(KEY_MIN_WIDTH, 56))
            key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            key.clicked.connect(lambda _=False, c=char: self.typed.emit(c))
            digits.addWidget(key)
        self.letters = LetterKeyboard(Translator("en", {}))
        self.letters.typed.connect(self.typed)
        self.letters.backspace.connect(self.backspace)
        self._done = hide = QPushButton("Done")
        hide.setObjectName("staff-keyboard-done")
        hide.setProperty("role", "primary")
        hide.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        hide.clicked.connect(self.done)
        digits.addSpacing(10)
        digits.addWidget(hide)
        self._top = QHBoxLayout()
        self._top.addStretch(1)
        keys = QVBoxLayout(self)
        keys.setContentsMargins(0, 4, 0, 8)
        keys.setSpacing(6)
        keys.addLayout(self._top)
        keys.addLayout(digits)
        keys.addWidget(self.letters)
        self._narrow = False

    @staticmethod
    def wide_width() -> int:
        """The least width for ten keys a row with Done beside the digits."""
        return WIDE_WIDTH

    def set_narrow(self, narrow: bool) -> None:
        """Eight letters a row and Done above the digits: a portrait screen under 650 px."""
        if narrow == self._narrow:
            return
        self._narrow = narrow
        self.letters.set_narrow(narrow)
        (self._digits if narrow else self._top).removeWidget(self._done)
        (self._top if narrow else self._digits).addWidget(self._done)
