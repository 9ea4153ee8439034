"""Editing one value of the config file in place (what `set-pin` writes)."""

from __future__ import annotations

import tomllib

import pytest

from kiosk.config.editing import TomlEditError, set_toml_string

HASH = "scrypt$16384$8$1$c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U="


def test_adds_the_key_under_an_existing_table() -> None:
    text = "[staff]\nlock_after_s = 60\n\n[kiosk]\ndemo = true\n"
    updated = set_toml_string(text, "staff", "pin_hash", HASH)
    assert updated == f'[staff]\npin_hash = "{HASH}"\nlock_after_s = 60\n\n[kiosk]\ndemo = true\n'


def test_appends_the_table_when_missing() -> None:
    updated = set_toml_string("[kiosk]\ndemo = true", "staff", "pin_hash", HASH)
    assert updated == f'[kiosk]\ndemo = true\n\n[staff]\npin_hash = "{HASH}"\n'
    assert set_toml_string("", "staff", "pin_hash", HASH) == f'[staff]\npin_hash = "{HASH}"\n'


def test_keeps_windows_line_endings_and_quoted_headers() -> None:
    text = '[ "staff" ]\r\npin_hash = \'old\'\r\n'
    assert set_toml_string(text, "staff", "pin_hash", HASH) == (
        f'[ "staff" ]\r\npin_hash = "{HASH}"\r\n')


def test_only_touches_the_staff_table() -> None:
    text = '[kiosk]\npin_hash_note = "x"\n[other]\npin_hash = "keep"\n[staff]\n'
    updated = tomllib.loads(set_toml_string(text, "staff", "pin_hash", HASH))
    assert updated["other"]["pin_hash"] == "keep"
    assert updated["staff"]["pin_hash"] == HASH


def test_refuses_layouts_it_cannot_edit_safely() -> None:
    with pytest.raises(TomlEditError):
        set_toml_string('staff = { lock_after_s = 60 }\n', "staff", "pin_hash", HASH)
    with pytest.raises(TomlEditError):  # a line that only looks like a header, in a string
        set_toml_string('[clinic]\nname = """\n[staff]\n"""\n', "staff", "pin_hash", HASH)
