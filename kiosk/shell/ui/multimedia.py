"""Loading QtMultimedia (speech, the staff chime) without freezing the kiosk.

QtMultimedia reports its optional back-ends ("Couldn't load pipewire-0.3 library") from a
static constructor, that is while the C library's loader lock is held. A Qt message handler
written in Python then waits for the interpreter's lock; if another Python thread (the
queue's, the speech thread) is importing an extension module at that moment, it holds the
interpreter's lock and waits for the loader's. Neither lets go: the kiosk froze at start-up,
its window painted once and never again (1 start in 4 with an X server taking screenshots).

So the running kiosk installs no Python message handler (``self-test`` does, and pytest-qt
does in the tests), and these warnings are switched off at their category before the library
loads: Qt drops them before any handler is called.
"""

from __future__ import annotations

from PySide6.QtCore import QLoggingCategory

#: Categories QtMultimedia logs to from inside the loader; off, so no handler ever runs there.
LOADER_TIME_CATEGORIES = ("qt.multimedia.symbolsresolver",)
QUIET_RULES = "\n".join(f"{category}.warning=false" for category in LOADER_TIME_CATEGORIES)


def quiet_loader_time_warnings() -> None:
    """Before the first import of QtMultimedia or QtTextToSpeech, on any thread."""
    QLoggingCategory.setFilterRules(QUIET_RULES)
