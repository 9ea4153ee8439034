"""Speech mode and the keyboard alone, through Qt's mock engine: the exact phrases the kiosk
asks its speaker to say, as a visitor would hear them, in English and Spanish."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.callback_queue.store import CallbackStore
from kiosk.shell.navigation import PIN, STAFF
from kiosk.shell.ui import speech

#: What the kiosk says in each language, exactly as resources/locale/es.po has it (English
#: is the catalogs' message ids).
SAID = {
    "en": {
        "speech on": "Speech on. Touch anything once to hear it, twice to choose it.",
        "home": "Welcome to Test Clinic. Learn about dry needling at your own pace. Tap a "
                "topic to start reading.",
        "form": "Request a free 15-minute phone consult. Leave your name and number, and we "
                "will call you to talk about your case and see whether we are a good fit for "
                "you, and you for us. Type your name and phone number, choose the best time to "
                "call, agree to the call, then send. Your name, text field, empty",
        "key a": "A, button",
        "form errors": "Please enter a phone number so we can call you back. Please choose "
                       "the best time to call you. Please tick the box to let us call you "
                       "back. Phone number, text field, empty",
        "first error": "Please enter a phone number so we can call you back.",
        "thank you": "Thank you — we will call you ",
        # The thank-you's second line, then the button that has the focus.
        "after the promise": "Your request has been saved. You can keep reading while you "
                             "wait. Back to the start, button",
        "idle warning": "Still there? The kiosk will start over in 6 seconds. Touch the "
                        "screen or press Enter to keep going. I'm still here, button",
        "countdown": ["5 seconds", "3 seconds", "2 seconds", "1 second"],
        "louder": "Volume 100 percent",
        "help": "You are on: What is dry needling? Choose Read aloud to hear this page. Tab "
                "or the arrow keys move, Enter chooses, Backspace goes back, Home goes to the "
                "start, plus and minus change the volume, F2 turns speech on or off.",
    },
    "es": {
        "speech on": "Voz activada. Toque algo una vez para oírlo y dos veces para elegirlo.",
        "home": "Le damos la bienvenida a Test Clinic. Conozca la punción seca a su propio "
                "ritmo. Toque un tema para empezar a leer.",
        "form": "Pida una consulta telefónica gratis de 15 minutos. Déjenos su nombre y su "
                "número, y le llamaremos para hablar de su caso y ver si somos una buena "
                "opción para usted y usted para nosotros. Escriba su nombre y su número de "
                "teléfono, elija la mejor hora para llamarle, acepte la llamada y envíe. Su "
                "nombre, campo de texto, vacío",
        "key a": "A, botón",
        "form errors": "Escriba un número de teléfono para que podamos llamarle. Elija la "
                       "mejor hora para llamarle. Marque la casilla para que podamos "
                       "llamarle. Número de teléfono, campo de texto, vacío",
        "first error": "Escriba un número de teléfono para que podamos llamarle.",
        "thank you": "Gracias. Le llamaremos ",
        "after the promise": "Su solicitud se ha guardado. Puede seguir leyendo mientras "
                             "espera. Volver al inicio, botón",
        "idle warning": "¿Sigue ahí? El quiosco volverá a empezar en 6 segundos. Toque la "
                        "pantalla o pulse Intro para continuar. Sigo aquí, botón",
        "countdown": ["5 segundos", "3 segundos", "2 segundos", "1 segundo"],
        "louder": "Volumen 100 por ciento",
        "help": "Está en: ¿Qué es la punción seca? Elija Leer en voz alta para escuchar esta "
                "página. Tabulador o las flechas mueven, Intro elige, Retroceso vuelve atrás, "
                "Inicio va al principio, más y menos cambian el volumen, F2 activa o desactiva "
                "la voz.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", list(SAID))


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


def tap(qtbot, kiosk, name: str, times: int = 1) -> None:
    """A tap on the visible control of that name, then a moment, as a finger takes."""
    widgets = [w for w in kiosk.findChildren(QWidget, name) if w.isVisible()]
    assert widgets, name
    for _ in range(times):
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


def speech_mode_control(kiosk) -> QWidget:
    return kiosk.findChild(QWidget, "speech-mode")


# --- arriving, touching -----------------------------------------------------------------------
@LANGUAGES
def test_speech_mode_says_home_in_the_screen_language(qtbot, kiosk, heard, language):
    kiosk.set_language(language)
    tap(qtbot, kiosk, "speech-mode")
    wait_heard(qtbot, heard, 1)
    said = SAID[language]
    assert heard == [(language, f"{said['speech on']} {said['home']}")]
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


@LANGUAGES
def test_the_form_says_typing_errors_and_the_thank_you(qtbot, kiosk, heard, language):
    said = SAID[language]
    kiosk.set_language(language)
    kiosk.show_screen("consult")
    speech_on(qtbot, kiosk, heard)
    assert heard[-1] == (language, f"{said['speech on']} {said['form']}")
    tap(qtbot, kiosk, "key-a", times=2)  # a first touch says the key, the second types it
    wait_heard(qtbot, heard, 3)
    assert heard.texts()[-2:] == [said["key a"], "A"]
    tap(qtbot, kiosk, "consult-submit", times=2)
    wait_heard(qtbot, heard, 5)
    # Every error, then the field the form moved to.
    assert heard[-1] == (language, said["form errors"])
    form = kiosk.screens["consult"]
    assert form.error.accessibleName() == said["first error"]
    for digit in "2025550143":  # into the phone field, which has the focus now
        key(qtbot, kiosk, None, digit)
    for name in ("consult-time-afternoon", "consult-consent", "consult-submit"):
        tap(qtbot, kiosk, name, times=2)
    qtbot.waitUntil(lambda: current(kiosk) == "screen-consult-done", timeout=10_000)
    qtbot.waitUntil(lambda: heard.last().startswith(said["thank you"]), timeout=2000)
    promise = kiosk.screens["consult-done"].spoken_title()  # names the due time (it varies)
    assert promise.startswith(said["thank you"])
    assert heard[-1] == (language, f"{promise} {said['after the promise']}")


@LANGUAGES
def test_idle_warning_says_its_countdown(qtbot, build, make_config, language):
    said = SAID[language]
    kiosk = build(make_config(kiosk={"idle_timeout_s": 1, "idle_warning_s": 6,
                                     "language": language}))
    record = listen(qtbot, kiosk)
    tap(qtbot, kiosk, "speech-mode")  # a tap: the idle guard starts watching
    key(qtbot, kiosk, Qt.Key.Key_Plus, "+")
    qtbot.waitUntil(lambda: said["louder"] in record.texts(), timeout=2000)
    assert kiosk.speaker.volume() == pytest.approx(1.0)
    qtbot.waitUntil(lambda: kiosk.findChild(QWidget, "idle-warning").isVisible(), timeout=4000)
    qtbot.waitUntil(lambda: current(kiosk) == "screen-home" and not kiosk.speech_on,
                    timeout=10_000)
    texts = record.texts()
    warned = texts.index(said["idle warning"])  # the question, then its button
    assert texts[warned:] == [said["idle warning"], *said["countdown"]]  # each second once
    assert all(language == spoken for spoken, _ in record)
    assert kiosk.speaker.volume() == pytest.approx(0.8)  # the next visitor's volume


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
    key(qtbot, kiosk, Qt.Key.Key_Minus, "-")
    wait_heard(qtbot, heard, 5)
    assert heard.last() == "Volume 60 percent" and kiosk.speaker.volume() == 0.6
    key(qtbot, kiosk, Qt.Key.Key_Asterisk, "*")
    wait_heard(qtbot, heard, 6)
    assert heard.last() == "Faster" and kiosk.speaker.rate() == 0.25
    kiosk.reset_for_next_visitor()
    assert not kiosk.speech_on
    assert not kiosk.findChild(QWidget, "speech-louder").isVisible()
    assert (kiosk.speaker.volume(), kiosk.speaker.rate()) == (0.8, 0.0)
    assert kiosk.is_pristine()


@LANGUAGES
@pytest.mark.parametrize(("code", "text"), [(Qt.Key.Key_F1, ""), (Qt.Key.Key_Question, "?")],
                         ids=["F1", "question-mark"])
def test_help_key_says_where_you_are_even_with_speech_off(qtbot, kiosk, heard, language, code,
                                                          text):
    kiosk.set_language(language)
    kiosk.show_screen("section-what-is")
    key(qtbot, kiosk, code, text)
    assert heard == [(language, SAID[language]["help"])]
    assert not kiosk.speech_on


@LANGUAGES
def test_the_speech_mode_control_is_on_every_patient_screen(qtbot, kiosk, language):
    kiosk.set_language(language)
    qtbot.waitUntil(kiosk.speaker.available, timeout=5000)
    patient = [name for name in kiosk.screens if name not in (PIN, STAFF)]
    assert {"home", "section-what-is", "consult", "consult-done"} <= set(patient)
    for name in patient:
        kiosk.show_screen(name)
        control = speech_mode_control(kiosk)
        assert control.isVisible() and not control.visibleRegion().isEmpty(), name


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


@pytest.mark.parametrize("engine", ["none", "no-such-engine"])
def test_without_a_speech_engine_there_is_no_speech_mode(qtbot, build, make_config, engine):
    kiosk = build(make_config(kiosk={"speech_engine": engine}))
    kiosk.ensure_built()
    qtbot.waitUntil(lambda: kiosk.speaker.state() in ("off", "unavailable"), timeout=10_000)
    assert not speech_mode_control(kiosk).isVisible()
    activate(qtbot, kiosk)
    key(qtbot, kiosk, Qt.Key.Key_F2)
    assert not kiosk.speech_on
    assert not kiosk.findChild(QWidget, "speech-louder").isVisible()


def test_speech_mode_goes_and_its_control_hides_when_the_engine_fails(qtbot, kiosk, heard,
                                                                      monkeypatch):
    speech_on(qtbot, kiosk, heard)
    assert speech_mode_control(kiosk).isVisible()
    # The engine's next reading overruns its bound at once, as a dying engine's would.
    monkeypatch.setattr(speech, "FINISH_BASE_S", 0.0)
    monkeypatch.setattr(speech, "FINISH_PER_CHAR_S", 0.0)
    key(qtbot, kiosk, Qt.Key.Key_Plus, "+")
    qtbot.waitUntil(lambda: kiosk.speaker.state() == "unavailable", timeout=5000)
    assert not speech_mode_control(kiosk).isVisible()
    assert not kiosk.speech_on
    assert not kiosk.findChild(QWidget, "speech-louder").isVisible()
    key(qtbot, kiosk, Qt.Key.Key_F2)
    assert not kiosk.speech_on
