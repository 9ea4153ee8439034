"""The staff PIN pad: a large button per staff member, then large keys, masked digits, and a
lock-out shown as a countdown.

The pad only collects a name and digits and shows answers. ``PinGate`` decides, on a
short-lived thread, because scrypt is slow on purpose and the screen must not freeze
meanwhile. With exactly one account the name step is skipped.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import threading
import weakref
from collections.abc import Callable

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kiosk.callback_queue.model import StaffAccount
from kiosk.shell.speech_mode import DIGIT_ENTERED
from kiosk.shell.ui.screen import Screen
from kiosk.shell.ui.speech_mode import PRIVATE
from kiosk.shell.ui.touch import kinetic_scroll_area
from kiosk.staff.access import DEMO_PIN, PinGate, PinSource
from kiosk.staff.pin import PIN_MAX_DIGITS, PIN_MIN_DIGITS, PinAttempt

log = logging.getLogger(__name__)

KEY_SIZE = QSize(112, 68)
_DOT = "●"
# Larger digits than the patient keypad: staff type these quickly, often standing. A font
# rule here replaces the whole font the kiosk sets in code: it names the buttons' weight too.
_LOCAL_STYLE = """
QPushButton[role="key"] { font-size: 34px; font-weight: 600; min-width: 108px; min-height: 64px; }
#pin-cancel, #pin-user-change { min-height: 52px; padding: 4px 20px; }
QPushButton[role="staff-name"] {
    font-size: 26px; font-weight: 600; min-height: 72px; padding: 4px 12px;
}
QPushButton[role="staff-name"][long="true"] { font-size: 19px; font-weight: 600; }
#pin-display { font-size: 40px; min-height: 56px; }
"""
PANEL_WIDTH = 420
#: The name step is wider than the keys: two columns of names up to 22 characters.
NAMES_WIDTH = 640


class PinChecker(QObject):
    """Checks a PIN on its own thread and answers on the GUI thread.

    The thread holds the gate, the PIN and a ticket, never the pad: a widget whose last
    reference died on that thread would be deleted there.
    """

    _answered = Signal(int, object)  # ticket, PinAttempt

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting: dict[int, Callable[[PinAttempt], None]] = {}
        self._tickets = itertools.count(1)
        self._answered.connect(self._deliver)

    def check(self, gate: PinGate, pin: str, on_answer: Callable[[PinAttempt], None],
              name: str | None = None) -> None:
        self._start(lambda: gate.try_pin(pin, name), on_answer)

    def refresh(self, gate: PinGate, on_done: Callable[[PinAttempt], None]) -> None:
        """Read the lock-out kept in the database (set by a restart or another kiosk)."""

        def read() -> PinAttempt:
            gate.refresh()
            return PinAttempt(ok=False, locked_for_s=gate.locked_for_s(), attempts_left=0)

        self._start(read, on_done, name="pin-lockout")

    def _start(self, fn: Callable[[], PinAttempt], on_answer: Callable[[PinAttempt], None],
               name: str = "pin-check") -> None:
        ticket = next(self._tickets)
        self._waiting[ticket] = on_answer
        checker = weakref.ref(self)

        def work() -> None:
            try:
                attempt = fn()
            except Exception:  # a broken check must read as "no", never as "yes"
                log.exception("PIN check failed")
                attempt = PinAttempt(ok=False, locked_for_s=0.0, attempts_left=0)
            alive = checker()
            if alive is not None:
                # The window may be gone if the app quit while scrypt ran.
                with contextlib.suppress(RuntimeError):
                    alive._answered.emit(ticket, attempt)

        threading.Thread(target=work, name=name, daemon=True).start()

    def _deliver(self, ticket: int, attempt: PinAttempt) -> None:
        on_answer = self._waiting.pop(ticket, None)
        if on_answer is not None:
            on_answer(attempt)


def _key(label: str, name: str, accessible: str) -> QPushButton:
    button = QPushButton(label)
    button.setObjectName(name)
    button.setProperty("role", "key")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setAccessibleName(accessible)
    button.setMinimumSize(KEY_SIZE)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


class PinPadScreen(Screen):
    """Digits in, ``unlocked`` or ``cancelled`` out; wrong PINs and lock-outs are shown."""

    unlocked = Signal()
    cancelled = Signal()
    #: Who signed in: emitted just before ``unlocked``.
    signed_in = Signal(object)  # StaffAccount

    def __init__(self, gate: PinGate, checker: PinChecker | None = None, *,
                 can_cancel: bool = True) -> None:
        super().__init__()
        self.setObjectName("screen-pin")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(_LOCAL_STYLE)
        self._gate = gate
        self._checker = checker or PinChecker(self)
        self._digits = ""
        self._chosen: str | None = None  # the name tapped, when there are several
        self._shown_names: tuple[str, ...] = ()
        self.member: StaffAccount | None = None  # who signed in last
        self._checking = False
        self._asked = 0  # numbers each check, so an answer arriving after Cancel is ignored
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_lock)

        title = QLabel("Staff only")
        title.setObjectName("screen-title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        prompt = QLabel("Enter the staff PIN")
        prompt.setObjectName("welcome")
        prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        prompt.setWordWrap(True)
        self.prompt = prompt
        self.display = QLabel()
        self.display.setObjectName("pin-display")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setAccessibleName("PIN")
        self.message = QLabel()
        self.message.setObjectName("pin-message")
        self.message.setProperty("role", "error")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(60)  # two lines: the keys never jump as messages change

        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        for index, digit in enumerate("123456789"):
            grid.addWidget(self._digit_key(digit), index // 3, index % 3)
        self.clear_key = _key("⌫", "pin-clear", "Delete")
        self.clear_key.clicked.connect(self.backspace)
        self.ok_key = _key("OK", "pin-ok", "OK")
        self.ok_key.setProperty("role", "key")
        self.ok_key.clicked.connect(self.submit)
        grid.addWidget(self.clear_key, 3, 0)
        grid.addWidget(self._digit_key("0"), 3, 1)
        grid.addWidget(self.ok_key, 3, 2)

        self.keys_panel = QWidget()
        self.keys_panel.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        # The name step: one large button per staff member, pin-user-1, -2, ... in name order.
        self.names_panel = QWidget()
        self.names_panel.setObjectName("pin-users")
        self.names_panel.setMinimumWidth(NAMES_WIDTH)
        self._names_grid = QGridLayout(self.names_panel)
        self._names_grid.setContentsMargins(0, 0, 0, 0)
        self._names_grid.setHorizontalSpacing(16)
        self._names_grid.setVerticalSpacing(12)
        self.name_buttons: list[QPushButton] = []
        self.change_user = QPushButton("Not you?")
        self.change_user.setObjectName("pin-user-change")
        self.change_user.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.change_user.setAccessibleName("Not you? Choose another name")
        self.change_user.clicked.connect(self.choose_again)

        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("pin-cancel")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.cancel)
        self.hint = QLabel()
        self.hint.setObjectName("muted")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)

        panel = QWidget()
        panel.setMinimumWidth(PANEL_WIDTH)  # wider for larger text, never narrower
        title.setWordWrap(True)
        self.prompt.setWordWrap(True)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(title)
        column.addWidget(prompt)
        column.addWidget(self.display)
        column.addWidget(self.message)
        column.addWidget(self.names_panel)
        column.addWidget(self.keys_panel, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(12)
        bottom = QHBoxLayout()  # one row: the pad must fit a 1024x600 panel
        bottom.setSpacing(12)
        bottom.addWidget(self.change_user, 1)
        bottom.addWidget(self.cancel_button, 1)
        column.addLayout(bottom)
        column.addWidget(self.hint)
        # On glass shorter than the pad (a landscape 7" panel at large sizes) it scrolls.
        page = QWidget()
        page.setObjectName("scroll-content")
        centred = QVBoxLayout(page)
        centred.setContentsMargins(40, 8, 40, 8)
        centred.addStretch(1)
        centred.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        centred.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(kinetic_scroll_area(page))
        self.keys_panel.setFixedWidth(PANEL_WIDTH)
        self._show_members()
        # Only now that they have a parent: a parentless widget made visible is a window.
        self.cancel_button.setHidden(not can_cancel)
        self._show_hint()
        self._update()

    def _show_hint(self) -> None:
        demo = self._gate.source is PinSource.DEMO
        self.hint.setText(f"Demo mode: the staff PIN is {DEMO_PIN}." if demo else "")
        self.hint.setHidden(not demo)

    # --- the name step ------------------------------------------------------------------------
    def _needs_name(self) -> bool:
        return len(self._gate.members) > 1 and self._chosen is None

    def _show_members(self) -> None:
        """Name buttons for the accounts as the gate last read them (rebuilt when they
        changed), or the digits when there is one account or a name was chosen."""
        names = tuple(member.name for member in self._gate.members)
        if names != self._shown_names:
            self._shown_names = names
            for button in self.name_buttons:
                self._names_grid.removeWidget(button)
                button.deleteLater()
            self.name_buttons = []
            # Long names get a row each rather than being cut off.
            longest = max((len(name) for name in names), default=0)
            columns = 1 if longest > 22 else 2 if len(names) <= 8 else 3
            for column in range(3):
                self._names_grid.setColumnStretch(column, 1 if column < columns else 0)
            for index, name in enumerate(names):
                button = QPushButton(name)
                button.setObjectName(f"pin-user-{index + 1}")
                button.setProperty("role", "staff-name")
                button.setProperty("long", len(name) > 16)  # smaller, never cut off
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setAccessibleName(name)
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                button.clicked.connect(lambda _=False, n=name: self.choose(n))
                self._names_grid.addWidget(button, index // columns, index % columns)
                self.name_buttons.append(button)
            if self._chosen is not None and self._chosen not in names:
                self._chosen = None  # removed meanwhile
            self._show_hint()
        naming = self._needs_name()
        self.names_panel.setVisible(naming)
        self.keys_panel.setVisible(not naming)
        self.display.setVisible(not naming)
        self.change_user.setVisible(not naming and len(names) > 1)
        if naming:
            self.prompt.setText("Tap your name")
        elif self._chosen is not None:
            self.prompt.setText(f"{self._chosen}, enter your PIN")
        else:
            self.prompt.setText("Enter the staff PIN")

    def choose(self, name: str) -> None:
        """A name tapped: its PIN comes next."""
        if self._checking:
            return
        self._chosen = name
        self._digits = ""
        self.message.clear()
        self._show_members()
        self._show_lock()

    def choose_again(self) -> None:
        self._chosen = None
        self._digits = ""
        self._asked += 1
        self._checking = False
        self.message.clear()
        self._show_members()
        self._show_lock()

    @property
    def chosen(self) -> str | None:
        return self._chosen

    def spoken_title(self) -> str:
        return "Staff only"

    def spoken_instructions(self) -> str:
        return self.prompt.text()  # "Tap your name" or "Enter the staff PIN"

    def _digit_key(self, digit: str) -> QPushButton:
        key = _key(digit, f"pin-{digit}", digit)
        key.setProperty(PRIVATE, True)  # speech mode never says which digit
        key.clicked.connect(lambda _=False, d=digit: self.press(d))
        self.keys[digit] = key
        return key

    # --- input ----------------------------------------------------------------------------
    def press(self, digit: str) -> None:
        if self._accepting() and len(self._digits) < PIN_MAX_DIGITS:
            self._digits += digit
            if not self._gate.locked_for_s(self._chosen):
                self.message.clear()
            self._update()
            self.announced.emit(DIGIT_ENTERED)  # never the digit

    def backspace(self) -> None:
        if self._accepting() and self._digits:
            self._digits = self._digits[:-1]
            self._update()
            self.announced.emit("Deleted")

    def submit(self) -> None:
        if not self._accepting() or len(self._digits) < PIN_MIN_DIGITS:
            return
        pin, self._digits = self._digits, ""
        self._checking = True
        self._asked += 1
        asked = self._asked
        self.message.setText("Checking…")
        self._update()
        self._checker.check(self._gate, pin, lambda attempt: self._answered(asked, attempt),
                            name=self._chosen)

    def cancel(self) -> None:
        self.reset()
        self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key, text = event.key(), event.text()
        if text.isdigit() and len(text) == 1 and text.isascii():
            self.press(text)
        elif key == Qt.Key.Key_Backspace:
            self.backspace()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif key == Qt.Key.Key_Escape and self.cancel_button.isVisible():
            self.cancel()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # --- answers --------------------------------------------------------------------------
    def _answered(self, asked: int, attempt: PinAttempt) -> None:
        if not isValid(self) or asked != self._asked:  # rebuilt, cancelled or reset meanwhile
            return
        self._checking = False
        if attempt.ok:
            self.message.clear()
            self.member = attempt.who
            self._chosen = None  # the next person starts at the names again
            self._show_members()
            self._update()
            self.signed_in.emit(attempt.who)
            self.unlocked.emit()
            return
        if attempt.locked_for_s > 0:
            self._show_lock()
        elif attempt.attempts_left == 1:
            self.message.setText("Wrong PIN. 1 try left before the pad locks.")
        else:
            self.message.setText(f"Wrong PIN. {attempt.attempts_left} tries left.")
        self._update()
        self.announced.emit(self.message.text())

    def _show_lock(self) -> None:
        """Show the lock-out's countdown, or end it; runs every second while locked."""
        left = math.ceil(self._gate.locked_for_s(self._chosen))
        if left > 0:
            self.message.setText(f"Locked — try again in {left} s")
            self._digits = ""
            if not self._tick.isActive():
                self._tick.start()
        else:
            self._tick.stop()
            if self.message.text().startswith("Locked"):
                self.message.clear()
        self._update()

    # --- state ----------------------------------------------------------------------------
    def is_locked(self) -> bool:
        return self._gate.locked_for_s(self._chosen) > 0

    def _accepting(self) -> bool:
        return (self._gate.can_unlock and not self._checking and not self.is_locked()
                and not self._needs_name())

    def _update(self) -> None:
        accepting = self._accepting()
        for key in self.keys.values():
            key.setEnabled(accepting)
        self.clear_key.setEnabled(accepting and bool(self._digits))
        self.ok_key.setEnabled(accepting and len(self._digits) >= PIN_MIN_DIGITS)
        self.display.setText("  ".join(_DOT * len(self._digits)))
        for button in self.name_buttons:
            button.setEnabled(not self._checking)
        if not self._gate.can_unlock:
            self.message.setText("No staff account can sign in here yet. Run "
                                 "“kiosk staff-user add NAME --admin” to add one.")

    def entered(self) -> None:
        """Shown again: forget half-typed digits, and show a lock-out that is still running,
        here or (once the database answers, in the background) on another kiosk."""
        self.reset()
        self.setFocus()
        # Also with no account known yet: the accounts are read from the database too.
        self._checker.refresh(self._gate, self._lock_read)

    def _lock_read(self, _state: PinAttempt) -> None:
        if isValid(self):
            self._show_members()
            self._show_lock()

    def reset(self) -> None:
        self._digits = ""
        self._chosen = None
        self._show_members()
        self._asked += 1
        self._checking = False
        self.message.clear()
        self._show_lock()

    def is_pristine(self) -> bool:
        return not self._digits
