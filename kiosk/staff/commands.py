"""The staff's command-line tools: `set-pin`, `export` and `staff` (the front-desk console).

Qt-free except ``run_staff_console``, which imports Qt when it runs. Exit codes: 0 done,
1 the input or the database failed, 2 the config file cannot be used.
"""

from __future__ import annotations

import contextlib
import getpass
import io
import os
import re
import sys
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from kiosk.config import load_config, resolve_config_path
from kiosk.staff.pin import hash_pin, validate_new_pin

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXPORT_FORMATS = ("csv",)

_PRIVATE_FILE = 0o600
_HEADER = re.compile(r"^\s*\[\s*(?P<name>[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')\s*\]\s*(?:#.*)?$")


class TomlEditError(ValueError):
    """The file's layout is too unusual to edit line by line without risking its meaning."""


# -- set-pin ------------------------------------------------------------------------------

def set_pin(config_path: str | os.PathLike[str] | None, *,
            stdin: TextIO | None = None, stdout: TextIO | None = None,
            stderr: TextIO | None = None,
            ask: Callable[[str], str] = getpass.getpass) -> int:
    """Read a new PIN, check it, and store only its hash in the config's [staff] table."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    path = resolve_config_path(config_path)
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
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
        _write_private(path, updated)
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


def set_toml_string(text: str, table: str, key: str, value: str) -> str:
    """``text`` with ``table.key = "value"``, every other line and comment kept as it was.

    Replaces an existing ``key`` line in ``[table]`` (keeping a trailing comment), or adds
    the key right under the ``[table]`` header, or appends the table. The result is read
    back; TomlEditError if anything but that one value would change.
    """
    if not re.fullmatch(r"[A-Za-z0-9+/=$._\-]*", value):
        raise TomlEditError("internal: only plain ASCII values are written")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    assignment = f'{key} = "{value}"'
    header_at, key_at = _find(lines, table, key)
    if key_at is not None:
        old = lines[key_at]
        indent = old[: len(old) - len(old.lstrip())]
        ending = old[len(old.rstrip("\r\n")):] or newline
        lines[key_at] = f"{indent}{assignment}{_trailing_comment(old)}{ending}"
    elif header_at is not None:
        if not lines[header_at].endswith(("\n", "\r")):
            lines[header_at] += newline
        lines.insert(header_at + 1, assignment + newline)
    else:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        if lines and lines[-1].strip():
            lines.append(newline)
        lines += [f"[{table}]{newline}", assignment + newline]
    updated = "".join(lines)
    _check_only_change(text, updated, table, key, value)
    return updated


def _find(lines: list[str], table: str, key: str) -> tuple[int | None, int | None]:
    name = re.escape(key)
    key_line = re.compile(rf"""^\s*(?:{name}|"{name}"|'{name}')\s*=""")
    current: str | None = None
    header_at = key_at = None
    for number, line in enumerate(lines):
        header = _HEADER.match(line)
        if header:
            current = header.group("name").strip("\"'")
            if current == table and header_at is None:
                header_at = number
            continue
        if current == table and key_at is None and key_line.match(line):
            key_at = number
    return header_at, key_at


def _trailing_comment(line: str) -> str:
    """The ``  # ...`` after a one-line string value, or "" when there is none (or in doubt)."""
    match = re.match(
        r"""^[^=]*=\s*(?:"(?:[^"\\]|\\.)*"|'[^']*')(?P<rest>\s*#.*?)?\s*$""", line.rstrip("\r\n")
    )
    return (match.group("rest") or "") if match else ""


def _check_only_change(before: str, after: str, table: str, key: str, value: str) -> None:
    try:
        old: dict[str, Any] = tomllib.loads(before)
        new: dict[str, Any] = tomllib.loads(after)
    except tomllib.TOMLDecodeError as exc:
        raise TomlEditError(
            f"cannot add {table}.{key} to this file's layout ({exc}); "
            f'add the line {key} = "" under [{table}] by hand, then run set-pin again'
        ) from None
    expected = {**old, table: {**_as_table(old.get(table)), key: value}}
    if new != expected:
        raise TomlEditError(
            f"cannot set {table}.{key} in this file's layout without changing other settings; "
            f'put {key} = "" on its own line under [{table}], then run set-pin again'
        )


def _as_table(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` atomically with a file only its owner may read (it holds the hash)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if os.name == "posix":
            os.chmod(tmp, _PRIVATE_FILE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if os.name == "posix":
        os.chmod(path, _PRIVATE_FILE)


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

    from kiosk.callback_queue.export import iter_all, write_csv
    from kiosk.callback_queue.store import CallbackStore
    from kiosk.ops.paths import database_url

    try:
        with CallbackStore.open(database_url(config)) as store, _csv_stream(stdout) as out:
            written = write_csv(iter_all(store, status=chosen), out)
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

def run_staff_console(config_path: str | os.PathLike[str] | None) -> int:
    """The front-desk console: a normal window, PIN first, then the queue."""
    from kiosk.staff.access import staff_config_problems

    path = resolve_config_path(config_path)
    problems = staff_config_problems(load_config(path), need_pin=True)
    if problems:
        _complain(problems, sys.stderr)
        return EXIT_CONFIG

    from PySide6.QtWidgets import QApplication

    from kiosk.app import build_staff_console

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Clinic staff console")
    window = build_staff_console(path)
    window.show()
    return app.exec()
