"""A calm screen of a few centred lines and one button back to the start: the thank-you
screen and the call-us screen are both one."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout

from kiosk.shell.i18n import Translator
from kiosk.shell.ui.screen import Screen


class MessageScreen(Screen):
    """``title`` large, then each (text, object name) line, then "Back to the start"."""

    finished = Signal()

    def __init__(self, name: str, tr: Translator, title: str,
                 lines: Sequence[tuple[str, str]], button_name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.message = _centred(title, "screen-title")
        self.lines = [_centred(text, line_name) for text, line_name in lines]
        home = QPushButton(tr("Back to the start"))
        home.setObjectName(button_name)
        home.setProperty("role", "primary")
        home.clicked.connect(self.finished)
        column = QVBoxLayout(self)
        # Tight enough that the call-us screen's five lines fit a 1024×600 panel unsquashed.
        column.setContentsMargins(80, 24, 80, 24)
        column.setSpacing(20)
        column.addStretch(1)
        for label in (self.message, *self.lines):
            column.addWidget(label)
        column.addWidget(home, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)

    def spoken_title(self) -> str:
        return self.message.text()


def _centred(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label
