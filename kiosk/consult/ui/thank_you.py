"""The thank-you screen: shown only once the request is durably stored, then Home by itself."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout

from kiosk.shell.i18n import Translator
from kiosk.shell.ui.screen import Screen

DONE_RETURN_MS = 12_000


class ConsultDoneScreen(Screen):
    """ "Thank you — we will call you …", then Home again by itself after a short while."""

    finished = Signal()

    def __init__(self, tr: Translator, callback_promise: str) -> None:
        super().__init__()
        self.setObjectName("screen-consult-done")
        title = QLabel(tr("Thank you — we will call you {promise}.", promise=callback_promise))
        title.setObjectName("screen-title")
        title.setWordWrap(True)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = title
        note = QLabel(tr("Your request has been saved. You can keep reading while you wait."))
        note.setObjectName("welcome")
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        home = QPushButton(tr("Back to the start"))
        home.setObjectName("consult-done-home")
        home.setProperty("role", "primary")
        home.clicked.connect(self.finished)
        column = QVBoxLayout(self)
        column.setContentsMargins(80, 40, 80, 40)
        column.setSpacing(32)
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(note)
        column.addWidget(home, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DONE_RETURN_MS)
        self._timer.timeout.connect(self.finished)

    def spoken_title(self) -> str:
        return self.message.text()

    def entered(self) -> None:
        self._timer.start()

    def reset(self) -> None:
        self._timer.stop()
