"""Where the visitor is and how they got there: the history behind Back, Home and swipes.

Qt-free, so the rules (Back returns along the path taken, Home clears it, swipes move
between neighbouring sections) are tested without a window.
"""

from __future__ import annotations

from collections.abc import Sequence

HOME = "home"
CONSULT = "consult"
CONSULT_DONE = "consult-done"
CONSULT_UNAVAILABLE = "consult-unavailable"  # the queue cannot store requests: call us
PIN = "pin"  # the staff PIN pad
STAFF = "staff"  # the staff queue


def section_screen(section_id: str) -> str:
    return f"section-{section_id}"


class Navigator:
    def __init__(self, section_ids: Sequence[str]) -> None:
        self._sections = [section_screen(s) for s in section_ids]
        self._history: list[str] = []
        self.current = HOME

    @property
    def sections(self) -> list[str]:
        """The section screens, in swipe order."""
        return list(self._sections)

    @property
    def can_go_back(self) -> bool:
        return bool(self._history)

    def go(self, screen: str) -> str:
        if screen != self.current:
            self._history.append(self.current)
            self.current = screen
        return self.current

    def replace(self, screen: str) -> str:
        """Show ``screen`` in place of the current one: Back skips over what it replaced."""
        self.current = screen
        return self.current

    def back(self) -> str:
        if self._history:
            self.current = self._history.pop()
        return self.current

    def home(self) -> str:
        self._history.clear()
        self.current = HOME
        return self.current

    def neighbour(self, step: int) -> str | None:
        """The section ``step`` places away from the current one, if there is one."""
        if self.current not in self._sections:
            return None
        index = self._sections.index(self.current) + step
        if 0 <= index < len(self._sections):
            return self._sections[index]
        return None

    def swipe(self, step: int) -> str:
        """Move to a neighbouring section; a swipe replaces the page rather than stacking it."""
        target = self.neighbour(step)
        if target is not None:
            self.current = target
        return self.current
