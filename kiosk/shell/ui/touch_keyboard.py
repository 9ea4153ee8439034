"""The kiosk's own on-screen keyboards: letters for names, a large keypad for phone numbers.

A locked-down kiosk has no operating-system keyboard to rely on. Keys only emit what was
tapped; the form decides where it goes.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.shell.i18n import Translator

LETTER_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
#: On glass too narrow for ten 64 px keys in a row (a portrait 7" tablet): A to Z by eights,
#: Y and Z beginning the bottom row, so the keyboard stays four rows tall.
NARROW_ROWS = ("ABCDEFGH", "IJKLMNOP", "QRSTUVWX")
NARROW_BOTTOM = "YZ"
ACCENT_ROWS = ("ÁÉÍÓÚÜÑ", "ÀÈÌÒÙÇ", "ÂÊÎÔÛÖÄ")
KEYPAD_ROWS = ("123", "456", "789", "+0")


def _key(label: str, name: str, accessible: str | None = None) -> QPushButton:
    button = QPushButton(label)
    button.setObjectName(name)
    button.setProperty("role", "key")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the text field keeps focus while typing
    button.setAutoRepeat(name.endswith("backspace"))
    button.setAccessibleName(accessible or label)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    button.setMinimumSize(QSize(64, 64))
    return button


class LetterKeyboard(QWidget):
    """Capital letters, an accent layer, space, hyphen and apostrophe; the form decides case."""

    typed = Signal(str)
    backspace = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self.setObjectName("letter-keyboard")
        self._layers: list[QWidget] = []
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self._letter_keys: dict[str, QPushButton] = {}
        self._narrow = (False, True)
        for rows in (LETTER_ROWS, ACCENT_ROWS):
            layer = QWidget()
            grid = QVBoxLayout(layer)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setSpacing(6)
            for row in rows:
                line = QHBoxLayout()
                line.setSpacing(6)
                for char in row:
                    key = _key(char, f"key-{char.lower()}")
                    key.clicked.connect(lambda _=False, c=char: self.typed.emit(c))
                    line.addWidget(key)
                    self._letter_keys[char] = key
                grid.addLayout(line)
            self._layers.append(layer)
            column.addWidget(layer)
        self._layers[1].hide()

        self._bottom = bottom = QHBoxLayout()
        bottom.setSpacing(6)
        self.accents = _key("ÁÑ", "key-accents", tr("Accented letters"))
        self.accents.setCheckable(True)
        self.accents.toggled.connect(self._show_accents)
        hyphen = _key("-", "key-hyphen", tr("Hyphen"))
        hyphen.clicked.connect(lambda: self.typed.emit("-"))
        apostrophe = _key("'", "key-apostrophe", tr("Apostrophe"))
        apostrophe.clicked.connect(lambda: self.typed.emit("'"))
        self._space = space = _key(tr("Space"), "key-space")
        space.clicked.connect(lambda: self.typed.emit(" "))
        erase = _key("⌫", "key-backspace", tr("Delete"))
        erase.clicked.connect(self.backspace)
        bottom.addWidget(self.accents)
        bottom.addWidget(hyphen)
        bottom.addWidget(apostrophe)
        bottom.addWidget(space, 3)
        bottom.addWidget(erase, 2)
        column.addLayout(bottom)

    @staticmethod
    def wide_width() -> int:
        """The width ten 64 px keys in a row take."""
        return 10 * 64 + 9 * 6

    def set_narrow(self, narrow: bool, tight: bool = True) -> None:
        """Ten keys a row (QWERTY), or eight (A to Z) where ten 64 px keys do not fit;
        ``tight`` puts Y and Z in the bottom row (four rows), else they get a row of their
        own, leaving the space bar room for its word in large text."""
        if (narrow, tight) == self._narrow:
            return
        self._narrow = (narrow, tight)
        grid = self._layers[0].layout()
        while grid.count():
            line = grid.takeAt(0).layout()
            while line.count():
                line.takeAt(0)
            line.deleteLater()
        for char in NARROW_BOTTOM:  # out of every layout before it joins another
            self._bottom.removeWidget(self._letter_keys[char])
        rows = (NARROW_ROWS if tight else (*NARROW_ROWS, NARROW_BOTTOM)) if narrow else LETTER_ROWS
        for row in rows:
            line = QHBoxLayout()
            line.setSpacing(6)
            for char in row:
                line.addWidget(self._letter_keys[char])
            if len(row) < len(NARROW_ROWS[0]) and narrow:
                line.addStretch(len(NARROW_ROWS[0]) - len(row))
            grid.addLayout(line)
        if narrow and tight:
            for index, char in enumerate(NARROW_BOTTOM):
                self._bottom.insertWidget(index, self._letter_keys[char])

    def _show_accents(self, on: bool) -> None:
        self._layers[0].setVisible(not on)
        self._layers[1].setVisible(on)

    def reset(self) -> None:
        self.accents.setChecked(False)


class NumericKeypad(QWidget):
    typed = Signal(str)
    backspace = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self.setObjectName("numeric-keypad")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)  # as tall as the letters: the form does not jump between them
        for r, row in enumerate(KEYPAD_ROWS):
            for c, char in enumerate(row):
                name = "keypad-plus" if char == "+" else f"keypad-{char}"
                key = _key(char, name, tr("Plus") if char == "+" else char)
                key.setMinimumSize(QSize(96, 64))
                key.clicked.connect(lambda _=False, ch=char: self.typed.emit(ch))
                grid.addWidget(key, r, c)
        erase = _key("⌫", "keypad-backspace", tr("Delete"))
        erase.setMinimumSize(QSize(96, 64))
        erase.clicked.connect(self.backspace)
        grid.addWidget(erase, 3, 2)
