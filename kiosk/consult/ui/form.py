"""The consult request form.

The form only collects and displays: validation is ``validate_consult``, storage is the
queue worker. The patient sees "thank you" only after the request is durably stored.

Over 300 lines for a reason: one form's fields, its two keyboards and its two layouts
(side by side, or stacked for large text) share every widget; the generic pieces (the
keyboards, the wrapping check box, the thank-you screen) already live in their own modules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.callback_queue.model import BestTime, NewRequest
from kiosk.consult.ui.wrapping_check_box import WrappingCheckBox
from kiosk.shell.i18n import N_, Translator
from kiosk.shell.theme import Palette
from kiosk.shell.ui.screen import Screen
from kiosk.shell.ui.touch import TouchLineEdit, kinetic_scroll_area
from kiosk.shell.ui.touch_keyboard import LetterKeyboard, NumericKeypad

if TYPE_CHECKING:
    from kiosk.callback_queue.validation import ValidationResult

KEYBOARD_MAX_WIDTH = 700
QWIDGETSIZE_MAX = 16_777_215
TIME_CHOICES = (
    (BestTime.MORNING, N_("Morning")),
    (BestTime.AFTERNOON, N_("Afternoon")),
    (BestTime.EVENING, N_("Evening")),
    (BestTime.ANY, N_("Any time")),
)
_WORD_BREAKS = " -'"


class ConsultScreen(Screen):
    """Name, phone, best time and consent, typed on the kiosk's own keyboards."""

    submitted = Signal()
    #: Shown while the queue cannot store requests: the window offers the call-us screen.
    unavailable = Signal()

    def __init__(
        self,
        tr: Translator,
        region: str,
        kiosk_id: str,
        submit: Callable[[NewRequest, Callable, Callable], None],
        available: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__()
        self.setObjectName("screen-consult")
        self._available = available
        self._tr = tr
        self._region = region
        self._kiosk_id = kiosk_id
        self._submit = submit
        self._in_flight = False
        self._pending: NewRequest | None = None

        self._title = tr("Request a free 15-minute phone consult")
        title = QLabel(self._title)
        title.setObjectName("screen-title")
        title.setWordWrap(True)
        self._intro = tr(
            "Leave your name and number, and we will call you to talk about your "
            "case and see whether we are a good fit for you, and you for us."
        )
        self._instructions = tr(
            "Type your name and phone number, choose the best time to call, agree to "
            "the call, then send."
        )
        intro = QLabel(self._intro)
        intro.setObjectName("welcome")
        intro.setWordWrap(True)

        self.name = self._line_edit("consult-name", tr("Your name"))
        self.name.setMaxLength(120)
        self.phone = self._line_edit("consult-phone", tr("Phone number"))
        self.phone.setMaxLength(40)
        self.phone.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.field_errors: dict[str, QLabel] = {}

        # One exclusive radio group, in one named grouping: screen readers hear "Best time to
        # call, grouping" and four radio buttons in it.
        self.times = QButtonGroup(self)
        self.times.setExclusive(True)
        self.times_box = QGroupBox()
        self.times_box.setObjectName("consult-times")
        self.times_box.setFlat(True)
        self.times_box.setAccessibleName(tr("Best time to call"))
        time_row = QGridLayout(self.times_box)
        time_row.setContentsMargins(0, 0, 0, 0)
        time_row.setSpacing(12)
        for index, (value, label) in enumerate(TIME_CHOICES):
            button = QRadioButton(tr(label))
            button.setObjectName(f"consult-time-{value}")
            button.setCheckable(True)
            button.setProperty("value", str(value))
            button.setProperty("role", "choice")
            self.times.addButton(button)
            time_row.addWidget(button, index // 2, index % 2)

        self.consent = WrappingCheckBox(
            tr("I agree that the clinic may call me at this number about a consult")
        )
        self.consent.setObjectName("consult-consent")

        self.error = QLabel()
        self.error.setObjectName("consult-error")
        self.error.setWordWrap(True)
        self._error_word = tr("Error")
        self.error.setAccessibleName(self._error_word)
        self.submit_button = QPushButton(tr("Send my request"))
        self.submit_button.setObjectName("consult-submit")
        self.submit_button.setProperty("role", "cta")
        self.submit_button.setMinimumHeight(80)
        self.submit_button.clicked.connect(self.try_submit)

        fields, fields_block = self._block((40, 8, 16, 0))
        self._add_field(fields, "name", tr("Your name"), self.name)
        self._add_field(fields, "phone", tr("Phone number"), self.phone)
        times, times_block = self._block((40, 8, 16, 16))
        self._add_field(times, "best_time", tr("Best time to call"), self.times_box)

        self.letters = LetterKeyboard(tr)
        self.letters.typed.connect(self._type_letter)
        self.letters.backspace.connect(lambda: self._active().backspace())
        self.keypad = NumericKeypad(tr)
        self.keypad.typed.connect(lambda ch: self.phone.insert(ch))
        self.keypad.backspace.connect(self.phone.backspace)
        self.keyboards = QStackedWidget()
        self.keyboards.setObjectName("touch-keyboard")
        self.keyboards.addWidget(self.letters)
        self.keyboards.addWidget(self.keypad)
        self.keyboards.setMaximumWidth(KEYBOARD_MAX_WIDTH)
        keys, keys_block = self._block((16, 8, 40, 0))
        keys.addWidget(self.keyboards)

        send, send_block = self._block((16, 8, 40, 16))
        self._add_field(send, "consent", None, self.consent)
        send.addWidget(self.error)
        send.addWidget(self.submit_button)
        header = QVBoxLayout()
        header.setContentsMargins(40, 20, 40, 8)
        header.setSpacing(4)
        header.addWidget(title)
        header.addWidget(intro)
        self._blocks = (fields_block, times_block, keys_block, send_block)
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(0)
        self._place_blocks(stacked=False)

        page = QWidget()
        page.setObjectName("scroll-content")
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(header)
        column.addLayout(self._grid)
        column.addStretch(1)
        scroll = kinetic_scroll_area(page)
        self._scroll = scroll
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.name.textEdited.connect(lambda _: self._clear_error("name"))
        self.phone.textEdited.connect(lambda _: self._clear_error("phone"))
        self.times.buttonClicked.connect(lambda _: self._clear_error("best_time"))
        self.consent.toggled.connect(lambda _: self._clear_error("consent"))
        self.focus_field(self.name)

    def spoken_title(self) -> str:
        return self._title

    def spoken_instructions(self) -> str:
        return f"{self._intro} {self._instructions}"

    def _set_error(self, text: str) -> None:
        """The summary line under the form; screen readers hear its message, not "Error"."""
        self.error.setText(text)
        self.error.setAccessibleName(text or self._error_word)
        self.error.setAccessibleDescription(text)

    def apply_look(self, palette: Palette, text_size: str) -> None:
        self._place_blocks(stacked=text_size != "default")

    def _place_blocks(self, stacked: bool) -> None:
        """Side by side at the default text size (fields | keyboard). With larger text, one
        column in the order a visitor works: fields, the keyboard under them, time, send."""
        fields, times, keys, send = self._blocks
        places = ([(fields, 0, 0), (keys, 1, 0), (times, 2, 0), (send, 3, 0)] if stacked
                  else [(fields, 0, 0), (times, 1, 0), (keys, 0, 1), (send, 1, 1)])
        for block in self._blocks:
            self._grid.removeWidget(block)
        for block, row, column in places:
            self._grid.addWidget(block, row, column, Qt.AlignmentFlag.AlignTop)
        for column in (0, 1):
            self._grid.setColumnStretch(column, 0 if stacked and column else 1)
        # Stacked, the keyboard spans the page under the fields, aligned with them.
        keys.layout().setContentsMargins(40 if stacked else 16, 8, 40, 0)
        self.keyboards.setMaximumWidth(QWIDGETSIZE_MAX if stacked else KEYBOARD_MAX_WIDTH)

    @staticmethod
    def _block(margins: tuple[int, int, int, int]) -> tuple[QVBoxLayout, QWidget]:
        block = QWidget()
        layout = QVBoxLayout(block)
        layout.setContentsMargins(*margins)
        layout.setSpacing(10)
        return layout, block

    # --- building helpers -----------------------------------------------------------------
    def _line_edit(self, name: str, accessible: str) -> QLineEdit:
        edit = _TouchLineEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        # The kiosk's own keyboard is the input method; never summon the OS keyboard.
        edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        edit.setDragEnabled(False)
        return edit

    def _add_field(self, column: QVBoxLayout, field: str, label: str | None, widget) -> None:
        if label:
            caption = QLabel(label)
            caption.setObjectName("field-label")
            column.addWidget(caption)
        if isinstance(widget, QWidget):
            column.addWidget(widget)
        else:
            column.addLayout(widget)
        error = QLabel()
        error.setObjectName(f"consult-{field.replace('_', '-')}-error")
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.hide()
        self.field_errors[field] = error
        column.addWidget(error)

    # --- typing ---------------------------------------------------------------------------
    def focus_field(self, edit: QLineEdit) -> None:
        edit.setFocus()
        self.keyboards.setCurrentWidget(self.keypad if edit is self.phone else self.letters)

    def _active(self) -> QLineEdit:
        return self.phone if self.keyboards.currentWidget() is self.keypad else self.name

    def _type_letter(self, char: str) -> None:
        edit = self._active()
        before = edit.text()[: edit.cursorPosition()]
        starts_word = not before or before[-1] in _WORD_BREAKS
        edit.insert(char if starts_word or not char.isalpha() else char.lower())
        self._clear_error("name")

    # --- validation and submit -------------------------------------------------------------
    def best_time(self) -> str | None:
        checked = self.times.checkedButton()
        return checked.property("value") if checked else None

    def try_submit(self) -> None:
        if self._in_flight:
            return
        # phonenumbers' metadata takes ~60 ms to import: paid at the first submit, not at start.
        from kiosk.callback_queue.validation import validate_consult

        result = validate_consult(
            self.name.text(),
            self.phone.text(),
            self.best_time(),
            self.consent.isChecked(),
            self._region,
        )
        self._show_errors(result)
        if not result.ok:
            return
        request = self._pending_request(result)
        self._in_flight = True
        self.submit_button.setEnabled(False)
        self.submit_button.setText(self._tr("Sending…"))
        self._submit(request, self._stored, self._not_stored)

    def _pending_request(self, result: ValidationResult) -> NewRequest:
        """One idempotency key per request: a retry after a failure cannot store it twice."""
        assert result.name and result.phone_e164 and result.best_time
        if self._pending is None or (
            self._pending.name,
            self._pending.phone_e164,
            self._pending.best_time,
        ) != (result.name, result.phone_e164, result.best_time):
            # The consent stored is the sentence exactly as this screen showed it.
            self._pending = NewRequest.create(
                self._kiosk_id, result.name, result.phone_e164, result.best_time,
                consent_text=self.consent.text(), language=self._tr.language,
            )
        return self._pending

    def _show_errors(self, result: ValidationResult) -> None:
        from kiosk.callback_queue.validation import MESSAGES

        first = None
        for field, label in self.field_errors.items():
            error = result.error_for(field)
            label.setVisible(error is not None)
            label.setText(self._tr(MESSAGES[error.code]) if error else "")
            if error and first is None:
                first = label.text()
        self._set_error(first or "")
        messages = [lbl.text() for lbl in self.field_errors.values() if lbl.text()]
        if messages:
            self.announced.emit(" ".join(messages))
        if result.error_for("name"):
            self.focus_field(self.name)
        elif result.error_for("phone"):
            self.focus_field(self.phone)

    def _clear_error(self, field: str) -> None:
        label = self.field_errors[field]
        if label.isVisible():
            label.hide()
            label.clear()
            remaining = [lbl.text() for lbl in self.field_errors.values() if lbl.isVisible()]
            self._set_error(remaining[0] if remaining else "")

    def _stored(self, _result: object) -> None:
        self._in_flight = False
        self.submitted.emit()
        self.reset()

    def _not_stored(self, _exc: BaseException) -> None:
        self._in_flight = False
        self.submit_button.setEnabled(True)
        self.submit_button.setText(self._tr("Send my request"))
        self._set_error(
            self._tr(
                "Sorry, your request could not be saved. Please try again, "
                "or ask the front desk for help."
            )
        )
        self.announced.emit(self.error.text())

    # --- state ----------------------------------------------------------------------------
    def reset(self) -> None:
        if self._in_flight:
            return  # the request is being stored; its result will clear the form
        self._pending = None
        self.name.clear()
        self.phone.clear()
        self.times.setExclusive(False)
        for button in self.times.buttons():
            button.setChecked(False)
        self.times.setExclusive(True)
        self.consent.setChecked(False)
        for label in self.field_errors.values():
            label.hide()
            label.clear()
        self._set_error("")
        self.submit_button.setEnabled(True)
        self.submit_button.setText(self._tr("Send my request"))
        self.letters.reset()
        self._scroll.verticalScrollBar().setValue(0)
        if self.isVisible():
            self.focus_field(self.name)
        else:  # a hidden field keeps no focus: keys go to the screen now shown
            if self.focusWidget() is not None and self.focusWidget().hasFocus():
                self.focusWidget().clearFocus()
            self.keyboards.setCurrentWidget(self.letters)

    def entered(self) -> None:
        if not self._available():
            self.unavailable.emit()
            return
        self.focus_field(self._active())

    def is_pristine(self) -> bool:
        return not (
            self.name.text()
            or self.phone.text()
            or self.best_time()
            or self.consent.isChecked()
            or self._in_flight
        )


class _TouchLineEdit(TouchLineEdit):
    """A field that brings up the right on-screen keyboard when tapped."""

    def __init__(self, form: ConsultScreen) -> None:
        super().__init__()
        self._form = form

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().focusInEvent(event)
        self._form.keyboards.setCurrentWidget(
            self._form.keypad if self is self._form.phone else self._form.letters
        )
