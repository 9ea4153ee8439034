"""The selected request on the staff screen: who to call, what happened so far, what comes next.

Shows a ``RequestDetail`` and forwards taps as signals; only the workflow's allowed next
steps (``model.allowed_next``) are enabled.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QMouseEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.callback_queue.model import CALL_OUTCOMES, Status, allowed_next
from kiosk.shell.ui.touch import kinetic_scroll_area
from kiosk.staff.rows import RequestDetail, StaffRow

#: Below the store's 2,000-character limit: a note is a line, not a letter.
NOTE_MAX_CHARS = 500
ACTIONS: tuple[tuple[Status, str, str], ...] = (
    (Status.NO_ANSWER, "staff-no-answer", "No answer"),
    (Status.LEFT_VOICEMAIL, "staff-left-voicemail", "Left voicemail"),
    (Status.SCHEDULED, "staff-status-scheduled", "Scheduled"),
    (Status.NOT_INTERESTED, "staff-status-not-interested", "Not interested"),
    (Status.CLOSED, "staff-status-closed", "Closed"),
    (Status.WRONG_NUMBER, "staff-status-wrong-number", "Wrong number"),
    (Status.DO_NOT_CALL, "staff-status-do-not-call", "Do not call"),
)


class NoteEdit(QLineEdit):
    """The note field; says when it is tapped, so the kiosk can bring up its keyboard."""

    tapped = Signal()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        super().focusInEvent(event)
        self.tapped.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        super().mousePressEvent(event)  # a tap with the focus already here counts too
        self.tapped.emit()


def _facts(row: StaffRow, kiosk_id: str | None = None) -> str:
    attempts = row.request.attempts
    calls = {0: "not called yet", 1: "called once"}.get(attempts, f"called {attempts} times")
    where = f" at {kiosk_id}" if kiosk_id else ""
    due = f"\n{row.due_line}" if row.due_line else ""
    return (f"{row.status} · {calls}{due}\nBest time: {row.best_time.lower()}\n"
            f"Received: {row.received}{where}")


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("field-label")
    return label


class StaffDetail(QWidget):
    attempt_chosen = Signal(str)  # a CALL_OUTCOMES status value
    status_chosen = Signal(str)  # any other status value
    note_submitted = Signal(str)
    note_tapped = Signal()

    def __init__(self, *, selectable: bool = False) -> None:
        super().__init__()
        self.setObjectName("staff-detail")
        self._row: StaffRow | None = None
        self._busy = False

        self.empty = QLabel("Choose a request in the list to see it here.")
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        self.name = QLabel()
        self.name.setObjectName("staff-detail-name")
        self.name.setWordWrap(True)
        self.phone = QLabel()
        self.phone.setObjectName("staff-detail-phone")
        self.facts = QLabel()
        self.facts.setObjectName("staff-detail-facts")
        self.facts.setWordWrap(True)
        if selectable:  # at a desk, staff copy the number into their phone software
            for label in (self.name, self.phone):
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons: dict[Status, QPushButton] = {}
        for status, name, text in ACTIONS:
            button = QPushButton(text)
            button.setObjectName(name)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            signal = self.attempt_chosen if status in CALL_OUTCOMES else self.status_chosen
            button.clicked.connect(lambda _=False, s=status, sig=signal: sig.emit(s.value))
            self.buttons[status] = button
        called = QHBoxLayout()
        called.setSpacing(12)
        called.addWidget(self.buttons[Status.NO_ANSWER])
        called.addWidget(self.buttons[Status.LEFT_VOICEMAIL])
        reached = QGridLayout()
        reached.setSpacing(12)
        reached.addWidget(self.buttons[Status.SCHEDULED], 0, 0)
        reached.addWidget(self.buttons[Status.NOT_INTERESTED], 0, 1)
        reached.addWidget(self.buttons[Status.CLOSED], 1, 0)
        reached.addWidget(self.buttons[Status.WRONG_NUMBER], 1, 1)
        # Closes every open request from this number and keeps the number closed.
        reached.addWidget(self.buttons[Status.DO_NOT_CALL], 2, 0, 1, 2)

        self.note = NoteEdit()
        self.note.setObjectName("staff-note")
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("Add a note")
        self.note.setMaxLength(NOTE_MAX_CHARS)
        self.note.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.note.setDragEnabled(False)
        self.note.textChanged.connect(self._update)
        self.note.returnPressed.connect(self._submit_note)
        self.note.tapped.connect(self.note_tapped)
        self.add_note = QPushButton("Add note")
        self.add_note.setObjectName("staff-add-note")
        self.add_note.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_note.clicked.connect(self._submit_note)
        note_row = QHBoxLayout()
        note_row.addStretch(1)
        note_row.addWidget(self.add_note)

        self.error = QLabel()
        self.error.setObjectName("staff-detail-error")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.notes = QLabel()
        self.notes.setObjectName("staff-notes")
        self.notes.setWordWrap(True)
        self.history = QLabel()
        self.history.setObjectName("staff-history")
        self.history.setWordWrap(True)

        self.body = QWidget()
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        column.addWidget(self.name)
        column.addWidget(self.phone)
        column.addWidget(self.facts)
        column.addSpacing(8)
        column.addWidget(_caption("Called, not reached"))
        column.addLayout(called)
        column.addWidget(_caption("Reached, or done"))
        column.addLayout(reached)
        column.addSpacing(8)
        column.addWidget(_caption("Note"))
        column.addWidget(self.note)
        column.addLayout(note_row)
        column.addWidget(self.error)
        self.notes_caption = _caption("Notes")
        column.addWidget(self.notes_caption)
        column.addWidget(self.notes)
        column.addWidget(_caption("History"))
        column.addWidget(self.history)
        column.addStretch(1)

        content = QWidget()
        content.setObjectName("scroll-content")
        inner = QVBoxLayout(content)
        inner.setContentsMargins(20, 16, 20, 16)
        inner.addWidget(self.empty)
        inner.addWidget(self.body)
        self.scroll = kinetic_scroll_area(content)
        self.scroll.setObjectName("staff-detail-scroll")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self.show_detail(None)

    # --- display --------------------------------------------------------------------------
    @property
    def request_id(self) -> int | None:
        return None if self._row is None else self._row.id

    def show_row(self, row: StaffRow | None) -> None:
        """Show what the table already knows at once; the history follows in ``show_detail``."""
        if row is None or row.id != self.request_id:
            self.note.clear()
            self.error.hide()
            self.notes.clear()
            self.history.setText("Loading…" if row is not None else "")
        self._row = row
        self.empty.setVisible(row is None)
        self.body.setVisible(row is not None)
        if row is not None:
            self.name.setText(row.name)
            self.phone.setText(row.phone)
            self.facts.setText(_facts(row))
        self._update()

    def show_detail(self, detail: RequestDetail | None) -> None:
        self.show_row(detail.row if detail else None)
        if detail is None:
            return
        self.facts.setText(_facts(detail.row, detail.kiosk_id))
        self.notes.setText("\n".join(detail.notes))
        self.notes.setVisible(bool(detail.notes))
        self.notes_caption.setVisible(bool(detail.notes))
        self.history.setText("\n".join(detail.history) or "Nothing yet.")

    def set_busy(self, busy: bool) -> None:
        """While a change is being saved, no second tap can record a second call."""
        self._busy = busy
        self._update()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _update(self) -> None:
        allowed = allowed_next(self._row.request.status) if self._row else frozenset()
        for target, button in self.buttons.items():
            button.setEnabled(not self._busy and target in allowed)
        self.note.setEnabled(self._row is not None)
        self.add_note.setEnabled(not self._busy and self._row is not None
                                 and bool(self.note.text().strip()))

    def _submit_note(self) -> None:
        text = self.note.text().strip()
        if text and self.add_note.isEnabled():
            self.note_submitted.emit(text)

    def note_saved(self) -> None:
        self.note.clear()

    def reset(self) -> None:
        self._busy = False
        self.show_detail(None)
        self.note.clear()
