"""`kiosk check`: validates the config file, the content and the configured queue (read-only),
printing every problem found."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from kiosk.config import Config, load_config, production_problems, resolve_config_path
from kiosk.education.content import (
    LANGUAGES,
    check_all_languages,
    review_problems,
    reviews_due,
)
from kiosk.shell.i18n import catalog_path, extract_messages, missing_translations


def patient_messages() -> set[str]:
    """Every interface string a patient can meet, extracted from the code with Babel (the
    folders babel.cfg names: staff screens and the out-of-order page stay in English), and
    the form's errors."""
    from kiosk.ops.translations import form_messages

    return extract_messages(form_messages())


def inspect_configured_queue(config: Config) -> tuple[list[str], list[str]]:
    """Problems with the queue the config names (and the kiosk's outbox), and what was seen,
    among them a real kiosk's queue without an admin staff account.

    Read-only: a missing queue file stays missing (the kiosk creates it at first start).
    """
    from kiosk.callback_queue.health import inspect_queue, quick_check
    from kiosk.ops.paths import database_url, outbox_path

    shown = str(config.path) if config.path else "<defaults>"
    report = inspect_queue(database_url(config))
    problems = [f"{shown}: database.url: {problem}" for problem in report.problems]
    problems += [str(p) for p in production_problems(config, report.admins)]
    seen = [f"queue: {report.summary}"]
    if report.admins is not None:
        seen.append(f"staff: {report.admins} admin account(s)" + (
            "; the config's [staff] pin_hash becomes the admin account Staff at first start"
            if not report.admins and config.staff.pin_hash else ""))
    outbox = outbox_path(config)
    if outbox.exists():
        damaged = quick_check(outbox)
        problems += [f"{outbox}: the kiosk's outbox: {problem}" for problem in damaged]
        seen.append(f"outbox: {outbox}: " + ("damaged" if damaged else "PRAGMA quick_check ok"))
    return problems, seen


def collect_problems(config_path: str | Path | None) -> tuple[Path, list[str], list[str]]:
    """The config's path, every problem found, and what the queue inspection saw."""
    path = resolve_config_path(config_path)
    config = load_config(path)
    problems = [str(p) for p in config.problems]
    if config.ok:
        queue_problems, seen = inspect_configured_queue(config)
    else:  # with its problems the config would point at the default queue, not the real one
        queue_problems, seen = [], ["queue: not inspected until the config file is fixed"]
    problems += queue_problems
    problems += [str(p) for p in check_all_languages()]
    problems += [str(p) for p in review_problems()]
    for language in LANGUAGES:
        for message in missing_translations(language, patient_messages()):
            problems.append(f"{catalog_path(language)}: no translation for {message!r}")
    return path, problems, seen


def collect_warnings(today: date | None = None) -> list[str]:
    """What IT should hear about but the kiosk can run with: content whose review is due."""
    return [f"warning: {due}" for due in reviews_due(today or date.today())]


def run_check(config_path: str | Path | None) -> int:
    path, problems, seen = collect_problems(config_path)
    for line in seen:
        print(line)
    for warning in collect_warnings():
        print(warning, file=sys.stderr)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"{path}: config, content and queue are valid.")
    return 0
