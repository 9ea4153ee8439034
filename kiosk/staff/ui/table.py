"""The staff table's model: the whole queue in its row count, a small window of it in memory.

``rowCount`` is every request matching the filter, so the scroll bar spans the whole queue
and dragging it to the bottom reaches the oldest request. Only a window of ``WINDOW_ROWS``
requests is held; when the view asks for a row outside it (or near its edge), the window
moves by one keyset read on the worker thread (``kiosk.staff.window``), cheap at any depth.
Rows are formatted only when the view asks for their cells, and forgotten with the window.
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
    QTimer,
    Signal,
)

from kiosk.callback_queue.model import CallbackRequest, Status
from kiosk.staff.rows import COLUMNS, RowFormatter, StaffRow
from kiosk.staff.ui.jobs import StaffJobs
from kiosk.staff.window import ORDER, Edge, Fetch, key_of, plan, read

log = logging.getLogger(__name__)

PAGE_SIZE = 100
#: Requests held at most (about 1 KiB each): two pages either side of what a screen shows.
WINDOW_ROWS = 5 * PAGE_SIZE
#: The window moves once a wanted row comes this close to an edge that is not the queue's
#: end: more than a page, so a flick of a page lands on rows already held while the next
#: ones are read in the background.
MARGIN_ROWS = PAGE_SIZE * 3 // 2
ATTEMPTS_COLUMN = COLUMNS.index("Calls")
_TEXT_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole})
_ALIGNMENT_ROLE = Qt.ItemDataRole.TextAlignmentRole
_CENTRED = Qt.AlignmentFlag.AlignCenter
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

_Index = QModelIndex | QPersistentModelIndex


class QueueTableModel(QAbstractTableModel):
    """Rows of the callback queue, optionally of one status, most due first (then those
    nobody has to call any more): ``kiosk.staff.window.ORDER``."""

    reloaded = Signal()  # a (re)load landed: selections may be restored
    total_changed = Signal(int)  # requests matching the filter
    window_moved = Signal()  # other rows are held now
    failed = Signal(str)

    def __init__(self, jobs: StaffJobs, formatter: RowFormatter,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._formatter = formatter
        self._status: Status | None = None
        self._start = 0  # the row number of the first held request
        self._held: list[CallbackRequest] = []
        self._formatted: dict[int, StaffRow] = {}  # by row number, only rows asked for
        self._total = 0
        # Bumped by every reload and clear; answers for an older generation are dropped.
        self._generation = 0
        self._reloading = False
        self._moving: Fetch | None = None  # the window read on its way, if any
        self._wanted: int | None = None
        #: Whether the last reload kept the place (a refresh), or started at the newest (a
        #: filter); and the rows it moved down by (requests that arrived above them).
        self.kept_place = False
        self.shifted_by = 0
        self._want_timer = QTimer(self)
        self._want_timer.setSingleShot(True)
        self._want_timer.setInterval(0)
        self._want_timer.timeout.connect(self._want_now)

    # --- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks about seven roles for every cell it paints, through Python: the
        # roles with no answer are turned away first, with one set lookup.
        if role in _TEXT_ROLES:
            if not index.isValid():
                return None
            row = index.row()
            self._want_later(row)
            found = self.row_at(row)
            return found.cells()[index.column()] if found is not None else None
        if role == _ALIGNMENT_ROLE and index.column() == ATTEMPTS_COLUMN:
            return _CENTRED
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # --- loading --------------------------------------------------------------------------
    @property
    def status_filter(self) -> Status | None:
        return self._status

    @property
    def total(self) -> int:
        return self._total

    @property
    def window(self) -> tuple[int, int]:
        """The row numbers [start, stop) held in memory."""
        return self._start, self._start + len(self._held)

    @property
    def loading(self) -> bool:
        """A read is on its way, or about to be sent."""
        return self._reloading or self._moving is not None or self._want_timer.isActive()

    def held(self) -> int:
        """Requests in memory (at most WINDOW_ROWS), formatted or not."""
        return len(self._held)

    def set_status_filter(self, status: Status | None) -> None:
        """Show only ``status`` (None: every request), starting again from the newest."""
        self._status = None if status is None else Status(status)
        self.reload(keep_loaded=False)

    def reload(self, keep_loaded: bool = True) -> None:
        """Count and read again. ``keep_loaded`` keeps the same requests in the window (the
        newest ones at the top of the queue, which is where new requests appear), so a
        refresh after a new request does not move staff away from where they scrolled to.
        Without it the first page is shown at once and the total follows a moment later."""
        self._generation += 1
        self._reloading = True
        self._moving = None
        if not keep_loaded:
            self._wanted = None
        generation, status = self._generation, self._status
        deep = keep_loaded and self._start > 0 and bool(self._held)
        anchor = key_of(self._held[0]) if deep else None
        limit = max(PAGE_SIZE, len(self._held)) if keep_loaded else PAGE_SIZE

        if not keep_loaded:
            # A fresh start shows its first page before counting: a count reads a whole
            # index (tens of ms on a million rows), a keyset page one short range.
            def first_page(store: Any) -> tuple[list[CallbackRequest], int]:
                rows = store.page_from(None, status, limit, order=ORDER)
                return rows, len(rows)

            self._jobs.run(self, first_page,
                           lambda answer: self._reloaded(generation, False, False, answer),
                           lambda exc: self._fetch_failed(generation, exc))
            return

        def first_rows(store: Any) -> tuple[list[CallbackRequest], int, int | None]:
            total = store.count(status)
            rows = store.page_from(anchor, status, limit, inclusive=True, order=ORDER)
            # Requests arrive anywhere in the due order, above or below what is held:
            # where the held rows now start is counted, not guessed.
            above = store.count_before(key_of(rows[0]), status, order=ORDER) \
                if deep and rows else None
            return rows, total, above

        self._jobs.run(self, first_rows,
                       lambda answer: self._reloaded(generation, True, deep, answer),
                       lambda exc: self._fetch_failed(generation, exc))

    def _count(self, generation: int) -> None:
        status = self._status
        self._jobs.run(self, lambda store: store.count(status),
                       lambda total: self._counted(generation, total),
                       lambda exc: self._fetch_failed(generation, exc))

    def _counted(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self._reloading = False
        self._resize(max(total, len(self._held)))
        self._replan()

    def clear(self) -> None:
        """Forget every row (the staff screen locked); answers still on their way are dropped."""
        self._generation += 1
        self._reloading = False
        self._moving = None
        self._wanted = None
        self._want_timer.stop()
        self.beginResetModel()
        self._start, self._held, self._formatted = 0, [], {}
        self._total = 0
        self.endResetModel()
        self.total_changed.emit(0)

    def want(self, row: int) -> None:
        """Make sure row ``row`` is (soon) held; the view calls this through ``data``."""
        self._wanted = row
        if self._reloading or self._moving is not None:
            return  # planned again when the answer on its way lands
        start, stop = self.window
        fetch = plan(start, stop, self._total, row, WINDOW_ROWS, MARGIN_ROWS, PAGE_SIZE)
        if fetch is None:
            return
        self._moving = fetch
        generation, status = self._generation, self._status
        first = key_of(self._held[0]) if self._held else None
        last = key_of(self._held[-1]) if self._held else None
        self._jobs.run(self, lambda store: read(store, fetch, status, first, last),
                       lambda rows: self._moved(generation, fetch, rows),
                       lambda exc: self._fetch_failed(generation, exc))

    def _want_later(self, row: int) -> None:
        # data() must not change the model while the view is reading it: move after it.
        # The row is wanted even when it is held now: a read still on its way (a flick
        # elsewhere) may move the window off it, and is then planned again for this row.
        self._wanted = row
        start, stop = self.window
        if plan(start, stop, self._total, row, WINDOW_ROWS, MARGIN_ROWS, PAGE_SIZE) is None:
            return
        self._want_timer.start()

    def _want_now(self) -> None:
        if self._wanted is not None:
            self.want(self._wanted)

    def _reloaded(self, generation: int, kept: bool, deep: bool,
                  answer: tuple[Any, ...]) -> None:
        if generation != self._generation:
            return
        self.kept_place = kept
        rows, total, *counted = answer
        above = counted[0] if counted else None
        old_start = self._start
        # Deep in the queue, the window keeps its requests, now ``above`` rows down.
        start = min(max(0, above), max(0, total - len(rows))) if deep and above is not None \
            else 0
        self.shifted_by = start - old_start if deep else 0
        self.beginResetModel()
        self._start, self._held, self._formatted = start, rows, {}
        self._total = max(total, start + len(rows))
        counting = not kept and len(rows) == PAGE_SIZE  # a full first page: there may be more
        self._reloading = counting
        self.endResetModel()
        self.total_changed.emit(self._total)
        self.reloaded.emit()
        if counting:
            self._count(generation)
        else:
            self._replan()

    def _moved(self, generation: int, fetch: Fetch, rows: list[CallbackRequest]) -> None:
        if generation != self._generation or fetch is not self._moving:
            return
        self._moving = None
        start, _stop = self.window
        short = len(rows) < fetch.count  # requests left the filter or were purged meanwhile
        if fetch.edge is Edge.OLDER:
            merged, first = self._held + rows, start
            if short:  # the queue ends here
                self._resize(first + len(merged))
        elif fetch.edge is Edge.NEWER:
            merged = rows + self._held
            first = 0 if short else start - len(rows)  # short: nothing newer is left
        else:
            merged = rows
            first = max(0, fetch.start if fetch.from_newest else fetch.stop - len(rows))
            if short and fetch.from_newest:
                self._resize(first + len(rows))
        keep_from = max(0, fetch.start - first)
        self._start, self._held = first + keep_from, merged[keep_from:keep_from + WINDOW_ROWS]
        start, stop = self.window
        self._formatted = {n: row for n, row in self._formatted.items() if start <= n < stop}
        self._announce_window()
        self._replan()

    def _resize(self, total: int) -> None:
        """The queue turned out shorter (or longer) than counted: say so the Qt way."""
        if total < self._total:
            self.beginRemoveRows(QModelIndex(), total, self._total - 1)
            self._total = total
            self.endRemoveRows()
        elif total > self._total:
            self.beginInsertRows(QModelIndex(), self._total, total - 1)
            self._total = total
            self.endInsertRows()
        else:
            return
        self.total_changed.emit(total)

    def _announce_window(self) -> None:
        start, stop = self.window
        if stop > start:
            self.dataChanged.emit(self.index(start, 0), self.index(stop - 1, len(COLUMNS) - 1),
                                  [Qt.ItemDataRole.DisplayRole])
        self.window_moved.emit()

    def _replan(self) -> None:
        if self._wanted is not None:
            self.want(self._wanted)

    def _fetch_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._reloading = False
        self._moving = None
        log.warning("staff table: loading failed: %s", exc.__class__.__name__)
        self.failed.emit("The queue could not be read. Check the connection, then tap Refresh.")

    # --- rows -----------------------------------------------------------------------------
    def row_at(self, row: int) -> StaffRow | None:
        """Row ``row`` formatted (now, if the view had not asked for it yet), or None when
        it is not held."""
        found = self._formatted.get(row)
        if found is not None:
            return found
        request = self.request_at(row)
        if request is None:
            return None
        found = self._formatted[row] = self._formatter.row(request)
        return found

    def request_at(self, row: int) -> CallbackRequest | None:
        offset = row - self._start
        return self._held[offset] if 0 <= offset < len(self._held) else None

    def row_of(self, request_id: int) -> int | None:
        return next((self._start + i for i, req in enumerate(self._held)
                     if req.id == request_id), None)

    def refresh_times(self) -> None:
        """Write the held rows again (their "N min late" moved on); no read."""
        self._formatted = {}
        self._announce_window()

    def replace(self, row: StaffRow) -> None:
        """Show a request's new state in place (it stays even if it left the filter)."""
        index = self.row_of(row.id)
        if index is None:
            return
        self._held[index - self._start] = row.request
        self._formatted[index] = row
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(COLUMNS) - 1))
