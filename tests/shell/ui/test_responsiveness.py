"""Two minutes of a scripted patient session: no GUI-thread task ever holds a tap back long.

The session (benchmarks/patient_session.py) taps, scrolls, types, submits, switches
language, text size and contrast and resets for the next visitor; a LagMonitor times every
gap between its 2 ms ticks from the first frame on. `make bench` runs the same session for
10 minutes against a 50 ms target, in wall time; here the bound is a generous 100 ms on
the part of a gap the kiosk's process was running itself, on any thread (``own_ms``): a
GUI thread waiting for the interpreter lock while the queue worker holds it counts, a core
that another process on a shared CI machine held does not (with a second test run going,
a 161.9 ms gap held 60.4 ms of the GUI thread's CPU). The wall-time figures come with the
message.
"""

from __future__ import annotations

import pytest

from benchmarks.patient_session import KINDS, run_session

SESSION_S = 120.0
STALL_BOUND_MS = 100.0


@pytest.mark.slow
def test_two_minutes_of_patients_without_a_stall_over_100_ms(qapp, make_config) -> None:
    result = run_session(make_config(), SESSION_S)

    missing = [kind for kind in KINDS if result.counts[kind] == 0]
    assert not missing, f"the session never did: {missing} ({dict(result.counts)})"
    assert result.counts["letter"] >= 20 and result.counts["digit"] >= 20, result.counts
    assert result.submitted >= 3, result.counts
    assert result.report.ticks > SESSION_S * 100  # the monitor really ran all along
    assert result.report.worst_own_ms <= STALL_BOUND_MS, result.report.describe(limit=10)
    assert result.reactivated == 0, "a screen took the window's activation away"
