"""The Spanish interface says what a Spanish reader expects, and nothing stays in English."""

from __future__ import annotations

from pathlib import Path

from kiosk.ops.check import patient_messages
from kiosk.shell.i18n import missing_translations, translator


def test_times_of_day_read_as_times_of_day_not_tomorrow():
    tr = translator("es")
    assert [tr(m) for m in ("Morning", "Afternoon", "Evening")] == [
        "Por la mañana", "Por la tarde", "Por la noche"]


def test_the_welcome_is_not_masculine():
    assert translator("es")("Welcome to {clinic}", clinic="Riverside") == (
        "Le damos la bienvenida a Riverside")


def test_the_consult_is_a_two_way_check_in_both_languages():
    intro = ("Leave your name and number, and we will call you to talk about your case and "
             "see whether we are a good fit for you, and you for us.")
    assert intro in patient_messages()
    assert "buena opción para usted y usted para nosotros" in translator("es")(intro)


def test_every_patient_string_has_a_spanish_translation():
    assert missing_translations("es", patient_messages()) == []


def test_catalogs_compile_to_mo_files_that_stdlib_gettext_reads(tmp_path):
    import gettext
    import os
    import shutil

    from kiosk.shell.catalogs import compile_all, compiled_path
    from kiosk.shell.i18n import locale_dir

    shutil.copy(locale_dir() / "es.po", tmp_path / "es.po")
    assert compile_all(tmp_path) == [compiled_path(tmp_path, "es")]
    spanish = gettext.translation("kiosk", tmp_path, ["es"])
    assert spanish.gettext("Evening") == "Por la noche"
    assert compile_all(tmp_path) == []  # up to date: nothing to do
    later = (tmp_path / "es.po").stat().st_mtime + 10
    os.utime(tmp_path / "es.po", (later, later))
    assert compile_all(tmp_path) == [compiled_path(tmp_path, "es")]  # the .po changed


PLURAL_PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: es\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "{n} second left"
msgid_plural "{n} seconds left"
msgstr[0] "Queda {n} segundo"
msgstr[1] "Quedan {n} segundos"
'''


def test_plural_forms_follow_the_catalog(tmp_path, monkeypatch):
    from kiosk.shell import i18n

    (tmp_path / "es.po").write_text(PLURAL_PO, encoding="utf-8")
    monkeypatch.setattr(i18n, "locale_dir", lambda: tmp_path)
    tr = i18n.Translator("es", i18n.load_catalog("es"))  # no .mo yet: compiled in memory
    assert tr.plural("{n} second left", "{n} seconds left", 1) == "Queda 1 segundo"
    assert tr.plural("{n} second left", "{n} seconds left", 5) == "Quedan 5 segundos"
    english = i18n.Translator("en")
    assert english.plural("{n} second left", "{n} seconds left", 1) == "1 second left"
    assert i18n.missing_translations("es", ["{n} second left", "Evening"]) == ["Evening"]


def test_a_new_interface_string_without_a_translation_is_caught(tmp_path):
    """Babel's extraction finds every marked string in the code babel.cfg names."""
    from kiosk.shell.catalogs import extract

    code = tmp_path / "kiosk" / "education" / "ui"
    code.mkdir(parents=True)
    (code / "new_screen.py").write_text(
        'def build(tr, N_):\n'
        '    title = tr("A brand new title")\n'
        '    marked = N_("Marked far away")\n'
        '    count = tr.plural("{n} card", "{n} cards", 3)\n'
        '    return self._tr("Typed by the keyboard"), title, marked, count\n', encoding="utf-8")
    found = extract(tmp_path, Path(__file__).resolve().parents[2] / "babel.cfg")
    new = set(found)
    assert new == {"A brand new title", "Marked far away", "{n} card", "Typed by the keyboard"}
    assert found["{n} card"] == ("{n} card", "{n} cards")
    assert missing_translations("es", found) == sorted(new)
