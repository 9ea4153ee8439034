"""The front-desk staff console: an ordinary window, the PIN pad first, then the live queue.

It hears of every new request within seconds (``QueueWatcher``), refreshes the table,
and chimes; ``new_requests`` says how many arrived, for the tray and for tests.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QToolBar,
)

from kiosk.callback_queue.model import Role, StaffAccount
from kiosk.config import Config
from kiosk.ops.paths import database_url
from kiosk.shell.theme import CALM, stylesheet
from kiosk.shell.ui.icons import icon
from kiosk.shell.ui.queue_worker import QueueWorker
from kiosk.staff.access import PinGate, console_place
from kiosk.staff.export import export_file_path
from kiosk.staff.rows import RowFormatter
from kiosk.staff.ui.alert import NewRequestAlert
from kiosk.staff.ui.jobs import StaffJobs, open_store
from kiosk.staff.ui.kiosks import KioskMonitor, KioskPanel
from kiosk.staff.ui.pin_pad import PinChecker, PinPadScreen
from kiosk.staff.ui.queue_view import StaffQueueView
from kiosk.staff.ui.report import ReportView
from kiosk.staff.ui.watch import QueueWatcher

WINDOW_SIZE = (1280, 800)
ICON = "mdi6.phone-in-talk"


class StaffConsole(QMainWindow):
    new_requests = Signal(int)

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.setObjectName("staff-console")
        self.setWindowTitle(f"{config.clinic.name} — callback queue")
        self.setWindowIcon(icon(ICON, CALM.accent))
        url = database_url(config)
        self.worker = QueueWorker(lambda: open_store(config), self)
        self.jobs = jobs = StaffJobs(self.worker.run)
        self.gate = PinGate.from_config(config, console_place())
        self.member: StaffAccount | None = None
        self.pad = PinPadScreen(self.gate, PinChecker(self), can_cancel=False)
        from kiosk.config.hours import load_time_zone

        formatter = RowFormatter(config.clinic.region, tz=load_time_zone(config.clinic.time_zone))
        self.view = StaffQueueView(jobs, formatter, console_place(),
                                   on_kiosk=False, choose_export_path=self._ask_export_path)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.pad)
        self.stack.addWidget(self.view)
        self.setCentralWidget(self.stack)
        # The clinic's figures, anonymous: for admins.
        self.report = ReportView(jobs, config)
        self.stack.addWidget(self.report)
        self.report.back.connect(self.show_queue)
        self.report_button = QPushButton("Report")
        self.report_button.setObjectName("staff-report-open")
        self.report_button.clicked.connect(self.show_report)
        self.toolbar = QToolBar("Views", self)
        self.toolbar.setObjectName("staff-toolbar")
        self.toolbar.setMovable(False)
        self.report_action = self.toolbar.addWidget(self.report_button)
        self.addToolBar(self.toolbar)
        self.toolbar.hide()

        self.watcher = QueueWatcher(url, jobs, self)
        self.watcher.changed.connect(self.view.refresh)
        self.watcher.new_requests.connect(self.new_requests)
        self.alert = NewRequestAlert(self.windowIcon(), self)
        self.new_requests.connect(self.alert.announce)
        self.view.overdue_alert.connect(self.alert.warn)
        self.alert.announced.connect(lambda text: self.statusBar().showMessage(text, 60_000))
        self.pad.signed_in.connect(self._signed_in)
        self.pad.unlocked.connect(self.unlock)
        self.view.lock_requested.connect(self.lock)

        # The kiosks' health: shown once unlocked, but a silent kiosk is announced anyway
        # (its id is no patient's data).
        self.kiosks = KioskPanel()
        self.kiosks_dock = QDockWidget("Kiosks", self)
        self.kiosks_dock.setObjectName("staff-kiosks-dock")
        self.kiosks_dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        self.kiosks_dock.setWidget(self.kiosks)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.kiosks_dock)
        self.kiosks_dock.hide()
        self.monitor = KioskMonitor(jobs, self.kiosks, config.staff.kiosk_silent_after_min, self)
        self.monitor.went_silent.connect(self.alert.warn)

        self.setStyleSheet(stylesheet())
        self.resize(*WINDOW_SIZE)
        self._closed = False
        QApplication.instance().aboutToQuit.connect(self.shutdown)
        self.watcher.start()
        self.monitor.start()
        self.pad.entered()

    @property
    def unlocked(self) -> bool:
        return self.stack.currentWidget() is not self.pad

    def _signed_in(self, member: StaffAccount) -> None:
        self.member = member
        self.view.sign_in(self.gate.actor(member), member.role)
        self.report_action.setVisible(member.role is Role.ADMIN)

    def unlock(self) -> None:
        self.stack.setCurrentWidget(self.view)
        self.view.activate()
        self.kiosks_dock.show()
        self.toolbar.show()
        self.monitor.refresh()

    def show_report(self) -> None:
        if not self.unlocked or self.member is None or self.member.role is not Role.ADMIN:
            return
        self.stack.setCurrentWidget(self.report)
        self.kiosks_dock.hide()  # the charts take the room
        self.report_button.setEnabled(False)
        self.report.refresh()

    def show_queue(self) -> None:
        if not self.unlocked:
            return
        self.stack.setCurrentWidget(self.view)
        self.kiosks_dock.show()
        self.report_button.setEnabled(True)

    def lock(self) -> None:
        self._sign_out("signed out (Lock)")
        self.toolbar.hide()
        self.report_button.setEnabled(True)
        self.kiosks_dock.hide()
        self.view.deactivate()
        self.stack.setCurrentWidget(self.pad)
        self.pad.entered()

    def _ask_export_path(self) -> Path | None:
        suggested = export_file_path(Path.home())
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export the callback queue", str(suggested), "CSV files (*.csv)")
        return Path(chosen) if chosen else None

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.shutdown()
        event.accept()

    def _sign_out(self, why: str) -> None:
        member, self.member = self.member, None
        if member is None:
            return
        actor = self.gate.actor(member)
        self.jobs.run(self, lambda store: store.record_event(actor, "sign-out", why),
                      _ignore, _ignore)

    def shutdown(self) -> None:
        """Stop listening and close the database: the console is closing."""
        if self._closed:
            return
        self._closed = True
        self.view.deactivate()
        self.watcher.stop()
        self.monitor.stop()
        self.alert.close()
        self.worker.shutdown()
        self.gate.close()


def _ignore(_value: object) -> None:
    """A sign-out row that cannot be written: the worker logged it."""
