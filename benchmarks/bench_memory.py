"""Memory stays flat all day: Python objects and RSS around language switches, resets and taps.

Each block warms up first, then counts ``len(gc.get_objects())`` after ``gc.collect()`` and
the resident set size around its repetitions (memory_flat.py says how each is driven). The
target is the issue's: fewer than 1 object kept per repetition, and under 5 MB of RSS for a
day of 1,000 switches, 1,000 resets and 100,000 taps. The full run does that whole day (each
language's screens are built once and kept, so a switch costs milliseconds now); the quick
run a small share of it, with the RSS target scaled to that share.
"""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row
from benchmarks.bench_startup import preflight, write_config

DAY = {"switches": 1000, "resets": 1000, "taps": 100_000}
FULL = DAY
QUICK = {"switches": 20, "resets": 50, "taps": 800}
RSS_DAY_MB = 5.0
TAP_REPETITION = 200  # taps per measured repetition


def run(quick: bool, workdir: Path) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from benchmarks import memory_flat
    from benchmarks.patient_session import shown_kiosk

    app = QApplication.instance() or QApplication(["benchmarks"])  # noqa: F841 - kept alive
    config = write_config(workdir)
    preflight(config)
    counts = QUICK if quick else FULL
    # Past what start-up puts off (the queue opened with SQLAlchemy, the first heartbeat):
    # it loads modules once, for good, and is no leak.
    with shown_kiosk(config, settle_ms=1500) as window:
        memory_flat.first_of_everything(window)
        switches = memory_flat.measure(window, memory_flat.switch_language,
                                       counts["switches"], warm_up=10)
        resets = memory_flat.measure(window, memory_flat.visit_and_reset, counts["resets"],
                                     warm_up=20)
        taps = memory_flat.measure(window, memory_flat.taps(TAP_REPETITION),
                                   counts["taps"] // TAP_REPETITION, warm_up=2)
        # The baseline: the same count around as many turns of the event loop with nothing
        # done, in the same window: what counting itself and the idle kiosk leave.
        floor = memory_flat.measure(window, memory_flat.nothing, counts["switches"],
                                    warm_up=10)
    share = sum(counts[k] / DAY[k] for k in DAY) / len(DAY)
    rss_mb = (switches.rss + resets.rss + taps.rss) / 2**20
    done = (f"{counts['switches']} switches, {counts['resets']} resets, {counts['taps']:,} taps")
    floor_each = floor.objects_per_repetition
    baseline = f"; baseline: {floor.repetitions} event-loop turns with nothing done"
    return [
        limit_row("Objects kept per language switch", switches.objects_per_repetition, 1.0,
                  "objects", baseline=floor_each,
                  note=f"{switches.repetitions} taps on the language button (each followed by "
                       f"a section tap that builds the new screens, and Home) after 10 warm-up; "
                       f"RSS {switches.rss / 2**20:+.1f} MB; grew: {switches.by_type}{baseline}"),
        limit_row("Objects kept per idle reset", resets.objects_per_repetition, 1.0, "objects",
                  baseline=floor_each,
                  note=f"{resets.repetitions} visits (Spanish, a section, a card, larger text, "
                       f"high contrast, the form, a letter) each ended by the idle timer, after "
                       f"20 warm-up; RSS {resets.rss / 2**20:+.1f} MB; grew: {resets.by_type}"
                       f"{baseline}"),
        limit_row("Objects kept per 1,000 taps",
                  taps.objects / (taps.repetitions * TAP_REPETITION) * 1000, 1.0, "objects",
                  baseline=floor_each * 1000 / TAP_REPETITION,
                  note=f"{counts['taps']:,} taps cycling tile, card open/close, Home, the form, "
                       f"a key and Delete, each settled (paint included), after "
                       f"{2 * TAP_REPETITION} warm-up; RSS {taps.rss / 2**20:+.1f} MB; "
                       f"grew: {taps.by_type}{baseline}"),
        limit_row("RSS growth, switches + resets + taps", rss_mb, round(RSS_DAY_MB * share, 2),
                  "MB", baseline=floor.rss / 2**20,
                  note=f"{done} ({share:.0%} of the issue's day of 1,000 / 1,000 / 100,000); "
                       f"target {RSS_DAY_MB:g} MB for the day, scaled to that share{baseline}"),
    ]
