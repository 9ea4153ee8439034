"""The speaker with the real engine a clinic's Linux kiosk has: speech-dispatcher and
espeak-ng playing into a private PulseAudio's null sink, whose monitor is recorded; and a
speech-dispatcher that accepts connections and never answers (wedged for good)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QWidget
from real_parts import needs

from benchmarks.speech_servers import missing_tools, rms, speech_server, wedged_speechd
from kiosk.shell.ui.speech import (
    FINISH_BASE_S,
    FINISH_PER_CHAR_S,
    OPEN_TIMEOUT_S,
    START_TIMEOUT_S,
    Speaker,
)

pytestmark = [
    pytest.mark.slow,
    needs(f"needs {', '.join(missing_tools())} (tools/system-deps.sh installs them)"
          if missing_tools() else None),
]

ROOT = Path(__file__).resolve().parents[3]
#: A recording counts as speech when its level is this far above the sink's silence.
SPEECH_OVER_SILENCE = 20.0
PHRASES = {"en": "Dry needling can help with muscle pain.",
           "es": "La punción seca puede ayudar con el dolor muscular."}


def touch_tap(widget: QWidget) -> None:
    """A finger down and up again on the widget's centre, sent to its window as the glass
    sends it."""
    device = QTest.createTouchDevice()
    window = widget.window()
    centre = widget.mapTo(window, widget.rect().center())
    for kind in ("press", "release"):
        sequence = QTest.touchEvent(window.windowHandle(), device)
        getattr(sequence, kind)(0, QPoint(centre), window.windowHandle())
        sequence.commit()


@pytest.fixture
def server(monkeypatch):
    with speech_server() as running:
        monkeypatch.setenv("SPEECHD_ADDRESS", running.address)
        yield running


def test_speechd_reads_english_and_spanish_aloud_in_their_own_voices(qtbot, server):
    speaker = Speaker("speechd")
    qtbot.waitUntil(lambda: speaker.state() != "unknown", timeout=int(OPEN_TIMEOUT_S * 1000) + 2000)
    assert speaker.available(), speaker.problem()
    with server.recording() as silence:
        qtbot.wait(500)
    levels = {}
    for language, phrase in PHRASES.items():
        with server.recording() as sound, qtbot.waitSignal(speaker.finished, timeout=30_000) \
                as finished:
            assert speaker.speak(phrase, language)
        assert finished.args == [phrase, language]
        levels[language] = rms(sound[0])
    quiet = rms(silence[0])
    print(f"null-sink RMS: silence {quiet:.1f}, "
          + ", ".join(f"{lang} {level:.1f}" for lang, level in levels.items()))
    for language, level in levels.items():
        assert level > max(50.0, SPEECH_OVER_SILENCE * quiet), (language, level, quiet)
    assert speaker.voice("en").endswith("(en_US)")  # "English (America) (en_US)"
    assert speaker.voice("es").startswith("Spanish") and "(es_" in speaker.voice("es")
    speaker.deleteLater()


def aftercare_with_speechd(qtbot, build, make_config):
    """A kiosk on the real speechd engine showing the aftercare section, once its Read
    aloud button is up; (kiosk, button)."""
    kiosk = build(make_config(kiosk={"speech_engine": "speechd"}))
    kiosk.show_screen("section-aftercare")
    button = kiosk.screens["section-aftercare"].findChild(QAbstractButton, "read-aloud")
    qtbot.waitUntil(button.isVisible, timeout=int(OPEN_TIMEOUT_S * 1000) + 2000)
    return kiosk, button


def test_read_aloud_gives_up_and_hides_when_the_daemon_stops_answering(qtbot, server, build,
                                                                       make_config):
    kiosk, button = aftercare_with_speechd(qtbot, build, make_config)
    server.pause()  # wedged: the next reading is sent and never answered
    try:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert button.isChecked() and button.text() == "Stop reading"
        qtbot.waitUntil(lambda: not button.isVisible(), timeout=int(START_TIMEOUT_S * 1000) + 2000)
        assert not button.isChecked()
        assert button.text() == "Read aloud"
        speaker = kiosk.findChild(Speaker)
        assert speaker.state() == "unavailable"
        assert "did not start speaking" in speaker.problem()
        touch_tap(kiosk.findChild(QAbstractButton, "nav-home"))
        qtbot.waitUntil(lambda: kiosk.stack.currentWidget().objectName() == "screen-home",
                        timeout=1000)
    finally:
        server.resume()


def test_read_aloud_ends_and_hides_when_the_daemon_dies_mid_reading(qtbot, server, build,
                                                                  make_config):
    kiosk, button = aftercare_with_speechd(qtbot, build, make_config)
    speaker = kiosk.findChild(Speaker)
    # The daemon starts its voice module at the first reading (seconds, here): past that,
    # a reading starts within a tenth of a second.
    assert speaker.speak("Hello.", "en")
    qtbot.waitUntil(lambda: speaker.is_speaking() or not speaker.available(), timeout=10_000)
    qtbot.waitUntil(lambda: speaker.available() and not speaker.is_speaking(), timeout=30_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(speaker.is_speaking, timeout=int(START_TIMEOUT_S * 1000))
    assert button.text() == "Stop reading"
    server.die()
    qtbot.waitUntil(lambda: not button.isVisible(), timeout=3000)  # its bound: about 3 min
    assert not button.isChecked() and button.text() == "Read aloud"
    assert speaker.state() == "unavailable"
    assert speaker.problem().startswith("speech-dispatcher stopped")
    touch_tap(kiosk.findChild(QAbstractButton, "nav-home"))
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget().objectName() == "screen-home",
                    timeout=1000)


def test_a_wedged_speech_dispatcher_never_freezes_the_kiosk(qtbot, monkeypatch, build,
                                                            make_config):
    with wedged_speechd() as address:
        monkeypatch.setenv("SPEECHD_ADDRESS", address)
        kiosk = build(make_config(kiosk={"speech_engine": "speechd"}))
        kiosk.show_screen("section-what-is")  # builds the sections, and so the speaker
        kiosk.go_home()
        # The speaker's thread has greeted the daemon and waits for an answer never sent.
        qtbot.waitUntil(lambda: bool(wedged_speechd.heard), timeout=10_000)
        assert b"SET SELF CLIENT_NAME" in wedged_speechd.heard[0]
        speaker = kiosk.findChild(Speaker)
        assert speaker.state() == "unknown"
        touch_tap(kiosk.findChild(QAbstractButton, "tile-aftercare"))
        qtbot.waitUntil(
            lambda: kiosk.stack.currentWidget().objectName() == "screen-section-aftercare",
            timeout=1000)
        read = kiosk.screens["section-aftercare"].findChild(QAbstractButton, "read-aloud")
        assert not read.isVisible()
        touch_tap(kiosk.findChild(QAbstractButton, "nav-back"))
        qtbot.waitUntil(lambda: kiosk.stack.currentWidget().objectName() == "screen-home",
                        timeout=1000)
        qtbot.waitUntil(lambda: speaker.state() == "unavailable",
                        timeout=int(OPEN_TIMEOUT_S * 1000) + 2000)
        assert speaker.problem() == f"the speech engine did not answer within {OPEN_TIMEOUT_S:g} s"
        assert not speaker.speak("Hello", "en")


def self_test(config: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``main.py self-test`` as IT runs it (a display of its own choosing, this config),
    with ``env`` added to the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "KIOSK_CONFIG")
           } | {"TMPDIR": str(tmp_path)} | env
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "self-test", "--config",
                           str(config)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_self_test_speaks_both_languages_through_the_real_daemon_and_says_so(tmp_path, server,
                                                                          make_config):
    """IT's proof that this machine speaks: ok only after each phrase was spoken and
    finished, and the null sink heard it."""
    config = make_config(kiosk={"speech_engine": "speechd"})
    with server.recording() as sound:
        result = self_test(config, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if "speech" in line.split(":")[0])
    assert re.fullmatch(r"ok  speech: the speechd engine spoke en by .+\(en_US\) in [\d.]+ s; "
                        r"es by Spanish.+\(es_\w+\) in [\d.]+ s", line), line
    assert rms(sound[0]) > 50.0  # and it was heard, not only reported


def test_self_test_finishes_and_says_speech_is_unavailable_with_a_wedged_daemon(tmp_path,
                                                                               make_config):
    config = make_config(kiosk={"speech_engine": ""})  # the platform's own: speechd here
    with wedged_speechd() as address:
        result = self_test(config, tmp_path, SPEECHD_ADDRESS=address)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (f"warn speech: speech unavailable: the speech engine did not answer within "
            f"{OPEN_TIMEOUT_S:g} s; the Read aloud button is hidden") in result.stdout
    assert "ok  queue" in result.stdout  # and the steps after it ran


def test_a_daemon_without_an_audio_server_is_found_out_not_believed(qtbot, monkeypatch):
    """speech-dispatcher with no audio server says "speaking" and never finishes: silence
    must not pass for speech (self-test used to call this "engine ready")."""
    with speech_server(audio=False) as silent:
        monkeypatch.setenv("SPEECHD_ADDRESS", silent.address)
        speaker = Speaker("speechd")
        qtbot.waitUntil(lambda: speaker.state() != "unknown",
                        timeout=int(OPEN_TIMEOUT_S * 1000) + 2000)
        assert speaker.available(), speaker.problem()
        changes: list[bool] = []
        speaker.speaking_changed.connect(changes.append)
        phrase = PHRASES["en"]
        assert speaker.speak(phrase, "en")
        bound = FINISH_BASE_S + FINISH_PER_CHAR_S * len(phrase) + START_TIMEOUT_S
        with qtbot.waitSignal(speaker.availability_changed, timeout=int(bound * 1000) + 3000):
            pass
        assert not speaker.available()
        assert speaker.problem().startswith("the speechd engine did not ")
        assert changes[-1] is False  # nothing stays "speaking"
        assert not speaker.speak(phrase, "en")
        speaker.deleteLater()


QUIT_WHILE_STUCK = """\
import os, signal, sys
from PySide6.QtCore import QCoreApplication, QTimer
from kiosk.shell.ui.speech import Speaker
app = QCoreApplication([])
speaker = Speaker("speechd")

def go():
    if not speaker.available():
        QTimer.singleShot(50, go)
        return
    os.kill(int(sys.argv[1]), signal.SIGSTOP)  # the daemon never answers again
    speaker.speak("Hello there.", "en")  # the speech thread is now stuck in libspeechd
    QTimer.singleShot(1000, app.quit)

go()
app.exec()
print("quit:", speaker.state(), flush=True)
"""


def test_quitting_never_waits_on_a_speech_thread_stuck_in_the_daemon(server):
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    try:
        done = subprocess.run([sys.executable, "-c", QUIT_WHILE_STUCK, str(server.speechd.pid)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                              check=False)
    finally:
        server.resume()
    assert done.returncode == 0, done.stderr[-2000:]  # no hang, no abort in Qt's frames
    assert "quit:" in done.stdout
