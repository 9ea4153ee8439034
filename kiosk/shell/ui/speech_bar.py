"""The strip under the top bar while speech mode is on: louder, softer, slower, faster."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton

from kiosk.shell.i18n import Translator
from kiosk.shell.theme import Palette
from kiosk.shell.ui.icons import icon

#: object name -> icon; each button is icon-only (64x64) and named for screen readers.
BUTTONS = (
    ("speech-softer", "mdi6.volume-minus"),
    ("speech-louder", "mdi6.volume-plus"),
    ("speech-slower", "mdi6.tortoise"),
    ("speech-faster", "mdi6.rabbit"),
)


class SpeechBar(QFrame):
    """Displays the buttons; the window connects them. Hidden until speech mode is on."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("speech-bar")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 4, 24, 4)
        row.setSpacing(12)
        row.addStretch(1)
        for name, _ in BUTTONS:
            button = QPushButton()
            button.setObjectName(name)
            button.setIconSize(QSize(36, 36))
            self.buttons[name] = button
            row.addWidget(button)
        self.hide()

    def set_labels(self, tr: Translator) -> None:
        names = {
            "speech-softer": tr("Speak softer"),
            "speech-louder": tr("Speak louder"),
            "speech-slower": tr("Speak slower"),
            "speech-faster": tr("Speak faster"),
        }
        for name, text in names.items():
            self.buttons[name].setAccessibleName(text)
            self.buttons[name].setToolTip(text)

    def set_icons(self, palette: Palette) -> None:
        for name, glyph in BUTTONS:
            self.buttons[name].setIcon(icon(glyph, palette.accent))
