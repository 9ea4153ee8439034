"""Translates the kiosk's interface strings with gettext catalogs (``resources/locale/<lang>.po``).

Qt-free. English strings in the code are the message ids; ``N_()`` marks a string for
extraction where it is defined far from where it is shown. The ``.po`` files are read
directly (a few dozen messages) so no compile step stands between a translator and the kiosk.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import NamedTuple

DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Marks a message for translation without translating it here."""
    return message


class Translator(NamedTuple):
    language: str
    catalog: Mapping[str, str]

    def __call__(self, message: str, **values: object) -> str:
        text = self.catalog.get(message) or message
        return text.format(**values) if values else text


def locale_dir() -> Path:
    from kiosk.ops.resources import resource_path

    return resource_path("locale")


@cache
def translator(language: str) -> Translator:
    if language == DEFAULT_LANGUAGE:
        return Translator(language, {})
    return Translator(language, read_po(locale_dir() / f"{language}.po"))


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr from a gettext .po file (no plurals or contexts: the kiosk uses none)."""
    catalog: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            key = "".join(msgid)
            if key:
                catalog[key] = "".join(msgstr)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [ast.literal_eval(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [ast.literal_eval(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
    flush()
    return catalog


_MARKERS = frozenset({"tr", "N_", "_", "_tr"})


def extract_messages(sources: Iterable[Path]) -> set[str]:
    """Every string literal passed to ``tr(...)``, ``self._tr(...)`` or ``N_(...)``."""
    found: set[str] = set()
    for source in sources:
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            if name in _MARKERS and isinstance(first, ast.Constant) and isinstance(
                first.value, str
            ):
                found.add(first.value)
    return found


def missing_translations(language: str, messages: Iterable[str]) -> list[str]:
    """Interface messages the language's catalog does not translate (empty msgstr counts)."""
    if language == DEFAULT_LANGUAGE:
        return []
    path = locale_dir() / f"{language}.po"
    try:
        catalog = read_po(path)
    except FileNotFoundError:
        return [f"{path}: file is missing"]
    return sorted(m for m in messages if not catalog.get(m))
