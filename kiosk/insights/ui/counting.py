"""Counts what visitors do on the kiosk window, from its signals, without touching a screen.

The window and its screens stay unaware of counting: ``UsageCounter`` listens to the idle
guard (a new visit), the top bar (language, text size, contrast), the screen stack (a
section or the form shown) and, as each screen is built, to its controls by their stable
object names (``card-N``, ``read-aloud``, the consult form's fields). Counting is an
in-memory increment (``Tally``); the queue worker writes the batches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QButtonGroup, QLineEdit, QWidget

from kiosk.insights.tally import FLUSH_INTERVAL_MS, ConsultProgress, Tally

if TYPE_CHECKING:
    from kiosk.callback_queue.usage import UsageCount

SECTION_PREFIX = "screen-section-"
CONSULT_SCREEN = "screen-consult"
TAKE_HOME_CODE = "qr-takehome"  # the take-home QR code (shell.ui.take_home), on a few screens


class UsageCounter(QObject):
    """Wires one kiosk window's signals to a ``Tally`` and flushes it through ``write``.

    ``write(rows, done)`` must hand the rows to the queue worker and never block; the worker
    calls ``tally.flush`` there. Call ``count(counter, key)`` for what no signal shows
    (``count("qr_shown", "aftercare")``).
    """

    def __init__(self, window: Any, tally: Tally,
                 flush: Callable[[Callable[[Callable[[list[UsageCount]], object]], int]], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self.tally = tally
        self.consult = ConsultProgress(tally)
        self._window = window
        self._flush = flush
        bar = window.top_bar
        # Connected after the window's own slots, so the window's choice is already made.
        bar.lang_button.clicked.connect(lambda: self.count("language", window.language))
        bar.text_size_button.clicked.connect(lambda: self.count("text_size", window.text_size))
        bar.contrast_button.clicked.connect(lambda: self.count("contrast", window.theme))
        # Speech mode's control, where the top bar has one (a plain search: the window's
        # own findChild would build every screen before the first frame).
        mode = bar.findChild(QAbstractButton, "speech-mode")
        if mode is not None and mode.isCheckable():
            mode.toggled.connect(lambda on: on and self.count("speech", "mode"))
        window.idle.visit_started.connect(lambda: self.count("visit"))
        window.idle.expired.connect(self.visit_ended)
        window.stack.currentChanged.connect(self._shown)
        # Armed by a count, so a kiosk at rest with nothing to write has no timer ticking.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)
        QApplication.instance().aboutToQuit.connect(self.flush)

    def count(self, counter: str, key: str = "") -> None:
        self.tally.count(counter, key)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Hand what is counted to the queue worker (nothing happens on this thread); a
        batch the worker could not write is tried again at the next flush."""
        self._timer.stop()
        if self.tally.pending():
            self._flush(self.tally.flush)
            self._timer.start()  # retries a failed write; finds nothing left after a good one

    def visit_ended(self) -> None:
        """The idle reset: a form left unsent is abandoned at its furthest step."""
        self.consult.visit_ended()
        self.flush()

    # --- screens --------------------------------------------------------------------------
    def watch(self, screen: QObject) -> QObject:
        """Listen to a newly built screen's countable controls; returns the screen."""
        name = screen.objectName()
        if name.startswith(SECTION_PREFIX):
            section = name.removeprefix(SECTION_PREFIX)
            for card in screen.findChildren(QAbstractButton):
                card_name = card.objectName()
                if card_name.startswith("card-") and card.isCheckable():
                    number = card_name.removeprefix("card-")
                    card.toggled.connect(lambda on, key=f"{section}/{number}":
                                         on and self.count("card_opened", key))
            read = screen.findChild(QAbstractButton, "read-aloud")
            if read is not None:
                read.toggled.connect(lambda on: on and self.count("speech", "read_aloud"))
        elif name == CONSULT_SCREEN:
            self._watch_form(screen)
        return screen

    def _watch_form(self, form: QObject) -> None:
        progress = self.consult
        for field, step in (("consult-name", "name"), ("consult-phone", "phone")):
            edit = form.findChild(QLineEdit, field)
            if edit is not None:  # a cleared field (reset) is not a step
                edit.textChanged.connect(lambda text, s=step: text and progress.reached(s))
        for group in form.findChildren(QButtonGroup):
            group.buttonClicked.connect(lambda _b: progress.reached("time"))
        consent = form.findChild(QAbstractButton, "consult-consent")
        if consent is not None:
            consent.toggled.connect(lambda on: on and progress.reached("consent"))
        form.submitted.connect(progress.sent)

    def _shown(self, index: int) -> None:
        screen = self._window.stack.widget(index)
        name = screen.objectName() if screen is not None else ""
        if name.startswith(SECTION_PREFIX):
            self.count("section_opened", name.removeprefix(SECTION_PREFIX))
        elif name == CONSULT_SCREEN:
            self.count("consult_opened")
        if screen is not None and screen.findChild(QWidget, TAKE_HOME_CODE) is not None:
            self.count("qr_shown", name.removeprefix(SECTION_PREFIX).removeprefix("screen-"))
