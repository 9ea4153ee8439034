"""The kiosk's one speaker: Qt's text-to-speech behind a small interface, or "cannot speak".

The speech module is imported on first use, not for the first frame.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from PySide6.QtCore import QObject, Signal, qInstallMessageHandler

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _quiet_qt() -> Iterator[None]:
    """Route Qt's messages to our log while probing an engine that may not load."""

    def to_log(mode, context, message: str) -> None:
        log.info("qt: %s", message)

    previous = qInstallMessageHandler(to_log)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


class Speaker(QObject):
    """One speaker per kiosk: starting a new reading stops the previous one."""

    speaking_changed = Signal(bool)

    def __init__(self, engine: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine_name = engine
        self._speech = None
        self._checked = False
        self._available = False

    def available(self) -> bool:
        if not self._checked:
            self._checked = True
            # Probing may log the platform's missing audio back-ends; that is an answer here.
            with _quiet_qt():
                self._available = self._open()
        return self._available

    def state(self) -> str:
        """For the kiosk's heartbeat, without probing (that would start the speech engine):
        "unknown" until the first reading has asked."""
        if self._engine_name == "none":
            return "off"
        if not self._checked:
            return "unknown"
        return "available" if self._available else "unavailable"

    def _open(self) -> bool:
        if self._engine_name == "none":
            return False
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:  # e.g. the platform lacks the audio libraries it links to
            log.info("read aloud unavailable: %s", exc)
            return False
        engines = [e for e in QTextToSpeech.availableEngines() if e != "mock"]
        name = self._engine_name or (engines[0] if engines else "")
        if not name or (name != "mock" and name not in engines):
            log.info("read aloud unavailable: no speech engine")
            return False
        speech = QTextToSpeech(name, self)
        if speech.state() == QTextToSpeech.State.Error:
            log.info("read aloud unavailable: engine %s reports an error", name)
            return False
        speech.stateChanged.connect(self._state_changed)
        self._speech = speech
        return True

    def _state_changed(self, state) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        self.speaking_changed.emit(state == QTextToSpeech.State.Speaking)

    @property
    def engine(self):
        return self._speech

    def speak(self, text: str, language: str) -> None:
        if not self.available():
            return
        from PySide6.QtCore import QLocale

        self._speech.stop()
        self._speech.setLocale(QLocale(language))
        self._speech.say(text)

    def stop(self) -> None:
        if self._speech is not None:
            self._speech.stop()
