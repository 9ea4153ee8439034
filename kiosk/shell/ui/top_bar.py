"""The bar above every patient screen: the hidden staff entrance, the clinic's name, the
visitor's choices (language, text size, contrast) and Back and Home, always in one place."""

from __future__ import annotations

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.shell.i18n import LANGUAGE_NAMES, Translator
from kiosk.shell.theme import Palette
from kiosk.shell.ui.elided_label import ElidedLabel
from kiosk.shell.ui.icons import icon
from kiosk.shell.ui.repolish import repolish

STAFF_HOLD_MS = 3000
#: A button showing only its icon: 64 px wide and its border (kiosk.qss, [iconic="true"]).
ICON_ONLY_WIDTH = 68


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
        self.clinic_name.setMinimumWidth(96)
        self.nav_back = self._button("nav-back")
        self.nav_home = self._button("nav-home")
        self.text_size_button = self._button("text-size")
        self.contrast_button = self._button("contrast-toggle")
        self.contrast_button.setCheckable(True)
        self.lang_button = self._button("lang-toggle")
        # Speech mode: an icon alone keeps the bar compact; its name is for screen readers.
        self.speech_button = self._button("speech-mode")
        self.speech_button.setCheckable(True)
        #: Each button's word; on narrow glass some show only their icon (``_fit``).
        self._words: dict[QPushButton, str] = {}
        self._choices = QWidget()
        self._choices.setObjectName("top-bar-choices")
        controls = QHBoxLayout(self._choices)
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setSpacing(12)
        for button in (self.lang_button, self.text_size_button, self.contrast_button,
                       self.speech_button):
            controls.addWidget(button)
        self._first = QHBoxLayout()
        self._first.setSpacing(12)
        self._first.addWidget(self.staff_trigger)
        self._first.addWidget(self.clinic_name, 1)
        self._first.addWidget(self._choices)
        self._first.addSpacing(12)
        self._first.addWidget(self.nav_back)
        self._first.addWidget(self.nav_home)
        self._second = QHBoxLayout()
        self._second.setSpacing(12)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(24, 6, 24, 6)
        rows.setSpacing(8)
        rows.addLayout(self._first)
        rows.addLayout(self._second)
        self._two_rows = False

    # --- fitting narrow glass ----------------------------------------------------------------
    # On a portrait tablet the bar takes two rows (the visitor's choices under the clinic's
    # name); where even that is too narrow, the choices and then Back and Home show only
    # their icons, keeping their words for screen readers and tooltips. Never a cut word.
    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API: the text size changed
        super().changeEvent(event)
        from PySide6.QtCore import QEvent

        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit()

    def _wide(self, button: QPushButton, worded: bool) -> int:
        """The width ``button`` takes with its word (icon, gap, word, padding, border) or
        with its icon only; measured, not asked: its size hint follows what it shows now."""
        if not worded:
            return ICON_ONLY_WIDTH
        word = button.fontMetrics().horizontalAdvance(self._words.get(button, ""))
        return button.iconSize().width() + 8 + word + 2 * 14 + 4 + 4

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """As narrow as the bar can arrange itself (``_fit``), never as wide as one row of
        words: else the window would grow past a portrait screen before the bar wraps."""
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 360), hint.height())

    def refit(self) -> None:
        """A button was shown or hidden: arrange the bar again."""
        self._fit()

    def _fit(self) -> None:
        if not self._words:
            return
        margins = self.layout().contentsMargins()
        room = self.width() - margins.left() - margins.right()
        lang, choices = self.lang_button, (self.text_size_button, self.contrast_button)
        navigation = (self.nav_back, self.nav_home)
        fixed = self.staff_trigger.sizeHint().width() + self.clinic_name.minimumWidth() + 12 * 3
        speech = self.speech_button  # an icon alone, whatever the room (when it is shown)
        fixed += 0 if speech.isHidden() else self._wide(speech, worded=False) + 12

        def row(buttons, worded) -> int:
            return sum(self._wide(b, worded) + 12 for b in buttons if not b.isHidden())

        # One row as long as it fits, giving up words (the least needed first) before
        # taking a second row: every row is taken from the screen below.
        plans = [(False, nav, lng, cho) for nav, lng, cho in
                 ((True, True, True), (True, True, False), (False, True, False),
                  (False, False, False))]
        plan = (True, False, False, False)
        for two_rows, nav, lng, cho in plans:
            if fixed + row(navigation, nav) + row((lang,), lng) + row(choices, cho) <= room:
                plan = (two_rows, nav, lng, cho)
                break
        two_rows, nav_words, lang_words, choice_words = plan
        self._place(two_rows)
        for button in navigation:
            self._show_words(button, nav_words)
        self._show_words(lang, lang_words)
        for button in choices:
            self._show_words(button, choice_words)

    def _place(self, two_rows: bool) -> None:
        if two_rows == self._two_rows:
            return
        self._two_rows = two_rows
        if two_rows:
            self._first.removeWidget(self._choices)
            self._second.addStretch(1)
            self._second.addWidget(self._choices)
        else:
            self._second.removeWidget(self._choices)
            while self._second.count():
                self._second.takeAt(0)
            self._first.insertWidget(2, self._choices)

    def _show_words(self, button: QPushButton, worded: bool) -> None:
        text = self._words.get(button, "") if worded else ""
        if button.text() != text:
            button.setText(text)
            button.setProperty("iconic", not worded)
            repolish(button)

    def words(self, button: QPushButton) -> str:
        """The word ``button`` stands for, shown or not (screen readers always get it)."""
        return self._words.get(button, button.text())

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
            self._words[button] = text
            button.setText(text)
            button.setAccessibleName(text)
            button.setToolTip(text)
        # The hidden staff entrance is the clinic's logo to patients, not a button named
        # after the clinic: screen readers hear what it is for.
        self.staff_trigger.setAccessibleName(tr("Staff only: press and hold"))
        self.speech_button.setAccessibleName(tr("Speech"))
        self.speech_button.setAccessibleDescription(
            tr("Speaks everything on the screen. Key F2."))
        self.speech_button.setToolTip(tr("Speech"))
        self._words[self.text_size_button] = tr("Text")
        self.text_size_button.setText(tr("Text"))
        self.text_size_button.setAccessibleName(steps[text_size])
        self.text_size_button.setToolTip(steps[text_size])
        self._words[self.contrast_button] = tr("Contrast")
        self.contrast_button.setText(tr("Contrast"))
        self.contrast_button.setAccessibleName(tr("High contrast"))
        self.contrast_button.setToolTip(tr("High contrast"))
        self.contrast_button.setChecked(theme == "high-contrast")
        other = "es" if language == "en" else "en"
        self._words[self.lang_button] = LANGUAGE_NAMES[other]
        self.lang_button.setText(LANGUAGE_NAMES[other])
        self.lang_button.setAccessibleName(LANGUAGE_NAMES[other])
        self.lang_button.setToolTip(LANGUAGE_NAMES[other])
        self._fit()

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
