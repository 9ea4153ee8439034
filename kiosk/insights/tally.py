"""The kiosk's anonymous counts, kept in memory on the GUI thread and written in batches.

Qt-free. ``Tally.count`` is a dictionary increment under a lock: no disk, no network, so
a tap never waits for it. ``flush`` (on the queue worker) hands a batch to the database
and, when that fails, puts it back to be tried again: a count is never lost to an outage.
Nothing here holds a name, a phone or anything that follows one visitor: only totals per
day, counter and key (a section id, a language, a form step).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, tzinfo
from typing import Any

from kiosk.callback_queue.counts import UsageCount, check_name

log = logging.getLogger(__name__)

#: Every counter the kiosk keeps, with what its key is. `report` lists them in this order.
COUNTERS: dict[str, str] = {
    "visit": "a first touch after the kiosk rested at a pristine Home (start, idle reset, "
             "attract screen)",
    "section_opened": "a section shown; key: the section id",
    "card_opened": "a card opened; key: <section id>/<card number>",
    "language": "the language button used; key: the language chosen",
    "text_size": "the text-size button used; key: the size chosen",
    "contrast": "the contrast button used; key: the theme chosen",
    "speech": "speech used; key: read_aloud (a section read aloud) or mode (speech mode on)",
    "consult_opened": "the consult form shown",
    "consult_started": "something entered in the consult form",
    "consult_sent": "a consult request stored",
    "consult_abandoned": "a form started and left at the visit's end; key: the furthest step "
                         "reached (name, phone, time, consent)",
    "qr_shown": "a take-home QR code shown; key: the screen it was on",
}
#: The consult form's steps, in the order a visitor fills them.
FORM_STEPS = ("name", "phone", "time", "consent")
#: How often the kiosk writes its counts (and at each idle reset and at shutdown).
FLUSH_INTERVAL_MS = 5 * 60_000


def clinic_time_zone(config: Any) -> tuple[tzinfo | None, str]:
    """(tz, its name) from ``[clinic] time_zone`` when the config has it; else the machine's."""
    name = getattr(config.clinic, "time_zone", "") if config is not None else ""
    if name:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name), name
    return None, "local"


def today_in(tz: tzinfo | None) -> Callable[[], date]:
    """The clinic's date now (tz None: the machine's local date)."""
    return lambda: datetime.now(tz).date() if tz is not None else date.today()


class Tally:
    """Counts per (day, counter, key) for one kiosk, safe to fill and flush from two threads."""

    def __init__(self, kiosk_id: str, today: Callable[[], date]) -> None:
        self.kiosk_id = kiosk_id
        self._today = today
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._failing = False

    def count(self, counter: str, key: str = "") -> None:
        """One more of ``counter`` (a name in COUNTERS) for ``key`` today."""
        if counter not in COUNTERS:
            raise ValueError(f"unknown counter {counter!r}; known: {', '.join(COUNTERS)}")
        check_name(counter, key)
        day = self._today().isoformat()
        with self._lock:
            self._counts[(day, counter, key)] += 1

    def pending(self) -> dict[tuple[str, str, str], int]:
        """What is counted and not yet written: {(day, counter, key): n}."""
        with self._lock:
            return dict(self._counts)

    def take(self) -> list[UsageCount]:
        """Everything counted so far, leaving nothing behind."""
        with self._lock:
            taken, self._counts = self._counts, Counter()
        return [UsageCount(day, self.kiosk_id, counter, key, n)
                for (day, counter, key), n in sorted(taken.items())]

    def put_back(self, rows: Iterable[UsageCount]) -> None:
        """A batch that could not be written joins what was counted meanwhile."""
        with self._lock:
            for row in rows:
                self._counts[(row.day, row.counter, row.key)] += row.n

    def flush(self, write: Callable[[list[UsageCount]], object]) -> int:
        """Write what is pending with ``write`` (one transaction); on failure keep it for
        the next flush and log once per outage. Returns how many rows were written."""
        rows = self.take()
        if not rows:
            return 0
        try:
            write(rows)
        except Exception as exc:
            self.put_back(rows)
            if not self._failing:
                self._failing = True
                log.warning("usage counts not written (%s); kept to try again",
                            type(exc).__name__)
            return 0
        if self._failing:
            self._failing = False
            log.info("usage counts written again")
        return len(rows)


class ConsultProgress:
    """One visit's consult form: started once, then sent or, at the visit's end, abandoned
    at the furthest step reached. Holds which steps were touched, never what was typed."""

    def __init__(self, tally: Tally) -> None:
        self._tally = tally
        self._reached: set[str] = set()

    @property
    def started(self) -> bool:
        return bool(self._reached)

    def reached(self, step: str) -> None:
        if step not in FORM_STEPS:
            raise ValueError(f"unknown form step {step!r}")
        if not self._reached:
            self._tally.count("consult_started")
        self._reached.add(step)

    def furthest(self) -> str | None:
        steps = [s for s in FORM_STEPS if s in self._reached]
        return steps[-1] if steps else None

    def sent(self) -> None:
        self._tally.count("consult_sent")
        self._reached.clear()

    def visit_ended(self) -> None:
        furthest = self.furthest()
        if furthest is not None:
            self._tally.count("consult_abandoned", furthest)
        self._reached.clear()
