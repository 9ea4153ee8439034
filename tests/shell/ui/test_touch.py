"""Fingers on a registered touchscreen: a tap activates, a drag scrolls, a fling's stop, a
pinch or a two-finger drag does nothing, and one finger moving sideways changes section."""

from __future__ import annotations

import functools

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QScroller, QWidget

FRAME_MS = 16


@functools.cache
def touchscreen():
    """One touchscreen for the whole run: Qt keeps every registered device until it exits."""
    return QTest.createTouchDevice()


def at(window: QWidget, widget: QWidget, offset: QPoint | None = None) -> QPoint:
    """``widget``'s centre (plus ``offset``) in the window's coordinates."""
    return widget.mapTo(window, widget.rect().center() + (offset or QPoint()))


def stroke(window: QWidget, path: list[QPoint], ms: int = FRAME_MS) -> None:
    """One finger: down at path[0], through each point, up at the last."""
    device = touchscreen()
    QTest.touchEvent(window, device).press(0, path[0], window).commit()
    for point in path[1:]:
        QTest.qWait(ms)
        QTest.touchEvent(window, device).move(0, point, window).commit()
    QTest.qWait(ms)
    QTest.touchEvent(window, device).release(0, path[-1], window).commit()
    QTest.qWait(ms)


def into_view(widget: QWidget) -> None:
    """Scrolls the page holding ``widget`` until the widget is on the glass."""
    from PySide6.QtWidgets import QScrollArea

    area = widget.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    if area is not None:
        settle(area)
        area.ensureWidgetVisible(widget, 0, 40)
        QTest.qWait(FRAME_MS)


def finger_tap(window: QWidget, widget: QWidget) -> None:
    assert widget.isVisible(), f"{widget.objectName()} is not visible"
    into_view(widget)
    assert widget.visibleRegion().contains(widget.rect().center()), (
        f"{widget.objectName()} is not on the glass")
    centre = at(window, widget)
    stroke(window, [centre, centre + QPoint(2, 1)])  # a real finger never lands perfectly still


def drag(start: QPoint, dx: int, dy: int, steps: int = 10) -> list[QPoint]:
    return [start + QPoint(dx * i // steps, dy * i // steps) for i in range(steps + 1)]


def two_fingers(window: QWidget, first: list[QPoint], second: list[QPoint]) -> None:
    device = touchscreen()
    QTest.touchEvent(window, device).press(0, first[0], window).commit()
    QTest.qWait(FRAME_MS)
    QTest.touchEvent(window, device).stationary(0).press(1, second[0], window).commit()
    for a, b in zip(first[1:], second[1:], strict=True):
        QTest.qWait(FRAME_MS)
        QTest.touchEvent(window, device).move(0, a, window).move(1, b, window).commit()
    QTest.qWait(FRAME_MS)
    lift = QTest.touchEvent(window, device).release(0, first[-1], window)
    lift.release(1, second[-1], window).commit()
    QTest.qWait(FRAME_MS)


def current(window) -> str:
    return window.stack.currentWidget().objectName()


def child(window, name: str) -> QWidget:
    found = window.findChild(QWidget, name)
    assert found is not None, f"no widget named {name}"
    return found


def settle(scroll) -> None:
    """Waits until the page's kinetic scroll has come to rest."""
    scroller = QScroller.scroller(scroll.viewport())
    for _ in range(300):
        if scroller.state() == QScroller.State.Inactive:
            return
        QTest.qWait(FRAME_MS)
    scroller.stop()


def open_section(kiosk, section: str = "how-it-works"):
    finger_tap(kiosk, child(kiosk, f"tile-{section}"))
    assert current(kiosk) == f"screen-section-{section}"
    return kiosk.screens[f"section-{section}"]


def test_a_finger_taps_every_kind_of_control(kiosk):
    screen = open_section(kiosk)  # a Home tile
    card = screen.cards[0].button
    finger_tap(kiosk, card)  # a card
    assert card.isChecked() and screen.cards[0].detail.isVisible()
    size = kiosk.text_size
    finger_tap(kiosk, kiosk.top_bar.text_size_button)  # a top-bar button
    assert kiosk.text_size != size
    finger_tap(kiosk, kiosk.top_bar.text_size_button)
    finger_tap(kiosk, kiosk.top_bar.text_size_button)
    assert kiosk.text_size == size
    finger_tap(kiosk, kiosk.top_bar.nav_home)
    assert current(kiosk) == "screen-home"

    finger_tap(kiosk, child(kiosk, "tile-consult"))  # the call-to-action tile
    assert current(kiosk) == "screen-consult"
    form = kiosk.screens["consult"]
    finger_tap(kiosk, form.name)  # a text field
    assert form.name.hasFocus()
    for letter in "ANA":  # keyboard keys, the same key twice in a row included
        finger_tap(kiosk, form.letters.findChild(QPushButton, f"key-{letter.lower()}"))
    assert form.name.text() == "Ana"
    finger_tap(kiosk, form.phone)
    for digit in "5550102000":
        finger_tap(kiosk, form.keypad.findChild(QPushButton, f"keypad-{digit}"))
    assert form.phone.text().replace(" ", "").replace("-", "").endswith("5550102000")
    morning = child(form, "consult-time-morning")
    finger_tap(kiosk, morning)  # a best-time choice
    assert form.best_time() is not None and morning.isChecked()
    consent = child(form, "consult-consent")
    finger_tap(kiosk, consent)  # the check box, on its label
    assert consent.isChecked()


def test_a_drag_that_starts_on_a_card_scrolls_and_opens_nothing(kiosk):
    screen = open_section(kiosk)
    bar = screen._scroll.verticalScrollBar()
    opened = 0
    for card in screen.cards:
        button = card.button
        settle(screen._scroll)
        screen._scroll.ensureWidgetVisible(button, 0, 200)
        QTest.qWait(50)
        before = bar.value()
        # Upwards when there is room below (the page scrolls down), else downwards.
        dy = -160 if bar.value() < bar.maximum() - 40 else 160
        stroke(kiosk, drag(at(kiosk, button), 0, dy))
        settle(screen._scroll)
        assert bar.value() != before, f"the drag from {button.objectName()} did not scroll"
        opened += button.isChecked()
    assert opened == 0, f"a scroll drag opened {opened} of {len(screen.cards)} cards"


def test_a_small_wobble_is_still_a_tap(kiosk):
    screen = open_section(kiosk)
    card = screen.cards[0].button
    into_view(card)
    stroke(kiosk, drag(at(kiosk, card), 3, 4, steps=3))
    assert card.isChecked()


def visible_card(screen):
    """A card button with at least 60 px of it on the glass, and the middle of that part."""
    for card in screen.cards:
        shown = card.button.visibleRegion().boundingRect()
        if shown.height() >= 60:
            return card.button, shown.center()
    return None, None


def test_a_tap_that_stops_a_fling_opens_nothing(kiosk):
    screen = open_section(kiosk)
    scroller = QScroller.scroller(screen._scroll.viewport())
    viewport = screen._scroll.viewport()
    low = at(kiosk, viewport, QPoint(0, viewport.height() // 3))
    stroke(kiosk, drag(low, 0, -300, steps=6), ms=8)  # a quick flick upwards
    button, middle = visible_card(screen)
    assert button is not None
    state = scroller.state()
    finger_tap_at = button.mapTo(kiosk, middle)
    stroke(kiosk, [finger_tap_at, finger_tap_at + QPoint(1, 1)])
    assert state == QScroller.State.Scrolling, "the flick did not fling the page"
    settle(screen._scroll)
    assert not any(c.button.isChecked() for c in screen.cards), "the tap opened a card"
    # On the resting page a tap opens the card under it. (Not within a double-click
    # interval of the stopping tap at the same spot: Qt delivers that second press only to a
    # widget that took the first as a click.)
    QTest.qWait(QGuiApplication.styleHints().mouseDoubleClickInterval() + 50)
    button, middle = visible_card(screen)
    finger_tap_at = button.mapTo(kiosk, middle)
    stroke(kiosk, [finger_tap_at, finger_tap_at + QPoint(1, 1)])
    assert button.isChecked()


def test_a_pinch_and_a_two_finger_drag_change_nothing(kiosk):
    screen = open_section(kiosk)
    viewport = screen._scroll.viewport()
    card = screen.cards[0].button
    centre = at(kiosk, card)
    size = kiosk.text_size
    # A pinch, the first finger moving far sideways (it used to change section).
    two_fingers(kiosk, drag(centre, -300, 0), drag(centre + QPoint(40, 0), 300, 0))
    # A two-finger drag sideways and one down.
    two_fingers(kiosk, drag(centre, -300, 0), drag(centre + QPoint(60, 0), -300, 0))
    two_fingers(kiosk, drag(centre, 0, -150), drag(centre + QPoint(60, 0), 0, -150))
    settle(screen._scroll)
    assert current(kiosk) == "screen-section-how-it-works"
    assert not any(c.button.isChecked() for c in screen.cards)
    assert kiosk.text_size == size
    assert viewport.isVisible()
    kiosk.go_home()
    tile = child(kiosk, "tile-what-is")
    beside = at(kiosk, tile, QPoint(50, 0))
    two_fingers(kiosk, drag(at(kiosk, tile), 0, 0, 2), drag(beside, 0, 0, 2))
    assert current(kiosk) == "screen-home", "two fingers on a tile opened it"


def test_one_finger_swiping_sideways_changes_section(kiosk):
    screen = open_section(kiosk, "what-is")
    start = at(kiosk, screen.cards[0].button if screen.cards else screen._scroll.viewport())
    stroke(kiosk, drag(start + QPoint(150, 0), -320, 20))  # right to left: the next section
    assert current(kiosk) == "screen-section-how-it-works"
    assert not any(c.button.isChecked() for c in screen.cards)
    screen = kiosk.screens["section-how-it-works"]
    stroke(kiosk, drag(at(kiosk, screen._scroll.viewport()) - QPoint(150, 0), 320, -20))
    assert current(kiosk) == "screen-section-what-is"
    # Mostly downwards is a scroll, not a swipe.
    stroke(kiosk, drag(at(kiosk, screen._scroll.viewport()), -150, -300))
    assert current(kiosk) == "screen-section-what-is"


# The offscreen platform's one screen is 800x600: Qt's gesture manager looks for the widget
# under a gesture's hot spot on the screens, and a point of the 1280x800 window beyond them
# has none (the scroll itself is driven by the viewport's touch events and still happens).
@pytest.mark.qt_log_ignore("could not find the target for gesture")
def test_at_the_largest_text_a_drag_from_a_home_tile_opens_nothing(kiosk):
    while kiosk.text_size != "largest":
        kiosk.cycle_text_size()
    QTest.qWait(50)
    home = kiosk.screens["home"]
    bar = home._scroll.verticalScrollBar()
    assert bar.maximum() > 0, "at the largest text Home should need scrolling"
    for name in ("tile-what-is", "tile-how-it-works"):
        tile = child(kiosk, name)
        home._scroll.ensureWidgetVisible(tile, 0, 150)
        settle(home._scroll)
        before = bar.value()
        dy = -150 if bar.value() < bar.maximum() - 40 else 150
        stroke(kiosk, drag(at(kiosk, tile), 0, dy))
        settle(home._scroll)
        assert current(kiosk) == "screen-home", f"a scroll drag from {name} opened it"
        assert bar.value() != before


@pytest.mark.parametrize("gesture", ["drag", "double-tap", "long-press"])
def test_a_finger_selects_nothing_in_the_name_field(kiosk, gesture):
    finger_tap(kiosk, child(kiosk, "tile-consult"))
    form = kiosk.screens["consult"]
    finger_tap(kiosk, form.name)
    for letter in "ROSALIND":
        finger_tap(kiosk, form.letters.findChild(QPushButton, f"key-{letter.lower()}"))
    assert form.name.text() == "Rosalind"
    left = at(kiosk, form.name, QPoint(-form.name.width() // 2 + 12, 0))
    if gesture == "drag":
        stroke(kiosk, drag(left, form.name.width() - 40, 0))
    elif gesture == "double-tap":
        word = at(kiosk, form.name, QPoint(-form.name.width() // 2 + 30, 0))
        stroke(kiosk, [word, word])
        stroke(kiosk, [word, word])
    else:
        device = touchscreen()
        QTest.touchEvent(kiosk, device).press(0, left, kiosk).commit()
        QTest.qWait(1200)
        QTest.touchEvent(kiosk, device).release(0, left, kiosk).commit()
    QTest.qWait(50)
    assert form.name.selectedText() == ""
    assert form.name.text() == "Rosalind"
