"""Loading the config file: validated against the schema, with problems naming file, line, key.

A bad file never raises: problems are collected so the kiosk can show them to staff.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, TextIO

from kiosk.config.positions import locate_keys
from kiosk.config.schema import APP_NAME, BY_SECTION, CONFIG_ENV, SCHEMA, Option


class ConfigProblem(NamedTuple):
    """A problem found in a config file, precise enough for IT to fix it without guessing."""

    path: str
    line: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class SectionValues:
    """Read-only attribute access to one section's values (``config.kiosk.idle_timeout_s``)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = MappingProxyType(dict(values))

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)


class Config:
    """Validated settings; any key missing or bad in the file holds its declared default.

    The start-up path's value types are plain classes and NamedTuples, not dataclasses:
    Python 3.11 compiles each dataclass's methods at import, about 1 ms apiece.
    """

    __slots__ = ("values", "path", "problems", "_sections")

    def __init__(
        self,
        values: Mapping[str, Mapping[str, Any]],
        path: Path | None = None,
        problems: tuple[ConfigProblem, ...] = (),
    ) -> None:
        self.values = values
        self.path = path
        self.problems = tuple(problems)
        self._sections = {name: SectionValues(section) for name, section in values.items()}

    def __repr__(self) -> str:
        return f"Config(path={self.path!r}, problems={self.problems!r})"

    def __getattr__(self, section: str) -> SectionValues:
        if section.startswith("_"):  # copy and pickle probe before _sections exists
            raise AttributeError(section)
        try:
            return self._sections[section]
        except KeyError:
            raise AttributeError(section) from None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def kiosk_id(self) -> str:
        configured = self.values["kiosk"]["kiosk_id"]
        if configured:
            return configured
        if hasattr(os, "uname"):  # what socket.gethostname() returns, without its import
            return os.uname().nodename
        import socket

        return socket.gethostname()


def defaults() -> Config:
    return Config(_default_values())


def _default_values() -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {}
    for opt in SCHEMA:
        values.setdefault(opt.section, {})[opt.key] = opt.default
    return values


def default_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def default_data_dir() -> Path:
    """The platform's data folder for the kiosk: the default queue, the outbox, exports."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_config_path(cli_path: str | os.PathLike[str] | None) -> Path:
    """--config wins, then $KIOSK_CONFIG, then the platform's config folder."""
    if cli_path:
        return Path(cli_path)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return default_config_path()


def complain(problems: Iterable[object], stderr: TextIO) -> None:
    """What a command prints when the config file cannot be used: each problem, then how
    many there are and where to look."""
    problems = list(problems)
    for problem in problems:
        print(problem, file=stderr)
    print(f"{len(problems)} problem(s) in the config file; run `kiosk check` for details.",
          file=stderr)


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate ``path``. Never raises for a bad file: see ``Config.problems``."""
    path = Path(path)
    values = _default_values()
    shown = str(path)
    try:
        # utf-8-sig: Notepad starts a UTF-8 file with a byte-order mark, which TOML forbids.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Config(values, path, (ConfigProblem(shown, None, None, "config file not found"),))
    except (OSError, UnicodeDecodeError) as exc:
        return Config(values, path, (ConfigProblem(shown, None, None, f"cannot read: {exc}"),))
    lines, duplicates = locate_keys(text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if duplicates:  # tomllib would name neither the key nor the first line
            twice = [
                ConfigProblem(shown, dup.line, dup.dotted, f"is set twice (first on line {first})")
                for dup in duplicates
                for first in (dup.first_line,)
            ]
            return Config(values, path, tuple(twice))
        line = _toml_error_line(exc, text)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        return Config(
            values, path, (ConfigProblem(shown, line, None, f"not valid TOML: {message}"),)
        )
    problems = list(_validate(raw, values, shown, lines))
    return Config(values, path, tuple(problems))


def _validate(
    raw: Mapping[str, Any],
    values: dict[str, dict[str, Any]],
    shown: str,
    lines: Mapping[str, int],
) -> Iterable[ConfigProblem]:
    for section, body in raw.items():
        known = BY_SECTION.get(section)
        if known is None:
            yield ConfigProblem(
                shown,
                lines.get(section),
                f"[{section}]",
                "unknown section" + _did_you_mean(section, BY_SECTION),
            )
            continue
        if not isinstance(body, dict):
            yield ConfigProblem(
                shown,
                lines.get(section),
                section,
                f"must be a table ([{section}]), not a single value",
            )
            continue
        for key, value in body.items():
            dotted = f"{section}.{key}"
            opt = known.get(key)
            if opt is None:
                yield ConfigProblem(
                    shown,
                    lines.get(dotted),
                    dotted,
                    "unknown key" + _did_you_mean(key, known, section),
                )
                continue
            error = check_value(opt, value)
            if error is None and opt.dotted in _DEEPER_CHECKS:
                error = _DEEPER_CHECKS[opt.dotted](value)
            if error is None and opt.dotted == "database.url" and value:
                # Imported only when needed: most kiosks leave url empty.
                from kiosk.config.database_url import database_url_problem

                error = database_url_problem(value, default_data_dir)
            if error:
                yield ConfigProblem(shown, lines.get(dotted), dotted, error)
            else:
                values[section][key] = tuple(value) if isinstance(value, list) else value


def _time_zone_problem(value: str) -> str | None:
    from kiosk.config.hours import HoursError, load_time_zone

    if not value.strip():
        return None
    try:
        load_time_zone(value)
    except HoursError as exc:
        return str(exc)
    return None


def _hours_problem(value: list[str]) -> str | None:
    from datetime import UTC

    from kiosk.config.hours import HoursError, OpeningHours

    try:
        OpeningHours.parse(value, UTC)  # the entries' form: no zone needs looking up
    except HoursError as exc:
        return str(exc)
    return None


#: Keys whose values need more than their type checked (imported only when they are set).
_DEEPER_CHECKS = {"clinic.time_zone": _time_zone_problem, "clinic.hours": _hours_problem}


def check_value(opt: Option, value: Any) -> str | None:
    """Why ``value`` does not fit ``opt``, or None if it does."""
    # bool is an int in Python; keep true/false and numbers apart.
    if opt.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        return f"must be a {opt.describe_type()}, not {_toml_type(value)}"
    if opt.type is list and isinstance(value, tuple):  # a default, or a value already loaded
        value = list(value)
    if opt.type is not int and not isinstance(value, opt.type):
        return f"must be {opt.describe_type()}, not {_toml_type(value)}"
    if opt.type is list:
        for item in value:
            if not isinstance(item, str):
                return f"must be a {opt.describe_type()}; {_toml_type(item)} is not text"
            if len(item) > opt.max_length:
                return f'has an entry of {len(item)} characters; at most {opt.max_length}'
        return None
    if opt.minimum is not None and value < opt.minimum:
        return f"is {value}, below the minimum of {opt.minimum}"
    if opt.maximum is not None and value > opt.maximum:
        return f"is {value}, above the maximum of {opt.maximum}"
    if opt.type is str:
        if len(value) > opt.max_length:
            return f"is {len(value)} characters long; at most {opt.max_length} are allowed"
        if opt.choices and value not in opt.choices:
            return f'is "{value}"; must be {opt.describe_type()}'
        if opt.pattern and not re.fullmatch(opt.pattern, value):
            return f'is "{value}", which is not the expected form ({opt.help})'
        if opt.https_url and value:
            return https_url_problem(value)
    return None


def https_url_problem(value: str) -> str | None:
    """Why ``value`` is not an address a patient's phone can safely open from a QR code."""
    from urllib.parse import urlsplit

    if any(ch.isspace() for ch in value):
        return f'is "{value}", which contains a space; an address has none'
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return f'is "{value}", which is not a web address'
    if parts.scheme.lower() != "https":
        return (f'is "{value}"; it must start with https:// (a QR code on the kiosk may only '
                "open a secure page)")
    if not parts.hostname or "." not in parts.hostname:
        return f'is "{value}", which names no web site (e.g. https://example.org/aftercare)'
    if parts.username or parts.password:
        return f'is "{value}"; an address for patients must not carry a user name or password'
    return None


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _did_you_mean(word: str, candidates: Iterable[str], section: str | None = None) -> str:
    import difflib  # only a config with a typo pays for it

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    if not close:
        return ""
    return f' (did you mean "{close[0]}"?)'


def _toml_error_line(exc: tomllib.TOMLDecodeError, text: str) -> int:
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"at line (\d+)", str(exc))
    # "at end of document": an unclosed string or list; the last line is where it ends.
    return int(match.group(1)) if match else max(1, len(text.splitlines()))


def production_problems(config: Config, admins: int | None = None) -> list[ConfigProblem]:
    """Problems that only matter for a real kiosk (not the demo).

    ``admins`` is how many admin accounts the configured queue holds, when it was read
    (None: not read, so nothing is said about it). A queue without one is fine only while
    the config still has the old shared `[staff] pin_hash`: that becomes the admin account
    `Staff` the first time the kiosk, the console or a command opens the queue."""
    shown = str(config.path) if config.path else "<defaults>"
    problems = []
    if not config.kiosk.demo and admins == 0 and not config.staff.pin_hash:
        problems.append(
            ConfigProblem(
                shown,
                None,
                "staff",
                "the queue has no admin staff account, so nobody can open the staff "
                "screens; run `kiosk staff-user add NAME --admin --config PATH` "
                "(only demo configs may go without one)",
            )
        )
    return problems
