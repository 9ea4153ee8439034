"""The staff's view of the callback queue, on the kiosk and at the front-desk console alike.

A paged table on the left, the selected request on the right; on a screen too small for
both (a 1024×600 kiosk, any portrait one) the chosen request takes the table's place until
"Back to the list". Every read and write goes to the worker thread through ``StaffJobs``;
the widgets display answers and forward taps.

Longer than most modules (about 450 lines) for a reason: it is one screen whose handlers
each pair a job sent to the worker with the answer it shows (select, change, note, export),
and splitting them from the widgets they update would scatter each round trip over two files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.callback_queue.model import Actor, InvalidTransition, Role, Status
from kiosk.shell.ui.flow_layout import FlowLayout
from kiosk.shell.ui.repolish import repolish
from kiosk.shell.ui.screen import Screen
from kiosk.shell.ui.touch import make_kinetic
from kiosk.staff.rows import STATUS_LABELS, RequestDetail, RowFormatter
from kiosk.staff.ui.detail import StaffDetail
from kiosk.staff.ui.jobs import StaffJobs
from kiosk.staff.ui.note_keyboard import StaffKeyboard
from kiosk.staff.ui.overdue import OverdueWatch, describe_overdue
from kiosk.staff.ui.table import QueueTableModel

log = logging.getLogger(__name__)

ROW_HEIGHT = 64
DETAIL_WIDTH = 450
#: (column, width) for the fixed columns; the name column takes what is left.
COLUMN_WIDTHS = ((0, 110), (2, 160), (3, 106), (4, 148), (5, 64))
NAME_COLUMN = 1
#: Hidden where the name would get under NAME_MIN_WIDTH (a portrait screen): the chosen
#: request's detail says both, and a table wider than its glass scrolls sideways by finger.
SPARE_COLUMNS = (3, 5)  # best time, calls
NAME_MIN_WIDTH = 200
FIXED_WIDTH = sum(width for _column, width in COLUMN_WIDTHS)
#: One row of filters fits the statuses staff work through; requests that ended as wrong
#: number, unreachable or do-not-call are found under "All" (they sort to its end).
FILTERED = (Status.NEW, Status.NO_ANSWER, Status.LEFT_VOICEMAIL, Status.SCHEDULED,
            Status.NOT_INTERESTED, Status.CLOSED)
FILTERS: tuple[tuple[Status | None, str], ...] = (
    (None, "All"), *((status, STATUS_LABELS[status]) for status in FILTERED))
# Sizes only, never colours: the theme's stylesheet (calm or high contrast) colours them.
# Buttons stay 64 px tall in all (52 + padding + border), with less padding than the
# patient screens so that seven filters fit in one row. A font rule here replaces the whole
# font the kiosk sets in code: it names the buttons' weight too.
_LOCAL_STYLE = """
QPushButton { font-size: 20px; font-weight: 600; padding: 4px 14px; min-height: 52px; }
QPushButton[role="choice"] { min-width: 40px; }
#staff-queue, QHeaderView::section { font-size: 18px; }
#staff-queue::item { padding: 0px 6px; }
#staff-detail-name, #staff-detail-phone { font-size: 30px; }
#staff-detail-name { font-weight: 700; }
#staff-summary, #staff-notice, #staff-detail-facts, #staff-notes, #staff-history {
    font-size: 20px;
}
#staff-signed-in { font-size: 16px; }
#screen-title { font-size: 28px; }
#staff-keyboard QPushButton[role="key"] { padding: 0px; min-width: 44px; }
"""
#: The "Signed in: …" line wraps rather than widen the header.
SIGNED_IN_WIDTH = 300
EXIT_TEXT = "Exit kiosk"
EXIT_CONFIRM_TEXT = "Tap again to exit"
EXIT_CONFIRM_MS = 5000
ADMIN_ONLY_EXPORT = "Only an admin can export the queue; ask one to sign in."
ADMIN_ONLY_EXIT = "Only an admin can end kiosk mode; ask one to sign in."


def filter_name(status: Status | None) -> str:
    return "staff-filter-all" if status is None else f"staff-filter-{status.value}"


class StaffQueueView(Screen):
    """Filter, page through and work the queue; ``lock_requested`` when staff are done."""

    lock_requested = Signal()
    exit_requested = Signal()
    opened = Signal()
    #: Requests just became overdue: the text for the desk's tray and chime.
    overdue_alert = Signal(str)

    def __init__(self, jobs: StaffJobs, formatter: RowFormatter, actor: Actor | str, *,
                 on_kiosk: bool, choose_export_path: Callable[[], Path | None]) -> None:
        super().__init__()
        self.setObjectName("screen-staff")
        self.setStyleSheet(_LOCAL_STYLE)
        self._jobs = jobs
        self._formatter = formatter
        self._actor = actor
        self._role = Role.ADMIN  # until sign_in says who is working here
        self._on_kiosk = on_kiosk
        self._choose_export_path = choose_export_path
        self._active = False
        self._selected_id: int | None = None
        self._detail_asked = 0

        self.model = QueueTableModel(jobs, formatter, self)
        self._scrolled_to = 0
        self._top_row, self._top_id = -1, None
        self.model.modelAboutToBeReset.connect(self._remember_scroll)
        self.model.reloaded.connect(self._restore_selection)
        self.model.total_changed.connect(self._show_total)
        self.model.failed.connect(self.show_notice)
        # Runs only while the view is unlocked: a locked or idle kiosk never ticks for it.
        self.overdue = OverdueWatch(jobs, self, formatter.clock)
        self.overdue.became_overdue.connect(
            lambda ids: self.overdue_alert.emit(describe_overdue(len(ids))))
        self.overdue.tick.connect(self.model.refresh_times)

        title = QLabel("Callback queue")
        title.setObjectName("screen-title")
        self.summary = QLabel()
        self.summary.setObjectName("staff-summary")
        self.summary.setProperty("role", "muted")
        self.refresh_button = self._button("staff-refresh", "Refresh", self.refresh)
        self.export_button = self._button("staff-export", "Export", self.export)
        self.lock_button = self._button("staff-lock", "Lock", self.lock_requested.emit)
        self.lock_button.setProperty("role", "primary")
        self.signed_in = QLabel()
        self.signed_in.setObjectName("staff-signed-in")
        self.signed_in.setProperty("role", "muted")
        self.signed_in.hide()
        self.signed_in.setWordWrap(True)
        self.signed_in.setMaximumWidth(SIGNED_IN_WIDTH)
        heading = QVBoxLayout()  # who is signed in, under the title: the buttons keep the row
        heading.setSpacing(0)
        heading.addWidget(title)
        heading.addWidget(self.signed_in)
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addLayout(heading)
        header.setAlignment(heading, Qt.AlignmentFlag.AlignTop)  # beside the first line
        # Beside the title on one line where the glass allows (1024 px wide does); they wrap
        # onto more lines on a portrait screen, words whole, each line against the right edge.
        actions_bar = QWidget()
        actions = FlowLayout(actions_bar, spacing=8, right_aligned=True)
        header.addWidget(actions_bar, 1)
        # The scroll bar spans the whole queue; on a touch screen these two reach its ends.
        self.newest_button = self._button("staff-jump-newest", "Top", self.show_newest)
        self.oldest_button = self._button("staff-jump-oldest", "End", self.show_oldest)
        actions.addWidget(self.newest_button)
        actions.addWidget(self.oldest_button)
        actions.addWidget(self.refresh_button)
        actions.addWidget(self.export_button)
        self.exit_button: QPushButton | None = None
        if on_kiosk:
            self.exit_button = self._button("staff-exit-kiosk", EXIT_TEXT, self._exit_tapped)
            actions.addWidget(self.exit_button)
        # Ending kiosk mode takes a second tap, so a stray touch cannot close the kiosk.
        self._exit_armed = QTimer(self)
        self._exit_armed.setSingleShot(True)
        self._exit_armed.setInterval(EXIT_CONFIRM_MS)
        self._exit_armed.timeout.connect(self._disarm_exit)
        actions.addWidget(self.lock_button)

        self.filters = QButtonGroup(self)
        self.filters.setExclusive(True)
        filter_row = QHBoxLayout()
        filter_row.setSpacing(8)
        filter_buttons = QWidget()
        filter_flow = FlowLayout(filter_buttons, spacing=8)
        filter_row.addWidget(filter_buttons, 1)
        for status, label in FILTERS:
            button = QPushButton(label)
            button.setObjectName(filter_name(status))
            button.setCheckable(True)
            button.setProperty("role", "choice")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("status", status.value if status else "")
            self.filters.addButton(button)
            filter_flow.addWidget(button)
        filter_row.addWidget(self.summary, 0, Qt.AlignmentFlag.AlignTop)
        # Measured in the size _LOCAL_STYLE gives it (the style is not applied yet).
        summary_font = QFont(self.summary.font())
        summary_font.setPixelSize(20)
        self.summary.setMinimumWidth(QFontMetrics(summary_font).horizontalAdvance("0 requests")
                                     + 8)
        self.filters.buttons()[0].setChecked(True)
        self.filters.buttonClicked.connect(self._filter_chosen)

        # Why the queue leaves the system: asked before every export, kept in the audit.
        self.export_bar = QWidget()
        self.export_bar.setObjectName("staff-export-bar")
        reason_row = QHBoxLayout(self.export_bar)
        reason_row.setContentsMargins(0, 0, 0, 0)
        reason_row.setSpacing(8)
        self.export_reason = QLineEdit()
        self.export_reason.setObjectName("staff-export-reason")
        self.export_reason.setPlaceholderText("Why is the queue being exported?")
        self.export_reason.setAccessibleName("Reason for the export")
        self.export_reason.setMaxLength(200)
        self.export_reason.textChanged.connect(self._reason_changed)
        self.export_reason.returnPressed.connect(self._confirm_export)
        self.export_confirm = self._button("staff-export-confirm", "Export now",
                                           self._confirm_export)
        self.export_confirm.setEnabled(False)
        self.export_cancel = self._button("staff-export-cancel", "Cancel", self._close_export)
        reason_row.addWidget(QLabel("Reason:"))
        reason_row.addWidget(self.export_reason, 1)
        reason_row.addWidget(self.export_confirm)
        reason_row.addWidget(self.export_cancel)
        self.export_bar.hide()

        self.notice = QLabel()
        self.notice.setObjectName("staff-notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        if not on_kiosk:
            self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = self._build_table()
        self.detail = StaffDetail(selectable=not on_kiosk)
        self.detail.setFixedWidth(DETAIL_WIDTH)
        self.detail.attempt_chosen.connect(self._record_attempt)
        self.detail.status_chosen.connect(self._set_status)
        self.detail.note_submitted.connect(self._add_note)
        # Only on a compact screen, where the chosen request hides the table.
        self.detail_back = self._button("staff-detail-back", "Back to the list",
                                        self._back_to_list)
        self.detail_back.setAccessibleName("Back to the list of requests")
        self.detail_back.hide()
        self._compact = False

        self.keyboard: StaffKeyboard | None = None
        self._typing_into: QLineEdit = self.detail.note
        if on_kiosk:
            # The kiosk has no operating-system keyboard; notes are typed on the screen.
            self.detail.note.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
            self.export_reason.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
            self.keyboard = StaffKeyboard()
            self.keyboard.typed.connect(self._type)
            self.keyboard.backspace.connect(lambda: self._typing_into.backspace())
            self.keyboard.done.connect(self._hide_keyboard)
            self.keyboard.hide()
            self.detail.note_tapped.connect(self._type_note)

        # The detail panel beside the table, or in its place on a compact screen (_arrange).
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addWidget(self.table, 1)
        body.addWidget(self.detail)
        page = QVBoxLayout(self)
        page.setContentsMargins(24, 16, 24, 12)
        page.setSpacing(10)
        page.addLayout(header)
        self.filter_bar = QWidget()
        self.filter_bar.setLayout(filter_row)
        filter_row.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.filter_bar)
        page.addWidget(self.detail_back, 0, Qt.AlignmentFlag.AlignLeft)
        page.addWidget(self.export_bar)
        page.addWidget(self.notice)
        page.addLayout(body, 1)
        if self.keyboard is not None:
            page.addWidget(self.keyboard)
        self._show_total(0)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        compact = self.width() < 2 * DETAIL_WIDTH + 200
        if compact != self._compact:
            self._compact = compact
            if compact:
                self.detail.setMinimumWidth(0)
                self.detail.setMaximumWidth(16_777_215)
            else:
                self.detail.setFixedWidth(DETAIL_WIDTH)
            self._arrange()
        margins = self.layout().contentsMargins()
        room = self.width() - margins.left() - margins.right()
        for column in SPARE_COLUMNS:
            self.table.setColumnHidden(column, room < FIXED_WIDTH + NAME_MIN_WIDTH)
        if self.keyboard is not None:
            self.keyboard.set_narrow(room < self.keyboard.wide_width())

    @property
    def compact(self) -> bool:
        """Too small for the table and the chosen request side by side."""
        return self._compact

    def _arrange(self) -> None:
        """What shows: on a compact screen the table, or the chosen request in its place (the
        two stacked left a 600 px tall kiosk one table row and pushed the request's buttons
        off the glass); the filters step aside for the chosen request and the keyboard."""
        reading = self._compact and self._selected_id is not None
        typing = self.keyboard is not None and self.keyboard.isVisible()
        # Typing on a compact screen, the header keeps only Lock: the keyboard, the field
        # and the header's second line did not fit 600 px together.
        moving = not (typing and self._compact)
        for button in (self.newest_button, self.oldest_button, self.refresh_button):
            button.setVisible(moving)
        admin = self._role is Role.ADMIN  # plain staff see neither Export nor Exit kiosk
        self.export_button.setVisible(admin and moving)
        if self.exit_button is not None:
            self.exit_button.setVisible(admin and moving)
        self.table.setVisible(not reading)
        self.detail.setVisible(not self._compact or reading)
        self.detail_back.setVisible(reading and not typing)  # Done first, then Back
        self.filter_bar.setVisible(not reading and not typing)

    def _back_to_list(self) -> None:
        self._hide_keyboard()
        self.table.clearSelection()
        self._forget_selection()
        self._arrange()

    def _forget_selection(self) -> None:
        """No request chosen: its detail cleared, and a read still on its way ignored."""
        self._selected_id = None
        self._detail_asked += 1
        self.detail.reset()

    def _button(self, name: str, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _=False: slot())
        return button

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("staff-queue")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setCornerButtonEnabled(False)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = table.verticalHeader()
        rows.hide()
        # Fixed, uniform rows: the view never measures rows it has not painted.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(ROW_HEIGHT)
        columns = table.horizontalHeader()
        columns.setHighlightSections(False)
        columns.setSectionsClickable(False)
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in COLUMN_WIDTHS:
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            columns.resizeSection(column, width)
        columns.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        if self._on_kiosk:
            table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        make_kinetic(table)
        return table

    # --- life cycle -------------------------------------------------------------------------
    def entered(self) -> None:
        self.opened.emit()

    def activate(self) -> None:
        """Unlocked: load the newest requests."""
        self._active = True
        self.model.set_status_filter(self._chosen_status())
        self.overdue.start()

    def sign_in(self, actor: Actor, role: Role) -> None:
        """Who works here now: their name on screen and in the audit of every change; plain
        staff see neither Export nor Exit kiosk (admins only)."""
        self._actor, self._role = actor, Role(role)
        self.signed_in.setText(f"Signed in: {actor.person} ({self._role})")
        self.signed_in.setAccessibleName(self.signed_in.text())
        self.signed_in.show()
        self._arrange()

    @property
    def actor(self) -> Actor | str:
        return self._actor

    @property
    def role(self) -> Role:
        return self._role

    def deactivate(self) -> None:
        """Locked: drop every name and number from memory and from the screen."""
        self._active = False
        self.overdue.stop()
        self._close_export()
        self._forget_selection()
        self.model.clear()
        self._hide_keyboard()
        self._arrange()
        self._disarm_exit()
        self.notice.clear()
        self.notice.hide()
        self.filters.buttons()[0].setChecked(True)

    def reset(self) -> None:
        self.deactivate()

    def is_pristine(self) -> bool:
        return not self._active

    @property
    def active(self) -> bool:
        return self._active

    def refresh(self) -> None:
        """Re-read the loaded rows and the selected request (a change was announced)."""
        if not self._active:
            return
        self.model.reload(keep_loaded=True)
        self._load_detail()
        self.overdue.rearm()  # a new request or a retry may be due sooner

    def show_newest(self) -> None:
        self.table.scrollToTop()

    def show_oldest(self) -> None:
        """The bottom of the list: the model reads the oldest page from that end."""
        self.table.scrollToBottom()

    def _exit_tapped(self) -> None:
        if self._role is not Role.ADMIN:
            self.show_notice(ADMIN_ONLY_EXIT)
            return
        if self._exit_armed.isActive():
            self._disarm_exit()
            self.exit_requested.emit()
        elif self.exit_button is not None:
            self.exit_button.setText(EXIT_CONFIRM_TEXT)
            self.exit_button.setProperty("role", "cta")
            repolish(self.exit_button)
            self._exit_armed.start()

    def _disarm_exit(self) -> None:
        self._exit_armed.stop()
        if self.exit_button is not None:
            self.exit_button.setText(EXIT_TEXT)
            self.exit_button.setProperty("role", "")
            repolish(self.exit_button)

    # --- notices ----------------------------------------------------------------------------
    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _show_total(self, total: int) -> None:
        if not self._active:
            self.summary.clear()
        else:
            self.summary.setText(f"{total:,} request{'s' if total != 1 else ''}")

    # --- filter and selection ----------------------------------------------------------------
    def _chosen_status(self) -> Status | None:
        checked = self.filters.checkedButton()
        value = checked.property("status") if checked else ""
        return Status(value) if value else None

    def _filter_chosen(self) -> None:
        self._scrolled_to = 0
        if self._active:
            self.model.set_status_filter(self._chosen_status())

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        row = self.model.row_at(rows[0].row())
        if row is None or row.id == self._selected_id:
            return
        self._selected_id = row.id
        self.detail.show_row(row)
        self._arrange()
        self._load_detail(opened=True)

    def _remember_scroll(self) -> None:
        self._scrolled_to = self.table.verticalScrollBar().value()
        # The request at the top of the view: requests arrive anywhere in the due order,
        # so a refresh keeps this one where it was (not merely the same row number).
        self._top_row = self.table.rowAt(0)
        top = self.model.request_at(self._top_row) if self._top_row >= 0 else None
        self._top_id = top.id if top is not None else None

    def _restore_selection(self) -> None:
        """After a refresh: the same place in the list, the same request selected."""
        self._show_total(self.model.total)
        # A refresh keeps the place (deep in the queue, the same requests stay in view when
        # new ones arrive above them); a filter starts at the newest.
        moved = self.model.shifted_by
        now_at = self.model.row_of(self._top_id) if self._top_id is not None else None
        if now_at is not None:
            moved = now_at - self._top_row
        self.table.verticalScrollBar().setValue(
            self._scrolled_to + moved * ROW_HEIGHT if self.model.kept_place else 0)
        if self._selected_id is None:
            return
        row = self.model.row_of(self._selected_id)
        if row is not None:
            self.table.selectRow(row)

    def _load_detail(self, opened: bool = False) -> None:
        """Read the selected request; ``opened``: staff chose it (audited as a view), not a
        refresh of what is already on screen."""
        request_id = self._selected_id
        if request_id is None:
            return
        self._detail_asked += 1
        asked, formatter = self._detail_asked, self._formatter

        actor = self._actor

        def load(store: Any) -> RequestDetail:
            if opened:  # looking at a name and number is audited
                store.record_view(request_id, actor)
            return formatter.detail(store.get(request_id), store.audit(request_id))

        self._jobs.run(self, load, lambda detail: self._detail_loaded(asked, detail),
                       lambda exc: self._detail_failed(asked, exc))

    def _detail_loaded(self, asked: int, detail: RequestDetail) -> None:
        if asked == self._detail_asked and detail.row.id == self._selected_id:
            self.detail.show_detail(detail)

    def _detail_failed(self, asked: int, exc: BaseException) -> None:
        if asked == self._detail_asked:
            self.detail.show_error(_explain(exc))

    # --- changes ----------------------------------------------------------------------------
    def _record_attempt(self, outcome: str) -> None:
        actor = self._actor
        self._change(lambda store, rid: store.record_attempt(rid, Status(outcome), actor))

    def _set_status(self, status: str) -> None:
        actor = self._actor
        self._change(lambda store, rid: store.set_status(rid, Status(status), actor))

    def _add_note(self, text: str) -> None:
        actor = self._actor
        self._change(lambda store, rid: store.add_note(rid, text, actor), note=True)

    def _change(self, apply: Callable[[Any, int], Any], note: bool = False) -> None:
        request_id = self._selected_id
        if request_id is None or not self._active:
            return
        self.detail.set_busy(True)
        self.detail.show_error("")
        self._detail_asked += 1
        asked, formatter = self._detail_asked, self._formatter

        def work(store: Any) -> RequestDetail:
            return formatter.detail(apply(store, request_id), store.audit(request_id))

        self._jobs.run(self, work, lambda detail: self._changed(asked, detail, note),
                       lambda exc: self._change_failed(asked, exc))

    def _changed(self, asked: int, detail: RequestDetail, note: bool) -> None:
        self.detail.set_busy(False)
        self.model.replace(detail.row)
        if detail.row.id != self._selected_id:
            return
        if note:  # saved: the text must go, or a second tap would store it twice
            self.detail.note_saved()
            self._hide_keyboard()
        if asked == self._detail_asked:  # else a fresher read is already on its way
            self.detail.show_detail(detail)

    def _change_failed(self, asked: int, exc: BaseException) -> None:
        self.detail.set_busy(False)
        if asked == self._detail_asked:
            self.detail.show_error(_explain(exc))
            if isinstance(exc, InvalidTransition):
                self.refresh()

    # --- export -----------------------------------------------------------------------------
    def export(self) -> None:
        """Ask why first: the reason goes into the audit trail with the export."""
        if not self._active:
            return
        if self._role is not Role.ADMIN:
            self.show_notice(ADMIN_ONLY_EXPORT)
            return
        self.export_bar.show()
        self.export_reason.setFocus()
        if self.keyboard is not None:
            self._typing_into = self.export_reason
            # The queue makes room for the reason and the keyboard on a 600 px panel.
            self.table.hide()
            self.detail.hide()
            self._show_keyboard()

    def _reason_changed(self, text: str) -> None:
        self.export_confirm.setEnabled(bool(text.strip()))

    def _close_export(self) -> None:
        self.export_reason.clear()
        self.export_bar.hide()
        self.table.show()
        self.detail.show()
        if self._typing_into is self.export_reason:
            self._hide_keyboard()
            self._typing_into = self.detail.note

    def _confirm_export(self) -> None:
        reason = self.export_reason.text().strip()
        if not self._active or not reason or self._role is not Role.ADMIN:
            return
        path = self._choose_export_path()
        if path is None:
            return
        self._close_export()
        status, actor = self.model.status_filter, self._actor
        self.export_button.setEnabled(False)
        self.show_notice("Exporting…")

        def work(store: Any) -> int:
            from kiosk.staff.export import write_export

            return write_export(store, path, status, actor=actor, reason=reason)

        self._jobs.run(self, work, lambda count: self._exported(path, status, count),
                       self._export_failed)

    def _exported(self, path: Path, status: Status | None, count: int) -> None:
        self.export_button.setEnabled(True)
        which = f" {STATUS_LABELS[status].lower()}" if status else ""
        self.show_notice(f"Saved {count:,}{which} request{'s' if count != 1 else ''} to {path}")

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        # An OSError says what is wrong with the folder; a database error could quote rows.
        reason = str(exc) if isinstance(exc, OSError) else exc.__class__.__name__
        self.show_notice(f"The export could not be saved: {reason}")

    # --- the kiosk's keyboard ---------------------------------------------------------------
    def _type_note(self) -> None:
        self._typing_into = self.detail.note
        self._show_keyboard()

    def _show_keyboard(self) -> None:
        if self.keyboard is not None and not self.keyboard.isVisible():
            self.keyboard.show()  # the filters step aside for it; filtering can wait
            self._arrange()
            if self._typing_into is self.detail.note:
                # In the room the keyboard leaves (laid out now, not at the next turn): the
                # field typed into, and its button under it where both fit.
                self.layout().activate()
                self.detail.scroll.ensureWidgetVisible(self.detail.add_note)
                self.detail.scroll.ensureWidgetVisible(self.detail.note)

    def _hide_keyboard(self) -> None:
        if self.keyboard is not None and self.keyboard.isVisible():
            self.keyboard.hide()
            self._arrange()
            self._typing_into.clearFocus()

    def _type(self, char: str) -> None:
        note = self._typing_into
        before = note.text()[: note.cursorPosition()]
        starts_sentence = not before.strip() or before.rstrip()[-1] in ".!?"
        note.insert(char if starts_sentence or not char.isalpha() else char.lower())


def _explain(exc: BaseException) -> str:
    """What staff should know about a failed change; never a stack trace."""
    from kiosk.callback_queue.store import RequestNotFound

    if isinstance(exc, InvalidTransition):
        return "Someone else changed this request just now. Its latest state is shown."
    if isinstance(exc, RequestNotFound):
        return "This request no longer exists (closed requests are deleted after a while)."
    if isinstance(exc, ValueError):
        return str(exc)
    return "The change could not be saved. Check the connection and try again."
