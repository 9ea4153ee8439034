"""The education content: a manifest plus Markdown files per language, loaded and validated.

Qt-free. A clinic edits words in ``resources/content/<lang>/`` without touching code; any
file that is missing, empty, or names an unknown icon is reported with the file's path.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from kiosk.shell.icon_names import icon_exists

LANGUAGES = ("en", "es")
MANIFEST = "manifest.toml"
_SECTION_KEYS = ("id", "title", "summary", "icon", "file")
_CARD_KEYS = ("title", "icon", "file")
#: Who last checked a section against the clinic's page, when, and how often it is due.
_REVIEW_KEYS = ("reviewed_by", "reviewed_on", "review_every_days")


class Review(NamedTuple):
    """A section's last review: clinicians sign off patient content, and sign it off again."""

    by: str
    on: date
    every_days: int

    @property
    def due_on(self) -> date:
        return self.on + timedelta(days=self.every_days)


class Card(NamedTuple):
    """One tappable card inside a section (the four mechanisms of how-it-works)."""

    title: str
    icon: str
    body: str


class Section(NamedTuple):
    id: str
    title: str
    summary: str
    icon: str
    body: str
    cards: tuple[Card, ...] = ()
    review: Review | None = None  # None: the manifest does not say (check reports it)


class Content(NamedTuple):
    language: str
    sections: tuple[Section, ...]

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


class ContentProblem(NamedTuple):
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ContentError(Exception):
    """Content that cannot be shown; carries every problem found, each naming its file."""

    def __init__(self, problems: Sequence[ContentProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def content_root() -> Path:
    from kiosk.ops.resources import resource_path

    return resource_path("content")


def load_content(
    language: str,
    root: Path | None = None,
    *,
    known_icon: Callable[[str], bool] = icon_exists,
) -> Content:
    """Load one language's sections, or raise ContentError listing every problem."""
    folder = (root or content_root()) / language
    manifest_path = folder / MANIFEST
    problems: list[ContentProblem] = []
    try:
        manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError([ContentProblem(str(manifest_path), "file is missing")]) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ContentError([ContentProblem(str(manifest_path), f"cannot read: {exc}")]) from None

    entries = manifest.get("section")
    if not isinstance(entries, list) or not entries:
        raise ContentError([ContentProblem(str(manifest_path), "lists no [[section]] entries")])

    sections: list[Section] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"{manifest_path} (section {index})"
        fields = _fields(entry, _SECTION_KEYS, where, problems)
        if fields is None:
            continue
        if fields["id"] in seen:
            problems.append(ContentProblem(where, f'id "{fields["id"]}" is used twice'))
        seen.add(fields["id"])
        _check_icon(fields["icon"], where, known_icon, problems)
        body = _read_markdown(folder / fields["file"], problems)
        cards = []
        for card_index, card in enumerate(entry.get("card", []), start=1):
            card_where = f"{where} card {card_index}"
            card_fields = _fields(card, _CARD_KEYS, card_where, problems)
            if card_fields is None:
                continue
            _check_icon(card_fields["icon"], card_where, known_icon, problems)
            card_body = _read_markdown(folder / card_fields["file"], problems)
            cards.append(Card(card_fields["title"], card_fields["icon"], card_body))
        sections.append(
            Section(
                fields["id"], fields["title"], fields["summary"], fields["icon"], body,
                tuple(cards), _review(entry),
            )
        )
    if problems:
        raise ContentError(problems)
    return Content(language, tuple(sections))


def check_all_languages(root: Path | None = None) -> list[ContentProblem]:
    """Every language must load and match the first one section for section, card for card."""
    problems: list[ContentProblem] = []
    loaded: list[Content] = []
    for language in LANGUAGES:
        try:
            loaded.append(load_content(language, root))
        except ContentError as exc:
            problems.extend(exc.problems)
    if len(loaded) == len(LANGUAGES):
        reference = loaded[0]
        want = [(s.id, len(s.cards)) for s in reference.sections]
        for other in loaded[1:]:
            got = [(s.id, len(s.cards)) for s in other.sections]
            if got != want:
                manifest = (root or content_root()) / other.language / MANIFEST
                problems.append(
                    ContentProblem(
                        str(manifest),
                        f"sections and cards {got} do not match the {reference.language} "
                        f"manifest {want}: a translation is missing or extra",
                    )
                )
    return problems


def review_problems(root: Path | None = None) -> list[ContentProblem]:
    """Sections whose manifest entry does not say who reviewed them, when, and how often:
    the kiosk still shows them, but `check` fails until the manifest says."""
    problems: list[ContentProblem] = []
    for language in LANGUAGES:
        manifest_path = (root or content_root()) / language / MANIFEST
        try:
            entries = tomllib.loads(manifest_path.read_text(encoding="utf-8")).get("section")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # check_all_languages reports an unreadable manifest
        for index, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
            if isinstance(entry, dict) and _review(entry) is None:
                problems.append(ContentProblem(
                    f"{manifest_path} (section {index})",
                    'needs "reviewed_by" (text), "reviewed_on" (a date, e.g. 2026-12-01) and '
                    '"review_every_days" (a whole number of days, 1 or more)'))
    return problems


def reviews_due(today: date, root: Path | None = None) -> list[ContentProblem]:
    """Warnings, not errors: each section whose review is due on ``today`` or before."""
    due: list[ContentProblem] = []
    for language in LANGUAGES:
        try:
            content = load_content(language, root)
        except ContentError:
            continue  # check_all_languages reports it
        manifest = (root or content_root()) / language / MANIFEST
        for section in content.sections:
            review = section.review
            if review is not None and review.due_on <= today:
                due.append(ContentProblem(
                    f"{manifest} ({section.id})",
                    f"review is due since {review.due_on.isoformat()} (last reviewed by "
                    f"{review.by} on {review.on.isoformat()}, every {review.every_days} days)"))
    return due


def _review(entry: dict) -> Review | None:
    by, on, every = (entry.get(key) for key in _REVIEW_KEYS)
    if (isinstance(by, str) and by.strip() and isinstance(on, date)
            and isinstance(every, int) and not isinstance(every, bool) and every >= 1):
        return Review(by.strip(), on if type(on) is date else on.date(), every)
    return None


def _fields(
    entry: object, keys: Sequence[str], where: str, problems: list[ContentProblem]
) -> dict[str, str] | None:
    if not isinstance(entry, dict):
        problems.append(ContentProblem(where, "is not a table"))
        return None
    fields: dict[str, str] = {}
    for key in keys:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(ContentProblem(where, f'needs a non-empty text "{key}"'))
        else:
            fields[key] = value.strip()
    return fields if len(fields) == len(keys) else None


def _check_icon(
    name: str, where: str, known_icon: Callable[[str], bool], problems: list[ContentProblem]
) -> None:
    if not known_icon(name):
        problems.append(ContentProblem(where, f'names an unknown icon "{name}"'))


def _read_markdown(path: Path, problems: list[ContentProblem]) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(ContentProblem(str(path), "file is missing"))
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(ContentProblem(str(path), f"cannot read: {exc}"))
        return ""
    if not text.strip():
        problems.append(ContentProblem(str(path), "file is empty"))
    return text
