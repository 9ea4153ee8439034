"""Writes the queue as CSV for the clinic's spreadsheet, defused against formula injection."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TextIO

from kiosk.callback_queue.model import CallbackRequest, Status
from kiosk.callback_queue.store import CallbackStore

HEADER = (
    "id",
    "created_at",
    "kiosk_id",
    "name",
    "phone",
    "best_time",
    "status",
    "attempts",
    "updated_at",
    "notes",
)
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """Prefix a quote to text a spreadsheet would run, so it is shown instead.

    Phone numbers in E.164 start with "+", so they come out as '+15551234567: the quote
    also stops the spreadsheet from turning them into numbers.
    """
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def write_csv(requests: Iterable[CallbackRequest], out: TextIO) -> int:
    """Write a header and one row per request; returns the number of requests written.

    Open ``out`` with ``newline=""`` as the csv module asks.
    """
    writer = csv.writer(out)
    writer.writerow(HEADER)
    written = 0
    for req in requests:
        cells = (
            str(req.id),
            _iso(req.created_at),
            req.kiosk_id,
            req.name,
            req.phone,
            req.best_time.value,
            req.status.value,
            str(req.attempts),
            _iso(req.updated_at),
            req.notes,
        )
        writer.writerow([escape_cell(cell) for cell in cells])
        written += 1
    return written


def iter_all(
    store: CallbackStore, status: Status | None = None, batch: int = 1000
) -> Iterator[CallbackRequest]:
    """Every request in id order, fetched ``batch`` rows at a time.

    Paging by id rather than offset means rows added or purged meanwhile cannot make the
    export skip or repeat a request.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    after_id = 0
    while True:
        rows = store.page_after(after_id, status=status, limit=batch)
        yield from rows
        if len(rows) < batch:
            return
        after_id = rows[-1].id
