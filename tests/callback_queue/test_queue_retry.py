"""The retry schedule and the one-log-line-per-episode rule, without a clock."""

from __future__ import annotations

import logging

import pytest

from kiosk.callback_queue.retry import FIRST_RETRY_S, MAX_RETRY_S, Availability, Backoff


def test_backoff_starts_within_five_seconds_and_is_capped() -> None:
    backoff = Backoff()
    delays = [backoff.next_delay_s() for _ in range(8)]
    assert delays[0] == FIRST_RETRY_S <= 5
    assert delays[:4] == [5, 10, 20, 25] and set(delays[3:]) == {MAX_RETRY_S}
    # With the 3 s connect timeout, a server that comes back is reached within 30 s.
    assert MAX_RETRY_S + 3 < 30
    backoff.reset()
    assert backoff.next_delay_s() == FIRST_RETRY_S


def test_one_error_per_episode(caplog: pytest.LogCaptureFixture) -> None:
    availability = Availability(logging.getLogger("test.queue"))
    with caplog.at_level(logging.INFO, "test.queue"):
        assert availability.failed(OSError("disk full"))
        assert not any(availability.failed(OSError("disk full")) for _ in range(50))
        assert availability.worked() and not availability.worked()
        assert availability.failed(OSError("again"))
    levels = [r.levelname for r in caplog.records]
    assert levels == ["ERROR", "INFO", "ERROR"]
