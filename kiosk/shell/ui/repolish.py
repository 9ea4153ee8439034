"""The style sheet's rules again (its fonts too), for a widget whose dynamic property a rule
selects on."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def repolish(widget: QWidget) -> None:
    """Re-match ``widget`` against the style sheet it inherits after a property changed, and
    the sheet's font rules, which the kiosk window sets in code (``kiosk.shell.ui.fonts``).

    By setting the widget's own style sheet again (usually none), not through
    ``style().unpolish()`` and ``polish()``: the first time Python touches a QStyle, PySide6
    builds some 95 enum types (about 28 ms), which landed on the first frame (the top bar)
    and in the form's background build.
    """
    from kiosk.shell.ui.fonts import refit

    widget.setStyleSheet(widget.styleSheet())
    refit(widget)
