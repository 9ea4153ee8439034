"""Fixtures for the callback queue tests: a throwaway PostgreSQL and a store per backend."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parents[2])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)  # for pg_server, wherever pytest is started

from pg_server import PgServer, fresh_database, shared_server, shutdown_shared_server  # noqa: E402

from kiosk.callback_queue.store import CallbackStore  # noqa: E402


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = shared_server()
    yield server
    shutdown_shared_server()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty database on the throwaway server."""
    with fresh_database(pg_server) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty queue database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[CallbackStore]:
    with CallbackStore.open(store_url) as opened:
        yield opened
