"""A large touch tile: icon, title and a wrapped summary inside one big button."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout


class Tile(QPushButton):
    """Its labels take no taps of their own: a label ignores a press, so Qt hands it to the
    tile. Tiles are on the first frame, so nothing here touches PySide6's ``Qt`` namespace."""

    def __init__(self, title: str, summary: str, role: str = "tile", grow: bool = True) -> None:
        super().__init__()
        self.setProperty("role", role)
        self.setAccessibleName(title)
        self.setAccessibleDescription(summary)
        vertical = QSizePolicy.Policy.Expanding if grow else QSizePolicy.Policy.Preferred
        self.setSizePolicy(QSizePolicy.Policy.Expanding, vertical)
        self._icon = QLabel()
        self._icon.setObjectName("tile-icon")
        self._title = QLabel(title)
        self._title.setObjectName("tile-title")
        self._title.setWordWrap(True)
        self._summary = QLabel(summary)
        self._summary.setObjectName("tile-summary")
        self._summary.setWordWrap(True)
        # hide(), never setVisible(True): this label has no parent yet, and showing it
        # here would open it as a window of its own.
        if not summary:
            self._summary.hide()
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self._title)
        text.addWidget(self._summary)
        text.addStretch(1)
        icon_column = QVBoxLayout()  # the icon stays at the top of a tall tile
        icon_column.addWidget(self._icon)
        icon_column.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 16, 20, 16)
        row.setSpacing(20)
        row.addLayout(icon_column)
        row.addLayout(text, 1)

    def set_icon(self, icon: QIcon, size: int = 56) -> None:
        self._icon.setPixmap(icon.pixmap(QSize(size, size), self.devicePixelRatioF()))
        self._icon.setFixedSize(size, size)

    def text(self) -> str:  # screen readers and tests read the tile by its title
        return self._title.text()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.layout().sizeHint().expandedTo(QSize(200, 80))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.layout().minimumSize().expandedTo(QSize(64, 80))
