"""The config reference in docs/deploy.md is generated from the schema and cannot drift from it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import SCHEMA, load_config
from kiosk.config.reference import (
    END_MARKER,
    REGENERATE,
    START_MARKER,
    MarkersMissing,
    current_reference,
    main,
    render_config_file,
    render_config_reference,
    toml_value,
    with_reference,
)

DEPLOY_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def test_the_deploy_guide_matches_the_schema() -> None:
    documented = current_reference(DEPLOY_GUIDE.read_text(encoding="utf-8"))
    assert documented == render_config_reference(), (
        f"docs/deploy.md's config reference is out of date; run: {REGENERATE}"
    )


def test_every_key_is_documented_in_its_section() -> None:
    reference = render_config_reference()
    for opt in SCHEMA:
        section_start = reference.index(f"#### `[{opt.section}]`")
        next_section = reference.find("#### ", section_start + 1)
        body = reference[section_start : next_section if next_section > 0 else None]
        row = next(line for line in body.splitlines() if line.startswith(f"| `{opt.key}` |"))
        assert opt.help.replace("|", "\\|") in row
        assert f"`{toml_value(opt.default)}`" in row
        if opt.minimum is not None:
            assert f"{opt.minimum} to {opt.maximum}" in row


def test_the_example_file_is_every_default_and_loads_cleanly(tmp_path: Path) -> None:
    reference = render_config_reference()
    example = reference.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "config.toml"
    path.write_text(example, encoding="utf-8")

    config = load_config(path)
    assert config.problems == ()
    for opt in SCHEMA:
        assert config.values[opt.section][opt.key] == opt.default


def test_render_config_file_round_trips_any_values(tmp_path: Path) -> None:
    values = {opt.section: {} for opt in SCHEMA}
    for opt in SCHEMA:
        values[opt.section][opt.key] = opt.default
    values["clinic"]["name"] = 'Dr. "Quote" \\ Clínica — Norte'
    values["kiosk"]["idle_timeout_s"] = 90
    values["kiosk"]["fullscreen"] = False
    values["clinic"]["hours"] = ["mon-fri 08:00-18:00", "sat 09:00-12:00"]

    parsed = tomllib.loads(render_config_file(values))
    assert parsed == values


@given(st.text())
def test_toml_value_writes_any_text_as_valid_toml(text: str) -> None:
    assert tomllib.loads(f"x = {toml_value(text)}")["x"] == text


@pytest.mark.parametrize("value", [True, False, 0, 3600, -5])
def test_toml_value_writes_numbers_and_booleans(value: object) -> None:
    assert tomllib.loads(f"x = {toml_value(value)}")["x"] == value


def test_with_reference_replaces_only_the_text_between_the_markers() -> None:
    document = f"# Guide\n\nbefore\n{START_MARKER}\nstale text\n{END_MARKER}\nafter\n"
    updated = with_reference(document)

    assert updated.startswith(f"# Guide\n\nbefore\n{START_MARKER}\n")
    assert updated.endswith(f"{END_MARKER}\nafter\n")
    assert "stale text" not in updated
    assert current_reference(updated) == render_config_reference()
    assert with_reference(updated) == updated  # regenerating is a no-op


@pytest.mark.parametrize(
    "document",
    [
        "no markers at all",
        f"{END_MARKER}\n{START_MARKER}\n",
        f"{START_MARKER}\nonly a start",
        f"{START_MARKER}\n{START_MARKER}\n{END_MARKER}\n",
    ],
)
def test_broken_markers_are_refused(document: str) -> None:
    with pytest.raises(MarkersMissing):
        with_reference(document)


def test_the_command_checks_and_rewrites(tmp_path: Path, capsys) -> None:
    guide = tmp_path / "deploy.md"
    guide.write_text(f"intro\n{START_MARKER}\nold\n{END_MARKER}\n", encoding="utf-8")

    assert main(["--check", str(guide)]) == 1
    assert REGENERATE in capsys.readouterr().err
    assert main(["--write", str(guide)]) == 0
    assert main(["--check", str(guide)]) == 0
    assert current_reference(guide.read_text(encoding="utf-8")) == render_config_reference()

    assert main(["--check", str(tmp_path / "missing.md")]) == 2
    assert main([]) == 0
    assert capsys.readouterr().out.endswith(render_config_reference())
