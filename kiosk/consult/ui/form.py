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
from kiosk.shell.ui.repolish import repolish
from kiosk.shell.ui.screen import Screen
from kiosk.shell.ui.touch import TouchLineEdit, kinetic_scroll_area
from kiosk.shell.ui.touch_keyboard import LetterKeyboard, NumericKeypad

if TYPE_CHECKING:
    from kiosk.callback_queue.validation import ValidationResult

KEYBOARD_MAX_WIDTH = 700
KEYBOARD_EMS = 28
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
        self._intro_text = tr(
            "Leave your name and number, and we will call you to talk about your "
            "case and see whether we are a good fit for you, and you for us."
        )
        self._instructions = tr(
            "Type your name and phone number, choose the best time to call, agree to "
            "the call, then send."
        )
        intro = QLabel(self._intro_text)
        intro.setObjectName("welcome")
        intro.setWordWrap(True)

        self.name = self._line_edit("consult-name", tr("Your name"))
        self.name.setMaxLength(120)
        self.phone = self._line_edit("consult-phone", tr("Phone number"))
        self.phone.setMaxLength(40)
        self.phone.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.field_errors: dict[str, QLabel] = {}

        # One exclusive radio group, in one named grouping: screen readers hear "Best time to
        # call, grouping" and four radio buttons in it (_place_times lays them out).
        self.times = QButtonGroup(self)
        self.times.setExclusive(True)
        self.times_box = QGroupBox()
        self.times_box.setObjectName("consult-times")
        self.times_box.setFlat(True)
        self.times_box.setAccessibleName(tr("Best time to call"))
        choices = QGridLayout(self.times_box)
        choices.setContentsMargins(0, 0, 0, 0)
        choices.setHorizontalSpacing(12)
        choices.setVerticalSpacing(4)
        for value, label in TIME_CHOICES:
            button = QRadioButton(tr(label))
            button.setObjectName(f"consult-time-{value}")
            button.setCheckable(True)
            button.setProperty("value", str(value))
            button.setProperty("role", "choice")
            self.times.addButton(button)

        self.consent = WrappingCheckBox(
            tr("I agree that the clinic may call me at this number about a consult")
        )
        self.consent.setObjectName("consult-consent")

        self.error = QLabel()
        self.error.setObjectName("consult-error")
        self.error.setWordWrap(True)
        self._error_word = tr("Error")
        self.error.setAccessibleName(self._error_word)
        self.error.hide()  # shown with a message: an empty line would push Send off the glass
        self.submit_button = QPushButton(tr("Send my request"))
        self.submit_button.setObjectName("consult-submit")
        self.submit_button.setProperty("role", "cta")
        self.submit_button.setMinimumHeight(64)
        self.submit_button.clicked.connect(self.try_submit)

        self._intro = intro
        self._title_label = title
        # Each block is a grid that ``_fit`` rearranges for the glass (see below).
        fields_block, self._field_parts = self._grid_block(), [
            self._field_parts_for("name", tr("Your name"), self.name),
            self._field_parts_for("phone", tr("Phone number"), self.phone)]
        times_block = self._grid_block()
        self._times_caption, self._times_error = self._caption_and_error(
            "best_time", tr("Best time to call"))
        send_block = self._grid_block()
        self._consent_error = self._caption_and_error("consent", None)[1]

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
        keys, keys_block = self._block()
        keys.addWidget(self.keyboards)

        self._header = header = QVBoxLayout()
        header.setSpacing(4)
        header.addWidget(title)
        header.addWidget(intro)
        self._blocks = (fields_block, times_block, keys_block, send_block)
        self._grid = QGridLayout()
        self._grid.setSpacing(0)
        self._stacked: tuple[bool, int] | None = None
        self._place_blocks(stacked=False)
        self._place_fields(inline=False)
        self._place_times(inline=False, per_row=2)
        self._place_send(side_by_side=False)

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
        return f"{self._intro_text} {self._instructions}"

    def _set_error(self, text: str) -> None:
        """The summary line under the form; screen readers hear its message, not "Error"."""
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.error.setAccessibleName(text or self._error_word)
        self.error.setAccessibleDescription(text)

    def apply_look(self, palette: Palette, text_size: str) -> None:
        self._text_size = text_size
        self._fit()

    # --- fitting the glass -----------------------------------------------------------------
    # Landscape at the default text size: the fields beside the keyboard, then the best
    # time in one row, then consent beside Send: all of it on one 1024x600 screen. Portrait
    # or larger text: one column in the order a visitor works (fields, the keyboard under
    # them, time, consent, Send). Captions sit beside their fields where there is room. The
    # intro repeats Home's tile; on glass too short for it, it gives way to the form itself.
    _text_size = "default"
    _fitted_for: tuple[int, int, str] | None = None
    _margin = 40

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        # The screen's own width, not the viewport's: a scroll bar coming and going must
        # not flip the layout (and with it the scroll bar) back and forth.
        key = (self.width(), self.height(), self._text_size)
        if key == self._fitted_for or self.width() <= 0:
            return
        self._fitted_for = key
        width = self.width()
        self._margin = margin = 40 if width >= 1200 else 24 if width >= 700 else 12
        # Less the scroll bar's width: large text scrolls, and the bar takes its share.
        room = width - 2 * margin - self._scroll.verticalScrollBar().sizeHint().width()
        qwerty = self.letters.wide_width() + 12
        fields_room = room - qwerty
        captions = [c for c, _, _ in self._field_parts]
        caption = max(self._line_width(c) for c in captions)
        longest_word = max(self._line_width(c, word) for c in captions for word in c.text().split())
        # In portrait the keyboard always sits under the fields, where the thumbs are.
        side_by_side = (self._text_size == "default" and width > self.height()
                        and fields_room >= max(220, longest_word))
        self._place_blocks(stacked=not side_by_side)
        # Side by side, the keyboard grows with the text (a big panel's keys are bigger).
        widest = max(KEYBOARD_MAX_WIDTH, KEYBOARD_EMS * self.font().pixelSize())
        self.keyboards.setMaximumWidth(widest if side_by_side else QWIDGETSIZE_MAX)
        self.letters.set_narrow(not side_by_side and room < qwerty - 12,
                                tight=self._text_size == "default")
        self.keyboards.setMinimumWidth(qwerty - 12 if side_by_side else 0)
        self._place_fields(inline=not side_by_side and caption + 240 <= room)
        buttons = self.times.buttons()
        for button in buttons:  # equal shares of the row, never less than the word
            button.setMinimumWidth(0)
            button.setMinimumWidth(self._wanted(button))
        in_a_row = sum(self._wanted(b) for b in buttons) + 12 * len(buttons)
        # Beside the choices the caption may take up to three lines ("Mejor hora / para
        # llamarle").
        full = self._line_width(self._times_caption)
        caption_text = self._times_caption.text()
        words = [self._line_width(self._times_caption, w) for w in caption_text.split()]
        caption_room = min(full, max(*words, full // 3 + 24))
        inline = in_a_row + caption_room <= room
        widths = [self._wanted(b) + 12 for b in buttons]
        pairs = max(widths[0], widths[2]) + max(widths[1], widths[3])  # the grid's columns
        per_row = 4 if inline or in_a_row <= room else 2 if pairs <= room else 1
        self._place_times(inline=inline, per_row=per_row)
        self._times_caption.setWordWrap(True)
        self._times_caption.setMinimumWidth(caption_room if inline else 0)
        self._place_send(side_by_side=side_by_side)
        em = max(1, self.font().pixelSize())
        short = self.height() < 30 * em or width < 30 * em
        self._title_label.setProperty("compact", short)
        repolish(self._title_label)
        self._fit_intro()

    @staticmethod
    def _wanted(widget: QWidget) -> int:
        return widget.sizeHint().width()

    @staticmethod
    def _line_width(label: QLabel, text: str | None = None) -> int:
        """``text`` (the label's own by default) on one line, in the label's font."""
        return label.fontMetrics().horizontalAdvance(label.text() if text is None else text) + 4

    def _fit_intro(self) -> None:
        page = self._scroll.widget().layout()
        self._intro.show()
        page.activate()
        needed = (page.totalHeightForWidth(self.width()) if page.hasHeightForWidth()
                  else page.totalSizeHint().height())
        if needed > self.height():
            self._intro.hide()

    def _place_blocks(self, stacked: bool) -> None:
        if (stacked, self._margin) == self._stacked:
            return
        self._stacked = (stacked, self._margin)
        fields, times, keys, send = self._blocks
        places = ([(fields, 0, 0, 1), (keys, 1, 0, 1), (times, 2, 0, 1), (send, 3, 0, 1)]
                  if stacked else
                  [(fields, 0, 0, 1), (keys, 0, 1, 1), (times, 1, 0, 2), (send, 2, 0, 2)])
        for block in self._blocks:
            self._grid.removeWidget(block)
        for block, row, column, span in places:
            self._grid.addWidget(block, row, column, 1, span, Qt.AlignmentFlag.AlignTop)
        self._grid.setColumnStretch(0, 1)
        self._grid.setColumnStretch(1, 0)
        margin, half = self._margin, 8
        self._header.setContentsMargins(margin, 2, margin, 0)
        sides = ([(margin, margin)] * 4 if stacked
                 else [(margin, half), (margin, margin), (half, margin), (margin, margin)])
        for block, (left, right) in zip(self._blocks, sides, strict=True):
            block.layout().setContentsMargins(left, 1, right, 1)


    def _place_fields(self, inline: bool) -> None:
        """Caption beside its field (a wide column) or above it."""
        grid = self._blocks[0].layout()
        for row, (caption, edit, error) in enumerate(self._field_parts):
            for widget in (caption, edit, error):
                grid.removeWidget(widget)
            if inline:
                grid.addWidget(caption, 2 * row, 0)
                grid.addWidget(edit, 2 * row, 1)
                grid.addWidget(error, 2 * row + 1, 1)
            else:
                grid.addWidget(caption, 3 * row, 0, 1, 2)
                grid.addWidget(edit, 3 * row + 1, 0, 1, 2)
                grid.addWidget(error, 3 * row + 2, 0, 1, 2)
        grid.setColumnStretch(1, 1)

    def _place_times(self, inline: bool, per_row: int) -> None:
        """The caption beside or above the four choices, in one row or two."""
        grid = self._blocks[1].layout()
        grid.setVerticalSpacing(4)
        for widget in (self._times_caption, self._times_error, self.times_box):
            grid.removeWidget(widget)
        choices = self.times_box.layout()
        buttons = self.times.buttons()
        for button in buttons:
            choices.removeWidget(button)
        for index, button in enumerate(buttons):
            choices.addWidget(button, index // per_row, index % per_row)
        for column in range(4):
            choices.setColumnStretch(column, 1 if column < per_row else 0)
        first = 1 if inline else 0
        top = 0 if inline else 1
        grid.addWidget(self._times_caption, 0, 0)
        grid.addWidget(self.times_box, top, first)
        grid.addWidget(self._times_error, top + 1, 0, 1, first + 1)
        grid.setColumnStretch(0, 0 if inline else 1)
        grid.setColumnStretch(1, 1 if inline else 0)

    def _place_send(self, side_by_side: bool) -> None:
        """Consent beside Send (a wide landscape form), or above it."""
        grid = self._blocks[3].layout()
        for widget in (self.consent, self._consent_error, self.error, self.submit_button):
            grid.removeWidget(widget)
        grid.addWidget(self.consent, 0, 0)
        grid.addWidget(self._consent_error, 1, 0)
        if side_by_side:
            grid.addWidget(self.submit_button, 0, 1, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(self.error, 2, 0, 1, 2)
        else:
            grid.addWidget(self.error, 2, 0)
            grid.addWidget(self.submit_button, 3, 0)
        grid.setColumnStretch(0, 1)

    @staticmethod
    def _block() -> tuple[QVBoxLayout, QWidget]:
        block = QWidget()
        layout = QVBoxLayout(block)
        layout.setSpacing(6)
        return layout, block

    @staticmethod
    def _grid_block() -> QWidget:
        block = QWidget()
        grid = QGridLayout(block)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        return block

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

    def _caption_and_error(self, field: str, label: str | None) -> tuple[QLabel, QLabel]:
        caption = QLabel(label or "")
        caption.setObjectName("field-label")
        caption.setWordWrap(True)  # "Número de teléfono" takes two lines in a narrow column
        error = QLabel()
        error.setObjectName(f"consult-{field.replace('_', '-')}-error")
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.hide()  # hide(), never show(): it has no parent yet
        self.field_errors[field] = error
        return caption, error

    def _field_parts_for(self, field: str, label: str, edit: QLineEdit
                         ) -> tuple[QLabel, QLineEdit, QLabel]:
        caption, error = self._caption_and_error(field, label)
        return caption, edit, error

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
