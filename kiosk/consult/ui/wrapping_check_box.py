"""A check box for touch: its long label wraps, and the whole box, label included, toggles it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy


class WrappingCheckBox(QCheckBox):
    """A check box whose long label wraps, and whose whole area (label included) toggles it."""

    INDICATOR_SPACE = 64

    def __init__(self, text: str) -> None:
        super().__init__()
        self._label = QLabel(text, self)
        self._label.setObjectName("check-label")
        self._label.setWordWrap(True)
        self._label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QHBoxLayout(self)
        # The label wraps to whatever width the form gives; it must not pin the box's width.
        layout.setSizeConstraint(QHBoxLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(self.INDICATOR_SPACE, 4, 0, 4)
        layout.addWidget(self._label)
        self.setAccessibleName(text)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def text(self) -> str:
        return self._label.text()

    def hitButton(self, pos) -> bool:  # noqa: N802 - Qt API
        return self.rect().contains(pos)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return max(64, self._label.heightForWidth(width - self.INDICATOR_SPACE) + 8)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        width = self.INDICATOR_SPACE + self._label.sizeHint().width()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self.INDICATOR_SPACE + 160, 64)
