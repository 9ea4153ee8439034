"""The console's Report view: the same figures as `kiosk report`, and its two charts drawn."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QTableWidget
from pytestqt.qtbot import QtBot
from report_history import NAME, seed
from test_staff_console import PIN, open_console, quiet, unlock, write_config  # noqa: F401
from test_staff_kiosk import config_path, url  # noqa: F401 - fixtures

from kiosk.shell.ui.bar_chart import BarChart
from kiosk.staff.pin import hash_pin
from kiosk.staff.ui.report import ReportView


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin(PIN)


SHOTS = os.environ.get("KIOSK_SHOTS")  # a folder: the pictures are saved there to look at


def bar_columns(image: QImage, colour: str) -> int:
    """How many pixel columns of the chart carry the bar colour: bars really drawn."""
    wanted = QColor(colour).rgb()
    return sum(any(image.pixel(x, y) == wanted for y in range(image.height()))
               for x in range(image.width()))


def test_admins_see_the_figures_and_both_charts(qtbot: QtBot, tmp_path: Path, pin_hash: str,
                                                store_url: str) -> None:
    seed(store_url)
    config = write_config(tmp_path, store_url, pin_hash)
    console = open_console(qtbot, config)
    opener = console.findChild(QPushButton, "staff-report-open")
    assert not opener.isVisible()  # locked: no way in
    unlock(qtbot, console)
    report = console.findChild(ReportView, "staff-report")
    with qtbot.waitSignal(report.shown, timeout=10_000):
        qtbot.mouseClick(console.findChild(QPushButton, "staff-report-open"),
                         Qt.MouseButton.LeftButton)
    assert console.stack.currentWidget() is report
    text = {name: report.findChild(QLabel, f"staff-report-{name}").text()
            for name in ("requests", "median", "p90", "reached", "booked", "overdue")}
    assert text == {"requests": "6", "median": "35 min", "p90": "90 min", "reached": "33% (2)",
                    "booked": "17% (1)", "overdue": "1"}
    per_day = report.findChild(BarChart, "staff-report-per-day")
    assert len(per_day.bars()) == 14 and sum(n for _d, n in per_day.bars()) == 6
    first_call = report.findChild(BarChart, "staff-report-first-call")
    assert dict(first_call.bars())["30-60 min"] == 1 and sum(
        n for _l, n in first_call.bars()) == 3
    by_day = report.findChild(QTableWidget, "staff-report-by-day")
    cells = [[by_day.item(r, c).text() for c in range(by_day.columnCount())]
             for r in range(by_day.rowCount())]
    assert sum(int(row[2]) for row in cells) == 6
    assert ["lobby", "3", "3", "2", "1", "35 min"] in [row[1:] for row in cells]
    counts = report.findChild(QListWidget, "staff-report-counts")
    lines = [counts.item(i).text() for i in range(counts.count())]
    assert lines == ["visit — 9", "section opened: aftercare — 3"]
    everything = " ".join([*text.values(), *lines, report.findChild(
        QLabel, "staff-report-period").text()])
    assert NAME not in everything

    for size in ((1280, 800), (1024, 600)):
        console.resize(*size)
        qtbot.wait(50)
        shot = console.grab()
        if SHOTS:
            shot.save(str(Path(SHOTS) / f"staff-report-{size[0]}x{size[1]}.png"))
        for chart, colour, bars in ((per_day, "#1f6f8b", 2), (first_call, "#b3541e", 3)):
            image = chart.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
            assert bar_columns(image, colour) >= bars * 4, (chart.objectName(), size)

    with qtbot.waitSignal(report.shown, timeout=10_000):
        report.days.setCurrentIndex(0)  # the last 7 days
    assert len(per_day.bars()) == 7
    qtbot.mouseClick(report.findChild(QPushButton, "staff-report-back"),
                     Qt.MouseButton.LeftButton)
    assert console.stack.currentWidget() is console.view
    console.lock()
    assert not console.unlocked and not opener.isVisible()


def test_an_empty_chart_draws_no_bars(qtbot: QtBot) -> None:
    chart = BarChart("Requests per day")
    qtbot.addWidget(chart)
    chart.resize(480, 260)
    chart.set_bars([("12-01", 0), ("12-02", 0)])
    assert bar_columns(chart.grab().toImage().convertToFormat(QImage.Format.Format_RGB32),
                       "#1f6f8b") == 0
    chart.set_bars([("12-01", 0), ("12-02", 4)])
    assert bar_columns(chart.grab().toImage().convertToFormat(QImage.Format.Format_RGB32),
                       "#1f6f8b") > 20


def test_after_the_kiosk_staff_lock_the_next_touch_is_a_patients_visit(qtbot: QtBot,
                                                                      config_path: Path,  # noqa: F811
                                                                      ) -> None:
    from datetime import date

    from test_staff_kiosk import click, open_kiosk, shown
    from test_staff_kiosk import unlock as unlock_kiosk

    window = open_kiosk(qtbot, config_path)
    unlock_kiosk(qtbot, window)  # the hold on the clinic's name was a first touch at rest
    visits = (date.today().isoformat(), "visit", "")
    assert window.usage.tally.pending()[visits] == 1
    click(qtbot, window, "staff-lock")
    qtbot.waitUntil(lambda: shown(window) == "screen-home", timeout=5000)
    assert window.usage.tally.pending()[visits] == 1  # staff taps are not visits
    click(qtbot, window, "tile-aftercare")
    assert window.usage.tally.pending()[visits] == 2


def test_a_narrow_chart_draws_its_whole_title_a_little_smaller(qtbot: QtBot) -> None:
    from PySide6.QtGui import QFontMetrics

    chart = BarChart("Requests by time to first call")
    qtbot.addWidget(chart)
    chart.resize(380, 260)  # the report's second chart on a 1024 px desk screen
    font = chart.font()
    font.setPixelSize(24)  # the console's body text
    wide = chart._title_font(font, 2000)
    narrow = chart._title_font(font, 380 - 16)
    assert QFontMetrics(wide).horizontalAdvance(chart._title) > 380 - 16  # it did not fit
    assert QFontMetrics(narrow).horizontalAdvance(chart._title) <= 380 - 16
    assert narrow.pixelSize() >= 0.75 * wide.pixelSize() and narrow.bold()
