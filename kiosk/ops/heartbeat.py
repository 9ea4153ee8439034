"""Tells the queue database, about once a minute, that this kiosk is alive and how it is doing.

Qt-free; ``beat`` runs on the kiosk's queue worker thread (``kiosk.app`` sets the timer).
A heartbeat that cannot be written is dropped quietly, logged once per outage: it must
never hold up or break the kiosk. Nothing in it names a patient.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: How often the kiosk reports; `status` and the console call a kiosk silent far later.
HEARTBEAT_INTERVAL_MS = 60_000


def free_disk_bytes(folder: Path) -> int | None:
    """Free space where the kiosk keeps its data (the nearest folder that exists)."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            try:
                return int(shutil.disk_usage(candidate).free)
            except OSError:
                return None
    return None


def _at(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M} UTC"


class HeartbeatReporter:
    """Collects this kiosk's facts and upserts its row; one per kiosk window."""

    def __init__(self, kiosk_id: str, version: str, started_at: datetime, data_folder: Path,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._kiosk_id = kiosk_id
        self._version = version
        self._started_at = started_at
        self._data_folder = data_folder
        self._clock = clock or (lambda: datetime.now(UTC))
        self._down = False
        #: (when, what) of this reporter's own last failed write, shown once it works again.
        self._own_failure: tuple[datetime, str] | None = None

    def beat(self, queue: Any, speech: str) -> bool:
        """Write one heartbeat through ``queue`` (a ResilientQueue); False if it failed."""
        from kiosk.callback_queue.fleet import (
            QUEUE_FAILING,
            QUEUE_OK,
            QUEUE_OUTBOX,
            Heartbeat,
            record_heartbeat,
        )

        try:
            depth = queue.pending_count()
            oldest = queue.oldest_pending_at() if depth else None
            failure = queue.last_failure
            state = (QUEUE_FAILING if failure else QUEUE_OUTBOX if depth else QUEUE_OK)
            errors = [f for f in (failure, self._own_failure) if f is not None]
            last_error = ""
            if errors:
                when, what = max(errors)
                last_error = f"{what} at {_at(when)}"
            now = self._clock()
            beat = Heartbeat(
                kiosk_id=self._kiosk_id, version=self._version, started_at=self._started_at,
                last_seen=now, outbox_depth=depth, outbox_oldest_at=oldest,
                queue_state=state, speech=speech,
                free_disk_bytes=free_disk_bytes(self._data_folder), last_error=last_error,
            )
            record_heartbeat(queue.store().engine, beat)
        except Exception as exc:  # the server is away, or refused: try again next minute
            self._own_failure = (self._clock(), f"heartbeat: {type(exc).__name__}")
            if not self._down:
                self._down = True
                log.warning("heartbeat not recorded (%s); retrying quietly every minute",
                            type(exc).__name__)
            return False
        if self._down:
            self._down = False
            log.info("heartbeat recorded again")
        return True
