"""Large text, high contrast, read aloud and Spanish, checked the way a visitor meets them."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from kiosk.ops.check import patient_messages
from kiosk.shell.i18n import translator
from kiosk.shell.theme import THEMES

SIZES = ["default", "large", "largest"]
PATIENT_SCREENS = ["home", "section-what-is", "section-how-it-works", "section-what-to-expect",
                   "section-aftercare", "consult", "consult-done"]


def set_size(window, size: str) -> None:
    while window.text_size != size:
        window.cycle_text_size()


def visible_buttons(window) -> list[QAbstractButton]:
    return [b for b in window.findChildren(QAbstractButton) if b.isVisible()]


def window_rect(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def visible_part(widget: QWidget, window: QWidget) -> QRect:
    """The part of a widget a visitor can see (scroll areas clip their content)."""
    rect = window_rect(widget, window)
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        rect = rect.intersected(window_rect(parent, window))
        parent = parent.parentWidget()
    return rect


def elided(button: QAbstractButton) -> bool:
    text = button.text()
    if not text or button.layout() is not None:  # tiles lay out their own wrapped labels
        return False
    width = button.fontMetrics().horizontalAdvance(text.replace("&", ""))
    icon = button.iconSize().width() + 8 if not button.icon().isNull() else 0
    return width + icon > button.contentsRect().width()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("size", SIZES)
def test_every_button_is_big_enough_on_screen_apart_and_unclipped(qtbot, kiosk, language, size):
    kiosk.set_language(language)
    set_size(kiosk, size)
    for screen in PATIENT_SCREENS:
        kiosk.go_home()
        if screen != "home":
            kiosk.show_screen(screen)
        QApplication.processEvents()
        buttons = visible_buttons(kiosk)
        assert buttons
        frame = kiosk.rect()
        seen: list[tuple[QAbstractButton, QRect]] = []
        for button in buttons:
            where = f"{screen}/{language}/{size}: {button.objectName() or button.text()}"
            assert button.width() >= 64 and button.height() >= 64, where
            assert button.accessibleName() or button.text(), f"{where} has no accessible name"
            assert not elided(button), f"{where} text is clipped"
            shown = visible_part(button, kiosk)
            if shown.isEmpty():
                continue  # scrolled out of view
            assert frame.contains(window_rect(button, kiosk).intersected(frame)), where
            for other, other_shown in seen:
                overlap = shown.intersected(other_shown)
                assert overlap.isEmpty(), f"{where} overlaps {other.objectName()}"
            seen.append((button, shown))


def test_choices_reset_on_idle(qtbot, kiosk):
    kiosk.set_language("es")
    set_size(kiosk, "largest")
    kiosk.toggle_contrast()
    kiosk.show_screen("section-what-is")
    kiosk.reset_for_next_visitor()
    assert (kiosk.language, kiosk.text_size, kiosk.theme) == ("en", "default", "calm")
    assert kiosk.findChild(QWidget, "tile-what-is").text() == "What is dry needling?"
    assert kiosk.is_pristine()


def _ink(button: QAbstractButton, state: QIcon.State) -> str:
    """The colour most of the icon's visible pixels have, as the button would draw it."""
    image = button.icon().pixmap(QSize(32, 32), QIcon.Mode.Normal, state).toImage()
    inks = Counter(
        image.pixelColor(x, y).name().upper()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    )
    return inks.most_common(1)[0][0]


def test_the_pressed_contrast_toggle_shows_its_icon_against_its_fill(qtbot, kiosk):
    toggle = kiosk.findChild(QAbstractButton, "contrast-toggle")
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert toggle.isChecked() and kiosk.theme == "high-contrast"
    palette = THEMES["high-contrast"]
    # Checked, the stylesheet fills the button with the accent: the icon must not be accent too.
    assert _ink(toggle, QIcon.State.On) == palette.accent_text.upper()
    assert _ink(toggle, QIcon.State.Off) == palette.accent.upper()


def test_controls_are_on_every_screen_and_language_on_home(qtbot, kiosk):
    for screen in PATIENT_SCREENS:
        kiosk.go_home()
        if screen != "home":
            kiosk.show_screen(screen)
        assert kiosk.findChild(QWidget, "text-size").isVisible()
        assert kiosk.findChild(QWidget, "contrast-toggle").isVisible()
    kiosk.go_home()
    toggle = kiosk.findChild(QAbstractButton, "lang-toggle")
    assert toggle.isVisible()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert kiosk.findChild(QWidget, "tile-what-is").text() == "¿Qué es la punción seca?"


def test_text_size_control_makes_section_text_about_1_6_times_larger(qtbot, kiosk):
    kiosk.show_screen("section-what-is")
    body = kiosk.screens["section-what-is"].findChild(QWidget, "section-body")
    before = body.fontInfo().pixelSize()
    for _ in range(2):
        qtbot.mouseClick(kiosk.findChild(QAbstractButton, "text-size"), Qt.MouseButton.LeftButton)
    after = body.fontInfo().pixelSize()
    assert after / before == pytest.approx(1.6, abs=0.05)


def test_read_aloud_speaks_the_section_and_stops_on_a_second_tap(qtbot, kiosk):
    from PySide6.QtTextToSpeech import QTextToSpeech

    kiosk.show_screen("section-aftercare")
    button = kiosk.screens["section-aftercare"].findChild(QAbstractButton, "read-aloud")
    qtbot.waitUntil(button.isVisible, timeout=5000)  # once the engine has opened, off-thread
    from kiosk.shell.ui.speech import Speaker

    engine = kiosk.findChild(Speaker).engine
    spoken: list[str] = []
    engine.aboutToSynthesize.connect(lambda _id: spoken.append("start"))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: engine.state() == QTextToSpeech.State.Speaking, timeout=3000)
    assert "hot bath" in kiosk.screens["section-aftercare"].text_to_read()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: engine.state() != QTextToSpeech.State.Speaking, timeout=3000)
    assert not button.isChecked()


def test_read_aloud_is_hidden_without_a_speech_engine(build, make_config):
    window = build(make_config(kiosk={"speech_engine": "none"}))
    window.show_screen("section-what-is")
    assert not window.findChild(QAbstractButton, "read-aloud").isVisible()


def test_spanish_screens_show_no_english_interface_text(qtbot, kiosk):
    spanish = translator("es")
    english_only = {m for m in patient_messages() if spanish(m) != m and "{" not in m}
    kiosk.set_language("es")
    for screen in PATIENT_SCREENS:
        kiosk.go_home()
        if screen != "home":
            kiosk.show_screen(screen)
        texts = [w.text() for w in kiosk.findChildren(QLabel) + kiosk.findChildren(
            QAbstractButton) if w.isVisible()]
        leaked = english_only.intersection(texts)
        assert not leaked, f"{screen}: {leaked}"


def test_tab_order_follows_reading_order_on_the_form(qtbot, kiosk):
    kiosk.show_screen("consult")
    form = kiosk.screens["consult"]
    order = []
    widget = form.name
    for _ in range(12):
        order.append(widget.objectName())
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isVisible():
            widget = widget.nextInFocusChain()
    expected = ["consult-name", "consult-phone", "consult-time-morning"]
    assert order[:3] == expected
    assert order.index("consult-consent") < order.index("consult-submit")


def test_keyboard_alone_reaches_and_activates_a_section(qtbot, kiosk):
    kiosk.activateWindow()
    tile = kiosk.findChild(QWidget, "tile-what-is")
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget().objectName() == "screen-section-what-is",
                    timeout=2000)
    home = kiosk.findChild(QWidget, "nav-home")
    home.setFocus()
    qtbot.keyClick(home, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget().objectName() == "screen-home",
                    timeout=2000)
