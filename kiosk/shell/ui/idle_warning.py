"""The "Still there?" overlay: a countdown and one large button to keep going."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.shell.i18n import Translator

#: The panel's widest, in body-text ems: a line of the explanation stays easy to follow.
PANEL_MAX_WIDTH = 16_777_215
PANEL_EMS = 30


class IdleWarning(QWidget):
    continue_chosen = Signal()
    _panel: QWidget | None = None

    def __init__(self, parent: QWidget, tr: Translator) -> None:
        super().__init__(parent)
        self.setObjectName("idle-warning")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._tr = tr
        panel = QWidget()
        panel.setObjectName("idle-panel")
        panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        panel.setMaximumWidth(PANEL_MAX_WIDTH)
        self._question = QLabel()
        self._question.setObjectName("screen-title")
        self._question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._question.setWordWrap(True)
        self._countdown = QLabel()
        self._countdown.setObjectName("idle-countdown")
        self._countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._explain = QLabel()
        self._explain.setObjectName("welcome")
        self._explain.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._explain.setWordWrap(True)
        self._button = QPushButton()
        self._button.setObjectName("idle-continue")
        self._button.setProperty("role", "primary")
        self._button.setMinimumHeight(96)
        self._button.clicked.connect(self.continue_chosen)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(48, 40, 48, 40)
        inner.setSpacing(28)
        inner.addWidget(self._question)
        inner.addWidget(self._countdown)
        inner.addWidget(self._explain)
        inner.addWidget(self._button)
        # Centred by stretches, not by an alignment: an aligned widget loses its
        # height-for-width, and the wrapped lines would be squeezed into one line's height.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel, 100)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self._panel = panel
        self.set_translator(tr)
        self.hide()
        parent.installEventFilter(self)

    def set_translator(self, tr: Translator) -> None:
        self._tr = tr
        self._question.setText(tr("Still there?"))
        self._button.setText(tr("I'm still here"))
        self._explain.setText(
            tr("To protect your privacy, the kiosk will start over and clear what you entered.")
        )

    def show_countdown(self, seconds: int) -> None:
        self.set_seconds(seconds)
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self._button.setFocus()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API: the text size changed
        super().changeEvent(event)
        if self._panel is not None and event.type() in (QEvent.Type.StyleChange,
                                                        QEvent.Type.FontChange):
            self._panel.setMaximumWidth(PANEL_EMS * max(1, self.font().pixelSize()))

    def set_seconds(self, seconds: int) -> None:
        self._countdown.setText(str(seconds))
        self._countdown.setAccessibleName(
            self._tr("Seconds left before starting over: {seconds}", seconds=seconds)
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False

    def mousePressEvent(self, event) -> None:  # noqa: N802 - a tap anywhere means "still here"
        self.continue_chosen.emit()
