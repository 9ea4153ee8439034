"""Sends the kiosk's log to a few size-capped files that never hold a patient's phone number.

Qt-free. The kiosk runs for months unattended: the log rotates (``MAX_BYTES`` ×
``BACKUP_COUNT`` at most) instead of filling the disk, and every record passes through
``PhoneNumberMask`` before it is written. The code already logs request ids rather than
personal data; the mask is defence in depth against a message or traceback that slips one in.
For the same reason the folder is the owner's alone (0700) and every file in it, the fresh one
after each rotation too, is created 0600: never readable by others, whatever the umask.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import IO

LOG_FILE = "kiosk.log"
STAFF_LOG_FILE = "staff-console.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "[phone removed]"
#: Fewer digits than this is a count, an id or a year, not a phone number.
MIN_PHONE_DIGITS = 7
DIR_MODE = 0o700
FILE_MODE = 0o600

# Digits, optionally led by "+" or "(", joined by the separators people write numbers with.
# ":" is deliberately not a separator, so times of day stay readable.
_PHONE_LIKE = re.compile(r"(?<![\d+])\+?\(?\d(?:[ ./\-]?\(?\)?[ ]?\d)+")
# Digit runs that look like a phone number but are dates or IPv4 addresses, kept as they are.
_NOT_A_PHONE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2})?"  # an ISO date, maybe with the hour after it
    r"|\d{1,3}(?:\.\d{1,3}){3}"  # an IPv4 address
)


def mask_phone_numbers(text: str) -> str:
    """``text`` with every phone-number-like run of digits replaced by ``MASK``."""

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        digits = sum(ch.isdigit() for ch in found)
        if digits < MIN_PHONE_DIGITS or _NOT_A_PHONE.fullmatch(found):
            return found
        return MASK

    return _PHONE_LIKE.sub(replace, text)


class PhoneNumberMask(logging.Filter):
    """Rewrites a record's message, traceback and stack so no phone number reaches a handler."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phone_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatter.format() reuses exc_text once it is set, so the masked text is what prints.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_phone_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_phone_numbers(record.stack_info)
        return True


def configure_logging(
    log_dir: Path,
    level: str | int = "INFO",
    *,
    file_name: str = LOG_FILE,
    stderr: bool = True,
) -> Path:
    """Log to ``log_dir/file_name`` (rotating) and, if there is one, warnings to stderr.

    Each program on a machine gets its own file (the staff console: ``STAFF_LOG_FILE``):
    two processes must not rotate one file. Replaces handlers an earlier call installed, so
    calling it twice does not double lines. Returns the log file's path.
    """
    path = _prepared(Path(log_dir)) / file_name
    _install(
        _owner_only_rotating_handler()(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
        ),
        level,
        stderr,
    )
    return path


def configure_start_up_logging(
    find_log_dir: Callable[[], Path],
    level: str | int = "INFO",
    *,
    file_name: str = LOG_FILE,
    stderr: bool = True,
) -> None:
    """Logging for the moments before the kiosk's first frame; configure_logging() follows.

    Lines go where configure_logging() puts them, but the file is only appended to, and the
    log folder is looked up (platformdirs, about 5 ms) only when a first line comes: most
    starts log nothing before their first frame. The rotating handler's module (socket and
    pickle, about 6 ms) waits too. A file grown too big meanwhile is rotated at the first line
    written after configure_logging().
    """
    _install(_AppendOnFirstLine(lambda: _prepared(find_log_dir()) / file_name), level, stderr)


class _AppendOnFirstLine(logging.Handler):
    """Appends to a log file that it locates and opens when the first line comes."""

    def __init__(self, locate: Callable[[], Path]) -> None:
        super().__init__()
        self._locate = locate
        self._file: logging.FileHandler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            try:
                self._file = _OwnerOnlyFileHandler(self._locate(), encoding="utf-8")
            except Exception:  # as FileHandler does: report on stderr, keep running
                self.handleError(record)
                return
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


class _OwnerOnly:
    """For a FileHandler: its file is opened (or created) readable by its owner alone.

    ``os.open`` creates the file 0600 at most, so there is no moment when another user may
    open it; ``fchmod`` then makes it exactly 0600, whatever the umask took away, and tightens
    a file an older version left 0644. Rotation renames files, which keeps their mode, and
    opens the fresh one through here.
    """

    baseFilename: str
    mode: str
    encoding: str | None
    errors: str | None

    def _open(self) -> IO[str]:
        if self.mode != "a":
            raise ValueError(f"log files are only appended to, not opened {self.mode!r}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
        fd = os.open(self.baseFilename, flags, FILE_MODE)
        try:
            _make_owner_only(fd, FILE_MODE)
            return open(fd, "a", encoding=self.encoding, errors=self.errors)
        except BaseException:
            os.close(fd)
            raise


class _OwnerOnlyFileHandler(_OwnerOnly, logging.FileHandler):
    pass


@cache
def _owner_only_rotating_handler() -> type[logging.FileHandler]:
    # Imported here: the handlers module (socket, pickle) is not needed before the first frame.
    from logging.handlers import RotatingFileHandler

    class OwnerOnlyRotatingFileHandler(_OwnerOnly, RotatingFileHandler):
        pass

    return OwnerOnlyRotatingFileHandler


def _make_owner_only(target: int | Path, mode: int) -> None:
    """chmod ``target`` (a path or an open fd) to ``mode`` if it is ours and not so already.

    Another user's folder is left alone: it is not ours to change. So is Windows, where the
    user's profile folder already keeps others out and chmod only sets a read-only flag.
    """
    if not hasattr(os, "geteuid"):
        return
    st = os.fstat(target) if isinstance(target, int) else os.stat(target)
    if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) != mode:
        if isinstance(target, int):
            os.fchmod(target, mode)
        else:
            os.chmod(target, mode)


def _prepared(log_dir: Path) -> Path:
    # mkdir's mode only ever loses bits to the umask, so the folder is never more open.
    log_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _make_owner_only(log_dir, DIR_MODE)
    return log_dir


def _install(file_handler: logging.Handler, level: str | int, stderr: bool) -> None:
    """The kiosk's handlers, in place of any an earlier call installed."""
    handlers = [file_handler]
    # A windowed Windows build has no stderr at all (sys.stderr is None).
    if stderr and sys.stderr is not None:
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        handlers.append(console)

    formatter = logging.Formatter(LINE_FORMAT)
    mask = PhoneNumberMask()
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_kiosk_handler", False)]:
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(mask)
        handler._kiosk_handler = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    logging.captureWarnings(True)
