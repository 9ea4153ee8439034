"""The staff's command-line tools: `set-pin`, `export`, and the config check before `staff`.

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
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from kiosk.config import load_config, resolve_config_path
from kiosk.config.editing import TomlEditError, set_toml_string, write_private
from kiosk.staff.pin import hash_pin, validate_new_pin

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXPORT_FORMATS = ("csv",)



# -- set-pin ------------------------------------------------------------------------------

def set_pin(config_path: str | os.PathLike[str] | None, *,
            stdin: TextIO | None = None, stdout: TextIO | None = None,
            stderr: TextIO | None = None,
            ask: Callable[[str], str] = getpass.getpass) -> int:
    """Read a new PIN, check it, and store only its hash in the config's [staff] table."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    path = resolve_config_path(config_path)
    try:
        text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: cannot read the config file: {exc}", file=stderr)
        return EXIT_CONFIG
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        print(f"{path}: not valid TOML ({exc}); fix it first, then run set-pin again.",
              file=stderr)
        return EXIT_CONFIG

    pin = _read_pin(stdin, stderr, ask)
    if pin is None:
        return EXIT_FAILED
    problem = validate_new_pin(pin)
    if problem:
        print(problem, file=stderr)
        return EXIT_FAILED

    try:
        updated = set_toml_string(text, "staff", "pin_hash", hash_pin(pin))
    except TomlEditError as exc:
        print(f"{path}: {exc}", file=stderr)
        return EXIT_CONFIG
    try:
        write_private(path, updated)
    except OSError as exc:
        print(f"{path}: cannot write the config file: {exc}", file=stderr)
        return EXIT_CONFIG
    print(f"Staff PIN set in {path}.", file=stdout)
    return EXIT_OK


def _read_pin(stdin: TextIO, stderr: TextIO, ask: Callable[[str], str]) -> str | None:
    if stdin.isatty():
        try:
            first = ask("New staff PIN: ")
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
    return line.strip()


# -- export -------------------------------------------------------------------------------

def export(config_path: str | os.PathLike[str] | None, fmt: str = "csv",
           status: str | None = None, *, stdout: TextIO | None = None,
           stderr: TextIO | None = None) -> int:
    """Write the queue (optionally one status) as CSV to standard output."""
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
    problems = staff_config_problems(config, need_pin=False)
    if problems:
        _complain(problems, stderr)
        return EXIT_CONFIG

    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.callback_queue.deadlines import DeadlinePolicy
    from kiosk.callback_queue.export import write_queue_csv
    from kiosk.callback_queue.store import CallbackStore
    from kiosk.ops.paths import database_url, prepare_data_dir

    try:
        prepare_data_dir()  # the default queue's folder; a configured one must exist already
        policy = DeadlinePolicy.from_config(config)
        with CallbackStore.open(database_url(config), policy=policy) as store, \
                _csv_stream(stdout) as out:
            written = write_queue_csv(store, out, chosen)
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


def _complain(problems: list[str], stderr: TextIO) -> None:
    for problem in problems:
        print(problem, file=stderr)
    print(f"{len(problems)} problem(s) in the config file; run `kiosk check` for details.",
          file=stderr)


# -- staff console ------------------------------------------------------------------------

def console_config(config_path: str | os.PathLike[str] | None) -> Path | None:
    """The config path the front-desk console can use, or None after printing why not."""
    from kiosk.staff.access import staff_config_problems

    path = resolve_config_path(config_path)
    problems = staff_config_problems(load_config(path), need_pin=True)
    if problems:
        _complain(problems, sys.stderr)
        return None
    return path
