"""Saves the queue as a CSV file that only its owner can read: it holds names and phone numbers.

Qt-free; runs on the worker thread. The rows and their formula escaping are
``callback_queue.export``'s, exactly as ``kiosk export`` writes them.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.callback_queue.model import Actor, Status

if TYPE_CHECKING:
    from kiosk.callback_queue.store import CallbackStore

_PRIVATE_FILE = 0o600
_PRIVATE_DIR = 0o700


def export_file_path(folder: Path, now: datetime | None = None) -> Path:
    """``folder/queue-YYYYmmdd-HHMMSS.csv`` in local time, never an existing file's name."""
    stamp = f"{(now or datetime.now()).astimezone():%Y%m%d-%H%M%S}"
    path = folder / f"queue-{stamp}.csv"
    serial = 2
    while path.exists():
        path = folder / f"queue-{stamp}-{serial}.csv"
        serial += 1
    return path


def write_export(store: CallbackStore, path: Path, status: Status | None = None, *,
                 actor: Actor | str | None = None, reason: str | None = None) -> int:
    """Write every request (of ``status``, if given) to ``path``; returns how many.

    The file is created 0600 and removed again if writing fails, so a half-written export
    never lies around. A BOM leads the file so spreadsheets read accented names right.
    """
    from kiosk.callback_queue.export import write_queue_csv

    path.parent.mkdir(parents=True, exist_ok=True, mode=_PRIVATE_DIR)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _PRIVATE_FILE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as out:
            written = write_queue_csv(store, out, status)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    with contextlib.suppress(OSError):  # on Windows chmod only toggles read-only
        os.chmod(path, _PRIVATE_FILE)
    if actor is not None:
        store.record_event(actor, "export", export_detail(written, status, reason)
                           + f"; file {path.name}")
    return written


#: How long a typed export reason may be (it goes into the audit trail whole).
REASON_MAX_CHARS = 200


def clean_reason(reason: str | None) -> str:
    """One line, not too long, and no phone number typed into it by mistake."""
    from kiosk.staff.rows import mask_phone_numbers

    return mask_phone_numbers(" ".join((reason or "").split()))[:REASON_MAX_CHARS]


def export_detail(count: int, status: Status | None, reason: str | None) -> str:
    """The audit row's words for an export: how many, which, and the reason staff gave."""
    which = f"{status} requests" if status is not None else "requests"
    why = clean_reason(reason) or "no reason given"
    return f"exported {count} {which}; reason: {why}"
