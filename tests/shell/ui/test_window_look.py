"""A look change restyles what the visitor sees at once and every other screen on arrival;
each language's screens are kept, and lookups find the language on the glass."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QWidget


def tap(qtbot, window, name: str) -> None:
    qtbot.mouseClick(window.findChild(QAbstractButton, name), Qt.MouseButton.LeftButton)


def test_a_screen_not_on_the_glass_takes_the_new_look_when_it_arrives(qtbot, kiosk) -> None:
    body = kiosk.screens["section-what-is"].findChild(QWidget, "section-body")
    before = body.fontInfo().pixelSize()
    for _ in range(2):  # chosen on Home; the section has not been shown since
        tap(qtbot, kiosk, "text-size")
    kiosk.show_screen("section-what-is")
    assert body.fontInfo().pixelSize() / before == pytest.approx(1.6, abs=0.05)


def test_the_consult_form_stacks_for_large_text_chosen_elsewhere(qtbot, kiosk) -> None:
    tap(qtbot, kiosk, "text-size")
    tap(qtbot, kiosk, "tile-consult")
    form = kiosk.screens["consult"]
    keyboard = kiosk.findChild(QWidget, "consult-keyboards") or form.keyboards
    qtbot.waitUntil(lambda: keyboard.isVisible())
    fields = form.name.mapTo(form, form.name.rect().bottomLeft())
    keys = keyboard.mapTo(form, keyboard.rect().topLeft())
    assert keys.y() > fields.y()  # in one column: the keyboard under the fields


def test_contrast_chosen_on_one_screen_colours_the_next(qtbot, kiosk) -> None:
    kiosk.show_screen("section-aftercare")
    tap(qtbot, kiosk, "contrast-toggle")
    kiosk.go_home()
    kiosk.show_screen("consult")
    form = kiosk.screens["consult"]
    qtbot.wait(50)  # the layout settles, as before any real frame
    colour = form.grab().toImage().pixelColor(4, form.height() - 4)
    assert colour.lightness() < 40  # the high-contrast background, not the calm one


def test_each_language_is_built_once_and_lookups_find_the_one_shown(qtbot, kiosk) -> None:
    english_home = kiosk.screens["home"]
    tap(qtbot, kiosk, "lang-toggle")
    spanish_home = kiosk.screens["home"]
    assert spanish_home is not english_home
    assert kiosk.findChild(QWidget, "tile-what-is").text() == "¿Qué es la punción seca?"
    assert len(kiosk.findChildren(QWidget, "screen-home")) == 1
    tap(qtbot, kiosk, "lang-toggle")
    assert kiosk.screens["home"] is english_home  # kept, not rebuilt
    assert kiosk.findChild(QWidget, "tile-what-is").text() == "What is dry needling?"
    tap(qtbot, kiosk, "lang-toggle")
    assert kiosk.screens["home"] is spanish_home


def test_an_idle_reset_forgets_what_was_typed_in_the_other_language_too(qtbot, kiosk) -> None:
    tap(qtbot, kiosk, "lang-toggle")
    kiosk.show_screen("consult")
    kiosk.screens["consult"].name.setText("Ana")
    kiosk.go_home()
    tap(qtbot, kiosk, "lang-toggle")  # back to English; the Spanish form still holds "Ana"
    assert not kiosk.is_pristine()
    kiosk.reset_for_next_visitor()
    assert kiosk.is_pristine()
    tap(qtbot, kiosk, "lang-toggle")
    assert kiosk.screens["consult"].name.text() == ""


def test_building_every_screen_of_both_languages_opens_no_other_window(
        qtbot, build, make_config, stray_windows: list[str]) -> None:
    """The read-aloud button once was a window of its own for a moment, in every section."""
    window = build(make_config())
    window.ensure_built()
    window.toggle_language()
    window.ensure_built()
    qtbot.wait(300)  # the background builds run their course
    assert stray_windows == []


@pytest.mark.parametrize("spanish", [False, True], ids=["english", "from-spanish"])
def test_an_idle_reset_puts_home_back_in_the_calm_look_restyled_at_most_once(
        qtbot, kiosk, monkeypatch, spanish: bool) -> None:
    home = kiosk.screens["home"]
    kiosk.show_screen("section-what-is")
    kiosk.go_home()
    title = home.findChild(QWidget, "screen-title")
    calm_px, calm_sheet = title.fontInfo().pixelSize(), home.styleSheet()
    if spanish:
        tap(qtbot, kiosk, "lang-toggle")
    kiosk.show_screen("section-what-is")
    for name in ("text-size", "text-size", "contrast-toggle"):  # chosen while reading
        tap(qtbot, kiosk, name)
    assert home in kiosk._stale  # the visitor walks away before the background reached Home
    sheets: list[QWidget] = []
    real = QWidget.setStyleSheet
    monkeypatch.setattr(QWidget, "setStyleSheet", lambda w, s: (sheets.append(w), real(w, s)))

    kiosk.idle.expired.emit()

    assert kiosk.screens["home"] is home and kiosk.stack.currentWidget() is home
    assert home.styleSheet() == calm_sheet and title.fontInfo().pixelSize() == calm_px
    # At most the calm sheet: never the visitor's look first, then the calm one again.
    assert sheets.count(home) <= 1
    assert kiosk.is_pristine()
