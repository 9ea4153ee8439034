"""Checks ``[database] url`` when the config is loaded, so `check` and the kiosk refuse the same.

Qt-free and without SQLAlchemy (loading the config is on the path to the first frame): the
URL is split with the same pattern SQLAlchemy's ``make_url`` uses, and the driver is only
looked up, not imported.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

#: scheme -> the module that drives it. Plain postgresql means psycopg too (engine.make_engine).
DRIVERS = {"sqlite": "sqlite3", "postgresql+psycopg": "psycopg", "postgresql": "psycopg"}
EXAMPLES = "sqlite:///path/to/queue.sqlite3 or postgresql+psycopg://user:password@host/dbname"

# sqlalchemy.engine.url._parse_url's pattern, so both read a URL the same way.
_URL = re.compile(
    r"""
    (?P<name>[\w\+]+)://
    (?:
        (?P<username>[^:/]*)
        (?::(?P<password>[^@]*))?
    @)?
    (?:
        (?:
            \[(?P<ipv6host>[^/\?]+)\] |
            (?P<ipv4host>[^/:\?]+)
        )?
        (?::(?P<port>[^/\?]*))?
    )?
    (?:/(?P<database>[^\?]*))?
    (?:\?(?P<query>.*))?
    """,
    re.X,
)
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def database_url_problem(url: str, data_dir: Callable[[], Path]) -> str | None:
    """Why the kiosk cannot use ``url`` as its queue, or None. Empty means the default file.
    ``data_dir()`` is the platform's data folder, asked for only when a SQLite file's folder
    does not exist yet (platformdirs is an import the kiosk's start need not pay)."""
    if not url:
        return None
    if url != url.strip():
        return "has spaces at its start or end; remove them"
    match = _URL.fullmatch(url)
    if match is None:
        return f'"{_shown(url)}" is not a database URL; expected {EXAMPLES}'
    scheme = match.group("name").lower()
    module = DRIVERS.get(scheme)
    if module is None:
        return (f'uses "{scheme}", which the kiosk cannot store its queue in; '
                f"expected {EXAMPLES}")
    if importlib.util.find_spec(module) is None:
        return f'needs the Python module "{module}", which this installation lacks'
    if scheme == "sqlite":
        return _sqlite_problem(match, data_dir)
    return _server_problem(match)


def _sqlite_problem(match: re.Match[str], data_dir: Callable[[], Path]) -> str | None:
    if match.group("query") is not None:
        return "takes no ?options for SQLite: write sqlite:///path/to/queue.sqlite3"
    if match.group("username") or match.group("ipv4host") or match.group("ipv6host"):
        return "names a host, but SQLite is a file: write sqlite:///path/to/queue.sqlite3"
    database = match.group("database") or ""
    if not database or database == ":memory:":
        return ("names no file: a queue in memory loses every request when the kiosk stops; "
                "leave url empty for the default file")
    if database.startswith("file:"):
        return "is a file: URI, which the kiosk cannot keep private; write sqlite:///path/to/file"
    path = Path(database)
    if not path.is_absolute():
        return (f'names the relative path "{database}", which depends on the folder the kiosk '
                "starts in; use an absolute path (sqlite:////var/lib/kiosk/queue.sqlite3)")
    folder = path.parent
    if path.is_dir():
        return f"names {path}, which is a folder, not a file"
    if not folder.is_dir() and not _same_path(folder, data_dir()):
        return (f"names a file in {folder}, which does not exist; create the folder first "
                "(only the kiosk's own data folder is created for it)")
    return None


def _server_problem(match: re.Match[str]) -> str | None:
    port = match.group("port")
    if port is not None and not (port.isdigit() and 1 <= int(port) <= 65535):
        return f'has the port "{port}"; a port is a number from 1 to 65535'
    v6 = match.group("ipv6host")
    if v6 is not None:
        try:
            ipaddress.IPv6Address(v6)
        except ValueError:
            return f'has the host "[{v6}]", which is not an IPv6 address'
        return None
    host = unquote(match.group("ipv4host") or "")
    if host and not _valid_host(host):
        return f'has the host "{host}", which is neither a host name nor an IP address'
    return None


def _valid_host(host: str) -> bool:
    labels = host.removesuffix(".").split(".")
    if all(label.isdigit() for label in labels):  # looks like an IPv4 address: must be one
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    return len(host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)


def _same_path(a: Path, b: Path) -> bool:
    return Path(a).absolute() == Path(b).absolute()


def _shown(url: str, limit: int = 60) -> str:
    """The URL for a message, without a password, shortened."""
    shown = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
    return shown if len(shown) <= limit else shown[:limit] + "…"
