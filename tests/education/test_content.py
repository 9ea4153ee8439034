"""Content a clinic can edit: validated, and every fact of the clinic's page kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.education.content import ContentError, check_all_languages, content_root, load_content

SECTION_IDS = ["what-is", "how-it-works", "what-to-expect", "aftercare"]


@pytest.fixture
def editable(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    return root


def test_shipped_content_loads_in_every_language():
    assert check_all_languages() == []
    for language in ("en", "es"):
        content = load_content(language)
        assert [s.id for s in content.sections] == SECTION_IDS
        assert len(content.section("how-it-works").cards) == 4


def plain(section_id: str) -> str:
    section = load_content("en").section(section_id)
    text = section.body + "".join(card.body for card in section.cards)
    return " ".join(text.lower().split())


@pytest.mark.parametrize(("section_id", "facts"), [
    ("what-is", ["monofilament", "skin", "muscle", "trigger point", "skeletal muscle",
                 "superficial", "deep"]),
    ("how-it-works", ["pressure-pain threshold", "range of motion", "muscle tone", "pain",
                      "twitch", "reflex", "spine", "blood flow", "oxygen", "nervous system",
                      "referred pain", "evaluation"]),
    ("what-to-expect", ["24 hours", "48 hours", "workout", "bruis", "shoulders", "neck",
                        "face", "ice", "provider", "normal"]),
    ("aftercare", ["water", "24 hours", "hot bath", "hot tub", "stretch", "massage",
                   "heating pad", "ice", "tylenol", "ibuprofen", "motrin", "aspirin", "stop"]),
])
def test_sections_keep_the_facts_of_the_clinic_page(section_id, facts):
    text = plain(section_id)
    missing = [fact for fact in facts if fact not in text]
    assert not missing, f"{section_id} lost: {missing}"


def test_missing_file_is_named(editable):
    (editable / "en" / "what-is.md").unlink()
    with pytest.raises(ContentError) as error:
        load_content("en", editable)
    assert str(editable / "en" / "what-is.md") in str(error.value)
    assert "missing" in str(error.value)


def test_empty_file_is_named(editable):
    (editable / "en" / "how-it-works-twitch.md").write_text("\n\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_content("en", editable)
    assert "how-it-works-twitch.md: file is empty" in str(error.value)


def test_unknown_icon_names_the_manifest(editable):
    manifest = editable / "en" / "manifest.toml"
    manifest.write_text(manifest.read_text().replace("mdi6.needle", "mdi6.no-such-icon"))
    with pytest.raises(ContentError) as error:
        load_content("en", editable)
    assert str(manifest) in str(error.value)
    assert "mdi6.no-such-icon" in str(error.value)


def test_a_translation_that_drops_a_section_is_reported(editable):
    manifest = editable / "es" / "manifest.toml"
    text = manifest.read_text()
    manifest.write_text(text[: text.rindex("[[section]]")])
    problems = check_all_languages(editable)
    assert any("es" in p.path and "do not match" in p.message for p in problems)
