"""The kiosk's one speaker: Qt's text-to-speech on a thread of its own, with every step timed.

The GUI thread never touches the engine. A daemon worker thread (a Python thread running a
Qt event loop, so Qt adopts it) owns the ``QTextToSpeech``: it is created there, opened
there and spoken there, and the GUI side only posts queued calls to it and hears back
through queued signals. Work that can block on the speech server (opening ``speechd`` runs
``spd_open2``; every setting and every ``say`` is a round trip to speech-dispatcher) is
posted as a queued call to the engine's own C++ slot, so the thread waits inside Qt with
Python's lock released: a wedged speech-dispatcher stalls that thread for good, never the
screen. The thread is a daemon and nothing ever waits for it, so quitting does not hang on
it either; its Qt objects are children of the thread's own (adopted) QThread, so PySide's
clean-up at exit does not destroy an engine still stuck in a call on another thread.

For ``speechd`` the thread first greets speech-dispatcher itself (``kiosk.shell.speechd``):
a daemon that accepts and never answers is reported without ever starting Qt's engine on
it, which would wait in ``spd_open2`` for good and crash in libspeechd if the connection
then closed.

Nothing is believed until the engine shows it: opening must answer within
``OPEN_TIMEOUT_S``, a reading must reach "speaking" within ``START_TIMEOUT_S`` of ``speak``
and be back to "ready" within a bound set by its length. An engine that misses a bound is
declared unavailable (logged once, ``availability_changed(False)``), and whatever depends
on it hides; if it shows life again later (a slow machine), it is available again. While a
``speechd`` reading is under way the speaker also checks once a second, without blocking,
that speech-dispatcher still listens (``kiosk.shell.speechd.gone``): a daemon that dies
mid-reading sends no "ready", and is declared gone at once instead of at the reading's bound.

Speech is in the language asked for, with a voice for it: the engine's locale for that
language (its own territory first, then any), logged once per language; without one the
engine's default voice reads, and the log says so.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import logging
import os
import threading
import time
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QEventLoop,
    QLocale,
    QMetaObject,
    QObject,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)

from kiosk.shell.ui.multimedia import quiet_loader_time_warnings

log = logging.getLogger(__name__)

#: Seconds the engine has to open: ``QTextToSpeech("speechd")`` takes 1.2-1.7 s on an idle
#: machine and up to 6 s on a busy one (it lists espeak-ng's 13,000 voice variants).
OPEN_TIMEOUT_S = 10.0
#: Seconds from ``speak`` until the engine must say it is speaking.
START_TIMEOUT_S = 3.0
#: A reading must end within FINISH_BASE_S + FINISH_PER_CHAR_S per character (doubled at
#: the slowest rate); espeak-ng reads about 15 characters a second at the normal rate.
FINISH_BASE_S = 5.0
FINISH_PER_CHAR_S = 0.2
#: While a ``speechd`` reading is under way, the speaker checks this often that
#: speech-dispatcher still listens: a daemon that dies mid-reading never says "ready", and
#: without the check "Stop reading" would stay up, silent, until the reading's bound.
DAEMON_CHECK_MS = 1000
#: Seconds the exit waits for the speech threads to close their engines.
EXIT_WAIT_S = 1.0
DEFAULT_VOLUME = 0.8
DEFAULT_RATE = 0.0
#: Stands in while the real engine opens: it loads instantly and never blocks.
_PLACEHOLDER_ENGINE = "mock"


class _Voice(QObject):
    """The worker thread's side: owns the engine; every slot runs on the worker thread."""

    def __init__(self, engine_name: str, inbox: _Inbox, home: QObject, loop: QEventLoop) -> None:
        super().__init__(home)
        self._loop = loop
        self._engine_name = engine_name
        self._inbox = inbox
        self._home = home
        self.tts: Any = None
        self._current = 0
        self._language: str | None = None
        self._locales: dict[str, QLocale | None] = {}
        self._chosen: dict[str, Any] = {}  # language -> the QVoice reading it (None: default)
        self._wanted: tuple[str, str] | None = None
        self._available_locales: list[QLocale] = []

    def _tell(self, kind: str, payload: object) -> bool:
        try:
            self._inbox.arrived.emit(kind, payload)
        except RuntimeError:  # the speaker is gone
            return False
        return True

    def _post(self, method: str, *args: Any) -> None:
        """A queued call to one of the engine's C++ slots: it runs on this thread's event loop
        without Python's lock, so a call stuck on the speech server blocks only this thread."""
        QMetaObject.invokeMethod(self.tts, method, Qt.ConnectionType.QueuedConnection, *args)

    @Slot()
    def open(self) -> None:
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:  # e.g. the platform lacks the audio libraries it links to
            self._tell("opened", {"ok": False, "why": f"QtTextToSpeech cannot load ({exc})"})
            return
        engines = QTextToSpeech.availableEngines()
        real = [e for e in engines if e != "mock"]
        name = self._engine_name or (real[0] if real else "")
        if not name:
            self._tell("opened", {"ok": False, "why": "this machine has no speech engine"})
            return
        if name not in engines:
            self._tell("opened", {"ok": False, "why": f"this machine has no {name} engine "
                                                      f"(it has: {', '.join(real) or 'none'})"})
            return
        self._engine_name = name
        if name == "speechd":
            # Sockets release Python's lock: waiting here stalls only this thread.
            from kiosk.shell.speechd import probe

            problem = probe(OPEN_TIMEOUT_S + 2)  # the speaker gives up first, in its words
            if problem is not None:
                self._tell("opened", {"ok": False, "why": problem})
                return
        placeholder = _PLACEHOLDER_ENGINE if _PLACEHOLDER_ENGINE in engines else name
        self.tts = QTextToSpeech(placeholder, self._home)
        self.tts.stateChanged.connect(self._state_changed)
        if placeholder != name:
            from PySide6.QtCore import Q_ARG

            self._post("setEngine", Q_ARG(str, name))
        QTimer.singleShot(0, self, self._opened)  # after setEngine: the queue keeps order

    def _opened(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        tts = self.tts
        if tts.engine() != self._engine_name or tts.state() == QTextToSpeech.State.Error:
            why = tts.errorString() or "it cannot start"
            self._tell("opened", {"ok": False,
                                  "why": f"the {self._engine_name} engine reports: {why}"})
            return
        # Cached by the engines when they open: no round trip to the speech server.
        self._available_locales = list(tts.availableLocales())
        self._tell("opened", {"ok": True, "engine": tts.engine(),
                              "locales": sorted(loc.name() for loc in self._available_locales)})

    def _locale_for(self, language: str) -> QLocale | None:
        if language not in self._locales:
            wanted = QLocale(language)
            same = [loc for loc in self._available_locales if loc.language() == wanted.language()]
            same.sort(key=lambda loc: (loc.territory() != wanted.territory(), loc.name()))
            self._locales[language] = same[0] if same else None
        return self._locales[language]

    @Slot(int, str, str)
    def speak(self, utterance: int, text: str, language: str) -> None:
        from PySide6.QtCore import Q_ARG

        self._current = utterance
        self._wanted = (text, language)
        if language != self._language:
            self._language = language
            locale = self._locale_for(language)
            if locale is not None:
                self._post("setLocale", Q_ARG(QLocale, locale))
        # After setLocale has run: the voices listed are then that locale's.
        QTimer.singleShot(0, self, self._say_wanted)

    def _say_wanted(self) -> None:
        """Say the latest request (a newer one replaces any still waiting), in its voice."""
        from PySide6.QtCore import Q_ARG

        if self._wanted is None:
            return
        (text, language), self._wanted = self._wanted, None
        if language not in self._chosen:
            self._chosen[language] = self._choose_voice(language)
        voice = self._chosen[language]
        if voice is not None and voice != self.tts.voice():  # both cached by the engine
            self._post("setVoice", Q_ARG(type(voice), voice))
        self._post("say", Q_ARG(str, text))

    def _choose_voice(self, language: str) -> Any:
        """The plainest voice the engine lists for the language's locale (espeak-ng lists
        "English (America)" beside "English (America)+Adam" and "English (Caribbean)")."""
        found = self._locale_for(language) is not None
        voices = [v for v in self.tts.availableVoices()] if found else []
        plain = [v for v in voices if "+" not in v.name()] or voices
        voice = min(plain, key=lambda v: (len(v.name()), v.name())) if plain else None
        used = voice if voice is not None else self.tts.voice()
        self._tell("voice", (language, found, used.name(), used.locale().name()))
        return voice

    @Slot()
    def stop(self) -> None:
        if self.tts is not None:
            self._post("stop")

    @Slot(float)
    def set_volume(self, volume: float) -> None:
        from PySide6.QtCore import Q_ARG

        if self.tts is not None:
            self._post("setVolume", Q_ARG(float, volume))

    @Slot(float)
    def set_rate(self, rate: float) -> None:
        from PySide6.QtCore import Q_ARG

        if self.tts is not None:
            self._post("setRate", Q_ARG(float, rate))

    @Slot()
    def close(self) -> None:
        """Delete the engine from the event loop (in C++: closing speechd is a round trip),
        then end the loop."""
        if self.tts is None:
            self._loop.quit()
            return
        self.tts.stateChanged.disconnect(self._state_changed)
        self.tts.destroyed.connect(self._loop.quit)
        self.tts.deleteLater()

    def _state_changed(self, state: Any) -> None:
        self._tell("state", (self._current, state.name.lower()))


class _Inbox(QObject):
    """The GUI side's mailbox: the worker emits, the speaker hears it on the GUI thread."""

    arrived = Signal(str, object)


class _Worker:
    """The thread and what it made, shared under a lock so retiring never races starting."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.voice: _Voice | None = None
        self.thread: threading.Thread | None = None
        self.retired = False

    def post(self, method: str, *args: Any) -> None:
        """A queued call to the voice, under the lock: the thread deletes the voice under it
        too, so nothing is ever posted to a voice being deleted."""
        with self.lock:
            voice = self.voice
            if voice is None or self.retired:
                return
            with contextlib.suppress(RuntimeError):  # the worker has finished
                QMetaObject.invokeMethod(voice, method, Qt.ConnectionType.QueuedConnection,
                                         *args)

    def retire(self) -> None:
        """Ask the thread to close the engine and end; never waits for it (it may be stuck in
        the speech server for good)."""
        with self.lock:
            if self.retired:
                return
            self.retired = True
            if self.voice is not None:
                with contextlib.suppress(RuntimeError):
                    QMetaObject.invokeMethod(self.voice, "close",
                                             Qt.ConnectionType.QueuedConnection)


#: Every speech thread still running, for the bounded wait at exit.
_LIVE: set[_Worker] = set()


def _serve(worker: _Worker, engine_name: str, inbox: _Inbox) -> None:
    """The worker thread: opens the engine, then runs its event loop until retired."""
    made: list[QObject] = []
    try:
        # Opening speechd is CPU work too (it turns espeak-ng's 13,000 voices into QVoices):
        # on a busy two-core kiosk the screen's thread must get the CPU first.
        with contextlib.suppress(AttributeError, OSError):  # (Linux only: nice per thread)
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        home = QThread.currentThread()  # the adopted thread's own QThread, owned by Qt
        loop = QEventLoop(home)
        voice = _Voice(engine_name, inbox, home, loop)
        made += [loop, voice]
        with worker.lock:
            if worker.retired:
                return
            worker.voice = voice
        voice.open()
        loop.exec()
    finally:
        with worker.lock:
            worker.voice = None
        # Deleted here, while this thread still runs Python: left to the adopted QThread,
        # they would go as the thread's very last act, after its Python state is gone, each
        # Python-made object then taking Python's lock from a dying thread.
        for obj in [getattr(m, "tts", None) for m in made] + made[::-1]:
            if obj is not None and shiboken6.isValid(obj):
                shiboken6.delete(obj)
        _LIVE.discard(worker)


@atexit.register
def _end_speech_threads() -> None:
    """At exit, give the speech threads EXIT_WAIT_S to close their engines: a daemon thread
    still running when Python finalizes is ended inside Qt's frames, which aborts the
    process. A thread stuck in the speech server is left there (it never runs Python again)."""
    workers = list(_LIVE)
    for worker in workers:
        worker.retire()
    deadline = time.monotonic() + EXIT_WAIT_S
    for worker in workers:
        if worker.thread is not None:
            worker.thread.join(max(0.0, deadline - time.monotonic()))


class Speaker(QObject):
    """One speaker per kiosk: starting a new reading replaces the one before."""

    #: True when the engine starts speaking, False when the reading ends, is stopped or fails.
    speaking_changed = Signal(bool)
    #: Whether the engine works, each time that changes (the first answer after opening too).
    availability_changed = Signal(bool)
    #: (text, language) once the engine has started speaking it.
    started = Signal(str, str)
    #: (text, language) once the engine has finished speaking it (not when stopped).
    finished = Signal(str, str)

    def __init__(self, engine: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine_name = engine
        self._name = engine or "speech"
        self._status = "off" if engine == "none" else "unknown"
        self._problem = 'read aloud is turned off (kiosk.speech_engine = "none")' \
            if engine == "none" else ""
        self._engine: Any = None
        self._volume = DEFAULT_VOLUME
        self._rate = DEFAULT_RATE
        self._voices: dict[str, str] = {}
        self._ids = itertools.count(1)
        # The reading in progress: [id, text, language, "starting" | "speaking"], or None.
        self._utterance: list[Any] | None = None
        self._waiting_for = ""
        self._slow_only = False  # unavailable only for missing a deadline to open or start
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._overdue)
        self._daemon_check = QTimer(self)
        self._daemon_check.setInterval(DAEMON_CHECK_MS)
        self._daemon_check.timeout.connect(self._check_daemon)
        self._inbox = _Inbox(self)
        self._inbox.arrived.connect(self._answer)
        self._worker: _Worker | None = None
        if engine != "none":
            self._start()

    def _start(self) -> None:
        # The import itself is quick (about 10 ms); QtMultimedia, which it loads, warns about
        # its optional back-ends from inside the loader, where no Python may run.
        quiet_loader_time_warnings()
        with contextlib.suppress(ImportError):
            import PySide6.QtTextToSpeech  # noqa: F401 - the worker reports a failed import
        worker = self._worker = _Worker()
        # Retire the thread with the speaker (its window closing), on the GUI thread.
        self.destroyed.connect(worker.retire)
        worker.thread = threading.Thread(target=_serve, args=(worker, self._engine_name,
                                                              self._inbox),
                                         name="speech", daemon=True)
        _LIVE.add(worker)
        worker.thread.start()
        self._arm("open", OPEN_TIMEOUT_S)

    # --- what the kiosk asks ----------------------------------------------------------------
    def available(self) -> bool:
        """Whether the engine has opened and has not failed since; never waits."""
        return self._status == "available"

    def state(self) -> str:
        """For the kiosk's heartbeat: "off", "unknown" (still opening), "available" or
        "unavailable"."""
        return self._status

    def problem(self) -> str:
        """Why speech is unavailable (or off), in words for the log and ``self-test``."""
        return self._problem

    def engine_name(self) -> str:
        return self._name

    def voice(self, language: str) -> str | None:
        """The voice reading ``language``, once it has been used: "name (locale)"."""
        return self._voices.get(language)

    @property
    def engine(self) -> Any:
        """The ``QTextToSpeech`` once opened. It lives on the worker thread: watch its
        signals, read its state; never call what talks to the speech server."""
        return self._engine

    def speak(self, text: str, language: str) -> bool:
        """Start reading ``text`` in ``language``; False (and nothing spoken) when speech is
        unavailable or there is nothing to say."""
        if not self.available() or not text.strip() or self._worker is None:
            return False
        from PySide6.QtCore import Q_ARG

        utterance = next(self._ids)
        self._utterance = [utterance, text, language, "starting"]
        self._worker.post("speak", Q_ARG(int, utterance), Q_ARG(str, text), Q_ARG(str, language))
        self._arm("start", START_TIMEOUT_S)
        if self._name == "speechd":
            self._daemon_check.start()
        return True

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.post("stop")
        self._end()

    def is_speaking(self) -> bool:
        return self._utterance is not None and self._utterance[3] == "speaking"

    def set_volume(self, volume: float) -> None:
        """0 (silent) to 1 (loudest)."""
        from PySide6.QtCore import Q_ARG

        self._volume = min(1.0, max(0.0, float(volume)))
        if self._worker is not None:
            self._worker.post("set_volume", Q_ARG(float, self._volume))

    def volume(self) -> float:
        return self._volume

    def set_rate(self, rate: float) -> None:
        """-1 (slowest) to 1 (fastest); 0 is the voice's normal pace."""
        from PySide6.QtCore import Q_ARG

        self._rate = min(1.0, max(-1.0, float(rate)))
        if self._worker is not None:
            self._worker.post("set_rate", Q_ARG(float, self._rate))

    def rate(self) -> float:
        return self._rate

    # --- what the worker says ---------------------------------------------------------------
    @Slot(str, object)
    def _answer(self, kind: str, payload: Any) -> None:
        if kind == "opened":
            self._opened(payload)
        elif kind == "state":
            self._state(*payload)
        elif kind == "voice":
            self._voice_used(*payload)

    def _opened(self, report: dict[str, Any]) -> None:
        if self._waiting_for == "open":
            self._disarm()
        if not report["ok"]:
            self._fail(report["why"])
            return
        self._name = report["engine"]
        worker = self._worker
        self._engine = worker.voice.tts if worker is not None and worker.voice else None
        log.info("speech: the %s engine is ready (locales: %s)", self._name,
                 ", ".join(report["locales"]) or "none")
        self.set_volume(self._volume)
        self.set_rate(self._rate)
        self._revive()

    def _voice_used(self, language: str, found: bool, name: str, locale: str) -> None:
        described = f"{name} ({locale})" if name else locale
        if self._voices.get(language) == described:
            return
        self._voices[language] = described
        if found:
            log.info("speech: %s is read by the %s voice %s", language, self._name, described)
        else:
            log.warning("speech: the %s engine has no voice for %r; reading it with its "
                        "default voice %s (install a voice for that language)",
                        self._name, language, described)

    def _state(self, utterance: int, state: str) -> None:
        if self._status == "unavailable":
            if state == "speaking" and self._slow_only:
                # A late answer from an engine declared dead only for being slow.
                if self._worker is not None:
                    self._worker.post("stop")
                self._revive()
            return
        current = self._utterance
        if current is None or current[0] != utterance:
            return
        if state == "error":
            self._fail(f"the {self._name} engine reported an error while speaking")
        elif current[3] == "starting" and state == "speaking":
            current[3] = "speaking"
            text = current[1]
            slower = 2.0 if self._rate < 0 else 1.0
            self._arm("finish", FINISH_BASE_S + FINISH_PER_CHAR_S * slower * len(text))
            self.speaking_changed.emit(True)
            self.started.emit(text, current[2])
        elif current[3] == "speaking" and state == "ready":
            self._end(finished=True)

    # --- bookkeeping ------------------------------------------------------------------------
    def _arm(self, what: str, seconds: float) -> None:
        self._waiting_for = what
        self._deadline.start(int(seconds * 1000))

    def _disarm(self) -> None:
        self._waiting_for = ""
        self._deadline.stop()

    def _overdue(self) -> None:
        what, self._waiting_for = self._waiting_for, ""
        if what == "open":
            self._fail(f"the speech engine did not answer within {OPEN_TIMEOUT_S:g} s",
                       slow_only=True)
            return
        if self._worker is not None:
            self._worker.post("stop")
        if what == "start":
            self._fail(f"the {self._name} engine did not start speaking within "
                       f"{START_TIMEOUT_S:g} s", slow_only=True)
        elif what == "finish":
            self._fail(f"the {self._name} engine did not finish speaking in time")

    def _check_daemon(self) -> None:
        """On the GUI thread, once a second while reading: a connect that never blocks."""
        from kiosk.shell.speechd import gone

        why = gone()
        if why is not None:
            self._fail(why)

    def _end(self, *, finished: bool = False) -> None:
        self._daemon_check.stop()
        current, self._utterance = self._utterance, None
        if self._waiting_for in ("start", "finish"):
            self._disarm()
        if current is not None:
            self.speaking_changed.emit(False)
            if finished:
                self.finished.emit(current[1], current[2])

    def _fail(self, why: str, *, slow_only: bool = False) -> None:
        self._end()
        if self._status == "unavailable":
            return
        self._slow_only = slow_only
        self._status = "unavailable"
        self._problem = why
        log.warning("speech unavailable: %s; read aloud is hidden", why)
        self.availability_changed.emit(False)

    def _revive(self) -> None:
        if self._status == "available":
            return
        was_unavailable = self._status == "unavailable"
        self._status = "available"
        self._problem = ""
        if was_unavailable:
            log.warning("speech: the %s engine answered after all; read aloud is back",
                        self._name)
        self.availability_changed.emit(True)
