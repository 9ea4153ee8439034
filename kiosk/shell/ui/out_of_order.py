"""Shown instead of the kiosk when config or content is broken: calm to patients, exact to staff."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.shell.ui.touch import kinetic_scroll_area


class OutOfOrderScreen(QWidget):
    def __init__(self, problems: Sequence[str], clinic_phone: str = "") -> None:
        super().__init__()
        self.setObjectName("screen-out-of-order")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        title = QLabel("This kiosk is out of order")
        title.setObjectName("screen-title")
        title.setWordWrap(True)
        ask = "Please ask the front desk for help."
        if clinic_phone:
            ask = f"Please ask the front desk for help, or call {clinic_phone}."
        message = QLabel(f"We are sorry. {ask}")
        message.setObjectName("welcome")
        message.setWordWrap(True)
        staff = QLabel(
            "For staff: fix the problems below, then restart the kiosk. "
            "`kiosk check` lists the same problems."
        )
        staff.setObjectName("muted")
        staff.setWordWrap(True)
        details = _ProblemsLabel("\n".join(problems))
        details.setObjectName("error-details")
        details.setWordWrap(True)
        details.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.details = details

        inner = QWidget()
        inner.setObjectName("scroll-content")
        column = QVBoxLayout(inner)
        column.setContentsMargins(64, 64, 64, 64)
        column.setSpacing(24)
        column.addWidget(title)
        column.addWidget(message)
        column.addSpacing(32)
        column.addWidget(staff)
        column.addWidget(details)
        column.addStretch(1)
        scroll = kinetic_scroll_area(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)


class _ProblemsLabel(QLabel):
    """A long path has no spaces: on a portrait screen it may break after each "/". The
    breaks are only shown; ``text()`` (readers, tests, staff) is the problems as they are."""

    def __init__(self, text: str) -> None:
        super().__init__(text.replace("/", "/\u200b"))
        self._text = text
        self.setAccessibleName(text)

    def text(self) -> str:
        return self._text
