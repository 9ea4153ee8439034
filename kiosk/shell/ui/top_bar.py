"""The bar above every patient screen: the hidden staff entrance, the clinic's name, the
visitor's choices (language, text size, contrast) and Back and Home, always in one place."""

from __future__ import annotations

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QSizePolicy

from kiosk.shell.i18n import LANGUAGE_NAMES, Translator
from kiosk.shell.theme import Palette
from kiosk.shell.ui.elided_label import ElidedLabel
from kiosk.shell.ui.icons import icon

STAFF_HOLD_MS = 3000


class HoldButton(QPushButton):
    """Emits ``held`` after being pressed continuously for ``hold_ms``; a plain tap does nothing."""

    held = Signal()

    def __init__(self, hold_ms: int | None = None) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms or STAFF_HOLD_MS)
        self._timer.timeout.connect(self.held)
        self.pressed.connect(self._timer.start)
        self.released.connect(self._timer.stop)


class TopBar(QFrame):
    """Displays the controls; the window connects them. A frame draws its stylesheet
    background by itself, without touching PySide6's ``Qt`` namespace before the first frame."""

    def __init__(self, clinic_name: str) -> None:
        super().__init__()
        self.setObjectName("top-bar")
        self.staff_trigger = HoldButton()
        self.staff_trigger.setObjectName("staff-trigger")
        self.staff_trigger.setFlat(True)
        self.staff_trigger.setIconSize(QSize(48, 48))
        self.clinic_name = ElidedLabel(clinic_name)
        self.clinic_name.setObjectName("clinic-name")
        # A long clinic name gives way (ending in "…"); the controls beside it never do.
        self.clinic_name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.clinic_name.setMinimumWidth(120)
        self.nav_back = self._button("nav-back")
        self.nav_home = self._button("nav-home")
        self.text_size_button = self._button("text-size")
        self.contrast_button = self._button("contrast-toggle")
        self.contrast_button.setCheckable(True)
        self.lang_button = self._button("lang-toggle")
        # Speech mode: an icon alone keeps the bar compact; its name is for screen readers.
        self.speech_button = self._button("speech-mode")
        self.speech_button.setCheckable(True)
        controls = QHBoxLayout()
        controls.setSpacing(12)
        for button in (self.lang_button, self.text_size_button, self.contrast_button,
                       self.speech_button):
            controls.addWidget(button)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(24, 10, 24, 10)
        bar.setSpacing(16)
        bar.addWidget(self.staff_trigger)
        bar.addWidget(self.clinic_name, 1)
        bar.addLayout(controls)
        bar.addSpacing(12)
        bar.addWidget(self.nav_back)
        bar.addWidget(self.nav_home)

    @staticmethod
    def _button(name: str) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        button.setIconSize(QSize(32, 32))
        return button

    def set_labels(self, tr: Translator, language: str, text_size: str, theme: str) -> None:
        """Every word on the bar, in ``language``, naming the visitor's current choices."""
        steps = {
            "default": tr("Text size"),
            "large": tr("Text size: large"),
            "largest": tr("Text size: largest"),
        }
        for button, text in ((self.nav_back, tr("Back")), (self.nav_home, tr("Home"))):
            button.setText(text)
            button.setAccessibleName(text)
        # The hidden staff entrance is the clinic's logo to patients, not a button named
        # after the clinic: screen readers hear what it is for.
        self.staff_trigger.setAccessibleName(tr("Staff only: press and hold"))
        self.speech_button.setAccessibleName(tr("Speech"))
        self.speech_button.setAccessibleDescription(
            tr("Speaks everything on the screen. Key F2."))
        self.speech_button.setToolTip(tr("Speech"))
        self.text_size_button.setText(tr("Text"))
        self.text_size_button.setAccessibleName(steps[text_size])
        self.text_size_button.setToolTip(steps[text_size])
        self.contrast_button.setText(tr("Contrast"))
        self.contrast_button.setAccessibleName(tr("High contrast"))
        self.contrast_button.setChecked(theme == "high-contrast")
        other = "es" if language == "en" else "en"
        self.lang_button.setText(LANGUAGE_NAMES[other])
        self.lang_button.setAccessibleName(LANGUAGE_NAMES[other])

    def set_icons(self, palette: Palette) -> None:
        self.nav_back.setIcon(icon("mdi6.arrow-left", palette.accent))
        self.nav_home.setIcon(icon("mdi6.home", palette.accent))
        self.staff_trigger.setIcon(icon("mdi6.hospital-box-outline", palette.accent))
        self.text_size_button.setIcon(icon("mdi6.format-size", palette.accent))
        self.contrast_button.setIcon(
            icon("mdi6.contrast-circle", palette.accent, on_color=palette.accent_text)
        )
        self.lang_button.setIcon(icon("mdi6.translate", palette.accent))
        self.speech_button.setIcon(
            icon("mdi6.account-voice", palette.accent, on_color=palette.accent_text))
