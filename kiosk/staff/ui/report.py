"""The staff Report view: the figures of `kiosk report`, drawn, for the clinic's admins.

The report is read on the console's queue worker (``StaffJobs``) and shown here: the
headline figures, a bar chart of requests per day, a histogram of time to first call and
the visitors' anonymous counts. Nothing in it names a patient.
"""

from __future__ import annotations

import functools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.insights.formats import minutes_text, percent_text
from kiosk.insights.report import Report, percentile, report_for
from kiosk.shell.ui.bar_chart import BarChart
from kiosk.shell.ui.touch import kinetic_scroll_area
from kiosk.staff.ui.jobs import StaffJobs

DAY_CHOICES = (7, 14, 30, 90)
_DAY_COLUMNS = ("Day", "Kiosk", "Requests", "Called", "Reached", "Booked", "1st call")
_FIGURES = (
    ("requests", "Requests"),
    ("median", "Median time to first call"),
    ("p90", "90th percentile"),
    ("reached", "Reached"),
    ("booked", "Booked"),
    ("overdue", "Overdue now"),
)


def _load(days: int, config: Config, store: Any) -> Report:
    """On the worker thread, with the console's CallbackStore."""
    return report_for(config, store.engine, days)


class ReportView(QWidget):
    """``refresh()`` reads the report for the chosen number of days; ``back`` leaves."""

    back = Signal()
    shown = Signal()  # a report arrived and is on screen (for tests and the status bar)

    def __init__(self, jobs: StaffJobs, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staff-report")
        self._jobs = jobs
        self._config = config
        self.report: Report | None = None

        heading = QLabel("Report")
        heading.setObjectName("section-title")
        self.period = QLabel("")
        self.period.setObjectName("staff-report-period")
        self.period.setWordWrap(True)
        self.days = QComboBox()
        self.days.setObjectName("staff-report-days")
        self.days.setAccessibleName("Days in the report")
        for days in DAY_CHOICES:
            self.days.addItem(f"Last {days} days", days)
        self.days.setCurrentIndex(DAY_CHOICES.index(14))
        self.days.currentIndexChanged.connect(lambda _i: self.refresh())
        back = QPushButton("Back to the queue")
        back.setObjectName("staff-report-back")
        back.clicked.connect(self.back)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.days)
        top.addWidget(back)

        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        for column, (name, caption) in enumerate(_FIGURES):
            label = QLabel(caption)
            label.setObjectName("muted")
            label.setWordWrap(True)  # six captions in one row set the console 1,099 px wide
            value = QLabel("-")
            value.setObjectName(f"staff-report-{name}")
            value.setAccessibleName(caption)
            font = value.font()
            font.setPointSizeF(font.pointSizeF() * 1.6)
            font.setBold(True)
            value.setFont(font)
            grid.addWidget(label, 0, column)
            grid.addWidget(value, 1, column)
            self.figures[name] = value
        self.overdue_rule = QLabel("")
        self.overdue_rule.setObjectName("disclaimer")  # the theme's small, muted line
        self.overdue_rule.setWordWrap(True)

        self.per_day = BarChart("Requests per day")
        self.per_day.setObjectName("staff-report-per-day")
        self.first_call = BarChart("Requests by time to first call", colour="#b3541e")
        self.first_call.setObjectName("staff-report-first-call")
        charts = QHBoxLayout()
        charts.addWidget(self.per_day, 3)
        charts.addWidget(self.first_call, 2)

        counts_title = QLabel("Visitors, every kiosk")
        counts_title.setObjectName("field-label")
        counts_title.setToolTip("Anonymous counts: no names, phones or single visitors")
        self.counts = QListWidget()
        self.counts.setObjectName("staff-report-counts")
        self.counts.setAccessibleName("Visitors' anonymous counts")
        days_title = QLabel("Requests by day and kiosk")
        days_title.setObjectName("field-label")
        self.by_day = QTableWidget(0, len(_DAY_COLUMNS))
        self.by_day.setObjectName("staff-report-by-day")
        self.by_day.setAccessibleName("Requests by day and kiosk")
        self.by_day.setHorizontalHeaderLabels(list(_DAY_COLUMNS))
        self.by_day.verticalHeader().hide()
        self.by_day.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.by_day.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (0, 1):  # the day and the kiosk whole; the numbers share the rest
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.by_day.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bottom = QGridLayout()
        bottom.addWidget(days_title, 0, 0)
        bottom.addWidget(self.by_day, 1, 0)
        bottom.addWidget(counts_title, 0, 1)
        bottom.addWidget(self.counts, 1, 1)
        bottom.setColumnStretch(0, 2)
        bottom.setColumnStretch(1, 1)

        self.error = QLabel("")
        self.error.setObjectName("staff-report-error")
        self.error.setWordWrap(True)
        self.error.hide()

        # The page scrolls where the glass is shorter than the report (a 1024x600 desk screen)
        # rather than hold the console's window taller than the screen.
        page = QWidget()
        page.setObjectName("staff-report-page")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(kinetic_scroll_area(page))
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addLayout(top)
        layout.addWidget(self.period)
        layout.addWidget(self.error)
        layout.addLayout(grid)
        layout.addWidget(self.overdue_rule)
        layout.addLayout(charts, 3)
        layout.addLayout(bottom, 2)

    def chosen_days(self) -> int:
        return int(self.days.currentData())

    def refresh(self) -> None:
        self._jobs.run(self, functools.partial(_load, self.chosen_days(), self._config),
                       self.show_report, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(f"The report could not be read: {type(exc).__name__}. "
                           "Is the queue database reachable?")
        self.error.show()

    def show_report(self, report: Report) -> None:
        self.report = report
        self.error.hide()
        t = report.totals
        self.period.setText(f"{report.first_day} to {report.last_day}, clinic time: "
                            f"{report.time_zone}")
        values = {
            "requests": str(t.requests),
            "median": minutes_text(report.median_first_call_min),
            "p90": minutes_text(report.p90_first_call_min),
            "reached": f"{percent_text(report.share_reached)} ({t.reached})",
            "booked": f"{percent_text(report.share_scheduled)} ({t.scheduled})",
            "overdue": str(report.overdue),
        }
        for name, value in values.items():
            self.figures[name].setText(value)
        self.overdue_rule.setText(f"Overdue now counts {report.overdue_rule}.")
        self.per_day.set_bars([(day[5:], n) for day, n in report.requests_per_day()])
        self.first_call.set_bars(report.first_call_bins())
        self.by_day.setRowCount(len(report.days))
        for row, f in enumerate(reversed(report.days)):  # the latest day first
            cells = (f.day, f.kiosk_id, str(f.requests), str(f.called), str(f.reached),
                     str(f.scheduled), minutes_text(percentile(f.first_call_min, 50)))
            for column, value in enumerate(cells):
                self.by_day.setItem(row, column, QTableWidgetItem(value))
        self.counts.clear()
        totals = report.count_totals()
        for counter, key, n in totals:
            self.counts.addItem(f"{counter.replace('_', ' ')}{': ' + key if key else ''} — {n}")
        if not totals:
            self.counts.addItem("Nothing counted in this period.")
        self.shown.emit()
