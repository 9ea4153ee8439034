"""Speech mode and the keyboard alone, through Qt's mock engine: the exact phrases the kiosk
asks its speaker to say, as a visitor would hear them, in English and Spanish."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.callback_queue.store import CallbackStore


def listen(qtbot, kiosk) -> Heard:
    """Wraps the kiosk's one speaker, once its (mock) engine has opened on its thread."""
    kiosk.ensure_built()
    speaker = kiosk.speaker
    qtbot.waitUntil(speaker.available, timeout=5000)
    said = Heard()
    speak = speaker.speak

    def record(text: str, language: str) -> bool:
        said.append((language, text))
        return speak(text, language)

    speaker.speak = record
    return said


class Heard(list):
    """(language, text) of every speak() the kiosk made, in order."""

    def texts(self) -> list[str]:
        return [text for _, text in self]

    def last(self) -> str:
        return self[-1][1]


@pytest.fixture
def heard(qtbot, kiosk) -> Heard:
    """Records what the kiosk's one speaker is asked to say (and lets the mock engine say it)."""
    said = listen(qtbot, kiosk)
    activate(qtbot, kiosk)
    return said


def wait_heard(qtbot, heard: Heard, count: int) -> None:
    qtbot.waitUntil(lambda: len(heard) >= count, timeout=3000)


def tap(qtbot, kiosk, name: str) -> None:
    """A tap on the visible control of that name, then a moment, as a finger takes."""
    widgets = [w for w in kiosk.findChildren(QWidget, name) if w.isVisible()]
    assert widgets, name
    qtbot.mouseClick(widgets[0], Qt.MouseButton.LeftButton)
    qtbot.wait(5)


def key(qtbot, kiosk, code, text: str = "") -> None:
    """One key press, delivered to whatever has the focus, as a USB keyboard would."""
    target = QApplication.focusWidget() or kiosk
    if text:
        QTest.keyClick(target, text)
    else:
        QTest.keyClick(target, code)
    qtbot.wait(5)


def activate(qtbot, kiosk) -> None:
    kiosk.activateWindow()
    qtbot.waitUntil(kiosk.isActiveWindow, timeout=2000)


def focused_name() -> str:
    widget = QApplication.focusWidget()
    return widget.objectName() if widget is not None else ""


def tab_to(qtbot, kiosk, name: str, limit: int = 60) -> None:
    for _ in range(limit):
        if focused_name() == name:
            return
        key(qtbot, kiosk, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {name} (at {focused_name()})")


def current(kiosk) -> str:
    return kiosk.stack.currentWidget().objectName()


def speech_on(qtbot, kiosk, heard: Heard) -> None:
    key(qtbot, kiosk, Qt.Key.Key_F2)
    wait_heard(qtbot, heard, 1)
    assert kiosk.speech_on


# --- arriving, touching -----------------------------------------------------------------------
@pytest.mark.parametrize(("language", "phrase"), [
    ("en", "Speech on. Touch anything once to hear it, twice to choose it. Welcome to Test "
           "Clinic. Learn about dry needling at your own pace. Tap a topic to start reading."),
    ("es", "Voz activada. Toque algo una vez para oírlo y dos veces para elegirlo. Le damos la "
           "bienvenida a Test Clinic. Conozca la punción seca a su propio ritmo. Toque un tema "
           "para empezar a leer."),
])
def test_speech_mode_says_home_in_the_screen_language(qtbot, kiosk, heard, language, phrase):
    kiosk.set_language(language)
    tap(qtbot, kiosk, "speech-mode")
    wait_heard(qtbot, heard, 1)
    assert heard == [(language, phrase)]
    assert kiosk.findChild(QWidget, "speech-louder").isVisible()
    assert kiosk.findChild(QWidget, "speech-softer").isVisible()


def test_first_touch_speaks_and_the_second_touch_activates(qtbot, kiosk, heard):
    speech_on(qtbot, kiosk, heard)
    tap(qtbot, kiosk, "tile-aftercare")
    wait_heard(qtbot, heard, 2)
    assert current(kiosk) == "screen-home"  # only spoken
    tile = kiosk.findChild(QWidget, "tile-aftercare")
    assert heard.last() == ("What should I do after treatment? button, "
                            + tile.accessibleDescription())
    tap(qtbot, kiosk, "tile-aftercare")
    wait_heard(qtbot, heard, 3)
    assert current(kiosk) == "screen-section-aftercare"
    assert heard.last() == ("What should I do after treatment? Choose Read aloud to hear "
                            "this page.")
    tap(qtbot, kiosk, "contrast-toggle")
    wait_heard(qtbot, heard, 4)
    assert heard.last() == "High contrast, button, off" and kiosk.theme == "calm"
    tap(qtbot, kiosk, "contrast-toggle")
    wait_heard(qtbot, heard, 5)
    assert kiosk.theme == "high-contrast"
    assert heard.last() == "High contrast, button, on"


def test_the_form_says_typing_errors_and_the_thank_you(qtbot, kiosk, heard, make_config):
    kiosk.show_screen("consult")
    speech_on(qtbot, kiosk, heard)
    assert heard.last().endswith(
        "Request a free 15-minute phone consult. Leave your name and number, and we will call "
        "you to talk about your case and see whether we are a good fit for you, and you for us. "
        "Type your name and phone "
        "number, choose the best time to call, agree to the call, then send. Your name, text "
        "field, empty")
    for _ in range(2):  # a first touch says the key, the second types it
        tap(qtbot, kiosk, "key-a")
    wait_heard(qtbot, heard, 3)
    assert heard.texts()[-2:] == ["A, button", "A"]
    for _ in range(2):
        tap(qtbot, kiosk, "consult-submit")
    wait_heard(qtbot, heard, 5)
    # Every error, then the field the form moved to.
    assert heard.last() == ("Please enter a phone number so we can call you back. Please "
                            "choose the best time to call you. Please tick the box to let us "
                            "call you back. Phone number, text field, empty")
    form = kiosk.screens["consult"]
    assert form.error.accessibleName() == "Please enter a phone number so we can call you back."


def test_idle_warning_says_its_countdown(qtbot, build, make_config):
    kiosk = build(make_config(kiosk={"idle_timeout_s": 1, "idle_warning_s": 6, "language": "es"}))
    record = listen(qtbot, kiosk)
    tap(qtbot, kiosk, "speech-mode")  # a tap: the idle guard starts watching
    qtbot.waitUntil(lambda: kiosk.findChild(QWidget, "idle-warning").isVisible(), timeout=4000)
    qtbot.waitUntil(lambda: "5 segundos" in record.texts(), timeout=4000)
    warned = [text for _, text in record if text.startswith("¿Sigue ahí?")]
    assert warned == ["¿Sigue ahí? El quiosco volverá a empezar en 6 segundos. Toque la pantalla "
                      "o pulse Intro para continuar. Sigo aquí, botón"]  # then its button
    qtbot.waitUntil(lambda: current(kiosk) == "screen-home" and not kiosk.speech_on,
                    timeout=8000)
    assert [t for t in record.texts() if "segundo" in t][-3:] == [
        "3 segundos", "2 segundos", "1 segundo"]
    assert kiosk.speaker.volume() == pytest.approx(0.8)


def test_pin_entry_says_digit_entered_never_the_digit(qtbot, kiosk, heard):
    kiosk.show_screen("pin")
    speech_on(qtbot, kiosk, heard)
    for _ in range(2):
        tap(qtbot, kiosk, "pin-7")
    wait_heard(qtbot, heard, 3)
    key(qtbot, kiosk, Qt.Key.Key_3, "3")
    wait_heard(qtbot, heard, 4)
    assert heard.texts()[-3:] == ["Number key", "Digit entered", "Digit entered"]
    assert not any("7" in text or "3" in text for text in heard.texts())


def test_volume_and_rate_keys_and_buttons_then_reset_on_idle(qtbot, kiosk, heard):
    speech_on(qtbot, kiosk, heard)
    key(qtbot, kiosk, Qt.Key.Key_Plus, "+")
    wait_heard(qtbot, heard, 2)
    assert heard.last() == "Volume 100 percent" and kiosk.speaker.volume() == 1.0
    for _ in range(2):
        tap(qtbot, kiosk, "speech-softer")
    wait_heard(qtbot, heard, 4)
    assert heard.texts()[-2:] == ["Speak softer, button", "Volume 80 percent"]
    key(qtbot, kiosk, Qt.Key.Key_Asterisk, "*")
    wait_heard(qtbot, heard, 5)
    assert heard.last() == "Faster" and kiosk.speaker.rate() == 0.25
    kiosk.reset_for_next_visitor()
    assert not kiosk.speech_on
    assert not kiosk.findChild(QWidget, "speech-louder").isVisible()
    assert (kiosk.speaker.volume(), kiosk.speaker.rate()) == (0.8, 0.0)
    assert kiosk.is_pristine()


def test_help_key_says_where_you_are_even_with_speech_off(qtbot, kiosk, heard):
    kiosk.show_screen("section-what-is")
    key(qtbot, kiosk, Qt.Key.Key_F1)
    assert heard and heard.last().startswith(
        "You are on: What is dry needling?. Choose Read aloud to hear this page.")
    assert "F2 turns speech on or off" in heard.last()
    assert not kiosk.speech_on


# --- keyboard alone -----------------------------------------------------------------------------
def test_keyboard_alone_reads_the_aftercare_section_in_spanish(qtbot, kiosk, heard):
    speech_on(qtbot, kiosk, heard)
    tab_to(qtbot, kiosk, "lang-toggle")
    key(qtbot, kiosk, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.language == "es", timeout=2000)
    qtbot.waitUntil(lambda: heard[-1][0] == "es", timeout=2000)
    assert heard.last().startswith("Le damos la bienvenida a Test Clinic.")
    tab_to(qtbot, kiosk, "tile-aftercare")
    qtbot.waitUntil(lambda: "botón" in heard.last(), timeout=2000)
    assert heard[-1] == ("es", "¿Qué debo hacer después del tratamiento? botón, "
                               + kiosk.findChild(QWidget, "tile-aftercare").accessibleDescription())
    key(qtbot, kiosk, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: current(kiosk) == "screen-section-aftercare", timeout=2000)
    qtbot.waitUntil(lambda: "Elija Leer" in heard.last(), timeout=2000)
    # The title, what to do, then the control that has the focus.
    assert heard[-1] == ("es", "¿Qué debo hacer después del tratamiento? Elija Leer en voz alta "
                               "para escuchar esta página. Leer esta página en voz alta, botón, "
                               "desactivado")
    tab_to(qtbot, kiosk, "read-aloud")
    key(qtbot, kiosk, Qt.Key.Key_Return)
    section = kiosk.screens["section-aftercare"]
    qtbot.waitUntil(lambda: heard.last() == section.text_to_read(), timeout=2000)
    assert heard[-1][0] == "es" and "agua" in heard.last()
    key(qtbot, kiosk, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: current(kiosk) == "screen-home", timeout=2000)


def stored(config_path):
    from kiosk.config import load_config

    store = CallbackStore.open(load_config(config_path).database.url)
    try:
        return store.page(limit=100)
    finally:
        store.close()


def test_keyboard_alone_requests_a_callback(qtbot, build, make_config):
    config_path = make_config()
    kiosk = build(config_path)
    said = listen(qtbot, kiosk)
    activate(qtbot, kiosk)
    key(qtbot, kiosk, Qt.Key.Key_F2)
    tab_to(qtbot, kiosk, "tile-consult")
    key(qtbot, kiosk, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: current(kiosk) == "screen-consult", timeout=2000)
    assert focused_name() == "consult-name"
    for char in "Ana Ruiz":
        key(qtbot, kiosk, None, char)
    qtbot.waitUntil(lambda: said.texts()[-3:] == ["u", "i", "z"], timeout=2000)
    assert "space" in said.texts()[-5:]
    key(qtbot, kiosk, Qt.Key.Key_F3)  # read the field back
    qtbot.waitUntil(lambda: said.last() == "Your name, contains Ana Ruiz", timeout=2000)
    key(qtbot, kiosk, Qt.Key.Key_Return)  # Enter in a field moves on
    assert focused_name() == "consult-phone"
    QTest.keyClicks(QApplication.focusWidget(), "2025550143")
    key(qtbot, kiosk, Qt.Key.Key_Tab)
    assert focused_name() == "consult-time-morning"
    key(qtbot, kiosk, Qt.Key.Key_Space)
    key(qtbot, kiosk, Qt.Key.Key_Right)  # arrows move within the radio group
    qtbot.waitUntil(lambda: said.last() == "Afternoon, choice 2 of 4, selected", timeout=2000)
    tab_to(qtbot, kiosk, "consult-consent")
    key(qtbot, kiosk, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: said.last().endswith("check box, checked"), timeout=2000)
    tab_to(qtbot, kiosk, "consult-submit")
    key(qtbot, kiosk, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: current(kiosk) == "screen-consult-done", timeout=10_000)
    qtbot.waitUntil(lambda: said.last().startswith("Thank you"), timeout=2000)
    promise = kiosk.screens["consult-done"].spoken_title()  # names the due time (it varies)
    assert promise.startswith("Thank you — we will call you ")
    assert said.last() == (f"{promise} Your request has been saved. You can keep reading while "
                           "you wait.")
    [request] = stored(config_path)
    assert (request.name, request.phone, str(request.best_time)) == (
        "Ana Ruiz", "+12025550143", "afternoon")
    key(qtbot, kiosk, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: current(kiosk) == "screen-home", timeout=2000)


def test_escape_means_back_in_kiosk_mode(qtbot, build, make_config):
    kiosk = build(make_config(kiosk={"fullscreen": True}), windowed=False)
    assert kiosk.kiosk_mode
    kiosk.show_screen("section-what-is")
    activate(qtbot, kiosk)
    key(qtbot, kiosk, Qt.Key.Key_Escape)
    assert current(kiosk) == "screen-home"
    assert kiosk.isVisible()


def test_a_tap_leaves_no_focus_ring_but_tab_does(qtbot, kiosk):
    activate(qtbot, kiosk)
    qtbot.wait(50)
    assert QApplication.focusWidget() is kiosk  # no control starts with a ring
    kiosk.show_screen("section-what-is")
    qtbot.waitUntil(kiosk.speaker.available, timeout=5000)  # Read aloud shows then
    for name in ("read-aloud", "contrast-toggle", "text-size"):
        tap(qtbot, kiosk, name)
        assert not kiosk.findChild(QAbstractButton, name).hasFocus(), name
    key(qtbot, kiosk, Qt.Key.Key_Tab)
    assert isinstance(QApplication.focusWidget(), QAbstractButton)


def finger_tap(qtbot, device, widget: QWidget) -> None:
    """A real touch: a finger lands on the middle of ``widget`` and lifts where it landed."""
    centre = widget.rect().center()
    window = widget.window()
    where = widget.mapTo(window, centre)
    QTest.touchEvent(window, device).press(0, where, window)
    QTest.touchEvent(window, device).release(0, where, window)
    qtbot.wait(5)


def test_a_finger_on_a_touch_screen_hears_first_and_chooses_second(qtbot, kiosk, heard):
    device = QTest.createTouchDevice()
    speech_on(qtbot, kiosk, heard)
    tile = kiosk.findChild(QWidget, "tile-what-is")
    finger_tap(qtbot, device, tile)
    wait_heard(qtbot, heard, 2)
    assert current(kiosk) == "screen-home"
    assert heard.last().startswith("What is dry needling? button")
    finger_tap(qtbot, device, tile)
    qtbot.waitUntil(lambda: current(kiosk) == "screen-section-what-is", timeout=2000)


def test_without_a_speech_engine_there_is_no_speech_mode(qtbot, build, make_config):
    kiosk = build(make_config(kiosk={"speech_engine": "none"}))
    kiosk.ensure_built()
    assert not kiosk.findChild(QWidget, "speech-mode").isVisible()
    activate(qtbot, kiosk)
    key(qtbot, kiosk, Qt.Key.Key_F2)
    assert not kiosk.speech_on
    assert not kiosk.findChild(QWidget, "speech-louder").isVisible()
