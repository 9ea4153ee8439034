"""The attract screen: invites the next visitor over an untouched Home, and the touch that
wakes the kiosk does nothing else."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from kiosk.shell.ui import attract as attract_module

ENGLISH = "Touch to learn about dry needling"
SPANISH = "Toque para aprender sobre la punción seca"
#: The longest any spot may stay under the moving text, in seconds.
MAX_LIT_S = 30


@pytest.fixture
def touchscreen(qapp):
    """A registered touchscreen (after the application exists, or Qt half-knows it)."""
    return QTest.createTouchDevice()


#: Open at every hour: the default hours (Monday to Friday, 9 to 5) made these tests fail
#: whenever they ran in the evening or at a weekend, the invitation resting dark. The tests
#: of dark hours set the window's clock themselves.
ALWAYS_OPEN = {"hours": ["mon-sun 00:00-24:00"], "time_zone": "UTC"}


@pytest.fixture
def quick(build, make_config):
    """Attract after 1 s of an untouched Home; the idle reset far away unless a test asks."""
    return build(make_config(clinic=ALWAYS_OPEN, kiosk={"attract_after_s": 1,
                                                        "idle_timeout_s": 60}))


@pytest.fixture
def slower(build, make_config):
    """Attract after 3 s: time enough, after a dismissal, to touch again before it returns."""
    return build(make_config(clinic=ALWAYS_OPEN, kiosk={"attract_after_s": 3,
                                                        "idle_timeout_s": 60}))


def showing(window) -> bool:
    return window.attract is not None and window.attract.isVisible()


def wait_for_attract(qtbot, window) -> None:
    qtbot.waitUntil(lambda: showing(window), timeout=10_000)


def tile_spot(window, name: str) -> tuple[QPushButton, QPoint]:
    tile = window.findChild(QPushButton, name)
    return tile, tile.mapTo(window, tile.rect().center())


def click_through_the_glass(window, spot: QPoint) -> None:
    """A mouse click delivered as the platform delivers it: to whatever is at ``spot``."""
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, spot)


def active_timers(window) -> set[QTimer]:
    return {timer for timer in window.findChildren(QTimer) if timer.isActive()}


def test_it_covers_an_untouched_home_after_the_set_time(qtbot, quick, stray_windows):
    window = quick
    assert not showing(window)
    wait_for_attract(qtbot, window)
    assert window.attract.objectName() == "screen-attract"
    assert window.attract.geometry() == window.rect()  # the top bar too: full screen
    assert window.attract.message() == ENGLISH
    assert window.current_screen() == "home"
    assert stray_windows == []  # a child of the window, never a window of its own


def test_it_never_covers_a_visit_in_progress(qtbot, quick):
    window = quick
    QTest.mouseClick(tile_spot(window, "tile-what-is")[0], Qt.MouseButton.LeftButton)
    assert window.current_screen() == "section-what-is"
    qtbot.wait(2500)
    assert not showing(window)


def test_a_scrolled_home_is_not_pristine_and_gets_no_attract(qtbot, build, make_config):
    window = build(make_config(clinic=ALWAYS_OPEN,
                               kiosk={"attract_after_s": 1, "idle_timeout_s": 60}))
    window.resize(1024, 600)
    window.cycle_text_size()  # a visitor's choice, left on Home
    window.idle.poke()
    qtbot.wait(2500)
    assert not showing(window)


def test_zero_turns_it_off(qtbot, build, make_config):
    window = build(make_config(clinic=ALWAYS_OPEN, kiosk={"attract_after_s": 0}))
    window.idle.poke()
    qtbot.wait(1500)
    assert window.attract is None
    assert not window.idle.attract_armed


def test_a_touch_on_a_tile_only_dismisses_it(qtbot, slower, touchscreen):
    window = slower
    tile, spot = tile_spot(window, "tile-what-is")
    clicks = []
    tile.clicked.connect(lambda: clicks.append(1))
    wait_for_attract(qtbot, window)
    QTest.touchEvent(window, touchscreen).press(0, spot, window).commit()
    QTest.touchEvent(window, touchscreen).release(0, spot, window).commit()
    qtbot.waitUntil(lambda: not showing(window), timeout=2000)
    qtbot.wait(400)  # past a double-tap: the next touch is a new one
    assert not showing(window)  # (it comes back only after 3 s more without a touch)
    assert clicks == []
    assert window.current_screen() == "home"
    # The same touch again now reaches the tile: the first one really was over it.
    QTest.touchEvent(window, touchscreen).press(0, spot, window).commit()
    QTest.touchEvent(window, touchscreen).release(0, spot, window).commit()
    qtbot.waitUntil(lambda: window.current_screen() == "section-what-is", timeout=2000)


def test_a_click_on_the_consult_tile_only_dismisses_it(qtbot, slower):
    window = slower
    tile, spot = tile_spot(window, "tile-consult")
    wait_for_attract(qtbot, window)
    click_through_the_glass(window, spot)
    qtbot.waitUntil(lambda: not showing(window), timeout=2000)
    qtbot.wait(400)
    assert not showing(window)
    assert window.current_screen() == "home"
    click_through_the_glass(window, spot)  # the same click now reaches the tile
    qtbot.waitUntil(lambda: window.current_screen() in ("consult", "consult-unavailable"),
                    timeout=2000)


def test_a_key_wakes_it_too(qtbot, quick):
    window = quick
    wait_for_attract(qtbot, window)
    QTest.keyClick(window.attract, Qt.Key.Key_Space)
    assert not showing(window)
    assert window.current_screen() == "home"


def test_it_follows_a_visitor_who_walked_away_and_resets_their_choices(qtbot, build,
                                                                        make_config):
    window = build(make_config(clinic=ALWAYS_OPEN, kiosk={
        "attract_after_s": 1, "idle_timeout_s": 1, "idle_warning_s": 1}))
    window.toggle_language()
    window.cycle_text_size()
    window.toggle_contrast()
    window.idle.poke()
    wait_for_attract(qtbot, window)
    assert (window.language, window.text_size, window.theme) == ("en", "default", "calm")
    click_through_the_glass(window, QPoint(10, 10))
    qtbot.waitUntil(lambda: not showing(window), timeout=2000)
    assert window.is_pristine()


def test_once_it_shows_nothing_else_ticks(qtbot, quick):
    window = quick
    qtbot.waitUntil(lambda: window.idle.attract_armed, timeout=3000)
    before = active_timers(window)  # the heartbeat, and the attract timer itself
    wait_for_attract(qtbot, window)
    assert not window.idle.armed and not window.idle.attract_armed
    resting = before - {t for t in before if t.parent() is window.idle}
    # Nothing starts but the animation (the heartbeat ticks at a resting Home too).
    assert active_timers(window) <= resting | {window.attract._timer}
    assert window.attract.animating


def test_it_alternates_languages_and_drifts(qtbot, quick, monkeypatch):
    monkeypatch.setattr(attract_module, "ALTERNATE_MS", 500)
    window = quick
    wait_for_attract(qtbot, window)
    first = window.attract._place()
    qtbot.waitUntil(lambda: window.attract.message() == SPANISH, timeout=3000)
    qtbot.waitUntil(lambda: window.attract.message() == ENGLISH, timeout=3000)
    assert window.attract._place() != first


@pytest.mark.parametrize("size", [(1280, 800), (1024, 600), (800, 1280)])
def test_no_pixel_stays_lit_for_long(qtbot, quick, size):
    """Over ten minutes of drift no spot of the glass stays under the text for long."""
    window = quick
    window.resize(*size)
    wait_for_attract(qtbot, window)
    screen = window.attract
    grid = [QPoint(x, y) for x in range(0, size[0], 40) for y in range(0, size[1], 40)]
    run = dict.fromkeys(range(len(grid)), 0)
    longest = dict.fromkeys(range(len(grid)), 0)
    for step in range(10 * 60 * 1000 // attract_module.STEP_MS):
        screen._step = step
        place: QRect = screen._place()
        assert screen.rect().contains(place)
        for index, point in enumerate(grid):
            run[index] = run[index] + 1 if place.contains(point) else 0
            longest[index] = max(longest[index], run[index])
    assert max(longest.values()) * attract_module.STEP_MS / 1000 < MAX_LIT_S


def test_outside_opening_hours_it_is_black_and_still(qtbot, quick, touchscreen):
    window = quick
    asked = []
    window.is_open = lambda at: asked.append(at) or False
    qtbot.waitUntil(lambda: window.idle.attract_armed, timeout=3000)
    heartbeat = active_timers(window) - {t for t in active_timers(window)
                                         if t.parent() is window.idle}
    wait_for_attract(qtbot, window)
    assert asked and asked[0].tzinfo is not None
    assert window.attract.dark and not window.attract.animating
    assert active_timers(window) <= heartbeat  # no animation, no idle or attract timer
    image = window.grab().toImage()
    for x, y in [(5, 5), (image.width() // 2, image.height() // 2),
                 (image.width() - 5, image.height() - 5)]:
        assert image.pixelColor(x, y) == QColor("#000000")
    spot = tile_spot(window, "tile-aftercare")[1]
    QTest.touchEvent(window, touchscreen).press(0, spot, window).commit()
    QTest.touchEvent(window, touchscreen).release(0, spot, window).commit()
    qtbot.waitUntil(lambda: not showing(window), timeout=2000)
    assert window.current_screen() == "home"


def test_closing_time_turns_it_dark(qtbot, quick, monkeypatch):
    monkeypatch.setattr(attract_module, "ALTERNATE_MS", 500)
    window = quick
    open_now = [True]
    window.is_open = lambda at: open_now[0]
    wait_for_attract(qtbot, window)
    assert not window.attract.dark
    open_now[0] = False
    qtbot.waitUntil(lambda: window.attract.dark, timeout=3000)
    assert not window.attract.animating
    assert window.attract.message() == ""
