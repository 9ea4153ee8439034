"""The staff table's model: pages of the queue fetched from SQL as the list scrolls, newest first.

It never holds more than the pages the view asked for, and every query runs on the worker
thread: opening a queue of 100,000 requests costs one indexed page of 100 rows and a count.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from kiosk.callback_queue.model import CallbackRequest, Status
from kiosk.staff.rows import COLUMNS, RowFormatter, StaffRow
from kiosk.staff.ui.jobs import StaffJobs

log = logging.getLogger(__name__)

PAGE_SIZE = 100
ATTEMPTS_COLUMN = COLUMNS.index("Calls")

_Index = QModelIndex | QPersistentModelIndex


class QueueTableModel(QAbstractTableModel):
    """Rows of the callback queue, optionally of one status; more are fetched on demand."""

    reloaded = Signal()  # a (re)load landed: selections may be restored
    total_changed = Signal(int)  # requests matching the filter, loaded or not
    failed = Signal(str)

    def __init__(self, jobs: StaffJobs, formatter: RowFormatter,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._formatter = formatter
        self._rows: list[StaffRow] = []
        self._ids: set[int] = set()
        self._status: Status | None = None
        self._more = False
        self._busy = False
        # Bumped by every reload and clear; answers for an older generation are dropped.
        self._generation = 0
        self.total = 0

    # --- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[index.row()].cells()[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == ATTEMPTS_COLUMN:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more and not self._busy

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        self._busy = True
        status, offset, formatter = self._status, len(self._rows), self._formatter

        def page(store: Any) -> list[StaffRow]:
            return formatter.rows(store.page(status=status, offset=offset, limit=PAGE_SIZE))

        generation = self._generation
        self._jobs.run(self, page, lambda rows: self._appended(generation, rows),
                       lambda exc: self._fetch_failed(generation, exc))

    # --- loading --------------------------------------------------------------------------
    @property
    def status_filter(self) -> Status | None:
        return self._status

    def set_status_filter(self, status: Status | None) -> None:
        """Show only ``status`` (None: every request), starting again from the newest."""
        self._status = None if status is None else Status(status)
        self.reload(keep_loaded=False)

    def reload(self, keep_loaded: bool = True) -> None:
        """Query again. ``keep_loaded`` re-reads as many rows as are loaded now, so a
        refresh after a new request does not throw away the pages the user scrolled to."""
        self._generation += 1
        self._busy = True
        generation, status, formatter = self._generation, self._status, self._formatter
        limit = max(PAGE_SIZE, len(self._rows)) if keep_loaded else PAGE_SIZE

        def first_pages(store: Any) -> tuple[list[StaffRow], int]:
            rows = formatter.rows(store.page(status=status, offset=0, limit=limit))
            return rows, store.count(status)

        self._jobs.run(self, first_pages,
                       lambda answer: self._reloaded(generation, limit, answer),
                       lambda exc: self._fetch_failed(generation, exc))

    def clear(self) -> None:
        """Forget every row (the staff screen locked); answers still on their way are dropped."""
        self._generation += 1
        self._busy = False
        self._more = False
        self.beginResetModel()
        self._rows, self._ids = [], set()
        self.endResetModel()
        self._set_total(0)

    def _reloaded(self, generation: int, limit: int,
                  answer: tuple[list[StaffRow], int]) -> None:
        if generation != self._generation:
            return
        rows, total = answer
        self.beginResetModel()
        self._rows = rows
        self._ids = {row.id for row in rows}
        self._more = len(rows) == limit and len(rows) < total
        self._busy = False
        self.endResetModel()
        self._set_total(total)
        self.reloaded.emit()

    def _appended(self, generation: int, rows: list[StaffRow]) -> None:
        if generation != self._generation:
            return
        self._busy = False
        self._more = len(rows) == PAGE_SIZE
        # Offsets shift when requests arrive meanwhile; never show one request twice.
        fresh = [row for row in rows if row.id not in self._ids]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self._ids.update(row.id for row in fresh)
            self.endInsertRows()

    def _fetch_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._busy = False
        log.warning("staff table: loading failed: %s", exc.__class__.__name__)
        self.failed.emit("The queue could not be read. Check the connection, then tap Refresh.")

    def _set_total(self, total: int) -> None:
        self.total = total
        self.total_changed.emit(total)

    # --- rows -----------------------------------------------------------------------------
    def row_at(self, row: int) -> StaffRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def request_at(self, row: int) -> CallbackRequest | None:
        found = self.row_at(row)
        return found.request if found else None

    def row_of(self, request_id: int) -> int | None:
        if request_id not in self._ids:
            return None
        return next(i for i, row in enumerate(self._rows) if row.id == request_id)

    def replace(self, row: StaffRow) -> None:
        """Show a request's new state in place (it stays even if it left the filter)."""
        index = self.row_of(row.id)
        if index is None:
            return
        self._rows[index] = row
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(COLUMNS) - 1))
