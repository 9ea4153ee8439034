"""Which slice of a huge queue the staff table holds, and which keyset read fills the next one.

Qt-free. The table numbers its rows 0 (the newest request) to total - 1 (the oldest) and
holds at most ``size`` consecutive ones. When the view asks for a row outside that window,
or near its edge, ``plan`` says where the window moves and how to read what is missing: by
keyset from the window's edge when the two windows overlap (one cheap range read at any
depth), otherwise a jump from whichever end of the queue is nearer. ``read`` runs that plan
on the worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from kiosk.callback_queue.model import AWAITING_CALL, CallbackRequest, Status

if TYPE_CHECKING:
    from kiosk.callback_queue.store import CallbackStore, PageKey

#: The staff list's order: the store's QueueOrder.DUE, (queue_rank, due_by, id): who has
#: to be called, most due first, then the rest. Row 0 is its top ("newest" below means
#: "nearer the top"), and every read is a keyset range on ``ix_callback_requests_rank_due``.
ORDER = "due"


def key_of(request: CallbackRequest) -> PageKey:
    """A held request's place in ORDER (the store's due_key, without importing the store
    on the GUI thread)."""
    return (0 if request.status in AWAITING_CALL else 1), request.due_by, request.id


class Edge(StrEnum):
    OLDER = "older"  # after the window's last (oldest) row
    NEWER = "newer"  # before its first (newest) row
    JUMP = "jump"  # a window of its own, away from the one held


@dataclass(frozen=True, slots=True)
class Fetch:
    """Move the window to rows [start, stop); read ``count`` rows from ``edge``."""

    start: int
    stop: int
    edge: Edge
    count: int
    #: For a jump: rows skipped from the nearer end, and which end that is.
    skip: int = 0
    from_newest: bool = True


def plan(start: int, stop: int, total: int, wanted: int, size: int,
         margin: int, jump: int | None = None) -> Fetch | None:
    """What to read so that row ``wanted`` sits well inside the window; None if it does.

    The window [start, stop) is moved to centre on ``wanted`` once it comes within
    ``margin`` rows of an edge that is not the end of the queue. A jump reads only ``jump``
    rows (default ``size``) around it, to show them sooner; the next plan fills the rest.
    """
    if total <= 0 or size <= 0:
        return None
    wanted = min(max(wanted, 0), total - 1)
    if start <= wanted < stop and (wanted - start >= margin or start == 0) and (
            stop - wanted > margin or stop >= total):
        return None
    new_start = min(max(wanted - size // 2, 0), max(0, total - size))
    new_stop = min(total, new_start + size)
    if start < stop and new_start < stop and new_stop > start:  # the windows overlap
        if new_stop > stop:
            return Fetch(new_start, new_stop, Edge.OLDER, new_stop - stop)
        if new_start < start:
            return Fetch(new_start, new_stop, Edge.NEWER, start - new_start)
        return None
    jump = size if jump is None else min(max(jump, 1), size)
    new_start = min(max(wanted - jump // 2, 0), max(0, total - jump))
    new_stop = min(total, new_start + jump)
    from_newest = new_start <= total - new_stop
    skip = new_start if from_newest else total - new_stop
    return Fetch(new_start, new_stop, Edge.JUMP, new_stop - new_start, skip, from_newest)


def read(store: CallbackStore, fetch: Fetch, status: Status | None,
         first: PageKey | None, last: PageKey | None) -> list[CallbackRequest]:
    """The rows ``fetch`` asks for, newest first; ``first``/``last`` are the held window's
    newest and oldest keys. Runs on the worker thread."""
    if fetch.edge is Edge.OLDER:
        return store.page_from(last, status, fetch.count, newest_first=True, order=ORDER)
    if fetch.edge is Edge.NEWER:
        return store.page_from(first, status, fetch.count, newest_first=False,
                               order=ORDER)[::-1]
    rows = store.page_at(fetch.skip, status, fetch.count, newest_first=fetch.from_newest,
                         order=ORDER)
    return rows if fetch.from_newest else rows[::-1]
