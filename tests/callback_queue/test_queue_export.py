"""Tests for the CSV export and its defence against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.callback_queue.export import HEADER, escape_cell, iter_all, write_csv
from kiosk.callback_queue.model import BestTime, CallbackRequest, NewRequest, Status
from kiosk.callback_queue.store import CallbackStore

T0 = datetime(2024, 6, 1, 14, 5, 9, 123456, tzinfo=UTC)


def request(n: int = 1, name: str = "Ann Lee", notes: str = "") -> CallbackRequest:
    return CallbackRequest(
        id=n,
        idempotency_key=f"key-{n}",
        created_at=T0,
        kiosk_id="lobby",
        name=name,
        phone="+12025550143",
        best_time=BestTime.AFTERNOON,
        status=Status.NO_ANSWER,
        attempts=2,
        notes=notes,
        updated_at=T0 + timedelta(hours=1),
    )


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[CallbackStore]:
    with CallbackStore.open(f"sqlite:///{tmp_path / 'q.db'}") as store:
        yield store


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("Ann=Lee", "Ann=Lee"),
        ("Ann Lee", "Ann Lee"),
        ("'quoted", "'quoted"),
        ("", ""),
    ],
)
def test_escape_cell(cell: str, expected: str) -> None:
    assert escape_cell(cell) == expected


def test_csv_has_a_header_and_one_row_per_request() -> None:
    out = io.StringIO(newline="")
    assert write_csv([request(1), request(2)], out) == 2
    rows = parse(out.getvalue())
    assert rows[0] == list(HEADER)
    assert rows[1] == [
        "1",
        "2024-06-01T14:05:09+00:00",
        "lobby",
        "Ann Lee",
        "'+12025550143",
        "afternoon",
        "no-answer",
        "2",
        "2024-06-01T15:05:09+00:00",
        "",
        "",  # due_by: not computed for this hand-made request
        "",
        "",
        "",
    ]
    assert len(rows) == 3


def test_empty_export_is_just_the_header() -> None:
    out = io.StringIO(newline="")
    assert write_csv([], out) == 0
    assert parse(out.getvalue()) == [list(HEADER)]


def test_every_text_cell_is_defused() -> None:
    evil = request(name="=cmd|' /C calc'!A0", notes="@SUM(1+1)*cmd")
    out = io.StringIO(newline="")
    write_csv([evil], out)
    row = parse(out.getvalue())[1]
    assert row[3] == "'=cmd|' /C calc'!A0"
    assert row[9] == "'@SUM(1+1)*cmd"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_commas_quotes_and_newlines_survive() -> None:
    tricky = request(name='Lee, "Ann"', notes="line one\nline two, with comma")
    out = io.StringIO(newline="")
    write_csv([tricky], out)
    row = parse(out.getvalue())[1]
    assert row[3] == 'Lee, "Ann"'
    assert row[9] == "line one\nline two, with comma"


def test_iter_all_streams_in_batches(
    sqlite_store: CallbackStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [
        sqlite_store.submit(NewRequest.create("k", f"P{n}", "+12025550143", BestTime.ANY)).id
        for n in range(10)
    ]
    calls: list[tuple[int, int]] = []
    real = sqlite_store.page_after

    def spy(after_id: int = 0, status: Status | None = None, limit: int = 1000) -> list:
        calls.append((after_id, limit))
        return real(after_id, status=status, limit=limit)

    monkeypatch.setattr(sqlite_store, "page_after", spy)
    stream = iter_all(sqlite_store, batch=3)
    assert next(stream).id == ids[0]
    assert calls == [(0, 3)]  # nothing beyond the first batch has been read yet
    assert [r.id for r in stream] == ids[1:]
    assert [limit for _, limit in calls] == [3, 3, 3, 3]


def test_iter_all_filters_by_status(sqlite_store: CallbackStore) -> None:
    ids = [
        sqlite_store.submit(NewRequest.create("k", f"P{n}", "+12025550143", BestTime.ANY)).id
        for n in range(6)
    ]
    for closed in ids[::2]:
        sqlite_store.set_status(closed, Status.CLOSED, "sam")
    assert [r.id for r in iter_all(sqlite_store, Status.CLOSED, batch=2)] == ids[::2]
    with pytest.raises(ValueError):
        list(iter_all(sqlite_store, batch=0))


def test_export_from_a_store_to_a_file(sqlite_store: CallbackStore, tmp_path: Path) -> None:
    for n in range(25):
        sqlite_store.submit(NewRequest.create("k", f"=Evil{n}", "+12025550143", BestTime.ANY))
    target = tmp_path / "queue.csv"
    with target.open("w", newline="", encoding="utf-8") as out:
        assert write_csv(iter_all(sqlite_store, batch=7), out) == 25
    with target.open(newline="", encoding="utf-8") as back:
        rows = list(csv.reader(back))
    assert len(rows) == 26
    assert {row[3] for row in rows[1:]} == {f"'=Evil{n}" for n in range(25)}


def test_the_new_columns_name_deadline_consent_and_last_actor(store_url: str) -> None:
    from zoneinfo import ZoneInfo

    from kiosk.callback_queue.deadlines import DeadlinePolicy
    from kiosk.callback_queue.export import write_queue_csv
    from kiosk.config.hours import OpeningHours

    madrid = ZoneInfo("Europe/Madrid")
    policy = DeadlinePolicy(OpeningHours.parse(["mon-fri 08:00-18:00"], madrid))
    friday = datetime(2026, 12, 4, 17, 50, tzinfo=madrid)
    consent = "Acepto que la clínica me llame a este número para una consulta"
    with CallbackStore.open(store_url, policy=policy, clock=lambda: friday) as store:
        first = store.submit(NewRequest.create("lobby", "Ana Ruiz", "+34600000001",
                                               BestTime.ANY, friday, consent_text=consent,
                                               language="es"))
        second = store.submit(NewRequest.create("lobby", "Lee Park", "+12025550143",
                                                BestTime.ANY, friday))
        store.record_attempt(first.id, Status.NO_ANSWER, "Ana on kiosk lobby-1")
        store.add_note(first.id, "try after lunch", "Ben on console desk")
        out = io.StringIO(newline="")
        assert write_queue_csv(store, out) == 2
    rows = [dict(zip(HEADER, row, strict=True)) for row in parse(out.getvalue())[1:]]
    by_id = {int(row["id"]): row for row in rows}
    # 17:50 Friday + 60 business minutes: 08:50 on Monday, written on the clinic's clocks.
    assert by_id[second.id]["due_by"] == "2026-12-07T08:50:00+01:00"
    # Retried at 17:50 Friday: 120 business minutes later is Monday 09:50.
    assert by_id[first.id]["due_by"] == "2026-12-07T09:50:00+01:00"
    assert by_id[first.id]["language"] == "es"
    assert by_id[first.id]["consent_version"] == first.consent_version != ""
    assert by_id[first.id]["last_actor"] == "Ben on console desk"
    assert (by_id[second.id]["language"], by_id[second.id]["consent_version"]) == ("", "")
    assert by_id[second.id]["last_actor"] == ""
