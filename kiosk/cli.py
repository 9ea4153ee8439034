"""The command line: run (default), staff, check, set-pin, staff-user, audit, export, report,
status, self-test."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kiosk import __version__

if TYPE_CHECKING:
    from kiosk.shell.ui.lockdown import LockedWindow


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the TOML config file (else $KIOSK_CONFIG, else the platform's config folder)",
    )
    parser = argparse.ArgumentParser(
        prog="kiosk", parents=[common], description="The clinic's waiting-room kiosk."
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--windowed",
        action="store_true",
        help="run in a normal resizable window (for trying it on a desktop)",
    )
    parser.add_argument(
        "--quit-after-first-frame",
        action="store_true",
        help="exit 0 as soon as the first frame is painted (start-up checks)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", parents=[common], help="run the kiosk (the default)")
    commands.add_parser("check", parents=[common], help="validate config and content")
    commands.add_parser(
        "staff",
        parents=[common],
        help="the front-desk staff console (a normal window, PIN-protected)",
    )
    commands.add_parser(
        "set-pin",
        parents=[common],
        help="set the PIN of the admin account Staff (reads stdin if not a terminal)",
    )
    staff_user = commands.add_parser(
        "staff-user", parents=[common],
        help="staff accounts in the queue database: add NAME [--admin], list, remove NAME, "
             "set-pin NAME (PINs from stdin if not a terminal)")
    users = staff_user.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    add = users.add_parser("add", parents=[common], help="add an account (asks for its PIN)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--admin", action="store_true",
                     help="may manage staff, export and exit kiosk mode")
    users.add_parser("list", parents=[common], help="every account: name and role")
    remove = users.add_parser("remove", parents=[common], help="remove an account")
    remove.add_argument("name", metavar="NAME")
    user_pin = users.add_parser("set-pin", parents=[common], help="a new PIN for an account")
    user_pin.add_argument("name", metavar="NAME")
    audit = commands.add_parser(
        "audit", parents=[common],
        help="print the audit trail (time, person on place, action, detail); "
             "`audit verify` checks its hash chain (exit 1 names the first bad row)")
    audit.add_argument("audit_action", nargs="?", choices=["verify"], metavar="verify",
                       default=None)
    audit.add_argument("--request", type=int, default=None, metavar="ID",
                       help="only this request's trail")
    audit.add_argument("--consent", action="store_true",
                       help="with --request: also the exact consent text the patient agreed "
                            "to, its language and version")
    export = commands.add_parser("export", parents=[common], help="write the queue to stdout")
    export.add_argument("--format", choices=["csv"], default="csv")
    export.add_argument("--status", default=None, help="only requests with this status")
    export.add_argument("--reason", default=None,
                        help="why the queue leaves the system (recorded in the audit trail)")
    report = commands.add_parser(
        "report", parents=[common],
        help="anonymous usage counts and callback figures per day (text, CSV or HTML)")
    report.add_argument("--days", type=int, default=14, metavar="N",
                        help="the last N days, today included (default 14)")
    report.add_argument("--format", choices=["text", "csv", "html"], default="text")
    commands.add_parser(
        "status",
        parents=[common],
        help="every kiosk's last heartbeat; exits 1 if one is silent or its outbox is stuck",
    )
    commands.add_parser(
        "self-test",
        parents=[common],
        help="offscreen check of config, content, screens and the queue",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    config_path = getattr(args, "config", None)
    command = args.command or "run"
    if command != "run":
        gc.enable()  # main.py turned it off for the kiosk's start-up
    if command == "check":
        from kiosk.ops.check import run_check

        return run_check(config_path)
    if command == "set-pin":
        from kiosk.staff.commands import set_pin

        return set_pin(config_path)
    if command == "staff-user":
        from kiosk.staff.commands import staff_user

        return staff_user(config_path, args.user_action, getattr(args, "name", None),
                          admin=getattr(args, "admin", False))
    if command == "audit":
        from kiosk.staff.commands import audit

        return audit(config_path, args.audit_action, args.request, consent=args.consent)
    if command == "export":
        from kiosk.staff.commands import export

        return export(config_path, fmt=args.format, status=args.status, reason=args.reason)
    if command == "report":
        from kiosk.insights.command import report

        return report(config_path, days=args.days, fmt=args.format)
    if command == "status":
        from kiosk.ops.status import run_status

        return run_status(config_path)
    if command == "staff":
        from kiosk.ops.crash_guard import install_crash_guard
        from kiosk.ops.logging_setup import STAFF_LOG_FILE, configure_logging
        from kiosk.ops.paths import log_dir

        configure_logging(log_dir(), file_name=STAFF_LOG_FILE)
        install_crash_guard(None)  # logged; the console is an ordinary window
        return run_staff_console(config_path)
    if command == "self-test":
        from kiosk.ops.self_test import run_self_test

        return run_self_test(config_path)
    return run_kiosk(
        config_path, windowed=args.windowed, quit_after_first_frame=args.quit_after_first_frame
    )


def run_staff_console(config_path: str | None) -> int:
    """The front-desk console: a normal window, PIN first, then the queue."""
    from kiosk.staff.commands import EXIT_CONFIG, console_config

    path = console_config(config_path)
    if path is None:
        return EXIT_CONFIG
    if _display_unusable():
        return 1

    from PySide6.QtWidgets import QApplication

    from kiosk.app import build_staff_console

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Clinic staff console")
    window = build_staff_console(path)
    window.show()
    return app.exec()


def collect_garbage_again() -> None:
    """Garbage collection back on after start-up (main.py turns it off), once start-up is
    over (``when_started``). What start-up built (modules, classes, the screens of both
    languages, the open queue) lives as long as the kiosk: frozen, it is left out of every
    later collection, so those stay short while patients tap."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def when_started(window: LockedWindow, then: Callable[[], None]) -> None:
    """``then()`` when the kiosk's start-up is over: its queue has answered for the first
    time, which it is asked only once the window has settled (kiosk.app). The out-of-order
    window has no queue: when it has settled."""
    keeper = getattr(window, "queue_keeper", None)
    if keeper is None:
        window.settled.connect(then)
    elif keeper.has_answered:
        then()
    else:
        keeper.first_answer.connect(then)


#: How long after the first frame the kiosk starts rotating its log and keeping the screen
#: awake (see configure_start_up_logging).
AFTER_FIRST_FRAME_MS = 200
#: Garbage collection comes back when start-up is over (collect_garbage_again), or after
#: this long whatever happens: memory must never grow unchecked.
GC_AT_THE_LATEST_MS = 20_000


def _display_unusable() -> bool:
    """Says which library Qt's display plugin lacks (Qt itself names the wrong package)."""
    import logging
    import os

    from kiosk.ops.display_check import display_problem

    problem = display_problem(os.environ)
    if problem:
        logging.getLogger("kiosk").error("%s", problem)
        print(f"kiosk: {problem}", file=sys.stderr)
    return problem is not None


def run_kiosk(config_path: str | None, *, windowed: bool, quit_after_first_frame: bool) -> int:
    # The Qt-free modules first: once PySide6 is imported, it reads the source of every
    # module an import statement names (looking for `from __feature__ import`). Ours are
    # named again later and read then, but the standard modules only they use (tomllib,
    # json, datetime) are imported here, before it, and never read.
    import kiosk.education.content  # noqa: F401
    import kiosk.shell.i18n  # noqa: F401
    import kiosk.shell.navigation  # noqa: F401
    from kiosk.ops.logging_setup import configure_logging, configure_start_up_logging
    from kiosk.ops.paths import log_dir

    # First: build_kiosk logs why a kiosk is out of order. The rotating log starts after
    # Home's first frame.
    configure_start_up_logging(log_dir)
    if _display_unusable():
        return 1

    from PySide6.QtWidgets import QApplication

    from kiosk.app import build_kiosk
    from kiosk.ops.crash_guard import install_crash_guard

    app = QApplication.instance() or QApplication([sys.argv[0]])
    window = build_kiosk(config_path, windowed=windowed)

    def rebuild() -> None:
        """After a crash: a fresh window from the config file, then the broken one goes."""
        nonlocal window
        broken, window = window, build_kiosk(config_path, windowed=windowed)
        window.present()
        usage = getattr(broken, "usage", None)
        if usage is not None:
            usage.flush()  # the broken window's counts, handed over before its worker stops
        worker = getattr(broken, "queue_worker", None)
        if worker is not None:
            worker.shutdown()
        broken.release()
        broken.close()
        broken.deleteLater()

    # In kiosk mode a crash rebuilds the window; a windowed try-out only logs it.
    guard = install_crash_guard(rebuild if window.kiosk_mode else None)
    from kiosk.shell.ui.first_frame import after_first_paint, quit_after_first_paint

    awake = []

    def after_start_up() -> None:
        """Housekeeping, so it waits as the queue's warm-up does."""
        from PySide6.QtCore import QTimer

        configure_logging(log_dir())  # a file that grew meanwhile is rotated now
        QTimer.singleShot(GC_AT_THE_LATEST_MS, collect_garbage_again)  # if it never settles
        if window.kiosk_mode:  # after the first frame: a slow D-Bus must not hold it up
            from kiosk.shell.ui.keep_awake import keep_screen_awake

            awake.append(keep_screen_awake())

    after_first_paint(window, after_start_up, AFTER_FIRST_FRAME_MS)
    when_started(window, collect_garbage_again)
    if quit_after_first_frame:
        quit_after_first_paint(window, app)
    window.present()
    try:
        return app.exec()
    finally:
        for handle in awake:
            handle.release()
        guard.uninstall()
