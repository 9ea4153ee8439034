"""The Spanish interface says what a Spanish reader expects, and nothing stays in English."""

from __future__ import annotations

from kiosk.ops.check import patient_messages
from kiosk.shell.i18n import missing_translations, translator


def test_times_of_day_read_as_times_of_day_not_tomorrow():
    tr = translator("es")
    assert [tr(m) for m in ("Morning", "Afternoon", "Evening")] == [
        "Por la mañana", "Por la tarde", "Por la noche"]


def test_the_welcome_is_not_masculine():
    assert translator("es")("Welcome to {clinic}", clinic="Riverside") == (
        "Le damos la bienvenida a Riverside")


def test_the_consult_is_a_two_way_check_in_both_languages():
    intro = ("Leave your name and number, and we will call you to talk about your case and "
             "see whether we are a good fit for you, and you for us.")
    assert intro in patient_messages()
    assert "buena opción para usted y usted para nosotros" in translator("es")(intro)


def test_every_patient_string_has_a_spanish_translation():
    assert missing_translations("es", patient_messages()) == []
