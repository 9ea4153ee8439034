"""One line of text that ends in "…" when it does not fit, instead of being cut off."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel

ELLIPSIS = "…"


def elide(text: str, fits: Callable[[str], bool]) -> str:
    """The longest start of ``text`` that, ended with "…", ``fits(candidate)``; all of
    ``text`` if it fits as it is. ``fits`` measures: kept apart from Qt so it can be tested."""
    if fits(text):
        return text
    low, high = 0, len(text)  # text[:low] + "…" fits (or low == 0); text[:high] + "…" may not
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle].rstrip() + ELLIPSIS):
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


class ElidedLabel(QLabel):
    """A label for a name that may be long: shown whole when it fits, else shortened with
    "…". ``text()`` and screen readers always get all of it; ``shown_text()`` is on screen.

    It measures with its own font metrics, not QFontMetrics.elidedText: that takes one of
    PySide6's ``Qt`` enums, and this label is on the first frame (see kiosk/shell/ui/window.py).
    """

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._full = ""
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setAccessibleName(text)
        self._fit()

    def text(self) -> str:  # readers of the label (and tests) get the name, not its shortening
        return self._full

    def shown_text(self) -> str:
        """What the label shows: the name, or its start and "…"."""
        return QLabel.text(self)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API: text size changes
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def _fit(self) -> None:
        metrics = self.fontMetrics()
        width = self.contentsRect().width()
        shown = elide(self._full, lambda candidate: metrics.horizontalAdvance(candidate) <= width)
        if shown != self.shown_text():
            self.setText(shown)
