"""The staff's command-line tools: `set-pin`, `staff-user`, `audit`, `export`, and the config
check before `staff`.

Qt-free (kiosk.cli opens the console's window). Exit codes: 0 done, 1 the input or the
database failed, 2 the config file cannot be used.
"""

from __future__ import annotations

import contextlib
import getpass
import io
import os
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kiosk.config import Config, complain, load_config, resolve_config_path
from kiosk.config.editing import write_private
from kiosk.staff.pin import hash_pin, validate_new_pin

if TYPE_CHECKING:
    from kiosk.callback_queue.store import CallbackStore

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXPORT_FORMATS = ("csv",)



# -- opening the queue -------------------------------------------------------------------

class _Refused(Exception):
    """A command stops: the message was printed; ``code`` is its exit code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _usable_config(config_path: str | os.PathLike[str] | None, stderr: TextIO,
                   *, create: bool = False) -> Config:
    path = resolve_config_path(config_path)
    if create and not path.exists():
        try:  # `set-pin` on a new computer: an empty config, the default queue
            path.parent.mkdir(parents=True, exist_ok=True)
            write_private(path, "")
        except OSError as exc:
            print(f"{path}: cannot create the config file: {exc}", file=stderr)
            raise _Refused(EXIT_CONFIG) from None
    if path.exists():
        try:
            tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: cannot read the config file: {exc}", file=stderr)
            raise _Refused(EXIT_CONFIG) from None
        except tomllib.TOMLDecodeError as exc:
            print(f"{path}: not valid TOML ({exc}); fix it first, then run the command again.",
                  file=stderr)
            raise _Refused(EXIT_CONFIG) from None
    config = load_config(path)
    from kiosk.staff.access import staff_config_problems

    problems = staff_config_problems(config)
    if problems:
        complain(problems, stderr)
        raise _Refused(EXIT_CONFIG)
    return config


@contextlib.contextmanager
def _queue(config: Config, stderr: TextIO) -> Iterator[CallbackStore]:
    """The configured queue, opened (and upgraded), with the old shared PIN adopted."""
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.callback_queue.store import CallbackStore
    from kiosk.ops.paths import database_url, prepare_data_dir
    from kiosk.staff.access import adopt_config_pin, command_line_actor

    try:
        prepare_data_dir(config)  # the default queue's folder; a configured one must exist
        store = CallbackStore.open(database_url(config))
    except (SQLAlchemyError, OSError, RuntimeError) as exc:
        print(f"Cannot open the callback queue: {_reason(exc)}", file=stderr)
        raise _Refused(EXIT_FAILED) from None
    try:
        adopt_config_pin(store, config, command_line_actor())
        yield store
    except SQLAlchemyError as exc:
        print(f"The callback queue failed: {_reason(exc)}", file=stderr)
        raise _Refused(EXIT_FAILED) from None
    finally:
        store.close()


def _reason(exc: BaseException) -> str:
    # The driver's own message, not SQLAlchemy's, which can quote a statement's values.
    return str(getattr(exc, "orig", None) or exc or exc.__class__.__name__)


def _refusals(fn: Callable[..., int]) -> Callable[..., int]:
    import functools

    @functools.wraps(fn)
    def run(*args: object, **kwargs: object) -> int:
        try:
            return fn(*args, **kwargs)
        except _Refused as refused:
            return refused.code

    return run


# -- set-pin and staff-user ---------------------------------------------------------------

def _new_pin(stdin: TextIO, stderr: TextIO, ask: Callable[[str], str],
             whose: str = "staff") -> str:
    pin = _read_pin(stdin, stderr, ask, whose)
    if pin is None:
        raise _Refused(EXIT_FAILED)
    problem = validate_new_pin(pin)
    if problem:
        print(problem + " Nothing was changed.", file=stderr)
        raise _Refused(EXIT_FAILED)
    return pin


@_refusals
def set_pin(config_path: str | os.PathLike[str] | None, *,
            stdin: TextIO | None = None, stdout: TextIO | None = None,
            stderr: TextIO | None = None,
            ask: Callable[[str], str] = getpass.getpass) -> int:
    """The PIN of the admin account ``Staff`` (created if missing), as the single shared
    PIN was set before staff had accounts of their own."""
    from kiosk.staff.access import SHARED_PIN_ACCOUNT

    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    config = _usable_config(config_path, stderr, create=True)
    pin = _new_pin(stdin, stderr, ask)
    return _change_pin(config, SHARED_PIN_ACCOUNT, pin, stdout, stderr, create=True)


def _change_pin(config: Config, name: str, pin: str, stdout: TextIO, stderr: TextIO, *,
                create: bool) -> int:
    from kiosk.callback_queue.accounts import AccountStore
    from kiosk.callback_queue.model import AccountError, Role
    from kiosk.staff.access import command_line_actor

    with _queue(config, stderr) as store:
        try:
            account = AccountStore(store.engine).set_pin(
                name, hash_pin(pin), command_line_actor(),
                create_as=Role.ADMIN if create else None)
        except AccountError as exc:
            print(f"{exc} Nothing was changed.", file=stderr)
            return EXIT_FAILED
    print(f"PIN set for {account.name} ({account.role}).", file=stdout)
    return EXIT_OK


@_refusals
def staff_user(config_path: str | os.PathLike[str] | None, action: str,
               name: str | None = None, *, admin: bool = False,
               stdin: TextIO | None = None, stdout: TextIO | None = None,
               stderr: TextIO | None = None,
               ask: Callable[[str], str] = getpass.getpass) -> int:
    """`staff-user add NAME [--admin]`, `list`, `remove NAME`, `set-pin NAME`."""
    from kiosk.callback_queue.accounts import AccountStore
    from kiosk.callback_queue.model import AccountError, Role, clean_staff_name
    from kiosk.staff.access import command_line_actor

    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    if action != "list":
        try:
            name = clean_staff_name(name or "")
        except AccountError as exc:
            print(exc, file=stderr)
            return EXIT_FAILED
    config = _usable_config(config_path, stderr)
    if action == "list":
        with _queue(config, stderr) as store:
            accounts = AccountStore(store.engine).list()
        for account in accounts:
            print(f"{account.name}\t{account.role}", file=stdout)
        if not accounts:
            print("No staff accounts yet; add one with `staff-user add NAME --admin`.",
                  file=stderr)
        return EXIT_OK
    if action == "set-pin":
        with _queue(config, stderr) as store:
            if AccountStore(store.engine).get(name) is None:  # before asking for a PIN
                print(f"There is no staff account named {name!r}.", file=stderr)
                return EXIT_FAILED
        return _change_pin(config, name, _new_pin(stdin, stderr, ask, name), stdout, stderr,
                           create=False)
    try:
        if action == "add":
            with _queue(config, stderr) as store:
                accounts = AccountStore(store.engine)
                if accounts.get(name) is not None:
                    raise AccountError(f"There is already a staff account named {name!r}.")
                pin = _new_pin(stdin, stderr, ask, name)
                role = Role.ADMIN if admin else Role.STAFF
                added = accounts.add(name, role, hash_pin(pin), command_line_actor())
            print(f"Added {added.name} ({added.role}).", file=stdout)
            return EXIT_OK
        if action == "remove":
            with _queue(config, stderr) as store:
                removed = AccountStore(store.engine).remove(name, command_line_actor())
            print(f"Removed {removed.name}.", file=stdout)
            return EXIT_OK
    except AccountError as exc:
        print(f"{exc} Nothing was changed.", file=stderr)
        return EXIT_FAILED
    print(f"Unknown staff-user action {action!r}; use add, list, remove or set-pin.",
          file=stderr)
    return EXIT_CONFIG


def _read_pin(stdin: TextIO, stderr: TextIO, ask: Callable[[str], str],
              whose: str = "staff") -> str | None:
    """Twice on a terminal (unseen); from a pipe one line, or two that must agree."""
    if stdin.isatty():
        try:
            first = ask(f"New PIN for {whose}: ")
            second = ask("Repeat the PIN: ")
        except (EOFError, KeyboardInterrupt):
            print("\nNo PIN set.", file=stderr)
            return None
        if first != second:
            print("The two PINs are different; nothing was changed.", file=stderr)
            return None
        return first.strip()
    line = stdin.readline()
    if not line:
        print("No PIN on standard input; nothing was changed.", file=stderr)
        return None
    again = stdin.readline()
    if again.strip() and again.strip() != line.strip():
        print("The two PINs are different; nothing was changed.", file=stderr)
        return None
    return line.strip()


# -- audit --------------------------------------------------------------------------------

@_refusals
def audit(config_path: str | os.PathLike[str] | None, action: str | None = None,
          request_id: int | None = None, *, consent: bool = False,
          stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """`audit [--request ID [--consent]]` prints the trail (and what the patient agreed
    to); `audit verify` checks its chain."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if consent and (request_id is None or action == "verify"):
        print("--consent shows one request's consent: add --request ID.", file=stderr)
        return EXIT_CONFIG
    config = _usable_config(config_path, stderr)
    with _queue(config, stderr) as store:
        if action == "verify":
            report = store.verify_audit()
            if report.intact:
                print(f"The audit trail is intact: {report.rows} row(s), each chained to "
                      "the one before.", file=stdout)
                return EXIT_OK
            print(f"The audit trail does not verify: {report.problem}.", file=stdout)
            return EXIT_FAILED
        from kiosk.staff.rows import audit_line

        after = 0
        while True:  # in pages: a trail of years is never read into memory at once
            page = store.audit_trail(request_id, after_id=after, limit=1000)
            for entry in page:
                print(audit_line(entry), file=stdout)
            if len(page) < 1000:
                break
            after = page[-1].id
        if consent:
            from kiosk.callback_queue.store import RequestNotFound

            try:
                agreed = store.consent(request_id)
            except RequestNotFound:
                print(f"There is no request {request_id} (retention may have deleted it).",
                      file=stderr)
                return EXIT_FAILED
            if not agreed.text:
                print(f"consent\trequest {request_id}: none recorded (stored before the kiosk "
                      "kept consent)", file=stdout)
            else:
                print(f"consent\trequest {request_id}: version {agreed.version}, language "
                      f"{agreed.language or '?'}: {agreed.text}", file=stdout)
    return EXIT_OK


# -- export -------------------------------------------------------------------------------

def export(config_path: str | os.PathLike[str] | None, fmt: str = "csv",
           status: str | None = None, *, reason: str | None = None,
           stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Write the queue (optionally one status) as CSV to standard output; the audit trail
    records who exported, from where, how many and why (``reason``)."""
    from kiosk.callback_queue.model import Status
    from kiosk.staff.access import staff_config_problems

    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if fmt not in EXPORT_FORMATS:
        print(f"Unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}.",
              file=stderr)
        return EXIT_CONFIG
    chosen: Status | None = None
    if status is not None:
        try:
            chosen = Status(status.strip().lower())
        except ValueError:
            valid = ", ".join(s.value for s in Status)
            print(f"Unknown status {status!r}; valid statuses are: {valid}.", file=stderr)
            return EXIT_CONFIG
    path = resolve_config_path(config_path)
    config = load_config(path)
    problems = staff_config_problems(config)
    if problems:
        complain(problems, stderr)
        return EXIT_CONFIG

    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.callback_queue.deadlines import DeadlinePolicy
    from kiosk.callback_queue.export import write_queue_csv
    from kiosk.callback_queue.store import CallbackStore
    from kiosk.ops.paths import database_url, prepare_data_dir
    from kiosk.staff.access import adopt_config_pin, command_line_actor
    from kiosk.staff.export import export_detail

    try:
        prepare_data_dir()  # the default queue's folder; a configured one must exist already
        policy = DeadlinePolicy.from_config(config)
        with CallbackStore.open(database_url(config), policy=policy) as store, \
                _csv_stream(stdout) as out:
            actor = command_line_actor()
            adopt_config_pin(store, config, actor)
            written = write_queue_csv(store, out, chosen)
            store.record_event(actor, "export", export_detail(written, chosen, reason))
    except BrokenPipeError:  # `kiosk export | head` closed the pipe: not an error
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except SQLAlchemyError as exc:
        # The driver's own message, not SQLAlchemy's, which can quote a statement's values.
        reason = getattr(exc, "orig", None) or exc.__class__.__name__
        print(f"Cannot read the callback queue: {reason}", file=stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"Cannot read the callback queue: {exc}", file=stderr)
        return EXIT_FAILED
    print(f"{written} request(s) exported.", file=stderr)
    return EXIT_OK


@contextlib.contextmanager
def _csv_stream(stdout: TextIO):
    """UTF-8 with exactly the csv module's line endings, whatever the console's settings."""
    buffer = getattr(stdout, "buffer", None)
    if buffer is None:
        yield stdout
        return
    stdout.flush()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    try:
        yield wrapper
        wrapper.flush()
    finally:
        with contextlib.suppress(OSError, ValueError):
            wrapper.detach()  # leave stdout itself open


# -- staff console ------------------------------------------------------------------------

def console_config(config_path: str | os.PathLike[str] | None) -> Path | None:
    """The config path the front-desk console can use, or None after printing why not:
    a broken config, a queue that cannot be opened, or (outside a demo) no staff account."""
    from kiosk.callback_queue.accounts import AccountStore
    from kiosk.staff.access import staff_config_problems

    path = resolve_config_path(config_path)
    config = load_config(path)
    problems = staff_config_problems(config)
    if problems:
        complain(problems, sys.stderr)
        return None
    try:
        with _queue(config, sys.stderr) as store:
            accounts = AccountStore(store.engine).list()
    except _Refused:
        return None
    if not accounts and not config.kiosk.demo:
        print("No staff account can sign in to the console: add one with "
              f"`kiosk staff-user add NAME --admin --config {path}`.", file=sys.stderr)
        return None
    return path
