"""Make PySide6's Python classes for Qt ahead of need, a few milliseconds per turn.

PySide6 makes the Python class of a Qt class (and every enum in it, about half a
millisecond each) the first time that class is used. Wrapping an object whose exact class
PySide6 does not know (Qt's private ones: a text view's text control, a window's
``QWidgetWindow``) makes it walk every class below the one it was given, making each on the
way. Measured in the kiosk: the first object handed to a Python event filter as a
``QObject`` made 84 classes' enums (50 ms) and the first kinetic scroll area 77 (26 ms),
each inside whatever step met it first. With every class already made, the same walks cost
under a millisecond.

``QtClasses.make_some()`` makes them by name from the modules the widgets use, until its
time is up, and says whether any are left: the window calls it once per event-loop turn
after the first frame, so no single turn pays for many.
"""

from __future__ import annotations

import importlib
import time
from collections import deque

#: The modules whose classes the screens' widgets are: QtCore's, QtGui's and QtWidgets'.
MODULES = ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets")
#: How long one turn may spend making classes (one class can take longer on its own).
TURN_BUDGET_S = 0.006


class QtClasses:
    """The Qt classes still to make, in the order of ``modules``."""

    def __init__(self, modules: tuple[str, ...] = MODULES,
                 budget_s: float = TURN_BUDGET_S, clock=time.perf_counter) -> None:
        self._modules = deque(modules)
        self._names: deque[tuple[object, str]] = deque()
        self._budget_s = budget_s
        self._clock = clock

    def make_some(self) -> bool:
        """Make classes until this turn's time is up; True while some are left."""
        deadline = self._clock() + self._budget_s
        while self._clock() < deadline:
            if not self._names:
                if not self._modules:
                    return False
                module = importlib.import_module(self._modules.popleft())
                self._names.extend((module, name) for name in dir(module)
                                   if name.startswith("Q"))
                continue
            module, name = self._names.popleft()
            getattr(module, name)
        return bool(self._names or self._modules)

    def make_all(self) -> None:
        """Make every class left now: for whoever needs the window finished at once."""
        while self.make_some():
            pass
