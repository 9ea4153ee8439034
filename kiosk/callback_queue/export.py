"""Writes the queue as CSV for the clinic's spreadsheet, defused against formula injection."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, tzinfo
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
    "due_by",
    "language",
    "consent_version",
    "last_actor",
)
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """Prefix a quote to text a spreadsheet would run, so it is shown instead.

    Phone numbers in E.164 start with "+", so they come out as '+15551234567: the quote
    also stops the spreadsheet from turning them into numbers.
    """
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _iso(moment: datetime | None, tz: tzinfo | None = None) -> str:
    if moment is None:
        return ""
    return (moment if tz is None else moment.astimezone(tz)).isoformat(timespec="seconds")


def write_csv(requests: Iterable[CallbackRequest], out: TextIO, *, tz: tzinfo | None = None,
              last_actors: Mapping[int, str] | None = None) -> int:
    """Write a header and one row per request; returns the number of requests written.

    ``due_by`` is written in ``tz`` (the clinic's zone) with its offset; ``last_actors``
    maps a request id to the actor of its latest audit row. Open ``out`` with
    ``newline=""`` as the csv module asks.
    """
    writer = csv.writer(out)
    writer.writerow(HEADER)
    written = 0
    actors = {} if last_actors is None else last_actors
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
            _iso(req.due_by, tz),
            req.language,
            req.consent_version,
            actors.get(req.id, ""),
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


def write_queue_csv(store: CallbackStore, out: TextIO, status: Status | None = None,
                    batch: int = 1000) -> int:
    """Every request (of ``status``) as CSV, due times in the clinic's zone and each row's
    last actor read one batch at a time alongside the requests."""

    actors: dict[int, str] = {}  # the current batch's, filled as write_csv reaches it

    def batches() -> Iterator[CallbackRequest]:
        for chunk in _chunks(iter_all(store, status, batch), batch):
            actors.clear()
            actors.update(store.last_actors(req.id for req in chunk))
            yield from chunk

    policy = getattr(store, "policy", None)  # a stand-in store in tests may have none
    return write_csv(batches(), out, tz=policy.hours.tz if policy else None,
                     last_actors=actors)


def _chunks(items: Iterable[CallbackRequest], size: int) -> Iterator[list[CallbackRequest]]:
    chunk: list[CallbackRequest] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
