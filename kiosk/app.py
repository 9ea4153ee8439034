"""Wiring: builds the kiosk window and the staff console from a config path, as main.py does."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

from kiosk.config import Config, load_config, production_problems
from kiosk.education.content import Content, ContentError, load_content
from kiosk.shell.ui.lockdown import LockedWindow

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime, tzinfo

    from kiosk.callback_queue.outbox import ResilientQueue
    from kiosk.consult.ui.queue_keeper import QueueKeeper
    from kiosk.insights.ui.counting import UsageCounter
    from kiosk.shell.take_home import TakeHome
    from kiosk.shell.ui.queue_worker import QueueWorker
    from kiosk.shell.ui.screen import Screen, ScreenFactory
    from kiosk.shell.ui.window import KioskWindow

    #: window -> the (screen name, factory) pairs one feature adds to that window's plan.
    ScreensFor = Callable[[KioskWindow], list[tuple[str, ScreenFactory]]]

log = logging.getLogger(__name__)

# The queue opens (SQLAlchemy imported, the schema checked: about half a second of Python
# on its own thread) once the window's background build has settled, not beside it: the two
# took turns at the interpreter lock, and build steps of 50 ms stretched to 140 on the GUI
# thread. A window that never settles (never shown) opens its queue at the latest after
# QUEUE_AT_LATEST_MS; a submit before then opens it at once.
QUEUE_AFTER_SETTLED_MS = 100
QUEUE_AT_LATEST_MS = 10_000


#: What the screens after Home import, in the order they are built, with the slow ones cut
#: into parts: the window imports them one per event-loop turn after the first frame
#: (ScreenPlan.imports), so no build step also pays for an import.
LATER_IMPORTS = (
    "kiosk.shell.ui.speech", "kiosk.education.ui.section",
    # One piece, 45 ms here: naming a submodule runs the package's __init__, which imports
    # all 59 of its modules (listing three of them first cut nothing).
    "phonenumbers", "kiosk.shell.take_home", "hashlib", "uuid", "dataclasses",
    "kiosk.callback_queue.model",
    "kiosk.consult.ui.form", "kiosk.config.hours", "kiosk.callback_queue.deadlines",
    "tzlocal",  # 18 ms: the thank-you screen's hours look up the machine's time zone
    "kiosk.consult.ui.thank_you", "kiosk.consult.ui.unavailable", "kiosk.staff.ui.entrance",
)
#: What drawing a take-home QR code imports (segno needs urllib through xml.sax), for a
#: clinic that has one: a web site, an aftercare page or a phone number. urllib.request
#: alone took 30 ms: its own imports go first, one per turn.
QR_IMPORTS = ("socket", "email.utils", "email.message", "ssl", "http.client",
              "urllib.request", "xml.sax.saxutils", "segno")


def build_kiosk(config_path: str | Path | None, *, windowed: bool = False) -> LockedWindow:
    """The fully wired kiosk window (not yet shown). A bad config or content gives the
    out-of-order window instead of an exception: a kiosk never crashes to the desktop."""
    from kiosk.config import resolve_config_path

    path = resolve_config_path(config_path)
    config = load_config(path)
    kiosk_mode = config.kiosk.fullscreen and not windowed
    problems = [str(p) for p in config.problems]
    # No admin account only locks staff out (the pad never opens); patients are still
    # served. The queue worker logs it once the queue is open (_adopt_shared_pin), and
    # `kiosk check` fails such a config so IT notices before it goes live.
    if problems:
        return _out_of_order(config, problems, kiosk_mode)
    try:
        content = load_content(config.kiosk.language)
    except ContentError as exc:
        return _out_of_order(config, [str(p) for p in exc.problems], kiosk_mode)

    from kiosk.education.ui.screens import EducationScreens
    from kiosk.shell.ui.screen import ScreenPlan
    from kiosk.shell.ui.window import KioskWindow

    cache = {config.kiosk.language: content}

    def content_for(language: str) -> Content:
        if language not in cache:
            cache[language] = load_content(language)
        return cache[language]

    from kiosk.consult.ui.queue_keeper import QueueKeeper

    take_home = _take_home_codes(config)
    education = EducationScreens(config.clinic.name, config.kiosk.speech_engine, content_for,
                                 take_home)
    worker = _queue_worker(config)
    keeper = QueueKeeper(worker, prepare=lambda: _prepare_data_dir(config))
    consult = _consult_screens(config, keeper, take_home)
    staff = staff_screens(config)

    counted: list[UsageCounter] = []  # the window's, made just after it
    clinic = config.clinic
    imports = LATER_IMPORTS + (QR_IMPORTS if clinic.website or clinic.aftercare_url
                               or clinic.phone else ())

    def plan_for(window: KioskWindow, language: str) -> ScreenPlan:
        home, sections, order = education.plan(window, language)
        screens = [*sections, *consult(window, language), *staff(window)]
        return ScreenPlan(home, [(name, _counted(factory, counted)) for name, factory in screens],
                          order, imports)

    window = KioskWindow(config, plan_for, kiosk_mode, is_open=_opening_hours(config))
    _name_application(config.clinic.name)
    worker.setParent(window)
    keeper.setParent(window)
    window.queue_worker = worker
    window.queue_keeper = keeper
    # Before the keeper's shutdown below: the last counts reach the worker before it stops.
    window.usage = _usage_counter(window, worker, config)
    counted.append(window.usage)
    keeper.available_changed.connect(lambda ok: _offer_consult(window, ok))
    QApplication.instance().aboutToQuit.connect(keeper.shutdown)
    beat = _start_heartbeat(window, worker, config, education.speech_state)

    def open_queue() -> None:
        keeper.start_after(0)  # open, probe, deliver what waits
        beat()  # then the first heartbeat, so `status` and the console see this kiosk

    _when_settled(window, open_queue)
    return window


def _when_settled(window: KioskWindow, then: Callable[[], None]) -> None:
    """``then()`` once: QUEUE_AFTER_SETTLED_MS after the window settles (its background
    build done), or QUEUE_AT_LATEST_MS after now, whichever comes first."""
    from PySide6.QtCore import QTimer

    done = False

    def once() -> None:
        nonlocal done
        if not done:
            done = True
            then()

    window.settled.connect(lambda: QTimer.singleShot(QUEUE_AFTER_SETTLED_MS, window, once))
    QTimer.singleShot(QUEUE_AT_LATEST_MS, window, once)


def _counted(factory: ScreenFactory, counted: list[UsageCounter]) -> ScreenFactory:
    """``factory``, whose screen the window's usage counter listens to once it is built."""
    def build() -> Screen:
        screen = factory()
        return counted[0].watch(screen) if counted else screen

    return build


def _usage_counter(window: KioskWindow, worker: QueueWorker, config: Config) -> UsageCounter:
    """The anonymous counts (kiosk.insights): counted on the GUI thread, written in batches
    on the queue worker every few minutes, at each idle reset and at shutdown."""
    from kiosk.insights.tally import Tally, clinic_time_zone, today_in
    from kiosk.insights.ui.counting import UsageCounter

    tz, _name = clinic_time_zone(config)

    def flush(fn: Callable) -> None:
        def write(queue: ResilientQueue) -> int:
            from kiosk.callback_queue.usage import add_counts

            return fn(lambda rows: add_counts(queue.store().engine, rows))

        worker.run(write, _ignore, _ignore, log_failure=False)

    return UsageCounter(window, Tally(config.kiosk_id, today_in(tz)), flush)


def _name_application(clinic_name: str) -> None:
    """Screen readers (AT-SPI, UI Automation) announce the application by this name: the
    clinic's, as the window title says, not "main.py". Both names, so the window title
    gains no " - name" suffix and QStandardPaths (unused) would not move anything."""
    app = QApplication.instance()
    app.setApplicationName(clinic_name)
    app.setApplicationDisplayName(clinic_name)


def _offer_consult(window: KioskWindow, available: bool) -> None:
    """The queue stopped or started storing requests: swap the form and the call-us screen
    if the patient is looking at one of them."""
    from kiosk.shell.navigation import CONSULT, CONSULT_UNAVAILABLE

    current = window.current_screen()
    if not available and current == CONSULT:
        window.replace_screen(CONSULT_UNAVAILABLE)
    elif available and current == CONSULT_UNAVAILABLE:
        window.replace_screen(CONSULT)


def _start_heartbeat(window: KioskWindow, worker: QueueWorker, config: Config,
                     speech_state: Callable[[], str]) -> Callable[[], None]:
    """This kiosk's facts to the queue database every minute, written on the queue worker;
    returns the beat, for the first one as soon as the queue opens."""
    from datetime import UTC, datetime

    from PySide6.QtCore import QTimer

    from kiosk import __version__
    from kiosk.ops import heartbeat

    started_at = datetime.now(UTC)
    reporter: list[heartbeat.HeartbeatReporter] = []  # made by the worker, at its first beat

    def write(queue: ResilientQueue, speech: str) -> bool:
        if not reporter:  # the data folder's lookup (platformdirs) is no part of the start
            from kiosk.ops.paths import data_dir

            reporter.append(heartbeat.HeartbeatReporter(config.kiosk_id, __version__,
                                                        started_at, data_dir()))
        return reporter[0].beat(queue, speech)

    def beat() -> None:
        speech = speech_state()  # here, on the GUI thread: the speaker is a QObject
        worker.run(lambda queue: write(queue, speech), _ignore, _ignore)

    timer = QTimer(window)
    timer.setInterval(heartbeat.HEARTBEAT_INTERVAL_MS)
    timer.timeout.connect(beat)
    timer.start()
    return beat


def _ignore(_value: object) -> None:
    """The heartbeat and the counts log their own failures, once per outage."""


def _prepare_data_dir(config: Config) -> None:
    from kiosk.ops.paths import prepare_data_dir

    prepare_data_dir(config)  # a removed data folder comes back before the next write


def _queue_worker(config: Config) -> QueueWorker:
    from kiosk.insights.tally import clinic_time_zone
    from kiosk.ops.paths import database_url, outbox_path, prepare_data_dir
    from kiosk.shell.ui.queue_worker import QueueWorker

    retention_days = config.staff.retention_days
    tz, _name = clinic_time_zone(config)

    def open_queue():  # runs on the worker thread, once the window has settled
        from kiosk.callback_queue.deadlines import DeadlinePolicy

        policy = DeadlinePolicy.from_config(config)
        import kiosk.callback_queue.validation  # noqa: F401 - warm the form's first submit
        from kiosk.callback_queue.outbox import ResilientQueue

        prepare_data_dir(config)  # where the outbox and the default queue live
        queue = ResilientQueue(database_url(config), outbox_path(config), merge_sent_again=True,
                               policy=policy)
        _purge_expired(queue, retention_days, tz, config.kiosk_id)
        _adopt_shared_pin(queue, config)
        return queue

    return QueueWorker(open_queue)


def _adopt_shared_pin(queue: ResilientQueue, config: Config) -> None:
    """The config's old `[staff] pin_hash` becomes the admin account Staff (once), and a real
    kiosk whose queue has no admin says so in its log (`kiosk check` fails it)."""
    from kiosk.callback_queue.accounts import AccountStore
    from kiosk.callback_queue.model import Actor
    from kiosk.staff.access import adopt_config_pin

    try:
        store = queue.store()
        adopt_config_pin(store, config, Actor("upgrade", f"kiosk {config.kiosk_id}"))
        for problem in production_problems(config, AccountStore(store.engine).count_admins()):
            log.warning("%s", problem)
    except Exception as exc:  # the queue may be away (the outbox serves): next start again
        log.warning("could not read the staff accounts in the queue (%s)", type(exc).__name__)


def _opening_hours(config: Config) -> Callable[[datetime], bool]:
    """Whether the clinic is open at a moment ([clinic] hours in its time zone), for the
    attract screen's dark hours; the hours are read when first asked, after the first frame."""
    hours = None

    def is_open(at: datetime) -> bool:
        nonlocal hours
        if hours is None:
            from kiosk.config.hours import OpeningHours

            hours = OpeningHours.from_config(config)
        return hours.is_open(at)

    return is_open


def _purge_expired(queue: ResilientQueue, retention_days: int, tz: tzinfo | None,
                   kiosk_id: str = "") -> None:
    """Closed requests past retention go, with their personal data, each time the kiosk
    starts; their anonymous figures per day stay (see callback_queue.usage), and so does the
    audit trail of what staff did with them (without the patient's name)."""
    from kiosk.callback_queue.model import Actor

    try:
        removed = queue.store().purge_closed(retention_days, tz=tz,
                                             actor=Actor("retention", f"kiosk {kiosk_id}"))
        if removed:
            log.info("retention: deleted %d closed request(s)", removed)
    except Exception:  # retention is housekeeping: never stop the kiosk for it
        log.exception("retention purge failed")


def _take_home_codes(config: Config) -> Callable[[], dict[str, TakeHome]]:
    """Screen name -> its take-home QR code, worked out when the first screen that shows
    one is built (reading the phone number imports phonenumbers: not on the first frame)."""
    import functools

    @functools.cache
    def codes() -> dict[str, TakeHome]:
        from kiosk.shell.take_home import take_home_codes

        clinic = config.clinic
        return take_home_codes(clinic.website, clinic.aftercare_url, clinic.phone,
                               clinic.region)

    return codes


def _consult_screens(config: Config, keeper: QueueKeeper,
                     take_home: Callable[[], dict[str, TakeHome]]
                     ) -> Callable[[KioskWindow, str], list[tuple[str, ScreenFactory]]]:
    from kiosk.shell.i18n import translator
    from kiosk.shell.navigation import CONSULT, CONSULT_DONE, CONSULT_UNAVAILABLE

    def screens(window: KioskWindow, language: str) -> list[tuple[str, ScreenFactory]]:
        tr = translator(language)  # built in the background for a language not yet shown

        def consult() -> Screen:
            from kiosk.consult.ui.form import ConsultScreen  # built after the first frame

            screen = ConsultScreen(tr, config.clinic.region, config.kiosk_id,
                                   keeper.submit, lambda: keeper.available)
            screen.submitted.connect(lambda: window.replace_screen(CONSULT_DONE))
            screen.unavailable.connect(lambda: window.replace_screen(CONSULT_UNAVAILABLE))
            return screen

        def done() -> Screen:
            from kiosk.callback_queue.deadlines import DeadlinePolicy
            from kiosk.consult.ui.thank_you import ConsultDoneScreen

            code = take_home().get(CONSULT_DONE)
            screen = ConsultDoneScreen(tr, DeadlinePolicy.from_config(config),
                                       take_home=(code.text, tr(code.caption)) if code else None)
            screen.finished.connect(window.go_home)
            return screen

        def unavailable() -> Screen:
            from kiosk.consult.ui.unavailable import ConsultUnavailableScreen

            screen = ConsultUnavailableScreen(tr, config.clinic.phone)
            screen.finished.connect(window.go_home)
            return screen

        return [(CONSULT, consult), (CONSULT_DONE, done), (CONSULT_UNAVAILABLE, unavailable)]

    return screens


def _out_of_order(config: Config, problems: list[str], kiosk_mode: bool) -> LockedWindow:
    from PySide6.QtWidgets import QVBoxLayout

    from kiosk.shell.theme import stylesheet
    from kiosk.shell.ui.out_of_order import OutOfOrderScreen
    from kiosk.shell.ui.touch import no_context_menus

    for problem in problems:
        log.error("out of order: %s", problem)
    window = LockedWindow(kiosk_mode, config.kiosk.hide_cursor)
    window.setObjectName("kiosk-window")
    window.setWindowTitle("Kiosk out of order")
    layout = QVBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(OutOfOrderScreen(problems, config.clinic.phone))
    no_context_menus(window)
    from kiosk.shell.ui.glass import glass_body_px

    window.setStyleSheet(stylesheet(body_px=glass_body_px(None, config.kiosk.text_scale_percent)))
    if kiosk_mode:
        from PySide6.QtWidgets import QApplication

        from kiosk.shell.ui.lockdown import KeyLock

        QApplication.instance().installEventFilter(KeyLock(window))
    return window


def staff_screens(config: Config) -> ScreensFor:
    """The kiosk's staff entrance: the PIN pad and queue screens for a window's plan.

    One entrance serves every rebuild (language changes, idle resets), so the PIN lock-out
    is shared by all of them. It (and the staff modules) waits for the first screen build,
    after the patients' first frame.
    """
    from kiosk.shell.navigation import PIN, STAFF

    entrance = None

    def screens(window: KioskWindow) -> list[tuple[str, ScreenFactory]]:
        def factory(name: str) -> ScreenFactory:
            def build() -> Screen:
                nonlocal entrance
                if entrance is None:
                    from kiosk.staff.ui.entrance import StaffEntrance

                    entrance = StaffEntrance(config)
                return entrance.screen(name, window)

            return build

        return [(PIN, factory(PIN)), (STAFF, factory(STAFF))]

    return screens


def build_staff_console(config_path: str | Path | None) -> QWidget:
    """The front-desk staff console window (not yet shown), as `main.py staff` builds it.

    Raises ValueError naming every problem when the config cannot be used; `kiosk staff`
    checks first and prints them instead.
    """
    from kiosk.config import resolve_config_path
    from kiosk.staff.access import staff_config_problems
    from kiosk.staff.ui.console import StaffConsole

    config = load_config(resolve_config_path(config_path))
    problems = staff_config_problems(config)
    if problems:
        raise ValueError("the staff console cannot use this config:\n" + "\n".join(problems))
    return StaffConsole(config)
