"""Fixtures for the callback queue tests: a store per backend (store_url: tests/conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.callback_queue.store import CallbackStore


@pytest.fixture
def store(store_url: str) -> Iterator[CallbackStore]:
    with CallbackStore.open(store_url) as opened:
        yield opened
