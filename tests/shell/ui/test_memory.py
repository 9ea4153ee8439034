"""A day of visitors leaves nothing behind: language switches, idle resets and taps keep no
Python objects once warmed up (counted with gc.get_objects() after gc.collect()).

`make bench` runs the same steps (benchmarks/memory_flat.py) many more times and reports RSS.
"""

from __future__ import annotations

import pytest

from benchmarks import memory_flat

# pytest-qt keeps a record of every Qt message (offscreen, each tap logs an ignored
# propagateSizeHints warning): those records would be the only objects that grow.
pytestmark = pytest.mark.no_qt_log


@pytest.fixture
def warm_kiosk(qtbot, kiosk):
    kiosk.activateWindow()
    # What start-up puts off (the queue opened with SQLAlchemy once the window settles, the
    # first heartbeat, the first counts written) loads modules and fills caches once, for
    # good: let it happen before counting.
    memory_flat.first_of_everything(kiosk)
    memory_flat.settle()
    return kiosk


def _message(growth: memory_flat.Growth, what: str) -> str:
    return (f"{growth.objects} objects kept over {growth.repetitions} {what} "
            f"({growth.objects_per_repetition:.2f} each); grew: {growth.by_type}")


def test_language_switches_keep_no_objects(warm_kiosk) -> None:
    growth = memory_flat.measure(warm_kiosk, memory_flat.switch_language, 30, warm_up=10)
    assert growth.objects_per_repetition < 1, _message(growth, "language switches")


def test_idle_resets_keep_no_objects(warm_kiosk) -> None:
    growth = memory_flat.measure(warm_kiosk, memory_flat.visit_and_reset, 100, warm_up=20)
    assert growth.objects_per_repetition < 1, _message(growth, "visits and resets")


def test_taps_keep_no_objects(warm_kiosk) -> None:
    cycle = len(memory_flat.TAP_CYCLE)
    growth = memory_flat.measure(warm_kiosk, memory_flat.taps(cycle * 25), 8, warm_up=2)
    taps = growth.repetitions * cycle * 25
    assert growth.objects < taps / 1000, _message(growth, f"repetitions of {cycle * 25} taps")
