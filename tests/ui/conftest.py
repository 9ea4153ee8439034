"""Fixtures for the widget tests."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread() -> Iterator[None]:
    """Free garbage holding Qt objects here; a worker thread's GC run must not delete them."""
    yield
    gc.collect()
