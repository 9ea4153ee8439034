"""Speech mode for the whole kiosk: every screen, control, keystroke and error spoken.

One controller per window, so every screen gets the same behaviour without knowing it:
- a screen just shown says its title and instructions (``Screen.spoken_instructions``);
- the control that takes the keyboard focus says its name, kind and state;
- a first touch on a control says it, a second touch on the same control activates it
  (as VoiceOver and TalkBack do) -- an application event filter, installed only while
  speech mode is on, so the kiosk pays nothing for it otherwise;
- a field says each character typed (a masked field only "digit entered");
- whatever a screen announces (``Screen.announced``: errors, a PIN digit) is said.

The words themselves are composed, Qt-free, in ``kiosk.shell.speech_mode``. Phrases said in
one event-loop turn are joined and spoken together: a screen's title is not cut off by the
field that takes the focus as it appears.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTextEdit,
    QWidget,
)
from shiboken6 import isValid

from kiosk.shell import speech_mode as phrases
from kiosk.shell.i18n import Translator
from kiosk.shell.speech_mode import Control, Kind
from kiosk.shell.ui.speech import Speaker

_PRESSES = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick})
_RELEASE = QEvent.Type.MouseButtonRelease

#: A widget property: a key whose label must never be spoken (the PIN pad's digits).
PRIVATE = "speech_private"
#: A widget property: a toggle that starts a reading of its own (Read aloud); its new state
#: is not said over that reading.
READS_ALOUD = "reads_aloud"


def control_of(widget: QWidget | None, stop: QWidget) -> QWidget | None:
    """The control a press on ``widget`` is for: the button or field it is, or is inside;
    None for anything outside ``stop`` (another window)."""
    control = None
    while widget is not None and widget is not stop:
        if control is None and isinstance(widget, (QAbstractButton, QLineEdit)):
            control = widget
        widget = widget.parentWidget()
    return control if widget is stop else None


def describe_widget(widget: QWidget) -> Control:
    """A widget's kind, name and state, as a visitor would want them said."""
    name = widget.accessibleName()
    description = widget.accessibleDescription()
    enabled = widget.isEnabled()
    private = bool(widget.property(PRIVATE))
    if isinstance(widget, QLineEdit):
        secret = widget.echoMode() != QLineEdit.EchoMode.Normal
        return Control(Kind.PASSWORD if secret else Kind.FIELD, name, "", enabled=enabled,
                       value="" if secret else widget.text())
    if isinstance(widget, QAbstractButton):
        name = name or widget.text().replace("&", "")
        if isinstance(widget, QRadioButton):
            group = widget.group()
            buttons = group.buttons() if group is not None else []
            position = ((buttons.index(widget) + 1, len(buttons)) if widget in buttons
                        else None)
            return Control(Kind.CHOICE, name, description, widget.isChecked(), enabled,
                           position=position)
        if isinstance(widget, QCheckBox):
            return Control(Kind.CHECK_BOX, name, description, widget.isChecked(), enabled)
        kind = Kind.TOGGLE if widget.isCheckable() else Kind.BUTTON
        return Control(kind, name, description, widget.isChecked(), enabled, private=private)
    if isinstance(widget, QTextEdit):
        return Control(Kind.TEXT, widget.toPlainText())
    if isinstance(widget, QLabel):
        return Control(Kind.TEXT, name or widget.text())
    return Control(Kind.TEXT, name)


class SpeechMode(QObject):
    """Says what is on the glass while on; says nothing and costs nothing while off.

    ``language`` gives the screen's language at the moment of speaking; ``poke`` is the idle
    guard's: a first touch swallowed here still means somebody is at the kiosk.
    """

    changed = Signal(bool)

    def __init__(self, window: QWidget, speaker: Callable[[], Speaker],
                 translate: Callable[[], Translator], poke: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._speaker = speaker
        self._translate = translate
        self._poke = poke
        self.on = False
        self._pending: list[str] = []
        self._armed: QWidget | None = None  # the control a first touch just spoke
        self._swallowing: QWidget | None = None  # its release is not delivered either
        self._field: QLineEdit | None = None
        self._field_text = ""
        self._toggle: QAbstractButton | None = None  # says its new state when it changes
        self._filtering = False
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self._focus_changed(None, QApplication.focusWidget())  # the field already focused

    # --- on and off -------------------------------------------------------------------------
    def available(self) -> bool:
        return self._speaker().available()

    def toggle(self) -> None:
        self.set_on(not self.on)

    def set_on(self, on: bool) -> None:
        if on and not self.available():
            return
        if on == self.on:
            return
        self.on = on
        app = QApplication.instance()
        if on:
            app.installEventFilter(self)
            self._filtering = True
        elif self._filtering:
            app.removeEventFilter(self)
            self._filtering = False
        self._armed = self._swallowing = None
        tr = self._translate()
        self.changed.emit(on)
        if not on:  # "speech on" is said with the screen (screen_shown)
            self._pending.clear()
            self._speaker().speak(tr(phrases.SPEECH_OFF), tr.language)

    def pause_filter(self) -> bool:
        """Take the touch filter off for a while (a restyle: thousands of events, no input);
        True if it was on, for ``resume_filter``."""
        if self._filtering:
            QApplication.instance().removeEventFilter(self)
            self._filtering = False
            return True
        return False

    def resume_filter(self) -> None:
        if self.on and not self._filtering:
            QApplication.instance().installEventFilter(self)
            self._filtering = True

    def reset(self) -> None:
        """A new visitor: speech mode off, volume and speed back to normal, silence."""
        if self.on:
            self.on = False
            if self._filtering:
                QApplication.instance().removeEventFilter(self)
                self._filtering = False
            self.changed.emit(False)
        self._pending.clear()
        self._armed = self._swallowing = None
        speaker = self._speaker()
        speaker.set_volume(phrases.DEFAULT_VOLUME)
        speaker.set_rate(phrases.DEFAULT_RATE)
        speaker.stop()

    # --- what is said -----------------------------------------------------------------------
    def say(self, text: str | None) -> None:
        """Speak ``text`` (with whatever else this event-loop turn says) if speech mode is on."""
        if not self.on or not text:
            return
        if not self._pending:
            QTimer.singleShot(0, self, self._flush)
        self._pending.append(text)

    def say_anyway(self, text: str) -> None:
        """For the help key: spoken whether speech mode is on or not."""
        self._pending.clear()
        tr = self._translate()
        self._speaker().speak(text, tr.language)

    def _flush(self) -> None:
        if not self._pending:
            return
        *first, last = self._pending
        text = " ".join([*(p if p[-1] in ".?!:," else p + "." for p in first), last])
        self._pending.clear()
        self._speaker().speak(text, self._translate().language)

    def announce(self, text: str) -> None:
        """A screen's announcement (an error, "digit entered"), in the screen's language."""
        self.say(self._translate()(text))

    def screen_shown(self, title: str, instructions: str, just_on: bool = False) -> None:
        """A screen arrived: what was said about the last one (a control hidden with it)
        gives way to its title and instructions."""
        self._armed = None
        self._pending.clear()
        tr = self._translate()
        if just_on:
            self.say(tr(phrases.SPEECH_ON))
        self.say(phrases.arrival(tr, title, instructions))

    def describe(self, widget: QWidget) -> str:
        return phrases.describe(self._translate(), describe_widget(widget))

    def read_back(self) -> None:
        """The focused field, everything in it (F3)."""
        focused = QApplication.focusWidget()
        if isinstance(focused, QLineEdit):
            self.say(phrases.read_back(self._translate(), describe_widget(focused)))

    def louder(self, step: float) -> None:
        speaker = self._speaker()
        speaker.set_volume(phrases.step(speaker.volume(), step, 0.0, 1.0))
        self.say(phrases.volume_phrase(self._translate(), speaker.volume()))

    def faster(self, step: float) -> None:
        speaker = self._speaker()
        speaker.set_rate(phrases.step(speaker.rate(), step, -1.0, 1.0))
        self.say(phrases.rate_phrase(self._translate(), speaker.rate()))

    # --- focus and typing -------------------------------------------------------------------
    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._field is not None and isValid(self._field):
            self._field.textChanged.disconnect(self._text_changed)
        self._field = None
        if isinstance(new, QLineEdit) and self._window.isAncestorOf(new):
            self._field, self._field_text = new, new.text()
            new.textChanged.connect(self._text_changed)
        if isinstance(new, QAbstractButton) and self._window.isAncestorOf(new):
            self._watch_toggle(new)
        if (not self.on or new is None or new is self._window or new is self._armed
                or not new.isVisible() or not self._window.isAncestorOf(new)):
            return
        self.say(self.describe(new))

    def _watch_toggle(self, button: QAbstractButton | None) -> None:
        """The focused or last touched choice, check box or toggle says its new state."""
        if self._toggle is not None and isValid(self._toggle):
            self._toggle.toggled.disconnect(self._toggled)
        self._toggle = button if button is not None and button.isCheckable() else None
        if self._toggle is not None:
            self._toggle.toggled.connect(self._toggled)

    def _toggled(self, _checked: bool) -> None:
        button = self._toggle
        if button is None or not button.isVisible() or button.property(READS_ALOUD):
            return
        if isinstance(button, QRadioButton) and not button.isChecked():
            return  # another choice of the group was taken: that one is said
        self.say(self.describe(button))

    def _text_changed(self, text: str) -> None:
        field = self._field
        before, self._field_text = self._field_text, text
        if field is None or not field.isVisible():
            return
        secret = field.echoMode() != QLineEdit.EchoMode.Normal
        self.say(phrases.typed(self._translate(), before, text, secret))

    # --- first touch speaks, second touch activates ----------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == _RELEASE:
            if self._swallowing is not None and watched is self._swallowing:
                self._swallowing = None
                return True
            return False
        if kind not in _PRESSES or not watched.isWidgetType():
            return False
        control = control_of(watched, self._window)
        if control is None or control is self._armed:
            return False
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        self._armed, self._swallowing = control, watched  # the release goes where the press did
        if isinstance(control, QAbstractButton):
            self._watch_toggle(control)
        self._poke()
        self.say(self.describe(control))
        return True
