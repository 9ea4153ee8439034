"""Writes the config-file reference in docs/deploy.md from the schema, so the guide cannot drift.

Qt-free. ``python -m kiosk.config.reference --write docs/deploy.md`` replaces the text between
the two markers; ``--check`` exits 1 if it is out of date; with no option it prints it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kiosk.config import SCHEMA, Option

START_MARKER = "<!-- config-reference:start -->"
END_MARKER = "<!-- config-reference:end -->"
REGENERATE = "python -m kiosk.config.reference --write docs/deploy.md"


class MarkersMissing(ValueError):
    """The document has no (or a broken) pair of config-reference markers."""


def toml_value(value: Any) -> str:
    """``value`` written as TOML (the config holds text, whole numbers, true/false, lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, str):
        # A JSON string is a TOML basic string, except that TOML also forbids a raw DEL.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    raise TypeError(f"no TOML form for {type(value).__name__}")


def render_config_file(values: Mapping[str, Mapping[str, Any]], *, comments: bool = False) -> str:
    """A complete config file holding ``values`` for every key in the schema, in schema order."""
    lines: list[str] = []
    for section, options in _by_section(SCHEMA):
        if lines:
            lines.append("")
        lines.append(f"[{section}]")
        for opt in options:
            if comments:
                lines.append(f"# {opt.help}")
            lines.append(f"{opt.key} = {toml_value(values[section][opt.key])}")
    return "\n".join(lines) + "\n"


def _by_section(schema: Iterable[Option]) -> list[tuple[str, list[Option]]]:
    sections: dict[str, list[Option]] = {}
    for opt in schema:
        sections.setdefault(opt.section, []).append(opt)
    return list(sections.items())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _allowed(opt: Option) -> str:
    allowed = opt.describe_type()
    if opt.type is str and opt.pattern:
        allowed += f" matching the pattern `{opt.pattern}`"
    elif opt.type is str and not opt.choices:
        allowed += f", at most {opt.max_length} characters"
    return allowed


def render_config_reference() -> str:
    """The Markdown reference of every config key, as it stands between the markers."""
    out = [
        f"<!-- Generated from kiosk/config/schema.py by `{REGENERATE}`; do not edit by hand. -->",
        "",
    ]
    for section, options in _by_section(SCHEMA):
        out += [
            f"#### `[{section}]`",
            "",
            "| Key | Allowed values | Default | What it does |",
            "| --- | --- | --- | --- |",
        ]
        for opt in options:
            out.append(
                f"| `{opt.key}` | {_cell(_allowed(opt))} | "
                f"`{_cell(toml_value(opt.default))}` | {_cell(opt.help)} |"
            )
        out.append("")
    defaults = {opt.section: {} for opt in SCHEMA}
    for opt in SCHEMA:
        defaults[opt.section][opt.key] = opt.default
    out += [
        "A complete file with every key at its default (a real kiosk also needs an admin "
        "staff account in its queue: `kiosk staff-user add NAME --admin`):",
        "",
        "```toml",
        render_config_file(defaults).rstrip("\n"),
        "```",
    ]
    return "\n".join(out) + "\n"


def _marker_span(document: str) -> tuple[int, int]:
    start = document.find(START_MARKER)
    end = document.find(END_MARKER)
    if (
        start < 0
        or end < 0
        or end < start
        or document.count(START_MARKER) != 1
        or document.count(END_MARKER) != 1
    ):
        raise MarkersMissing(f"needs exactly one {START_MARKER} followed by one {END_MARKER}")
    return start + len(START_MARKER), end


def current_reference(document: str) -> str:
    """The text between the markers (without the newline right after the start marker)."""
    start, end = _marker_span(document)
    return document[start:end].removeprefix("\n")


def with_reference(document: str, reference: str | None = None) -> str:
    """``document`` with the text between the markers replaced by the generated reference."""
    start, end = _marker_span(document)
    body = render_config_reference() if reference is None else reference
    return document[:start] + "\n" + body + document[end:]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.config.reference",
        description="Writes the config reference in docs/deploy.md from the schema.",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--write",
        metavar="FILE",
        type=Path,
        help="replace the reference between the markers in FILE",
    )
    action.add_argument(
        "--check", metavar="FILE", type=Path, help="exit 1 if the reference in FILE is out of date"
    )
    args = parser.parse_args(argv)
    try:
        if args.write:
            document = args.write.read_text(encoding="utf-8")
            updated = with_reference(document)
            if updated != document:
                args.write.write_text(updated, encoding="utf-8")
                print(f"{args.write}: config reference updated")
            else:
                print(f"{args.write}: config reference already up to date")
            return 0
        if args.check:
            if (
                current_reference(args.check.read_text(encoding="utf-8"))
                != render_config_reference()
            ):
                print(
                    f"{args.check}: config reference is out of date; run {REGENERATE}",
                    file=sys.stderr,
                )
                return 1
            print(f"{args.check}: config reference is up to date")
            return 0
    except (OSError, MarkersMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(render_config_reference())
    return 0


if __name__ == "__main__":
    sys.exit(main())
