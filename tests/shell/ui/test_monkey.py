"""A seeded monkey taps 2,000 random visible buttons; nothing breaks and Home stays reachable."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton

# Holding the staff trigger is not a tap; the monkey taps it like anything else.
TAPS = 2000


def visible_buttons(window):
    return [b for b in window.findChildren(QAbstractButton)
            if b.isVisible() and b.isEnabled() and b.window() is window]


def test_monkey_taps_2000_buttons(qtbot, kiosk):
    rng = random.Random(20261127)
    for _ in range(TAPS):
        buttons = visible_buttons(kiosk)
        assert buttons, "no visible button left to tap"
        qtbot.mouseClick(rng.choice(buttons), Qt.MouseButton.LeftButton)
    home = kiosk.findChild(QAbstractButton, "nav-home")
    # In speech mode (the monkey may have turned it on) a first tap says "Home", the second goes.
    for _ in range(2 if kiosk.speech_on else 1):
        if kiosk.stack.currentWidget().objectName() != "screen-home":
            qtbot.mouseClick(home, Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentWidget().objectName() == "screen-home"
