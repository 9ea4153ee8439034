"""Shown instead of the consult form while the queue cannot store requests: call us instead.

A form that cannot be saved would waste the patient's time; this asks them to call the
clinic (its number, large) or to ask at the desk. The kiosk keeps trying in the background
and offers the form again as soon as the queue works.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout

from kiosk.shell.i18n import Translator
from kiosk.shell.ui.screen import Screen


class ConsultUnavailableScreen(Screen):
    finished = Signal()

    def __init__(self, tr: Translator, clinic_phone: str) -> None:
        super().__init__()
        self.setObjectName("screen-consult-unavailable")
        self._title = tr("Sorry, this kiosk cannot take requests right now")
        title = QLabel(self._title)
        title.setObjectName("screen-title")
        title.setWordWrap(True)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        ask = QLabel(tr("Please call us for your free 15-minute phone consult:")
                     if clinic_phone else tr("Please ask at the front desk for your free "
                                             "15-minute phone consult."))
        ask.setObjectName("welcome")
        ask.setWordWrap(True)
        ask.setAlignment(Qt.AlignmentFlag.AlignCenter)
        phone = QLabel(clinic_phone)
        phone.setObjectName("clinic-phone")
        phone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.phone = phone
        desk = QLabel(tr("You can also ask at the front desk.") if clinic_phone else "")
        desk.setObjectName("welcome")
        desk.setWordWrap(True)
        desk.setAlignment(Qt.AlignmentFlag.AlignCenter)
        home = QPushButton(tr("Back to the start"))
        home.setObjectName("consult-unavailable-home")
        home.setProperty("role", "primary")
        home.clicked.connect(self.finished)
        column = QVBoxLayout(self)
        column.setContentsMargins(80, 40, 80, 40)
        column.setSpacing(28)
        column.addStretch(1)
        for widget in (title, ask, phone, desk):
            column.addWidget(widget)
        if not clinic_phone:  # hidden once in the layout: a parentless label shown is a window
            phone.hide()
            desk.hide()
        column.addWidget(home, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)
        self.message = ask

    def spoken_title(self) -> str:
        return self._title
