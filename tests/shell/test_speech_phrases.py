"""Speech mode's phrases, composed without Qt, in English and Spanish."""

from __future__ import annotations

import pytest

from kiosk.shell import speech_mode as sm
from kiosk.shell.i18n import translator
from kiosk.shell.speech_mode import Control, Kind

EN, ES = translator("en"), translator("es")


@pytest.mark.parametrize(("control", "en", "es"), [
    (Control(Kind.BUTTON, "Home"), "Home, button", "Home, botón"),
    (Control(Kind.TOGGLE, "High contrast", checked=True), "High contrast, button, on",
     "High contrast, botón, activado"),
    (Control(Kind.CHOICE, "Morning", position=(1, 4)), "Morning, choice 1 of 4, not selected",
     "Morning, opción 1 de 4, no seleccionada"),
    (Control(Kind.CHECK_BOX, "I agree", checked=True), "I agree, check box, checked",
     "I agree, casilla, marcada"),
    (Control(Kind.FIELD, "Your name"), "Your name, text field, empty",
     "Your name, campo de texto, vacío"),
    (Control(Kind.FIELD, "Your name", value="Ana"), "Your name, text field, contains Ana",
     "Your name, campo de texto, contiene Ana"),
    (Control(Kind.BUTTON, "Send", enabled=False), "Send, button, unavailable",
     "Send, botón, no disponible"),
    (Control(Kind.BUTTON, "Tile", "Read more"), "Tile, button, Read more",
     "Tile, botón, Read more"),
])
def test_a_control_says_its_name_kind_and_state(control, en, es):
    assert sm.describe(EN, control) == en
    assert sm.describe(ES, control) == es


def test_a_pin_key_and_a_pin_field_never_say_a_digit():
    key = Control(Kind.BUTTON, "7", private=True)
    assert sm.describe(EN, key) == "Number key"
    assert "7" not in sm.describe(ES, key)
    field = Control(Kind.PASSWORD, "PIN", value="1234")
    assert sm.describe(EN, field) == "PIN, PIN field"
    assert sm.read_back(EN, field) == "PIN field"
    assert sm.typed(EN, "12", "123", secret=True) == "Digit entered"
    assert sm.typed(ES, "12", "123", secret=True) == "Dígito introducido"
    assert sm.typed(EN, "123", "12", secret=True) == "Deleted"


def test_typing_says_each_character_and_what_was_deleted():
    assert sm.typed(EN, "An", "Ana") == "a"
    assert sm.typed(EN, "Ana", "Ana ") == "space"
    assert sm.typed(ES, "Ana", "Ana-") == "guion"
    assert sm.typed(EN, "Ana", "An") == "Deleted a"
    assert sm.typed(EN, "Ana", "") == "Field cleared"
    assert sm.typed(EN, "Ana", "Ana") is None
    assert sm.read_back(EN, Control(Kind.FIELD, "Your name", value="Ana Ruiz")) == (
        "Your name, contains Ana Ruiz")
    assert sm.read_back(ES, Control(Kind.FIELD, "Su nombre")) == "Su nombre, vacío"


def test_a_screen_arrives_with_its_title_and_instructions_as_sentences():
    assert sm.arrival(EN, "Welcome", "Tap a topic.") == "Welcome. Tap a topic."
    assert sm.arrival(EN, "Still there?", "") == "Still there?"


def test_help_says_where_you_are_what_is_selected_and_the_keys():
    text = sm.help_text(ES, "Inicio", "Toque un tema.", "Inicio, botón")
    assert text.startswith("Está en: Inicio. Toque un tema. Seleccionado: Inicio, botón.")
    assert "F2" in text and "Retroceso" in text


def test_the_idle_countdown_says_the_question_then_a_few_seconds():
    first = sm.countdown(EN, 15, first=True)
    assert first.startswith("Still there? The kiosk will start over in 15 seconds.")
    assert sm.countdown(ES, 15, first=True).startswith("¿Sigue ahí?")
    spoken = {s: sm.countdown(EN, s, first=False) for s in range(14, 0, -1)}
    assert [s for s, text in spoken.items() if text] == [10, 5, 3, 2, 1]
    assert spoken[5] == "5 seconds" and spoken[1] == "1 second"
    assert sm.countdown(ES, 3, first=False) == "3 segundos"


def test_volume_and_rate_steps_stay_in_bounds():
    assert sm.step(0.9, 0.2, 0.0, 1.0) == 1.0
    assert sm.step(0.1, -0.2, 0.0, 1.0) == 0.0
    assert sm.step(0.8, -0.2, 0.0, 1.0) == 0.6
    assert sm.volume_phrase(EN, 0.6) == "Volume 60 percent"
    assert sm.volume_phrase(ES, 1.0) == "Volumen 100 por ciento"
    assert sm.rate_phrase(EN, 0.25) == "Faster"
    assert sm.rate_phrase(ES, 0.0) == "Velocidad normal"
