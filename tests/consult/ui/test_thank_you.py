"""The thank-you promise names when the clinic will call, in the patient's own language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.callback_queue.deadlines import DeadlinePolicy
from kiosk.config.hours import OpeningHours
from kiosk.consult.ui.thank_you import ConsultDoneScreen
from kiosk.shell.i18n import translator

NY = ZoneInfo("America/New_York")
POLICY = DeadlinePolicy(OpeningHours.parse(["mon-fri 08:00-18:00", "sat 09:00-12:00"], NY))


@pytest.mark.parametrize(("at", "english", "spanish"), [
    (datetime(2026, 12, 7, 10, 0, tzinfo=NY), "Thank you — we will call you within the hour.",
     "Gracias. Le llamaremos en menos de una hora."),
    (datetime(2026, 12, 7, 7, 0, tzinfo=NY), "Thank you — we will call you this morning.",
     "Gracias. Le llamaremos esta mañana."),
    (datetime(2026, 12, 7, 12, 30, tzinfo=NY), "Thank you — we will call you within the hour.",
     "Gracias. Le llamaremos en menos de una hora."),
    (datetime(2026, 12, 7, 6, 30, tzinfo=NY), "Thank you — we will call you this morning.",
     "Gracias. Le llamaremos esta mañana."),
    (datetime(2026, 12, 7, 20, 0, tzinfo=NY), "Thank you — we will call you tomorrow morning.",
     "Gracias. Le llamaremos mañana por la mañana."),
    (datetime(2026, 12, 5, 11, 50, tzinfo=NY),  # Saturday, 10 minutes before closing
     "Thank you — we will call you by Monday morning.",
     "Gracias. Le llamaremos el lunes por la mañana."),
    (datetime(2026, 12, 4, 17, 50, tzinfo=NY),  # Friday evening: Saturday morning
     "Thank you — we will call you tomorrow morning.",
     "Gracias. Le llamaremos mañana por la mañana."),
])
def test_the_promise_names_the_due_time_in_both_languages(
        qtbot, at: datetime, english: str, spanish: str) -> None:
    for language, expected in (("en", english), ("es", spanish)):
        screen = ConsultDoneScreen(translator(language), POLICY, now=lambda: at)
        qtbot.addWidget(screen)
        screen.entered()
        assert screen.message.text() == expected
        assert "within one business day" not in screen.message.text()
        screen.reset()


def test_the_promise_is_reckoned_when_the_screen_is_shown(qtbot) -> None:
    now = [datetime(2026, 12, 7, 10, 0, tzinfo=NY)]
    screen = ConsultDoneScreen(translator("es"), POLICY, now=lambda: now[0])
    qtbot.addWidget(screen)
    now[0] = datetime(2026, 12, 9, 19, 0, tzinfo=NY)  # built on Monday, shown on Wednesday
    screen.entered()
    assert screen.message.text() == "Gracias. Le llamaremos mañana por la mañana."
    assert screen.spoken_title() == screen.message.text()
    screen.reset()
