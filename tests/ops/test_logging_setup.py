"""The kiosk's log: rotating files, one line per event, and never a phone number."""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ops import logging_setup
from kiosk.ops.logging_setup import (
    MASK,
    configure_logging,
    configure_start_up_logging,
    mask_phone_numbers,
)

LINE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (INFO|WARNING|ERROR|CRITICAL) \S+: ")


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, put back exactly as it was (handlers, level, warnings capture)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)


def _read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "+15550102000",
        "5550102000",
        "(555) 010-2000",
        "555-010-2000",
        "555.010.2000",
        "+1 555 010 2000",
        "+44 20 7946 0958",
        "0201234567",
        "010-2000",  # seven digits is already enough
    ],
)
def test_phone_numbers_are_masked(text: str) -> None:
    masked = mask_phone_numbers(f"patient wrote {text} on the form")
    assert masked == f"patient wrote {MASK} on the form"


@pytest.mark.parametrize(
    "text",
    [
        "stored request 42 from kiosk lobby-2",
        "purged 3 closed requests older than 90 days",
        "started 2024-05-01 12:30:05",
        "connecting to 192.168.100.200:5432",
        "kiosk 0.1.0 on PySide6 6.12.0",
        "queue took 123456 us",
        "retry in 30 s, attempt 2 of 5",
    ],
)
def test_ordinary_log_text_is_kept(text: str) -> None:
    assert mask_phone_numbers(text) == text


def test_lines_have_time_level_logger_and_message(tmp_path: Path, root_logger) -> None:
    path = configure_logging(tmp_path / "logs", stderr=False)
    logging.getLogger("kiosk.test").info("kiosk started")
    logging.getLogger("kiosk.test").debug("not at INFO")

    lines = _read(path).splitlines()
    assert path == tmp_path / "logs" / "kiosk.log"
    assert len(lines) == 1
    assert LINE.match(lines[0]), lines[0]
    assert lines[0].endswith(" INFO kiosk.test: kiosk started")


def test_phone_numbers_never_reach_the_file(tmp_path: Path, root_logger) -> None:
    path = configure_logging(tmp_path, stderr=False)
    log = logging.getLogger("kiosk.test")
    log.warning("could not store %s for %s", "+15550102000", "Ana")
    log.info("raw message with (555) 010-2000 in it")
    try:
        raise ValueError("bad phone 555-010-2000")
    except ValueError:
        log.exception("form failed")
    log.error("stack", stack_info=True, extra={"note": "5550102000"})

    text = _read(path)
    assert "0102000" not in text and "010-2000" not in text
    assert "could not store [phone removed] for Ana" in text
    assert "raw message with [phone removed] in it" in text
    assert "ValueError: bad phone [phone removed]" in text  # the traceback is masked too
    assert 'extra={"note": "[phone removed]"}' in text  # and so is the stack


def test_level_and_stderr(tmp_path: Path, root_logger, capsys) -> None:
    path = configure_logging(tmp_path, level="WARNING")
    logging.getLogger("kiosk.test").info("quiet")
    logging.getLogger("kiosk.test").warning("loud 5550102000")

    assert "quiet" not in _read(path)
    err = capsys.readouterr().err
    assert "loud [phone removed]" in err and "quiet" not in err


def test_the_staff_console_has_its_own_file(tmp_path: Path, root_logger) -> None:
    path = configure_logging(tmp_path, file_name=logging_setup.STAFF_LOG_FILE, stderr=False)
    logging.getLogger("kiosk.staff").info("console opened")
    assert path.name == "staff-console.log"
    assert "console opened" in _read(path)
    assert not (tmp_path / "kiosk.log").exists()


def test_calling_again_replaces_the_handlers(tmp_path: Path, root_logger) -> None:
    configure_logging(tmp_path / "a", stderr=False)
    path = configure_logging(tmp_path / "b", stderr=False)
    logging.getLogger("kiosk.test").info("once")

    kiosk_handlers = [h for h in root_logger.handlers if getattr(h, "_kiosk_handler", False)]
    assert len(kiosk_handlers) == 1
    assert _read(path).count("once") == 1
    assert not (tmp_path / "a" / "kiosk.log").exists()


def test_the_log_rotates_and_stays_small(tmp_path: Path, root_logger, monkeypatch) -> None:
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 2_000)
    configure_logging(tmp_path, stderr=False)
    log = logging.getLogger("kiosk.test")
    for n in range(500):
        log.info("event %d %s", n, "x" * 60)
    for handler in root_logger.handlers:
        handler.flush()

    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["kiosk.log", *(f"kiosk.log.{n}" for n in range(1, 6))]
    assert all(p.stat().st_size <= 2_000 for p in tmp_path.iterdir())
    assert "event 499" in (tmp_path / "kiosk.log").read_text(encoding="utf-8")


def test_start_up_lines_stay_in_the_file_and_rotation_takes_over(
    tmp_path: Path, root_logger, monkeypatch
) -> None:
    """The kiosk logs without rotating until its first frame; nothing is lost at the switch,
    and a file grown too big in between is rotated at the first line after it."""
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 2_000)
    configure_start_up_logging(lambda: tmp_path, stderr=False)
    log = logging.getLogger("kiosk.test")
    for n in range(40):
        log.info("before the first frame %d %s", n, "x" * 60)
    path = tmp_path / "kiosk.log"
    assert path.stat().st_size > 2_000 and len(list(tmp_path.iterdir())) == 1

    assert configure_logging(tmp_path, stderr=False) == path
    log.info("after the first frame")
    for handler in root_logger.handlers:
        handler.flush()

    assert "before the first frame 39" in (tmp_path / "kiosk.log.1").read_text(encoding="utf-8")
    assert _read(path).count("after the first frame") == 1
    assert path.stat().st_size <= 2_000


def test_a_quiet_start_looks_for_no_log_folder_and_writes_no_file(
    tmp_path: Path, root_logger
) -> None:
    asked = []
    configure_start_up_logging(lambda: asked.append(1) or tmp_path / "logs", stderr=False)
    logging.getLogger("kiosk.test").debug("below the level")
    assert not asked and not (tmp_path / "logs").exists()
    logging.getLogger("kiosk.test").warning("first line, +1 555 010 0199")
    assert asked == [1]
    assert f"first line, {MASK}" in _read(tmp_path / "logs" / "kiosk.log")


def test_python_warnings_are_logged(tmp_path: Path, root_logger) -> None:
    import warnings

    path = configure_logging(tmp_path, stderr=False)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("old API", DeprecationWarning, stacklevel=1)
    assert "WARNING py.warnings:" in _read(path)


posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=[0o022, 0o000, 0o077, 0o277], ids=lambda m: f"umask-{m:03o}")
def umask(request) -> Iterator[int]:
    """Every umask a machine might run the kiosk with, even one that strips the owner's bits."""
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


@posix_only
def test_the_folder_is_0700_and_the_log_0600_whatever_the_umask(
    tmp_path: Path, root_logger, umask
) -> None:
    path = configure_logging(tmp_path / "state" / "logs", stderr=False)
    logging.getLogger("kiosk.test").info("kiosk started")

    assert "kiosk started" in _read(path)
    assert _mode(tmp_path / "state" / "logs") == 0o700
    assert _mode(path) == 0o600


@posix_only
def test_every_rotated_file_is_0600(tmp_path: Path, root_logger, monkeypatch, umask) -> None:
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 2_000)
    configure_logging(tmp_path / "logs", stderr=False)
    log = logging.getLogger("kiosk.test")
    for n in range(500):
        log.info("event %d %s", n, "x" * 60)
    for handler in root_logger.handlers:
        handler.flush()

    files = sorted((tmp_path / "logs").iterdir())
    assert [p.name for p in files] == ["kiosk.log", *(f"kiosk.log.{n}" for n in range(1, 6))]
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert _mode(tmp_path / "logs") == 0o700


@posix_only
def test_the_start_up_log_is_0600_in_a_0700_folder(tmp_path: Path, root_logger, umask) -> None:
    configure_start_up_logging(lambda: tmp_path / "logs", stderr=False)
    logging.getLogger("kiosk.test").warning("before the first frame")

    assert "before the first frame" in _read(tmp_path / "logs" / "kiosk.log")
    assert _mode(tmp_path / "logs") == 0o700
    assert _mode(tmp_path / "logs" / "kiosk.log") == 0o600


@posix_only
def test_files_and_folder_are_created_private_not_tightened_after(
    tmp_path: Path, root_logger, monkeypatch
) -> None:
    """With chmod forbidden and no umask, only creating them 0600/0700 gives these modes:
    there is no moment when another user could open the file or list the folder."""
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 2_000)
    old = os.umask(0)
    try:

        def forbidden(*args: object) -> None:
            raise AssertionError("created too open, then tightened")

        monkeypatch.setattr(os, "chmod", forbidden)
        monkeypatch.setattr(os, "fchmod", forbidden)
        configure_logging(tmp_path / "logs", stderr=False)
        for n in range(100):
            logging.getLogger("kiosk.test").info("event %d %s", n, "x" * 60)
        for handler in root_logger.handlers:
            handler.flush()
    finally:
        os.umask(old)
    monkeypatch.undo()
    assert (tmp_path / "logs" / "kiosk.log.3").exists()  # it really rotated
    assert {_mode(p) for p in (tmp_path / "logs").iterdir()} == {0o600}
    assert _mode(tmp_path / "logs") == 0o700


@posix_only
def test_an_older_open_folder_and_log_are_tightened(tmp_path: Path, root_logger) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    folder.chmod(0o755)
    old_log = folder / "kiosk.log"
    old_log.write_text("an old line\n", encoding="utf-8")
    old_log.chmod(0o644)

    path = configure_logging(folder, stderr=False)
    assert _mode(folder) == 0o700
    logging.getLogger("kiosk.test").info("a new line")

    assert _read(path).startswith("an old line\n")
    assert _mode(path) == 0o600


@posix_only
def test_a_folder_that_is_not_ours_is_left_alone(tmp_path: Path, root_logger, monkeypatch) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(folder).st_uid + 1)
    configure_logging(folder, stderr=False)
    assert _mode(folder) == 0o755
