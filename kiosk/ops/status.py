"""`kiosk status`: every kiosk's last heartbeat, one line each, and whether any needs a look.

Qt-free; the staff console's Kiosks panel shows the same lines (``assess``, ``describe``).
Exit codes: 0 all well (or no kiosk recorded yet), 1 a kiosk is silent, has had a request
waiting in its outbox too long, or the database cannot be read, 2 the config cannot be used.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from kiosk.callback_queue.fleet import Heartbeat

EXIT_OK = 0
EXIT_ATTENTION = 1
EXIT_CONFIG = 2
#: A request waiting this long in a kiosk's outbox means the server is not taking them.
OUTBOX_WAIT_LIMIT_S = 5 * 60


@dataclass(frozen=True, slots=True)
class KioskHealth:
    beat: Heartbeat
    silent_for_s: float
    #: How long the oldest request in the outbox has waited (None: the outbox is empty).
    outbox_wait_s: float | None
    problems: tuple[str, ...]


def ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 120 * 60:
        return f"{seconds // 60} min"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def size(free: int | None) -> str:
    if free is None:
        return "?"
    amount = float(free)
    for unit in ("B", "KB", "MB", "GB"):
        if amount < 1000:
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1000
    return f"{amount:.1f} TB"


def assess(beats: Iterable[Heartbeat], now: datetime, silent_after_min: int) -> list[KioskHealth]:
    found = []
    for beat in beats:
        silent = (now - beat.last_seen).total_seconds()
        oldest = beat.outbox_oldest_at
        # The wait keeps growing after the last heartbeat: count it up to now.
        waited = (now - oldest).total_seconds() if oldest is not None else None
        problems = []
        if silent > silent_after_min * 60:
            problems.append(f"SILENT for {ago(silent)}")
        if waited is not None and waited > OUTBOX_WAIT_LIMIT_S:
            problems.append(f"OUTBOX request waiting {ago(waited)}")
        found.append(KioskHealth(beat, silent, waited, tuple(problems)))
    return found


def describe(health: KioskHealth) -> str:
    b = health.beat
    outbox = f"outbox {b.outbox_depth}"
    if health.outbox_wait_s is not None:
        outbox += f" (oldest {ago(health.outbox_wait_s)})"
    parts = [b.kiosk_id, f"v{b.version}", f"seen {ago(health.silent_for_s)} ago", outbox,
             f"queue {b.queue_state}", f"speech {b.speech}",
             f"disk {size(b.free_disk_bytes)} free", f"last error: {b.last_error or '—'}"]
    line = "  ".join(parts)
    return f"{line}  << {'; '.join(health.problems)}" if health.problems else line


def run_status(config_path: str | os.PathLike[str] | None, *, stdout: TextIO | None = None,
               stderr: TextIO | None = None, now: datetime | None = None) -> int:
    from kiosk.config import complain, load_config, resolve_config_path

    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    config = load_config(resolve_config_path(config_path))
    if config.problems:
        complain(config.problems, stderr)
        return EXIT_CONFIG

    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.callback_queue.fleet import read_heartbeats
    from kiosk.callback_queue.store import CallbackStore
    from kiosk.ops.paths import database_url

    try:
        with CallbackStore.open(database_url(config)) as store:
            beats = read_heartbeats(store.engine)
    except (SQLAlchemyError, OSError) as exc:
        # The driver's own message, not SQLAlchemy's, which can quote a statement's values.
        reason = getattr(exc, "orig", None) or exc.__class__.__name__
        print(f"Cannot read the queue database: {reason}", file=stderr)
        return EXIT_ATTENTION
    if not beats:
        print("No kiosk has reported yet.", file=stdout)
        return EXIT_OK
    found = assess(beats, now or datetime.now(UTC), config.staff.kiosk_silent_after_min)
    for health in found:
        print(describe(health), file=stdout)
    troubled = [h for h in found if h.problems]
    if troubled:
        print(f"{len(troubled)} of {len(found)} kiosk(s) need a look.", file=stderr)
        return EXIT_ATTENTION
    return EXIT_OK
