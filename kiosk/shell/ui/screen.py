"""The one screen contract: what every screen of the kiosk window offers the window.

The window calls these methods and nothing else; it never probes a screen's attributes.
A feature hands the window its screens as a ``ScreenPlan`` (see kiosk.app), so the shell
knows no feature by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from kiosk.shell.theme import Palette


class Screen(QWidget):
    """A screen of the kiosk window. The defaults suit a screen that keeps no visitor state."""

    #: Something speech mode should say now (an error, "digit entered"), in the screen's
    #: language; a message id is translated by the window, translated text passes as it is.
    announced = Signal(str)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.setProperty("screen", True)  # the stylesheet paints every screen's background

    def spoken_title(self) -> str:
        """What the screen is called, for speech and screen readers."""
        return self.accessibleName()

    def spoken_instructions(self) -> str:
        """What a visitor does here, said after the title when the screen is shown in
        speech mode and by the help key (F1 or ?)."""
        return ""

    def entered(self) -> None:
        """The window has just shown this screen."""

    def left(self) -> None:
        """The window has just shown another screen in this one's place."""

    def reset(self) -> None:
        """Forget everything the last visitor did here (scroll, open cards, typing)."""

    def is_pristine(self) -> bool:
        """True when the screen looks as it does for a new visitor."""
        return True

    def apply_look(self, palette: Palette, text_size: str) -> None:
        """What the window's stylesheet cannot do: icons in the theme's colours, layouts
        that change with the text size. Called as the screen joins and on every change."""

    def finish_building(self) -> None:
        """Work the screen put off so the first frame came sooner; the window calls it once,
        just after the first frame, on the screens built before it."""


ScreenFactory = Callable[[], Screen]


class ScreenPlan:
    """The screens of one language, in the order the window builds them.

    ``first`` (Home) is built before the first frame; ``later`` ones just after it, or at
    once when something asks for them. ``sections`` is the swipe order of section ids.
    ``imports`` names the modules the later screens need, slowest first: the window imports
    them one per event-loop turn before it builds those, so no import lands inside a build.
    A plain class: a NamedTuple costs half a millisecond to create on the first-frame path.
    """

    __slots__ = ("first", "imports", "later", "sections")

    def __init__(self, first: ScreenFactory, later: Sequence[tuple[str, ScreenFactory]],
                 sections: Sequence[str], imports: Sequence[str] = ()) -> None:
        self.first = first
        self.later = later
        self.sections = sections
        self.imports = imports
