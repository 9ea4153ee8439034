"""The counts in memory: exact, per day, never lost when a write fails, never personal."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.callback_queue.counts import UsageCount
from kiosk.insights.tally import ConsultProgress, Tally


class Day:
    def __init__(self) -> None:
        self.today = date(2026, 12, 1)

    def __call__(self) -> date:
        return self.today


def test_counts_per_day_counter_and_key() -> None:
    day = Day()
    tally = Tally("lobby", day)
    tally.count("visit")
    tally.count("section_opened", "aftercare")
    tally.count("section_opened", "aftercare")
    day.today = date(2026, 12, 2)  # past midnight
    tally.count("visit")
    assert tally.take() == [
        UsageCount("2026-12-01", "lobby", "section_opened", "aftercare", 2),
        UsageCount("2026-12-01", "lobby", "visit", "", 1),
        UsageCount("2026-12-02", "lobby", "visit", "", 1),
    ]
    assert tally.take() == []


def test_a_failed_write_keeps_the_batch_for_the_next(caplog) -> None:
    tally = Tally("lobby", Day())
    tally.count("visit")
    written: list[list[UsageCount]] = []

    def down(rows: list[UsageCount]) -> None:
        raise ConnectionError("server away")

    assert tally.flush(down) == 0
    tally.count("visit")  # counted while the server was away
    assert tally.flush(down) == 0
    assert [r.message for r in caplog.records].count(
        "usage counts not written (ConnectionError); kept to try again") == 1  # once per outage
    assert tally.flush(written.append) == 1
    assert written == [[UsageCount("2026-12-01", "lobby", "visit", "", 2)]]
    assert tally.pending() == {}


def test_only_declared_counters_and_code_words() -> None:
    tally = Tally("lobby", Day())
    with pytest.raises(ValueError, match="unknown counter"):
        tally.count("name_typed")
    for personal in ("Ana María", "+12025550143", "ana maria"):
        with pytest.raises(ValueError, match="short lower-case"):
            tally.count("section_opened", personal)
    assert tally.pending() == {}


def test_a_form_is_started_once_and_abandoned_at_its_furthest_step() -> None:
    tally = Tally("lobby", Day())
    form = ConsultProgress(tally)
    form.reached("phone")
    form.reached("name")
    form.reached("phone")
    form.visit_ended()
    form.visit_ended()  # nothing started since: nothing abandoned
    form.reached("name")
    form.reached("time")
    form.reached("consent")
    form.sent()
    form.visit_ended()
    counts = {(c, k): n for (_d, c, k), n in tally.pending().items()}
    assert counts == {("consult_started", ""): 2, ("consult_abandoned", "phone"): 1,
                      ("consult_sent", ""): 1}


def test_days_are_the_clinics_when_the_config_names_a_time_zone() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from kiosk.config.loading import defaults
    from kiosk.insights.tally import clinic_time_zone

    config = defaults()
    assert clinic_time_zone(config) == (None, "local")  # no [clinic] time_zone: the machine's
    values = {name: dict(section) for name, section in config.values.items()}
    values["clinic"]["time_zone"] = "Pacific/Auckland"
    tz, name = clinic_time_zone(type(config)(values))
    assert (tz, name) == (ZoneInfo("Pacific/Auckland"), "Pacific/Auckland")
    # 2026-12-01 20:00 UTC is already 12-02 in Auckland.
    assert datetime(2026, 12, 1, 20, 0, tzinfo=UTC).astimezone(tz).date() == date(2026, 12, 2)
