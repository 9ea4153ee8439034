"""Editing one value of the config file in place, every other line and comment kept as it was.

Used by `set-pin`, which writes the PIN hash into the file IT already wrote by hand.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any

PRIVATE_FILE = 0o600
_HEADER = re.compile(r"^\s*\[\s*(?P<name>[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')\s*\]\s*(?:#.*)?$")


class TomlEditError(ValueError):
    """The file's layout is too unusual to edit line by line without risking its meaning."""


def set_toml_string(text: str, table: str, key: str, value: str) -> str:
    """``text`` with ``table.key = "value"``, every other line and comment kept as it was.

    Replaces an existing ``key`` line in ``[table]`` (keeping a trailing comment), or adds
    the key right under the ``[table]`` header, or appends the table. The result is read
    back; TomlEditError if anything but that one value would change.
    """
    if not re.fullmatch(r"[A-Za-z0-9+/=$._\-]*", value):
        raise TomlEditError("internal: only plain ASCII values are written")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    assignment = f'{key} = "{value}"'
    header_at, key_at = _find(lines, table, key)
    if key_at is not None:
        old = lines[key_at]
        indent = old[: len(old) - len(old.lstrip())]
        ending = old[len(old.rstrip("\r\n")):] or newline
        lines[key_at] = f"{indent}{assignment}{_trailing_comment(old)}{ending}"
    elif header_at is not None:
        if not lines[header_at].endswith(("\n", "\r")):
            lines[header_at] += newline
        lines.insert(header_at + 1, assignment + newline)
    else:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        if lines and lines[-1].strip():
            lines.append(newline)
        lines += [f"[{table}]{newline}", assignment + newline]
    updated = "".join(lines)
    _check_only_change(text, updated, table, key, value)
    return updated


def _find(lines: list[str], table: str, key: str) -> tuple[int | None, int | None]:
    name = re.escape(key)
    key_line = re.compile(rf"""^\s*(?:{name}|"{name}"|'{name}')\s*=""")
    current: str | None = None
    header_at = key_at = None
    for number, line in enumerate(lines):
        header = _HEADER.match(line)
        if header:
            current = header.group("name").strip("\"'")
            if current == table and header_at is None:
                header_at = number
            continue
        if current == table and key_at is None and key_line.match(line):
            key_at = number
    return header_at, key_at


def _trailing_comment(line: str) -> str:
    """The ``  # ...`` after a one-line string value, or "" when there is none (or in doubt)."""
    match = re.match(
        r"""^[^=]*=\s*(?:"(?:[^"\\]|\\.)*"|'[^']*')(?P<rest>\s*#.*?)?\s*$""", line.rstrip("\r\n")
    )
    return (match.group("rest") or "") if match else ""


def _check_only_change(before: str, after: str, table: str, key: str, value: str) -> None:
    try:
        old: dict[str, Any] = tomllib.loads(before)
        new: dict[str, Any] = tomllib.loads(after)
    except tomllib.TOMLDecodeError as exc:
        raise TomlEditError(
            f"cannot add {table}.{key} to this file's layout ({exc}); "
            f'add the line {key} = "" under [{table}] by hand, then run set-pin again'
        ) from None
    expected = {**old, table: {**_as_table(old.get(table)), key: value}}
    if new != expected:
        raise TomlEditError(
            f"cannot set {table}.{key} in this file's layout without changing other settings; "
            f'put {key} = "" on its own line under [{table}], then run set-pin again'
        )


def _as_table(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` atomically with a file only its owner may read (it holds the hash)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if os.name == "posix":
            os.chmod(tmp, PRIVATE_FILE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE)
