"""The kiosk's staff entrance: a hidden hold opens the PIN pad, the PIN opens the queue.

While the queue is shown the patient idle reset is paused and the staff screen's own
timer takes over: after ``staff.lock_after_s`` without a touch (and a visible warning)
it locks, forgets what it showed, and returns the kiosk to Home for the next visitor.
Both screens are built the first time they are shown, so the patients' first frame
never waits for them (about 80 ms of imports and widgets).
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QVBoxLayout
from shiboken6 import isValid

from kiosk.config import Config
from kiosk.ops.paths import data_dir, database_url
from kiosk.shell.navigation import PIN, STAFF
from kiosk.shell.ui.fonts import refit
from kiosk.shell.ui.idle_guard import IdleGuard
from kiosk.shell.ui.queue_worker import QueueWorker
from kiosk.shell.ui.screen import Screen
from kiosk.staff.ui.jobs import StaffJobs, open_store
from kiosk.staff.ui.watch import QueueWatcher

if TYPE_CHECKING:
    from kiosk.callback_queue.model import StaffAccount
    from kiosk.shell.ui.window import KioskWindow
    from kiosk.staff.access import PinGate
    from kiosk.staff.ui.pin_pad import PinChecker, PinPadScreen
    from kiosk.staff.ui.queue_view import StaffQueueView

log = logging.getLogger(__name__)

#: The staff lock warns this long before it locks (less for very short lock times).
LOCK_WARNING_S = 15


def quit_application() -> None:
    """Leaves the event loop; a module function so tests can keep their own loop running."""
    app = QApplication.instance()
    if app is not None:
        app.quit()


def lock_timing(lock_after_s: int) -> tuple[int, int]:
    """(quiet seconds, warning seconds) that add up to ``lock_after_s``."""
    warning = min(LOCK_WARNING_S, max(1, lock_after_s // 3))
    return lock_after_s - warning, warning


class DeferredScreen(Screen):
    """A kiosk screen whose widgets are built the first time it is shown."""

    def __init__(self, object_name: str, title: str, build: Callable[[], Screen],
                 scrolls: bool = False) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self._title = title
        self._build = build
        self._scrolls = scrolls
        self.content: Screen | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def built(self) -> Screen:
        if self.content is None:
            self.content = self._build()
            self.content.announced.connect(self.announced)  # speech mode hears the pad
            if self._scrolls:  # on glass smaller than the screen needs, it scrolls
                from kiosk.shell.ui.touch import kinetic_scroll_area

                area = kinetic_scroll_area(self.content)
                self.layout().addWidget(area)
                area.show()  # now, as the content below: a tap may come before the next turn
            else:
                self.layout().addWidget(self.content)
            self.content.show()  # now, not at the next event-loop turn: it is on screen
            refit(self)  # the fonts the window gave this screen, on its new widgets too
        return self.content

    def spoken_title(self) -> str:
        return self._title

    def spoken_instructions(self) -> str:
        return self.content.spoken_instructions() if self.content is not None else ""

    def entered(self) -> None:
        self.built().entered()

    def reset(self) -> None:
        if self.content is not None:
            self.content.reset()

    def is_pristine(self) -> bool:
        return self.content is None or self.content.is_pristine()


class StaffEntrance(QObject):
    """Builds the kiosk's "pin" and "staff" screens and moves the kiosk between them."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self._config = config
        url = database_url(config)
        self.worker = QueueWorker(lambda: open_store(config))
        self.jobs = StaffJobs(self.worker.run)
        self.window: KioskWindow | None = None
        self._gate: PinGate | None = None
        self._gates: list[PinGate] = []  # the gate, for closing after this object is gone
        self._checker: PinChecker | None = None
        self._pad_screen: DeferredScreen | None = None
        self._view_screen: DeferredScreen | None = None
        self._inside = False
        self._idle_was_enabled = True
        #: Who signed in last on this kiosk (their name is on every change they make).
        self.member: StaffAccount | None = None

        quiet_s, warning_s = lock_timing(config.staff.lock_after_s)
        self.lock_guard = IdleGuard(quiet_s, warning_s, lambda: False, self)
        self.lock_guard.warning_started.connect(self._warn_lock)
        self.lock_guard.countdown.connect(self._warn_lock)
        self.lock_guard.warning_cancelled.connect(lambda: self._notice(""))
        self.lock_guard.expired.connect(
            lambda: self.lock(f"locked after {config.staff.lock_after_s} s without a touch"))
        self.alert: Any = None  # made with the staff view: nothing to alert before it
        self.watcher = QueueWatcher(url, self.jobs, self)
        self.watcher.changed.connect(self._refresh)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def screen(self, name: str, window: KioskWindow) -> Screen:
        """The kiosk's "pin" or "staff" screen for ``window``; its widgets wait for its first
        showing."""
        return {PIN: self._make_pad, STAFF: self._make_view}[name](window)

    def bind(self, window: KioskWindow) -> None:
        """Listen to ``window`` (once): its staff trigger, and which screen it shows."""
        if self.window is window:
            return
        self.window = window
        self.setParent(window)
        window.staff_requested.connect(self.open_pad)
        window.stack.currentChanged.connect(self._screen_changed)
        # Not a method of this object: Qt deletes it (a child) before the window says so.
        window.destroyed.connect(functools.partial(_shut_down, self.worker, self._gates))

    @property
    def gate(self) -> PinGate:
        """One lock-out for every pad this kiosk builds, language rebuilds included."""
        if self._gate is None:
            from kiosk.staff.access import PinGate, kiosk_place
            from kiosk.staff.ui.pin_pad import PinChecker

            self._gate = PinGate.from_config(self._config, kiosk_place(self._config.kiosk_id))
            self._gates.append(self._gate)
            self._checker = PinChecker(self)
        return self._gate

    @property
    def pad(self) -> PinPadScreen | None:
        screen = self._pad_screen
        return screen.content if screen is not None and isValid(screen) else None

    @property
    def view(self) -> StaffQueueView | None:
        screen = self._view_screen
        return screen.content if screen is not None and isValid(screen) else None

    # --- screens ---------------------------------------------------------------------------
    # The staff screens are in English for every language, so each language's plan gets
    # the same two screens (the window keeps every language's screens once built).
    def _make_pad(self, window: KioskWindow) -> Screen:
        self.bind(window)
        if self._pad_screen is None or not isValid(self._pad_screen):
            self._pad_screen = DeferredScreen("screen-pin", "Staff PIN", self._build_pad)
        return self._pad_screen

    def _build_pad(self) -> Screen:
        from kiosk.shell.ui.touch import no_context_menus
        from kiosk.staff.ui.pin_pad import PinPadScreen

        gate = self.gate
        pad = PinPadScreen(gate, self._checker, can_cancel=True)
        pad.setObjectName("pin-pad")
        pad.signed_in.connect(self._signed_in)
        pad.unlocked.connect(self._unlocked)
        pad.cancelled.connect(self._cancelled)
        no_context_menus(pad)
        return pad

    def _make_view(self, window: KioskWindow) -> Screen:
        self.bind(window)
        if self._view_screen is None or not isValid(self._view_screen):
            self._view_screen = DeferredScreen("screen-staff", "Callback queue",
                                               self._build_view, scrolls=True)
        return self._view_screen

    def _build_view(self) -> Screen:
        from kiosk.config.hours import load_time_zone
        from kiosk.shell.ui.touch import no_context_menus
        from kiosk.staff.access import kiosk_place
        from kiosk.staff.rows import RowFormatter
        from kiosk.staff.ui.alert import NewRequestAlert
        from kiosk.staff.ui.queue_view import StaffQueueView

        config = self._config
        view = StaffQueueView(self.jobs,
                              RowFormatter(config.clinic.region,
                                           tz=load_time_zone(config.clinic.time_zone)),
                              kiosk_place(config.kiosk_id), on_kiosk=True,
                              choose_export_path=self._export_path)
        view.setObjectName("staff-view")
        # Overdue requests chime on the kiosk's staff screen too (a tray where there is one).
        if self.alert is None:
            self.alert = NewRequestAlert(view.windowIcon(), self)
        view.overdue_alert.connect(self.alert.warn)
        view.opened.connect(self._enter)
        view.lock_requested.connect(self.lock)
        view.exit_requested.connect(self.exit_kiosk)
        no_context_menus(view)
        return view

    @staticmethod
    def _export_path() -> Path:
        from kiosk.staff.export import export_file_path

        return export_file_path(data_dir() / "exports")

    # --- moving between screens ---------------------------------------------------------------
    def open_pad(self) -> None:
        if self.window.current_screen() not in (PIN, STAFF):
            self.window.show_screen(PIN)

    def _signed_in(self, member: StaffAccount) -> None:
        self.member = member

    def _unlocked(self) -> None:
        log.info("staff screen unlocked on kiosk %s", self._config.kiosk_id)
        self.window.replace_screen(STAFF)  # Back must not lead to the pad again

    def _cancelled(self) -> None:
        if self.window.navigator.can_go_back:
            self.window.go_back()
        else:
            self.window.go_home()

    def _enter(self) -> None:
        if self._inside:
            return
        self._inside = True
        window = self.window
        self._idle_was_enabled = window.idle.enabled
        window.idle.enabled = False
        window.idle.stop()
        # The patient bar (language, text size, Back, Home) means nothing here; Lock does.
        window.top_bar.hide()
        QApplication.instance().installEventFilter(self.lock_guard)
        self.lock_guard.poke()
        if self.member is not None:
            self.view.sign_in(self.gate.actor(self.member), self.member.role)
        self.view.activate()
        self.watcher.start()

    def _leave(self, why: str = "left the staff screen") -> None:
        if not self._inside:
            return
        self._inside = False
        self._sign_out(why)
        QApplication.instance().removeEventFilter(self.lock_guard)
        self.lock_guard.stop()
        self.watcher.stop()
        window = self.window
        window.idle.enabled = self._idle_was_enabled
        window.top_bar.show()
        view = self.view
        if view is not None:
            view.deactivate()
        log.info("staff screen locked on kiosk %s", self._config.kiosk_id)

    def _screen_changed(self, index: int) -> None:
        if self._inside and self.window.stack.widget(index) is not self._view_screen:
            self._leave()  # Home, a rebuild or anything else left the staff screen

    def _sign_out(self, why: str) -> None:
        """The end of a session, in the audit trail (written on the staff worker)."""
        member, self.member = self.member, None
        if member is None:
            return
        actor = self.gate.actor(member)
        self.jobs.run(self, lambda store: store.record_event(actor, "sign-out", why),
                      _ignore, _ignore)

    def lock(self, why: str = "signed out (Lock)") -> None:
        """Back to the patient Home screen, as fresh as for a new visitor."""
        self._leave(why)
        self.window.idle.rest()  # the next touch is a patient's visit
        self.window.go_home()
        self.window.reset_for_next_visitor()

    def exit_kiosk(self) -> None:
        from kiosk.callback_queue.model import Role

        if self.member is None or self.member.role is not Role.ADMIN:
            log.warning("kiosk mode may be ended by an admin only; refused")
            return
        log.info("kiosk mode ended by staff on kiosk %s", self._config.kiosk_id)
        self._leave("ended kiosk mode")
        self.window.release()
        self.window.close()
        quit_application()

    # --- while inside -------------------------------------------------------------------------
    @property
    def inside(self) -> bool:
        return self._inside

    def _refresh(self) -> None:
        view = self.view
        if self._inside and view is not None:
            view.refresh()

    def _warn_lock(self, seconds: int) -> None:
        self._notice(f"Locking in {seconds} s to protect patients' details. "
                     "Touch the screen to keep working.")

    def _notice(self, text: str) -> None:
        view = self.view
        if self._inside and view is not None:
            view.show_notice(text)

    def shutdown(self) -> None:
        """Stop watching and close the staff's database connection (the kiosk is quitting)."""
        if isValid(self.watcher):
            self.watcher.stop()
        _shut_down(self.worker, self._gates)


def _ignore(_value: object) -> None:
    """A sign-out row that cannot be written is logged by the worker; nothing to show."""


def _shut_down(worker: QueueWorker, gates: list[PinGate], *_args: object) -> None:
    # While the app exits Qt may already have deleted parts of the worker.
    with contextlib.suppress(RuntimeError):
        if isValid(worker):
            worker.shutdown()
    for gate in gates:  # its database connection (the lock-out itself stays in the database)
        gate.close()
