"""Knows which icon names qtawesome's bundled fonts hold, without loading Qt or any font.

qtawesome loads every bundled font (about 40 MB and 0.17 s) on first use; the kiosk loads only
the fonts its content names, and validates names from the small JSON charmaps alone.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import NamedTuple

# Prefix used in names like "mdi6.needle" -> file stem of the bundled font and charmap.
_FONT_STEMS = {
    "fa5": "fontawesome5-regular-webfont",
    "fa5s": "fontawesome5-solid-webfont",
    "fa5b": "fontawesome5-brands-webfont",
    "fa6": "fontawesome6-regular-webfont",
    "fa6s": "fontawesome6-solid-webfont",
    "fa6b": "fontawesome6-brands-webfont",
    "ei": "elusiveicons-webfont",
    "mdi": "materialdesignicons5-webfont",
    "mdi6": "materialdesignicons6-webfont",
    "ph": "phosphor",
    "ri": "remixicon",
    "msc": "codicon",
}


class FontFiles(NamedTuple):
    prefix: str
    ttf: Path
    charmap: Path


def fonts_dir() -> Path:
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / "qtawesome" / "fonts").is_dir():
        return Path(bundle) / "qtawesome" / "fonts"
    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("qtawesome is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


@cache
def font_files(prefix: str) -> FontFiles | None:
    stem = _FONT_STEMS.get(prefix)
    if stem is None:
        return None
    folder = fonts_dir()
    charmaps = sorted(folder.glob(f"{stem}-charmap-*.json"))
    ttfs = sorted(p for p in folder.glob(f"{stem}-*.ttf"))
    if not charmaps or not ttfs:
        return None
    return FontFiles(prefix, ttfs[-1], charmaps[-1])


@cache
def charmap(prefix: str) -> dict[str, str]:
    files = font_files(prefix)
    if files is None:
        return {}
    with files.charmap.open(encoding="utf-8") as fh:
        return json.load(fh)


def split_name(name: str) -> tuple[str, str]:
    prefix, _, glyph = name.partition(".")
    return prefix, glyph


def icon_exists(name: str) -> bool:
    prefix, glyph = split_name(name)
    return bool(glyph) and glyph in charmap(prefix)
