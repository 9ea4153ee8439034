"""One anonymous count as a plain value, and the rule for its names; imports nothing heavy.

The kiosk counts on its GUI thread from the first tap, long before SQLAlchemy is imported
(after the first frame), so the value and its check live apart from ``usage``'s queries.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: A counter's name and key: short lower-case words from the code (a section id, a
#: language, a form step), never text a visitor typed.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
KEY_PATTERN = re.compile(r"^([a-z][a-z0-9_./-]{0,63})?$")


class UsageCount(NamedTuple):
    day: str  # YYYY-MM-DD in the clinic's local time
    kiosk_id: str
    counter: str
    key: str
    n: int


def check_name(counter: str, key: str) -> None:
    """Raise ValueError for a counter or key that is not a short code word."""
    if not NAME_PATTERN.match(counter):
        raise ValueError(f"counter names are short lower-case words, not {counter!r}")
    if not KEY_PATTERN.match(key):
        raise ValueError(f"counter keys are short lower-case words, not {key!r}")
