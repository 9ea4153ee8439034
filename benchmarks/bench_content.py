"""Reading level: the Flesch–Kincaid grade of every English content file, computed offline."""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row
from benchmarks.bench_startup import ROOT

CONTENT = ROOT / "resources" / "content" / "en"
MAX_GRADE = 8.0
_END = (".", "?", "!", ":", ";")


def plain_text(markdown: str) -> str:
    """Markdown as a reader hears it: markers gone, each heading or list item its own sentence."""
    sentences = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            continue
        block = bool(re.match(r"(#{1,6}\s|[-*+]\s|\d+[.)]\s)", line))
        line = re.sub(r"^(#{1,6}|[-*+]|\d+[.)])\s+", "", line)
        line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links and images: keep text
        line = re.sub(r"(\*\*|__|\*|_|`)", "", line)
        if block and not line.endswith(_END):
            line += "."
        sentences.append(line)
    return " ".join(sentences)


def cmudict_source() -> str | None:
    """Where textstat gets CMUdict without the network, or None when it would download it.

    textstat 0.7.9 and later load CMUdict through NLTK and call nltk.download() when the
    data is missing (it fails offline); 0.7.5-0.7.8 read the `cmudict` package, which ships
    the dictionary; 0.7.4 and older use pyphen alone.
    """
    try:
        from textstat.backend.utils import _get_cmudict as loader
    except ImportError:
        return "pyphen only"
    nltk = getattr(loader, "nltk", None)
    if nltk is None:
        return "cmudict package"
    try:
        nltk.data.find("corpora/cmudict")
    except LookupError:
        return None
    return "NLTK cmudict data"


def _pyphen_grade(text: str) -> float:
    """FK grade from textstat's word and sentence counts and pyphen syllables (textstat's own
    fallback for words CMUdict lacks), for when textstat would need the network.

    Hyphenation points undercount syllables: on this content it reads up to two grades
    lower than textstat 0.7.8 with CMUdict, so the row says which method it used.
    """
    import pyphen
    import textstat

    dic = pyphen.Pyphen(lang="en_US")
    words = re.findall(r"[a-z]+(?:['’][a-z]+)*", text.lower())
    syllables = sum(len(dic.positions(word)) + 1 for word in words)
    n_words = textstat.lexicon_count(text)
    n_sentences = textstat.sentence_count(text)
    return 0.39 * n_words / n_sentences + 11.8 * syllables / len(words) - 15.59


def grades() -> tuple[dict[str, float], str]:
    """Grade per file name, and how the syllables were counted."""
    from importlib.metadata import version

    import textstat

    source = cmudict_source()
    files = sorted(CONTENT.glob("*.md"))
    texts = {p.name: plain_text(p.read_text(encoding="utf-8")) for p in files}
    if source is None:
        method = (f"APPROXIMATE: textstat {version('textstat')} counts + pyphen syllables "
                  "(CMUdict not available offline; pin textstat 0.7.8 for the real figure)")
        return {name: _pyphen_grade(text) for name, text in texts.items()}, method
    method = f"textstat {version('textstat')} flesch_kincaid_grade, syllables from {source}"
    return {name: textstat.flesch_kincaid_grade(text) for name, text in texts.items()}, method


def run(quick: bool, workdir: Path) -> list[Row]:
    by_file, method = grades()
    rows = [limit_row(f"Reading level (FK grade): {name}", grade, MAX_GRADE, "", inclusive=True)
            for name, grade in by_file.items()]
    worst = max(by_file, key=by_file.get)
    rows.append(limit_row("Reading level (FK grade): worst file", by_file[worst], MAX_GRADE, "",
                          inclusive=True, note=f"{worst}; {method}"))
    return rows
