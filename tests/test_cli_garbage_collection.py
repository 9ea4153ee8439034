"""main.py starts with garbage collection off; every path turns it back on, or the kiosk's
memory would grow for as long as it runs."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from kiosk.cli import collect_garbage_again, main


@pytest.fixture
def collection_off() -> Iterator[None]:
    """As main.py leaves it; put back as it was afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_other_commands_turn_it_back_on_at_once(collection_off, make_config) -> None:
    assert main(["check", "--config", str(make_config())]) == 0
    assert gc.isenabled()


def test_after_start_up_it_is_back_on_and_start_up_objects_are_left_out(collection_off) -> None:
    collect_garbage_again()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # what start-up built is not scanned again

    cycle: list = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1  # and new garbage is collected as usual
