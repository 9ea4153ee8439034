"""Content a clinic can edit: validated, and every fact of the clinic's page kept."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from kiosk.education.content import (
    ContentError,
    check_all_languages,
    content_root,
    load_content,
    review_problems,
    reviews_due,
)

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


def plain(section_id: str, language: str = "en") -> str:
    section = load_content(language).section(section_id)
    text = section.body + "".join(card.title + " " + card.body for card in section.cards)
    return " ".join(text.lower().split())


# Every fact of the clinic's page, as each language says it.
FACTS = {
    "en": {
        "what-is": ["thin needle", "monofilament", "skin", "muscle", "myofascial trigger point",
                    "hyperirritable", "skeletal muscle", "superficial", "deep"],
        "how-it-works": ["pressure-pain threshold", "range of motion", "muscle tone",
                         "decrease pain", "musculoskeletal", "local twitch response",
                         "spinal reflex", "spinal cord", "length", "tension", "taut bands",
                         "blood flow", "oxygen", "vasodilation", "small blood vessels",
                         "central nervous system", "peripheral nervous system",
                         '"resets the nervous system"', "sensitivity to pain",
                         "referred pain", "comprehensive evaluation", "nearby areas"],
        "what-to-expect": ["sore", "normal", "24 hours", "48 hours", "workout at the gym",
                           "bruis", "shoulders", "base of the neck", "head and face",
                           "arms and legs", "large bruises are rare", "ice",
                           "call your provider", "symptoms", "treatment plan",
                           "trigger point dry needling"],
        "aftercare": ["water", "24 hours", "highly recommend", "hot bath", "hot tub",
                      "work out", "stretch", "massage", "heating pad", "ice", "tylenol",
                      "ibuprofen", "motrin", "aspirin", "stop",
                      "someone you know", "free 15-minute phone consult",
                      "good fit for you", "good fit for us"],
    },
    "es": {
        "what-is": ["aguja delgada", "monofilamento", "piel", "músculo",
                    "puntos gatillo miofasciales", "hiperirritable",
                    "en los músculos esqueléticos", "superficial", "profundo"],
        "how-it-works": ["umbral de dolor a la presión", "rango de movimiento",
                         "tono muscular", "disminuir el dolor", "musculoesqueléticas",
                         "respuesta de espasmo local", "reflejo espinal", "médula espinal",
                         "por sí solo", "largo", "tensión", "bandas tensas", "flujo de sangre",
                         "oxígeno", "vasodilatación", "vasos sanguíneos pequeños",
                         "sistema nervioso central", "sistema nervioso periférico",
                         '"reinicia el sistema nervioso"', "sensibilidad al dolor",
                         "dolor referido", "evaluación integral", "zonas cercanas"],
        "what-to-expect": ["adolorida", "normal", "24 horas", "48 horas",
                           "entrenamiento fuerte en el gimnasio", "moret", "hombros",
                           "base del cuello", "cabeza y la cara", "brazos y las piernas",
                           "moretones grandes son raros", "hielo", "llame a su proveedor",
                           "síntomas", "plan de tratamiento", "punción seca de puntos gatillo"],
        "aftercare": ["agua", "las 24 horas siguientes al tratamiento", "recomendamos mucho",
                      "baño caliente", "jacuzzi", "hacer ejercicio", "estirarse",
                      "darse un masaje", "almohadilla térmica", "hielo", "tylenol",
                      "ibuprofeno", "motrin", "aspirina", "deténgase", "según cómo se sienta",
                      "alguien que conoce", "consulta telefónica gratuita de 15 minutos",
                      "buena opción para usted", "buena opción para nosotros"],
    },
}

# What the review against the page put right must not come back.
WRONG = {
    "en": ["reflex in your spine"],
    "es": ["columna", "tdn", "por sus siglas", "hace solo", "darse masaje",
           "durante las 24 horas después", "nivel de comodidad", "estirarse, o",
           "en el músculo esquelético"],
}


@pytest.mark.parametrize(("language", "section_id"),
                         [(lang, sid) for lang in FACTS for sid in SECTION_IDS])
def test_sections_keep_the_facts_of_the_clinic_page(language, section_id):
    text = plain(section_id, language)
    missing = [fact for fact in FACTS[language][section_id] if fact not in text]
    assert not missing, f"{language}/{section_id} lost: {missing}"


@pytest.mark.parametrize("language", list(WRONG))
def test_the_reviewed_wordings_stay_fixed(language):
    text = " ".join(plain(sid, language) for sid in SECTION_IDS)
    back = [wrong for wrong in WRONG[language] if wrong in text]
    assert not back, f"{language}: {back}"


def test_card_titles_quote_the_page_not_claim_it():
    """"resets the nervous system" is the page's figure of speech, in quotation marks."""
    titles = {lang: [c.title for c in load_content(lang).section("how-it-works").cards]
              for lang in ("en", "es")}
    assert 'How it "resets the nervous system"' in titles["en"]
    assert 'Cómo "reinicia el sistema nervioso"' in titles["es"]


def test_every_section_says_who_reviewed_it_and_when():
    assert review_problems() == []
    for language in ("en", "es"):
        for section in load_content(language).sections:
            assert section.review is not None
            assert section.review.by and section.review.every_days >= 1


def test_a_review_is_due_after_its_interval(editable):
    manifest = editable / "es" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    first = text.index("reviewed_on = ")
    manifest.write_text(text[:first] + "reviewed_on = 2020-01-01" + text[first + 24:],
                        encoding="utf-8")
    due = reviews_due(date(2026, 12, 1), editable)
    assert [(p.path, p.message.split(" (")[0]) for p in due] == [
        (f"{manifest} (what-is)", "review is due since 2020-12-31")]
    everything = reviews_due(date(2030, 1, 1), editable)
    assert len(everything) == 2 * len(SECTION_IDS)


def test_a_section_without_review_metadata_is_a_problem_but_still_loads(editable):
    manifest = editable / "en" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("review_every_days = 365\n", "", 1), encoding="utf-8")
    problems = review_problems(editable)
    assert [p.path for p in problems] == [f"{manifest} (section 1)"]
    assert "review_every_days" in problems[0].message
    assert load_content("en", editable).sections[0].review is None


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
