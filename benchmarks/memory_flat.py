"""Does a day of patients grow the kiosk? Counts Python objects and RSS around repeated visits.

Used by bench_memory (1,000 language switches, 1,000 idle resets, 100,000 taps) and by the
leak tests in tests/shell/ui/test_memory.py (fewer of each). Every repetition is done with
real taps through the kiosk's public surface and then settled: posted events processed,
deferred deletes run, so only what the kiosk keeps is counted.
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

_PAGE = os.sysconf("SC_PAGE_SIZE")

#: A tap cycle that ends where it began (Home, every card closed, the form empty).
TAP_CYCLE = (("home", "tile-how-it-works"), ("section-how-it-works", "card-1"),
             ("section-how-it-works", "card-1"), (None, "nav-home"),
             ("home", "tile-consult"), ("consult", "key-a"), ("consult", "key-backspace"),
             (None, "nav-home"))


def rss_bytes() -> int:
    """The resident set size now (not the peak), from /proc/self/statm."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


def object_count() -> int:
    gc.collect()
    return len(gc.get_objects())


def type_counts() -> Counter[str]:
    gc.collect()
    return Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects())


def growth_by_type(before: Counter[str], after: Counter[str], top: int = 12) -> str:
    grown = (after - before).most_common(top)
    return ", ".join(f"{name} +{n}" for name, n in grown) or "nothing"


def settle() -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def tap(window, screen: str | None, name: str) -> None:
    """A real click on ``name``: in the top bar (``screen`` None) or on that screen, which
    must be the one showing."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    if screen is None:
        root = window.top_bar
    else:
        if window.current_screen() != screen:
            raise RuntimeError(f"{name}: expected {screen}, showing {window.current_screen()}")
        root = window.screens[screen]
    widget = root.findChild(QWidget, name)
    if widget is None or not widget.isVisibleTo(window):
        raise RuntimeError(f"no visible {name} on {screen or 'the top bar'}")
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    settle()


def switch_language(window) -> None:
    """Tap the language button on Home, then the first tap in the new language (which
    builds its screens) and back Home."""
    tap(window, None, "lang-toggle")
    tap(window, "home", "tile-what-is")
    tap(window, None, "nav-home")


def visit_and_reset(window) -> None:
    """A visitor switches language, opens a card, chooses larger text and high contrast,
    types a letter and walks away; the idle timer runs out (its own signal: the reset, and
    the visit's counts handed to the queue)."""
    tap(window, None, "lang-toggle")
    tap(window, "home", "tile-how-it-works")
    tap(window, "section-how-it-works", "card-2")
    tap(window, None, "text-size")
    tap(window, None, "contrast-toggle")
    tap(window, None, "nav-home")
    tap(window, "home", "tile-consult")
    tap(window, "consult", "key-m")
    window.idle.expired.emit()
    settle()


def nothing(window) -> None:
    """The baseline's step: the event loop turned and settled, as after every tap."""
    settle()


def taps(count: int) -> Callable[[object], None]:
    """``count`` taps of TAP_CYCLE, one repetition."""
    def run(window) -> None:
        for i in range(count):
            screen, name = TAP_CYCLE[i % len(TAP_CYCLE)]
            tap(window, screen, name)
    return run


@dataclass(frozen=True)
class Growth:
    repetitions: int
    objects: int
    rss: int
    by_type: str

    @property
    def objects_per_repetition(self) -> float:
        return self.objects / self.repetitions


def first_of_everything(window) -> None:
    """One of each thing once, the window settled, then time for the queue's thread to
    finish what it started: the first statements the queue runs (opening, the first
    heartbeat, the first counts an idle reset writes) fill SQLAlchemy's caches once, for good,
    and would land in whichever count happened to be running then."""
    from PySide6.QtTest import QTest

    from benchmarks.patient_session import wait_until_started

    wait_until_started(window)
    for _ in range(3):
        switch_language(window)
        visit_and_reset(window)
    taps(len(TAP_CYCLE))(window)
    # An idle reset as the idle timer makes it: besides the reset, the visit's anonymous
    # counts go to the queue (kiosk.insights), the statement the taps' own five-minute
    # flush would otherwise compile and cache in the middle of the count.
    window.idle.expired.emit()
    settle()
    QTest.qWait(3000)


def measure(window, step: Callable[[object], None], repetitions: int, warm_up: int,
            *, by_type: bool = True) -> Growth:
    """Run ``step`` ``warm_up`` times, then count objects and RSS around ``repetitions``
    more. ``by_type`` also names the types that grew (it costs one more walk of the heap)."""
    for _ in range(warm_up):
        step(window)
    settle()
    types_before = type_counts() if by_type else Counter()
    objects_before, rss_before = object_count(), rss_bytes()
    for _ in range(repetitions):
        step(window)
    settle()
    objects_after, rss_after = object_count(), rss_bytes()
    types_after = type_counts() if by_type else Counter()
    types_after["collections.Counter"] -= 1  # types_before itself
    return Growth(repetitions, objects_after - objects_before, rss_after - rss_before,
                  growth_by_type(types_before, types_after) if by_type else "")
