"""Wiring: builds the kiosk window and the staff console from a config path, as main.py runs them."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QWidget

from kiosk.config import Config, load_config, production_problems
from kiosk.content import ContentError, load_content
from kiosk.ui.lockdown import LockedWindow

log = logging.getLogger(__name__)


def build_kiosk(config_path: str | Path | None, *, windowed: bool = False) -> LockedWindow:
    """The fully wired kiosk window (not yet shown). A bad config or content gives the
    out-of-order window instead of an exception: a kiosk never crashes to the desktop."""
    from kiosk.config import resolve_config_path

    path = resolve_config_path(config_path)
    config = load_config(path)
    kiosk_mode = config.kiosk.fullscreen and not windowed
    problems = [str(p) for p in (*config.problems, *production_problems(config))]
    if problems:
        return _out_of_order(config, problems, kiosk_mode)
    try:
        content = load_content(config.kiosk.language)
    except ContentError as exc:
        return _out_of_order(config, [str(p) for p in exc.problems], kiosk_mode)

    from kiosk.ui.kiosk_window import KioskWindow

    cache = {config.kiosk.language: content}

    def content_for(language: str):
        if language not in cache:
            cache[language] = load_content(language)
        return cache[language]

    return KioskWindow(config, content_for, kiosk_mode,
                       screen_factories={"consult": _consult_placeholder})


def _consult_placeholder(window: QWidget) -> QWidget:
    widget = QWidget()
    widget.setObjectName("screen-consult")
    return widget


def _out_of_order(config: Config, problems: list[str], kiosk_mode: bool) -> LockedWindow:
    from PySide6.QtWidgets import QVBoxLayout

    from kiosk.ui.out_of_order import OutOfOrderScreen
    from kiosk.ui.theme import stylesheet

    for problem in problems:
        log.error("out of order: %s", problem)
    window = LockedWindow(kiosk_mode)
    window.setObjectName("kiosk-window")
    window.setWindowTitle("Kiosk out of order")
    layout = QVBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(OutOfOrderScreen(problems, config.clinic.phone))
    window.setStyleSheet(stylesheet())
    if kiosk_mode:
        from PySide6.QtWidgets import QApplication

        from kiosk.ui.lockdown import KeyLock

        QApplication.instance().installEventFilter(KeyLock(window))
    return window
