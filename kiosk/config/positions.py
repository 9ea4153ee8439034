"""Where each table and key of a config file is written: tomllib keeps no line numbers.

Qt-free, stdlib only. The kiosk's config is flat (one level of tables), so a line scan that
follows table headers and dotted keys is exact for every file the schema accepts, and finds
the line of the keys it refuses too: ``kiosk.idle_timeout_s = 5`` at the top level, or
``idle.x = 1`` inside ``[kiosk]``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_PART = r"(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)"
_PATH = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"^\s*\[\[?\s*(?P<path>{_PATH})\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(rf"^\s*(?P<path>{_PATH})\s*=")
_PARTS = re.compile(_PART)
_MULTILINE = re.compile(r"\"\"\"|'''")


class Duplicate(NamedTuple):
    """A key or table written twice: TOML refuses the file, and staff need both lines."""

    dotted: str
    line: int
    first_line: int


def _parts(path: str) -> list[str]:
    return [part.strip("\"'") for part in _PARTS.findall(path)]


def locate_keys(text: str) -> tuple[dict[str, int], list[Duplicate]]:
    """``section`` and ``section.key`` (and every dotted prefix) mapped to their 1-based line,
    and the keys or tables set twice."""
    found: dict[str, int] = {}
    assigned: dict[str, int] = {}
    duplicates: list[Duplicate] = []
    section: list[str] = []
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:  # inside a multi-line string: its lines are not keys
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header:
            section = _parts(header.group("path"))
            dotted = ".".join(section)
            if dotted in assigned and not line.lstrip().startswith("[["):
                duplicates.append(Duplicate(f"[{dotted}]", number, assigned[dotted]))
            assigned.setdefault(dotted, number)
            _register(found, section, number)
            continue
        key = _KEY.match(line)
        if key:
            path = [*section, *_parts(key.group("path"))]
            dotted = ".".join(path)
            if dotted in assigned:
                duplicates.append(Duplicate(dotted, number, assigned[dotted]))
            assigned.setdefault(dotted, number)
            _register(found, path, number)
            rest = line[key.end():]
            quotes = _MULTILINE.findall(rest)
            if len(quotes) % 2 == 1:
                in_string = quotes[0]
    return found, duplicates


def _register(found: dict[str, int], path: list[str], number: int) -> None:
    for end in range(1, len(path) + 1):
        found.setdefault(".".join(path[:end]), number)
