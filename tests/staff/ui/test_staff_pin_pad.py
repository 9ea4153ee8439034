"""The staff PIN pad, tapped like a person would: wrong PINs, the lock-out, unlocking."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from pin_costs import cheap_hash
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from kiosk.staff.access import DEMO_PIN, PinGate
from kiosk.staff.pin import PIN_MAX_DIGITS, PinLock
from kiosk.staff.ui.pin_pad import PinPadScreen

PIN = "1357"


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return cheap_hash(PIN)  # scrypt: slow on purpose, so once per module


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def make_pad(qtbot: QtBot, gate: PinGate, **kwargs: object) -> PinPadScreen:
    pad = PinPadScreen(gate, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(pad)
    pad.resize(1280, 700)
    pad.show()
    qtbot.waitExposed(pad)
    pad.entered()
    return pad


def key(pad: PinPadScreen, name: str) -> QPushButton:
    button = pad.findChild(QPushButton, name)
    assert button is not None, name
    return button


def tap(qtbot: QtBot, pad: PinPadScreen, *names: str) -> None:
    for name in names:
        qtbot.mouseClick(key(pad, name), Qt.MouseButton.LeftButton)


def type_pin(qtbot: QtBot, pad: PinPadScreen, pin: str, ok: bool = True) -> None:
    tap(qtbot, pad, *(f"pin-{d}" for d in pin))
    if ok:
        tap(qtbot, pad, "pin-ok")


def wait_answer(qtbot: QtBot, pad: PinPadScreen) -> None:
    qtbot.waitUntil(lambda: pad.message.text() != "Checking…", timeout=5000)


def fast_lock(clock: Clock, right: str = PIN) -> PinLock:
    verify: Callable[[str, str], bool] = lambda pin, _stored: pin == right  # noqa: E731
    return PinLock(clock=clock, verify=verify)


def test_wrong_pin_shows_an_error_and_clears_the_dots(qtbot: QtBot, pin_hash: str) -> None:
    pad = make_pad(qtbot, PinGate(pin_hash, demo=False))
    type_pin(qtbot, pad, "2468", ok=False)
    assert pad.display.text() == "●  ●  ●  ●"
    tap(qtbot, pad, "pin-ok")
    wait_answer(qtbot, pad)
    assert pad.message.text() == "Wrong PIN. 4 tries left."
    assert pad.display.text() == ""
    assert key(pad, "pin-5").isEnabled()


def test_right_pin_unlocks(qtbot: QtBot, pin_hash: str) -> None:
    pad = make_pad(qtbot, PinGate(pin_hash, demo=False))
    with qtbot.waitSignal(pad.unlocked, timeout=5000):
        type_pin(qtbot, pad, PIN)
    assert pad.message.text() == ""


def test_pin_is_checked_off_the_gui_thread(qtbot: QtBot) -> None:
    threads: list[threading.Thread] = []

    def verify(pin: str, _stored: str) -> bool:
        threads.append(threading.current_thread())
        return pin == PIN

    pad = make_pad(qtbot, PinGate("x", demo=False, lock=PinLock(verify=verify)))
    with qtbot.waitSignal(pad.unlocked, timeout=5000):
        type_pin(qtbot, pad, PIN)
    assert threads and threads[0] is not threading.main_thread()


def test_five_wrong_pins_lock_the_pad_with_a_countdown(qtbot: QtBot) -> None:
    clock = Clock()
    gate = PinGate("x", demo=False, lock=fast_lock(clock))
    pad = make_pad(qtbot, gate)
    for left in (4, 3, 2):
        type_pin(qtbot, pad, "0000")
        wait_answer(qtbot, pad)
        assert pad.message.text() == f"Wrong PIN. {left} tries left."
    type_pin(qtbot, pad, "0000")
    wait_answer(qtbot, pad)
    assert pad.message.text() == "Wrong PIN. 1 try left before the pad locks."
    type_pin(qtbot, pad, "0000")
    qtbot.waitUntil(lambda: pad.message.text().startswith("Locked"), timeout=5000)

    assert pad.message.text() == "Locked — try again in 30 s"
    assert not any(b.isEnabled() for b in pad.keys.values())
    assert not key(pad, "pin-ok").isEnabled() and not key(pad, "pin-clear").isEnabled()
    assert key(pad, "pin-cancel").isEnabled()
    tap(qtbot, pad, "pin-1")  # a disabled key does nothing
    assert pad.display.text() == ""

    clock.now += 20  # the countdown follows the clock, once a second
    qtbot.waitUntil(lambda: pad.message.text() == "Locked — try again in 10 s", timeout=3000)
    clock.now += 10
    qtbot.waitUntil(lambda: key(pad, "pin-1").isEnabled(), timeout=3000)
    assert pad.message.text() == ""
    with qtbot.waitSignal(pad.unlocked, timeout=5000):
        type_pin(qtbot, pad, PIN)


def test_lock_out_outlives_the_pad(qtbot: QtBot) -> None:
    """Re-opening the pad (or rebuilding it in another language) must not reset the lock."""
    clock = Clock()
    gate = PinGate("x", demo=False, lock=fast_lock(clock))
    first = make_pad(qtbot, gate)
    for _ in range(5):
        type_pin(qtbot, first, "0000")
        wait_answer(qtbot, first)
    assert first.is_locked()
    second = make_pad(qtbot, gate)
    assert second.message.text() == "Locked — try again in 30 s"
    assert not key(second, "pin-1").isEnabled()


def test_ok_needs_enough_digits_and_too_many_are_ignored(qtbot: QtBot) -> None:
    pad = make_pad(qtbot, PinGate("x", demo=False, lock=fast_lock(Clock())))
    type_pin(qtbot, pad, "135", ok=False)
    assert not key(pad, "pin-ok").isEnabled()
    type_pin(qtbot, pad, "7" * 20, ok=False)
    assert pad.display.text().count("●") == PIN_MAX_DIGITS
    tap(qtbot, pad, "pin-clear")
    assert pad.display.text().count("●") == PIN_MAX_DIGITS - 1


def test_cancel_forgets_digits_and_ignores_a_late_answer(qtbot: QtBot) -> None:
    release = threading.Event()

    def slow_verify(pin: str, _stored: str) -> bool:
        release.wait(5)
        return pin == PIN

    pad = make_pad(qtbot, PinGate("x", demo=False, lock=PinLock(verify=slow_verify)))
    unlocked: list[bool] = []
    pad.unlocked.connect(lambda: unlocked.append(True))
    type_pin(qtbot, pad, PIN)
    assert pad.message.text() == "Checking…"
    with qtbot.waitSignal(pad.cancelled):
        tap(qtbot, pad, "pin-cancel")
    assert pad.display.text() == "" and pad.is_pristine()
    release.set()
    qtbot.wait(200)
    assert not unlocked


def test_demo_config_without_hash_accepts_the_demo_pin(qtbot: QtBot) -> None:
    pad = make_pad(qtbot, PinGate("", demo=True))
    assert DEMO_PIN in pad.hint.text()
    with qtbot.waitSignal(pad.unlocked, timeout=5000):
        type_pin(qtbot, pad, DEMO_PIN)


def test_no_pin_outside_demo_never_unlocks(qtbot: QtBot) -> None:
    pad = make_pad(qtbot, PinGate("", demo=False))
    assert "staff-user add" in pad.message.text()
    assert not key(pad, "pin-2").isEnabled()
    assert not pad.hint.isVisible()


def test_desk_keyboard_types_the_pin(qtbot: QtBot, pin_hash: str) -> None:
    pad = make_pad(qtbot, PinGate(pin_hash, demo=False), can_cancel=False)
    assert not key(pad, "pin-cancel").isVisible()
    pad.setFocus()
    qtbot.keyClicks(pad, "19")
    qtbot.keyClick(pad, Qt.Key.Key_Backspace)
    qtbot.keyClick(pad, Qt.Key.Key_Backspace)
    with qtbot.waitSignal(pad.unlocked, timeout=5000):
        qtbot.keyClicks(pad, PIN)
        qtbot.keyClick(pad, Qt.Key.Key_Return)


def test_a_lock_out_on_one_pad_locks_a_pad_on_the_same_database(qtbot: QtBot,
                                                               tmp_path) -> None:
    """The kiosk's pad and the console's pad share one queue database: five wrong PINs on
    one lock the other as soon as it is shown (read off the GUI thread)."""
    from kiosk.staff.shared_lock import SharedLockout

    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"

    def shared_gate() -> PinGate:
        return PinGate("x", demo=False, lock=PinLock(verify=lambda pin, _s: pin == PIN),
                       shared=SharedLockout(url))

    kiosk_gate, console_gate = shared_gate(), shared_gate()
    kiosk_pad = make_pad(qtbot, kiosk_gate)
    for _ in range(5):
        type_pin(qtbot, kiosk_pad, "0000")
        wait_answer(qtbot, kiosk_pad)
    assert kiosk_pad.message.text().startswith("Locked")
    console_pad = make_pad(qtbot, console_gate, can_cancel=False)
    qtbot.waitUntil(lambda: console_pad.message.text().startswith("Locked — try again in"),
                    timeout=5000)
    assert not key(console_pad, "pin-1").isEnabled()
    kiosk_gate.close()
    console_gate.close()
