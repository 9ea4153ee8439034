"""The speaker through Qt's mock engine: it opens on its own thread, reads in the language
asked for, and is honest about what the engine did (and did not do)."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractButton

from kiosk.shell.theme import THEMES
from kiosk.shell.ui.speech import DEFAULT_RATE, DEFAULT_VOLUME, Speaker


def opened(qtbot, speaker: Speaker) -> Speaker:
    qtbot.waitUntil(lambda: speaker.state() != "unknown", timeout=10_000)
    return speaker


def test_the_engine_opens_and_speaks_on_a_thread_of_its_own(qtbot):
    speaker = Speaker("mock")
    assert speaker.state() == "unknown" and not speaker.available()  # never waits to know
    with qtbot.waitSignal(speaker.availability_changed, timeout=10_000) as change:
        pass
    assert change.args == [True] and speaker.available()
    engine = speaker.engine
    assert engine.thread() != speaker.thread()  # it lives on the speech thread
    seen: list[str] = []
    engine.stateChanged.connect(lambda _state: seen.append(threading.current_thread().name))
    changes: list[bool] = []
    speaker.speaking_changed.connect(changes.append)
    with qtbot.waitSignal(speaker.finished, timeout=10_000) as finished:
        assert speaker.speak("Rest and drink water.", "en")
    assert finished.args == ["Rest and drink water.", "en"]
    assert changes == [True, False]
    assert set(seen) == {"speech"}  # the engine's signals come from the speech thread
    assert speaker.voice("en").endswith("(en_US)")
    speaker.deleteLater()


def test_spanish_without_a_spanish_voice_is_logged_and_read_by_the_default(qtbot, caplog):
    speaker = opened(qtbot, Speaker("mock"))
    with caplog.at_level(logging.INFO, "kiosk.shell.ui.speech"), \
            qtbot.waitSignal(speaker.finished, timeout=10_000):
        assert speaker.speak("Beba agua.", "es")
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warned == [f"speech: the mock engine has no voice for 'es'; reading it with its "
                      f"default voice {speaker.voice('es')} (install a voice for that language)"]
    speaker.deleteLater()


def test_stop_ends_the_reading_at_once(qtbot):
    speaker = opened(qtbot, Speaker("mock"))
    with qtbot.waitSignal(speaker.started, timeout=10_000):
        speaker.speak("One two three four five six seven eight nine ten.", "en")
    assert speaker.is_speaking()
    with qtbot.waitSignal(speaker.speaking_changed, timeout=100) as change:
        speaker.stop()
    assert change.args == [False] and not speaker.is_speaking()
    qtbot.waitUntil(lambda: speaker.engine.state().name == "Ready", timeout=5000)
    speaker.deleteLater()


def test_volume_and_rate_are_kept_in_range_and_reach_the_engine(qtbot):
    speaker = opened(qtbot, Speaker("mock"))
    assert (speaker.volume(), speaker.rate()) == (DEFAULT_VOLUME, DEFAULT_RATE)
    speaker.set_volume(1.7)
    speaker.set_rate(-3)
    assert (speaker.volume(), speaker.rate()) == (1.0, -1.0)
    speaker.set_volume(0.3)
    qtbot.waitUntil(lambda: abs(speaker.engine.volume() - 0.3) < 1e-6, timeout=5000)
    qtbot.waitUntil(lambda: speaker.engine.rate() == -1.0, timeout=5000)
    speaker.deleteLater()


def test_nothing_is_promised_without_an_engine(qtbot):
    off = Speaker("none")
    assert off.state() == "off" and not off.speak("Hello", "en")
    missing = opened(qtbot, Speaker("no-such-engine"))
    assert missing.state() == "unavailable"
    assert missing.problem().startswith("this machine has no no-such-engine engine (it has: ")
    assert not missing.speak("Hello", "en")
    working = opened(qtbot, Speaker("mock"))
    assert not working.speak("   ", "en")  # nothing to say: the engine would never start
    for speaker in (off, missing, working):
        speaker.deleteLater()


def test_read_aloud_hides_when_the_engine_is_unavailable(qtbot, build, make_config):
    kiosk = build(make_config(kiosk={"speech_engine": "no-such-engine"}))
    kiosk.show_screen("section-aftercare")
    qtbot.waitUntil(lambda: kiosk.findChild(Speaker).state() == "unavailable", timeout=10_000)
    button = kiosk.screens["section-aftercare"].findChild(QAbstractButton, "read-aloud")
    assert not button.isVisible()


def test_read_aloud_shows_stop_while_speaking_and_its_icon_stays_visible(qtbot, kiosk):
    kiosk.show_screen("section-aftercare")
    button = kiosk.screens["section-aftercare"].findChild(QAbstractButton, "read-aloud")
    qtbot.waitUntil(button.isVisible, timeout=10_000)
    speaker = kiosk.findChild(Speaker)
    with qtbot.waitSignal(speaker.started, timeout=10_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.isChecked() and button.text() == "Stop reading"
    # Checked, the button is filled with the accent: its icon is drawn in the text colour.
    palette = THEMES[kiosk.theme]
    drawn = button.icon().pixmap(QSize(32, 32), QIcon.Mode.Normal, QIcon.State.On).toImage()
    inked = {drawn.pixelColor(x, y).name() for x in range(drawn.width())
             for y in range(drawn.height()) if drawn.pixelColor(x, y).alpha() == 255}
    assert inked == {palette.accent_text.lower()}
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not button.isChecked() and button.text() == "Read aloud"


# A fresh interpreter: QtTextToSpeech must load for the first time, with a Python message
# handler installed (as pytest-qt's and the self-test's are) and a second Python thread loading
# libraries meanwhile (as the queue's thread and the speech thread import theirs).
_OPEN_WHILE_LOADING = r'''
import ctypes, ctypes.util, sys, threading, time
from PySide6.QtCore import qInstallMessageHandler
from PySide6.QtWidgets import QApplication

app = QApplication([])

def handler(mode, context, message):
    time.sleep(0.05)  # lets the other thread run, as writing to a log file does

qInstallMessageHandler(handler)
running = True

def load_libraries():
    names = [ctypes.util.find_library(n) for n in ("m", "z", "bz2", "lzma")]
    while running:
        for name in filter(None, names):
            ctypes.CDLL(name)

threading.Thread(target=load_libraries, daemon=True).start()
time.sleep(0.1)
from kiosk.shell.ui.speech import Speaker

speaker = Speaker("mock")
deadline = time.monotonic() + 20
while speaker.state() == "unknown" and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
running = False
print(speaker.state())
'''


def test_the_speaker_opens_while_another_thread_loads_libraries(tmp_path):
    """QtMultimedia warns from inside the C loader; a Python handler called there froze the
    whole kiosk at start-up, its first frame painted and nothing after (CI, Xvfb)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root))
    try:
        result = subprocess.run([sys.executable, "-c", _OPEN_WHILE_LOADING], env=env,
                                cwd=tmp_path, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise AssertionError("the kiosk froze opening its speaker: a Qt message handler "
                             "written in Python ran inside the library loader") from None
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-1] == "available", result.stdout + result.stderr[-3000:]
