"""Qt-free pieces of the staff screens: row formatting, the PIN gate, actors and file exports."""

from __future__ import annotations

import csv
import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kiosk.callback_queue import store as store_module
from kiosk.callback_queue.model import AuditEntry, BestTime, NewRequest, Status
from kiosk.callback_queue.store import CallbackStore
from kiosk.config import load_config
from kiosk.staff import access as staff_access
from kiosk.staff.access import (
    DEMO_PIN,
    PinGate,
    PinSource,
    console_place,
    kiosk_place,
    staff_config_problems,
)
from kiosk.staff.export import export_file_path, write_export
from kiosk.staff.pin import PinLock
from kiosk.staff.rows import (
    RowFormatter,
    describe_detail,
    format_phone,
    format_received,
    received_parts,
)

NOW = datetime(2024, 3, 14, 15, 30, tzinfo=UTC)  # a Thursday


# --- formatting ----------------------------------------------------------------------------

@pytest.mark.parametrize(("moment", "expected"), [
    (NOW - timedelta(minutes=5), "Today 15:25"),
    (NOW - timedelta(days=1), "Yesterday 15:30"),
    (NOW - timedelta(days=3), "Mon 15:30"),
    (NOW - timedelta(days=10), "4 Mar 15:30"),
    (NOW - timedelta(days=400), "8 Feb 2023 15:30"),
])
def test_received_times_read_naturally(moment: datetime, expected: str) -> None:
    assert format_received(moment, NOW, UTC) == expected


def test_received_time_is_local_time() -> None:
    five_hours_behind = timezone(timedelta(hours=-5))
    # 02:00 UTC on the 14th is still the 13th, 21:00, five hours west.
    assert received_parts(datetime(2024, 3, 14, 2, 0, tzinfo=UTC), NOW,
                          five_hours_behind) == ("Yesterday", "21:00")


def test_phone_is_national_at_home_and_international_abroad() -> None:
    assert format_phone("+12025550123", "US") == "(202) 555-0123"
    assert format_phone("+442079460958", "US") == "+44 20 7946 0958"
    assert format_phone("not a number", "US") == "not a number"


def test_rows_carry_ready_cells_and_hide_personal_data_from_repr() -> None:
    req = NewRequest.create("lobby", "Ana Núñez", "+12025550123", BestTime.EVENING,
                            now=NOW - timedelta(hours=1))
    stored = _request(req, attempts=2, status=Status.NO_ANSWER,
                      due_by=NOW - timedelta(minutes=42))
    row = RowFormatter("US", now=lambda: NOW, tz=UTC).row(stored)
    assert row.cells() == ("Today\n14:30", "Ana Núñez", "(202) 555-0123", "Evening",
                           "No answer\n42 min late", "2")
    assert row.overdue and row.due_line == "Overdue: 42 min late"
    assert "Ana" not in repr(row) and "555" not in repr(row)


def test_history_is_newest_first_with_labels() -> None:
    req = _request(NewRequest.create("lobby", "Ana", "+12025550123", BestTime.ANY, now=NOW))
    audit = [
        AuditEntry(1, 1, NOW, "kiosk:lobby", "attempt", "new -> no-answer; attempt 1"),
        AuditEntry(2, 1, NOW + timedelta(minutes=1), "console:desk", "status",
                   "no-answer -> not-interested"),
    ]
    detail = RowFormatter("US", now=lambda: NOW, tz=UTC).detail(req, audit)
    assert detail.history == (
        "Today 15:31 · Status: No answer → Not interested · console:desk",
        "Today 15:30 · Call attempt: New → No answer; attempt 1 · kiosk:lobby",
    )
    assert describe_detail("note added (12 characters)") == "note added (12 characters)"


def _request(req: NewRequest, attempts: int = 0, status: Status = Status.NEW,
             due_by: datetime | None = None):
    from kiosk.callback_queue.model import CallbackRequest

    return CallbackRequest(1, req.idempotency_key, req.created_at, req.kiosk_id, req.name,
                           req.phone_e164, req.best_time, status, attempts, "", req.created_at,
                           due_by=due_by)


# --- who may enter, and under which name ---------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_gate_with_a_hash_uses_it(pin_hash: str) -> None:
    gate = PinGate(pin_hash, demo=True)  # a real hash wins over demo mode
    assert gate.source is PinSource.HASH
    assert not gate.try_pin(DEMO_PIN).ok
    assert gate.try_pin("1357").ok


def test_demo_gate_accepts_only_the_demo_pin() -> None:
    gate = PinGate("", demo=True)
    assert gate.source is PinSource.DEMO
    assert not gate.try_pin("1234").ok
    assert gate.try_pin(DEMO_PIN).ok


def test_gate_without_pin_outside_demo_never_opens() -> None:
    gate = PinGate("", demo=False)
    assert not gate.can_unlock
    assert not gate.try_pin(DEMO_PIN).ok
    assert not gate.try_pin("").ok


def test_gate_lock_out_comes_from_pin_lock() -> None:
    clock = Clock()
    gate = PinGate("", demo=True, lock=PinLock(max_attempts=2, base_delay_s=30, clock=clock,
                                               verify=lambda pin, _h: pin == DEMO_PIN))
    gate.try_pin("0000")
    assert gate.try_pin("0000").locked_for_s == 30
    assert not gate.try_pin(DEMO_PIN).ok  # refused while locked, even when right
    clock.now += 31
    assert gate.locked_for_s() == 0
    assert gate.try_pin(DEMO_PIN).ok


def test_places_are_named_and_fit_the_store() -> None:
    assert staff_access.ACTOR_MAX_CHARS == store_module.ACTOR_MAX_CHARS
    assert staff_access.PLACE_MAX_CHARS == store_module.PLACE_MAX_CHARS
    assert kiosk_place("lobby") == "kiosk lobby"
    assert console_place("front desk") == "console front desk"
    assert console_place("") == "console unknown"
    assert len(kiosk_place("k" * 200)) == store_module.PLACE_MAX_CHARS


def test_staff_config_problems(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[kiosk]\ndemo = false\n[staf]\npin_hash = ""\n', encoding="utf-8")
    config = load_config(path)
    problems = staff_config_problems(config)
    assert any("[staf]" in p and "did you mean" in p for p in problems)


# --- exports ------------------------------------------------------------------------------

def test_export_file_name_is_stamped_and_never_reused(tmp_path: Path) -> None:
    moment = datetime(2024, 3, 14, 9, 5, 7).astimezone()
    first = export_file_path(tmp_path, moment)
    assert first.name == "queue-20240314-090507.csv"
    first.write_text("x")
    assert export_file_path(tmp_path, moment).name == "queue-20240314-090507-2.csv"


def test_export_file_is_private_and_escaped(tmp_path: Path) -> None:
    with CallbackStore.open(f"sqlite:///{tmp_path / 'q.sqlite3'}") as store:
        store.submit(NewRequest.create("lobby", "=HYPERLINK(1)", "+12025550123", BestTime.ANY))
        store.submit(NewRequest.create("lobby", "Ana", "+12025550124", BestTime.ANY))
        path = tmp_path / "exports" / "queue.csv"
        assert write_export(store, path) == 2
        assert write_export(store, tmp_path / "new.csv", Status.CLOSED) == 0
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(1)", "Ana"]


def test_failed_export_leaves_no_file(tmp_path: Path) -> None:
    class Broken:
        def page_after(self, *args: object, **kwargs: object) -> list:
            raise RuntimeError("database went away")

    path = tmp_path / "queue.csv"
    with pytest.raises(RuntimeError):
        write_export(Broken(), path)  # type: ignore[arg-type]
    assert not path.exists()


@pytest.fixture(scope="module")
def pin_hash() -> str:
    from pin_costs import cheap_hash

    return cheap_hash("1357")


def test_these_modules_import_no_qt() -> None:
    import subprocess
    import sys

    code = ("import sys, kiosk.staff.access, kiosk.staff.rows, kiosk.staff.export, "
            "kiosk.staff.commands; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_the_due_cell_says_when_or_how_late() -> None:
    from kiosk.staff.rows import due_text, lateness

    req = NewRequest.create("lobby", "Ana", "+12025550123", BestTime.ANY, now=NOW)
    assert due_text(_request(req, due_by=NOW + timedelta(minutes=20)), NOW, UTC) == "by 15:50"
    assert due_text(_request(req, due_by=NOW + timedelta(days=1)), NOW, UTC) == \
        "by Tomorrow 15:30"
    assert due_text(_request(req, status=Status.SCHEDULED, due_by=NOW - timedelta(hours=1)),
                    NOW, UTC) == ""  # nobody has to call: never late
    assert [lateness(NOW - timedelta(minutes=m), NOW) for m in (0, 42, 60, 185, 1440, 4000)] \
        == ["0 min late", "42 min late", "1 h late", "3 h 5 min late", "1 day late",
            "2 days late"]
