"""Translates the kiosk's interface strings with gettext catalogs read by the standard library.

Qt-free. English strings in the code are the message ids; ``N_()`` marks a string for
extraction where it is defined far from where it is shown, ``tr.plural(one, many, n)`` picks
the language's plural form. The catalogs are ``resources/locale/<lang>.po``, extracted and
compiled by Babel at build time (``kiosk.shell.catalogs``: ``make``, the PyInstaller spec and
the tests' set-up) into ``<lang>/LC_MESSAGES/kiosk.mo``, which ``gettext`` reads here. A
source checkout whose .mo is missing or older than its .po is compiled in memory instead
(Babel is there), so an edited .po is never silently ignored.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
DOMAIN = "kiosk"

log = logging.getLogger(__name__)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Marks a message for translation without translating it here."""
    return message


class Translator:
    """``tr(message, **values)``: the message in ``language``, its {placeholders} filled.

    ``catalog`` is a gettext catalog, or for a fixed vocabulary a plain mapping.
    """

    __slots__ = ("language", "_catalog")

    def __init__(self, language: str,
                 catalog: gettext.NullTranslations | Mapping[str, str] | None = None) -> None:
        self.language = language
        if catalog is None:
            catalog = gettext.NullTranslations()
        elif not isinstance(catalog, gettext.NullTranslations):
            catalog = _MappingTranslations(catalog)
        self._catalog = catalog

    def __call__(self, message: str, **values: object) -> str:
        text = self._catalog.gettext(message)
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The form of the message for ``n`` (``n`` is also offered as ``{n}``)."""
        return self._catalog.ngettext(singular, plural, n).format(n=n, **values)

    def translates(self, message: str) -> bool:
        """Whether the catalog has a (non-empty) translation for ``message``."""
        return self.language == DEFAULT_LANGUAGE or _has(self._catalog, message)


class _MappingTranslations(gettext.NullTranslations):
    def __init__(self, mapping: Mapping[str, str]) -> None:
        super().__init__()
        self._mapping = mapping

    def gettext(self, message: str) -> str:
        return self._mapping.get(message) or message


def _has(catalog: gettext.NullTranslations, message: str) -> bool:
    messages = getattr(catalog, "_catalog", None)  # GNUTranslations keeps them here
    if messages is None:
        return catalog.gettext(message) != message
    value = messages.get(message)
    if value is None:  # a plural entry is keyed (msgid, index)
        value = messages.get((message, 0))
    return bool(value)


def locale_dir() -> Path:
    from kiosk.ops.resources import resource_path

    return resource_path("locale")


def catalog_path(language: str) -> Path:
    """The .po a translator edits."""
    return locale_dir() / f"{language}.po"


@cache
def translator(language: str) -> Translator:
    if language == DEFAULT_LANGUAGE:
        return Translator(language)
    return Translator(language, load_catalog(language))


def load_catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog; compiled in memory when the .mo is missing or stale. Raises
    FileNotFoundError when the language has no catalog at all."""
    locale = locale_dir()
    po = locale / f"{language}.po"
    mo = locale / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as source:
            return gettext.GNUTranslations(source)
    if not po.exists():
        raise FileNotFoundError(f"{po}: file is missing")
    try:
        from kiosk.shell.catalogs import compile_bytes
    except ImportError:  # a bundle without Babel: the .mo it shipped, however old
        if mo.exists():
            with mo.open("rb") as source:
                return gettext.GNUTranslations(source)
        raise
    import io

    return gettext.GNUTranslations(io.BytesIO(compile_bytes(po)))


def extract_messages(extra: Iterable[str] = ()) -> set[str]:
    """Every interface string in the patients' code, as ``pybabel extract`` finds it with
    babel.cfg (``tr(...)``, ``self._tr(...)``, ``N_(...)``, ``tr.plural(...)``), and ``extra``."""
    from kiosk.shell.catalogs import extract

    return set(extract(extra=extra))


def missing_translations(language: str, messages: Iterable[str]) -> list[str]:
    """Interface messages the language's catalog does not translate (empty msgstr counts)."""
    if language == DEFAULT_LANGUAGE:
        return []
    try:
        catalog = load_catalog(language)
    except FileNotFoundError:
        return [f"{catalog_path(language)}: file is missing"]
    return sorted(m for m in messages if not _has(catalog, m))
