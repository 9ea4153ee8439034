"""Two minutes of a scripted patient session: no GUI-thread task ever holds a tap back long.

The session (benchmarks/patient_session.py) taps, scrolls, types, submits, switches
language, text size and contrast and resets for the next visitor; a LagMonitor times every
gap between its 2 ms ticks from the first frame on. `make bench` runs the same session for
10 minutes against a 50 ms target; here the bound is a generous 100 ms, for CI noise.
"""

from __future__ import annotations

import pytest

from benchmarks.patient_session import KINDS, run_session

SESSION_S = 120.0
STALL_BOUND_MS = 100.0


class StallTooLong(AssertionError):
    """Raised for the stall alone, so the xfail below cannot hide a session that did too little."""


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True, raises=StallTooLong,
    reason="language switches and look changes now fit; what still stalls 100-235 ms is the "
           "background build just after start, one whole screen per event-loop turn (issue "
           "12): flip this when a screen is built in smaller steps")
def test_two_minutes_of_patients_without_a_stall_over_100_ms(qapp, make_config) -> None:
    result = run_session(make_config(), SESSION_S)

    missing = [kind for kind in KINDS if result.counts[kind] == 0]
    assert not missing, f"the session never did: {missing} ({dict(result.counts)})"
    assert result.counts["letter"] >= 20 and result.counts["digit"] >= 20, result.counts
    assert result.submitted >= 3, result.counts
    assert result.report.ticks > SESSION_S * 100  # the monitor really ran all along
    if result.report.worst_ms > STALL_BOUND_MS:
        raise StallTooLong(result.report.describe(limit=10))
