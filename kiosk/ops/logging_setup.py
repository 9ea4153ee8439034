"""Sends the kiosk's log to a few size-capped files that never hold a patient's phone number.

Qt-free. The kiosk runs for months unattended: the log rotates (``MAX_BYTES`` ×
``BACKUP_COUNT`` at most) instead of filling the disk, and every record passes through
``PhoneNumberMask`` before it is written. The code already logs request ids rather than
personal data; the mask is defence in depth against a message or traceback that slips one in.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path

LOG_FILE = "kiosk.log"
STAFF_LOG_FILE = "staff-console.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "[phone removed]"
#: Fewer digits than this is a count, an id or a year, not a phone number.
MIN_PHONE_DIGITS = 7

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
    from logging.handlers import RotatingFileHandler

    path = _prepared(Path(log_dir)) / file_name
    _install(
        RotatingFileHandler(
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
                self._file = logging.FileHandler(self._locate(), encoding="utf-8")
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


def _prepared(log_dir: Path) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
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
