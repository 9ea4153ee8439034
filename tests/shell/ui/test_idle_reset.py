"""After a visitor walks away the kiosk warns, then forgets everything they did."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget


@pytest.fixture
def quick(build, make_config):
    """A kiosk configured to ask after 1 s and reset 1 s later."""
    return build(make_config(kiosk={"idle_timeout_s": 1, "idle_warning_s": 1}))


def test_idle_warning_counts_down_and_continue_keeps_the_visit(qtbot, build, make_config):
    kiosk = build(make_config(kiosk={"idle_timeout_s": 1, "idle_warning_s": 10}))
    qtbot.mouseClick(kiosk.findChild(QWidget, "tile-what-is"), Qt.MouseButton.LeftButton)
    warning = kiosk.findChild(QWidget, "idle-warning")
    qtbot.waitUntil(warning.isVisible, timeout=3000)
    countdown = warning.findChild(QLabel, "idle-countdown")
    assert countdown.text() == "10"
    qtbot.waitUntil(lambda: countdown.text() == "9", timeout=3000)  # it counts down
    qtbot.mouseClick(kiosk.findChild(QPushButton, "idle-continue"), Qt.MouseButton.LeftButton)
    assert not warning.isVisible()
    assert kiosk.stack.currentWidget().objectName() == "screen-section-what-is"


def test_idle_timeout_returns_home_and_forgets_everything(qtbot, quick):
    kiosk = quick
    qtbot.mouseClick(kiosk.findChild(QWidget, "tile-how-it-works"), Qt.MouseButton.LeftButton)
    screen = kiosk.screens["section-how-it-works"]
    qtbot.mouseClick(screen.findChild(QPushButton, "card-2"), Qt.MouseButton.LeftButton)
    screen._scroll.verticalScrollBar().setValue(200)
    kiosk.show_screen("consult")
    form = kiosk.screens["consult"]
    qtbot.mouseClick(form.findChild(QPushButton, "key-a"), Qt.MouseButton.LeftButton)
    assert form.name.text() == "A"

    warning = kiosk.findChild(QWidget, "idle-warning")
    qtbot.waitUntil(warning.isVisible, timeout=3000)
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget().objectName() == "screen-home",
                    timeout=4000)
    assert not warning.isVisible()
    assert form.name.text() == ""
    assert not screen.findChild(QPushButton, "card-2").isChecked()
    assert screen._scroll.verticalScrollBar().value() == 0
    assert not kiosk.findChild(QWidget, "nav-back").isEnabled()
    assert kiosk.is_pristine()
    # At rest nothing ticks: no idle timer, no countdown.
    assert not kiosk.idle.armed


def test_untouched_home_never_warns(qtbot, quick):
    kiosk = quick
    kiosk.idle.poke()  # a stray touch on Home that changed nothing
    qtbot.wait(1500)
    assert not kiosk.findChild(QWidget, "idle-warning").isVisible()
    assert not kiosk.idle.armed
