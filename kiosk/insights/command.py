"""`kiosk report [--days N] [--format text|csv|html]`: the anonymous figures on standard output.

Qt-free. Exit codes as the staff commands: 0 done, 1 the database failed, 2 the config or
an argument cannot be used.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import TextIO

from kiosk.config import complain, load_config, resolve_config_path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def load_report(config, days: int):
    """The Report for ``config``'s queue database (opens and closes it)."""
    from kiosk.callback_queue.store import CallbackStore
    from kiosk.insights.report import report_for
    from kiosk.ops.paths import database_url

    with CallbackStore.open(database_url(config)) as store:
        return report_for(config, store.engine, days)


def report(config_path: str | os.PathLike[str] | None, *, days: int, fmt: str,
           stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    from kiosk.insights.formats import FORMATS, render
    from kiosk.insights.report import MAX_DAYS

    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if fmt not in FORMATS:
        print(f"Unknown report format {fmt!r}; use one of: {', '.join(FORMATS)}.", file=stderr)
        return EXIT_CONFIG
    if not 1 <= days <= MAX_DAYS:
        print(f"--days must be 1 to {MAX_DAYS}, not {days}.", file=stderr)
        return EXIT_CONFIG
    config = load_config(resolve_config_path(config_path))
    if config.problems:
        complain(config.problems, stderr)
        return EXIT_CONFIG

    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.ops.paths import prepare_data_dir

    try:
        prepare_data_dir()  # the default queue's folder; a configured one must exist already
        figures = load_report(config, days)
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc.__class__.__name__
        print(f"Cannot read the queue database: {reason}", file=stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"Cannot read the queue database: {exc}", file=stderr)
        return EXIT_FAILED
    text = render(figures, fmt, config.clinic.name)
    try:
        _write_utf8(stdout, text)
    except BrokenPipeError:  # `kiosk report | head` closed the pipe: not an error
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def _write_utf8(stdout: TextIO, text: str) -> None:
    """UTF-8 with the text's own line endings, whatever the console's settings."""
    buffer = getattr(stdout, "buffer", None)
    if buffer is None:
        stdout.write(text)
        return
    stdout.flush()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    try:
        wrapper.write(text)
        wrapper.flush()
    finally:
        with contextlib.suppress(OSError, ValueError):
            wrapper.detach()
