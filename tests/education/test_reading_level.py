"""Each English section reads at about an 8th-grade level or below (Flesch-Kincaid)."""

from __future__ import annotations

import pytest
import textstat

from benchmarks.bench_content import plain_text
from kiosk.education.content import content_root

ENGLISH = sorted((content_root() / "en").glob("*.md"))


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.name)
def test_section_reads_at_grade_8_or_below(path):
    grade = textstat.flesch_kincaid_grade(plain_text(path.read_text(encoding="utf-8")))
    assert grade <= 8.5, f"{path.name} reads at grade {grade:.1f}"
