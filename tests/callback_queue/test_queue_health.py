"""Inspecting a queue read-only: while a kiosk has it open, and without leaving files behind."""

from __future__ import annotations

from pathlib import Path

from kiosk.callback_queue.health import inspect_queue, quick_check
from kiosk.callback_queue.model import BestTime, NewRequest
from kiosk.callback_queue.schema import SCHEMA_VERSION
from kiosk.callback_queue.store import CallbackStore


def request(n: int) -> NewRequest:
    return NewRequest.create("lobby", f"Patient {n}", "+12025550143", BestTime.ANY)


def test_a_queue_a_kiosk_has_open_is_read_with_its_wal(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    with CallbackStore.open(f"sqlite:///{path}") as store:
        for n in range(3):
            store.submit(request(n))
        assert Path(f"{path}-wal").exists()  # not yet checkpointed into the main file
        report = inspect_queue(f"sqlite:///{path}")
        assert report.problems == []
        assert report.summary.endswith(f"schema {SCHEMA_VERSION}, 3 request(s)")
        store.submit(request(3))  # the inspection left the kiosk able to write
        assert store.count() == 4


def test_a_closed_queue_is_read_without_creating_side_files(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    CallbackStore.open(f"sqlite:///{path}").close()
    assert quick_check(path) == []
    assert inspect_queue(f"sqlite:///{path}").problems == []
    assert [p.name for p in tmp_path.iterdir()] == ["queue.sqlite3"]


def test_a_missing_file_is_reported_as_created_at_first_start(tmp_path: Path) -> None:
    report = inspect_queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    assert report.problems == []
    assert "creates it at first start" in report.summary
    assert list(tmp_path.iterdir()) == []


def test_a_truncated_file_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    with CallbackStore.open(f"sqlite:///{path}") as store:
        for n in range(50):
            store.submit(request(n))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    (problem,) = inspect_queue(f"sqlite:///{path}").problems
    assert str(path) in problem
