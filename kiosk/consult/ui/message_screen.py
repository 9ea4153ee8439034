"""A calm screen of a few centred lines and one button back to the start: the thank-you
screen and the call-us screen are both one."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.shell.i18n import Translator
from kiosk.shell.ui.screen import Screen
from kiosk.shell.ui.touch import kinetic_scroll_area


class MessageScreen(Screen):
    """``title`` large, then each (text, object name) line, then "Back to the start"."""

    finished = Signal()

    def __init__(self, name: str, tr: Translator, title: str,
                 lines: Sequence[tuple[str, str]], button_name: str,
                 extra: QWidget | None = None) -> None:
        """``extra`` (a take-home QR code) goes beside the message on a landscape panel (it
        would not fit under it on 1024×600) and between the lines and the button on a
        portrait one."""
        super().__init__()
        self.setObjectName(name)
        self.message = _centred(title, "screen-title")
        self.lines = [_centred(text, line_name) for text, line_name in lines]
        home = QPushButton(tr("Back to the start"))
        home.setObjectName(button_name)
        home.setProperty("role", "primary")
        home.clicked.connect(self.finished)
        column = QVBoxLayout()
        column.setSpacing(20)
        column.addStretch(1)
        for label in (self.message, *self.lines):
            column.addWidget(label)
        self._extra = extra
        self._extra_index = column.count()
        column.addWidget(home, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)
        self._column = column
        page = QWidget()
        page.setObjectName("scroll-content")
        self._outer = QBoxLayout(QBoxLayout.Direction.LeftToRight, page)
        # Tight enough that the call-us screen's five lines fit a 1024×600 panel unsquashed.
        self._outer.setContentsMargins(80, 24, 80, 24)
        self._outer.setSpacing(48)
        self._outer.addLayout(column, 1)
        self._portrait: bool | None = None
        if extra is not None:
            self._place_extra(portrait=False)
        # Centred on the glass; on glass too short for its lines (largest text), it scrolls.
        screen = QVBoxLayout(self)
        screen.setContentsMargins(0, 0, 0, 0)
        screen.addWidget(kinetic_scroll_area(page))

    def _place_extra(self, portrait: bool) -> None:
        if self._extra is None or portrait == self._portrait:
            return
        self._portrait = portrait
        if portrait:
            self._outer.removeWidget(self._extra)
            self._column.insertWidget(self._extra_index, self._extra)
        else:
            self._column.removeWidget(self._extra)
            self._outer.addWidget(self._extra, 0, Qt.AlignmentFlag.AlignVCenter)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._place_extra(portrait=event.size().height() > event.size().width())
        super().resizeEvent(event)
        side = 80 if self.width() >= 900 else 24  # a portrait tablet needs the width
        self._outer.setContentsMargins(side, 24, side, 24)

    def spoken_title(self) -> str:
        return self.message.text()

    def spoken_instructions(self) -> str:
        return " ".join(label.text() for label in self.lines)


def _centred(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label
