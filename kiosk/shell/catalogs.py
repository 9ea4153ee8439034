"""The translation catalogs at build time: extract the interface strings (Babel), and compile
each ``resources/locale/<lang>.po`` to the ``.mo`` that stdlib gettext reads at run time.

Qt-free. ``make`` (every target that runs the kiosk or its tests), the PyInstaller spec and
the tests' set-up call ``compile_all``; ``make messages`` (``python -m kiosk.ops.translations``)
writes the template ``resources/locale/kiosk.pot`` and merges it into each ``.po``. Babel is needed
here only: the kiosk itself reads ``.mo`` files with the standard library.
"""

from __future__ import annotations

import argparse
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

DOMAIN = "kiosk"
KEYWORDS = {"tr": None, "_tr": None, "N_": None, "plural": (1, 2)}
ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = ROOT / "babel.cfg"


def compiled_path(locale: Path, language: str) -> Path:
    """Where gettext.translation(DOMAIN, locale, [language]) looks for the catalog."""
    return locale / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def compile_bytes(po: Path) -> bytes:
    """``po`` compiled to a .mo image (fuzzy entries left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source, locale=po.stem)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_all(locale: Path | None = None) -> list[Path]:
    """Compile every ``<lang>.po`` under ``locale`` whose .mo is missing or older; returns
    the .mo files written."""
    from kiosk.shell.i18n import locale_dir

    locale = locale or locale_dir()
    written = []
    for po in sorted(locale.glob("*.po")):
        mo = compiled_path(locale, po.stem)
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.partial")
        partial.write_bytes(compile_bytes(po))
        partial.replace(mo)  # whole or not at all: two test runs may compile at once
        written.append(mo)
    return written


def extract(root: Path = ROOT, config: Path = BABEL_CFG, extra: Iterable[str] = ()
            ) -> dict[str, tuple[str, ...]]:
    """Every interface string Babel finds in the code babel.cfg names, and ``extra`` (the
    consult form's error messages: kiosk.ops.translations): msgid -> its plural form too
    (a one-element tuple for an ordinary string)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with config.open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, tuple[str, ...]] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        ids = message if isinstance(message, tuple) else (message,)
        if ids[0]:
            found[ids[0]] = tuple(ids)
    for message in extra:
        found.setdefault(message, (message,))
    return found


def write_template(messages: dict[str, tuple[str, ...]], pot: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(domain=DOMAIN, project="clinic-kiosk", charset="utf-8")
    for ids in messages.values():
        catalog.add(ids if len(ids) > 1 else ids[0])
    with pot.open("wb") as out:
        write_po(out, catalog, width=100, omit_header=False, sort_output=True)


def update(pot: Path, pos: Iterable[Path]) -> None:
    """Merge the template into each .po: new strings appear untranslated, gone ones obsolete."""
    from babel.messages.pofile import read_po, write_po

    with pot.open("rb") as source:
        template = read_po(source)
    for po in pos:
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.stem)
        catalog.update(template)
        with po.open("wb") as out:
            write_po(out, catalog, width=100)  # strings gone from the code stay, as #~


def extract_and_merge(extra: Iterable[str] = ()) -> Path:
    """Write resources/locale/kiosk.pot and merge it into each .po; returns the template."""
    from kiosk.shell.i18n import locale_dir

    locale = locale_dir()
    pot = locale / f"{DOMAIN}.pot"
    write_template(extract(extra=extra), pot)
    update(pot, sorted(locale.glob("*.po")))
    return pot


def main(argv: Sequence[str] | None = None) -> int:
    """Compile the catalogs (``make`` runs this; ``make messages`` runs kiosk.ops.translations)."""
    argparse.ArgumentParser(prog="python -m kiosk.shell.catalogs", description=__doc__
                            ).parse_args(argv)
    for mo in compile_all():
        print(f"{mo}: compiled")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
