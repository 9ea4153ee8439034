"""What the kiosk says in speech mode: every phrase composed here, in the screen's language.

Qt-free. The window's speech-mode controller (``shell/ui/speech_mode_ui.py``) reads a
control's kind, name and state off the widget and hands them here; the phrases go through
the same catalogs as the rest of the interface (``shell/i18n.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kiosk.shell.i18n import N_, Translator

#: The key that turns speech mode on and off (documented in README "Keyboard and speech").
SPEECH_KEY = "F2"
#: Volume and rate steps; both reset for each visitor.
VOLUME_STEP = 0.2
DEFAULT_VOLUME = 0.8
RATE_STEP = 0.25
DEFAULT_RATE = 0.0
#: Seconds of the idle countdown that are spoken (the first is always spoken too).
SPOKEN_COUNTDOWN = frozenset({10, 5, 3, 2, 1})

SPEECH_ON = N_("Speech on. Touch anything once to hear it, twice to choose it.")
SPEECH_OFF = N_("Speech off")
DIGIT_ENTERED = N_("Digit entered")
PRIVATE_KEY = N_("Number key")


class Kind(Enum):
    BUTTON = "button"
    TOGGLE = "toggle"  # a checkable button: on or off
    CHOICE = "choice"  # one of a radio group
    CHECK_BOX = "check box"
    FIELD = "field"
    PASSWORD = "password"  # a field whose characters are never spoken
    TEXT = "text"  # readable text, e.g. a section's body


@dataclass(frozen=True)
class Control:
    """What a visitor can know of one control, as the widget shows it."""

    kind: Kind
    name: str
    description: str = ""
    checked: bool = False
    enabled: bool = True
    value: str = ""  # a field's text
    position: tuple[int, int] | None = None  # (n, of) within a group of choices
    private: bool = False  # a PIN key: never say which


def describe(tr: Translator, control: Control) -> str:
    """"Morning, choice 1 of 4, selected": the name, what it is, and its state."""
    if control.private:
        return tr(PRIVATE_KEY)
    parts = [control.name] if control.name else []
    kind = control.kind
    if kind is Kind.BUTTON:
        parts.append(tr("button"))
    elif kind is Kind.TOGGLE:
        parts.append(tr("button, on") if control.checked else tr("button, off"))
    elif kind is Kind.CHOICE:
        if control.position:
            parts.append(tr("choice {n} of {total}", n=control.position[0],
                            total=control.position[1]))
        else:
            parts.append(tr("choice"))
        parts.append(tr("selected") if control.checked else tr("not selected"))
    elif kind is Kind.CHECK_BOX:
        parts.append(tr("check box, checked") if control.checked
                     else tr("check box, not checked"))
    elif kind is Kind.FIELD:
        parts.append(tr("text field"))
        parts.append(tr("contains {text}", text=control.value) if control.value
                     else tr("empty"))
    elif kind is Kind.PASSWORD:
        parts.append(tr("PIN field"))
    if control.description and kind is not Kind.TEXT:
        parts.append(control.description)
    if not control.enabled:
        parts.append(tr("unavailable"))
    return _join(parts)


def read_back(tr: Translator, control: Control) -> str:
    """The whole field on request: its name and everything typed so far."""
    if control.kind is Kind.PASSWORD or control.private:
        return tr("PIN field")
    if not control.value:
        return _join([control.name, tr("empty")])
    return _join([control.name, tr("contains {text}", text=control.value)])


def typed(tr: Translator, before: str, after: str, secret: bool = False) -> str | None:
    """What a change to a field says: the character typed or deleted, never a secret one."""
    if before == after:
        return None
    if secret:
        return tr(DIGIT_ENTERED) if len(after) > len(before) else tr("Deleted")
    if len(after) == len(before) + 1 and after.startswith(before):
        return character(tr, after[-1])
    if len(after) + 1 == len(before) and before.startswith(after):
        return tr("Deleted {character}", character=character(tr, before[-1]))
    if not after:
        return tr("Field cleared")
    return after


def character(tr: Translator, char: str) -> str:
    """A character as it is heard: letters as themselves, the rest by name."""
    names = {" ": N_("space"), "-": N_("hyphen"), "'": N_("apostrophe"), "+": N_("plus")}
    if char in names:
        return tr(names[char])
    return char


def arrival(tr: Translator, title: str, instructions: str) -> str:
    """A screen just shown: its title and what to do there."""
    return _sentences([title, instructions])


def help_text(tr: Translator, title: str, instructions: str, focused: str) -> str:
    """F1 or ?: where the visitor is and what they can do, by touch and by key."""
    # No full stop of its own: a title may end in one ("What is dry needling?").
    where = tr("You are on: {title}", title=title) if title else ""
    parts = [where, instructions]
    if focused:
        parts.append(tr("Selected: {control}.", control=focused))
    parts.append(tr(
        "Tab or the arrow keys move, Enter chooses, Backspace goes back, Home goes to the "
        "start, plus and minus change the volume, F2 turns speech on or off."))
    return _sentences(parts)


def countdown(tr: Translator, seconds: int, first: bool) -> str | None:
    """The idle warning: the question and time left when it starts, then a few of the seconds."""
    if first:
        return tr("Still there? The kiosk will start over in {seconds} seconds. "
                  "Touch the screen or press Enter to keep going.", seconds=seconds)
    if seconds in SPOKEN_COUNTDOWN:
        return tr("{seconds} seconds", seconds=seconds) if seconds != 1 else tr("1 second")
    return None


def volume_phrase(tr: Translator, volume: float) -> str:
    return tr("Volume {percent} percent", percent=round(volume * 100))


def rate_phrase(tr: Translator, rate: float) -> str:
    if abs(rate) < 1e-6:
        return tr("Normal speed")
    return tr("Faster") if rate > 0 else tr("Slower")


def step(value: float, delta: float, low: float, high: float) -> float:
    """One press of louder/softer or faster/slower, kept within bounds (rounded: no drift)."""
    return round(min(high, max(low, value + delta)), 2)


def _sentences(parts: list[str]) -> str:
    """Each part a sentence of its own: the voice stops between a title and its text."""
    done = [p.strip() for p in parts if p.strip()]
    return " ".join(p if p[-1] in ".?!:" else p + "." for p in done)


def _join(parts: list[str]) -> str:
    """Phrases joined so a voice pauses between them: ", " inside, ". " already ended."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not out:
            out = part
        elif out[-1] in ".?!:":
            out += " " + part
        else:
            out += ", " + part
    return out
