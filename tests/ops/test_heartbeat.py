"""The kiosk's heartbeat: what it records, on both databases, and its quiet failure."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk import __version__
from kiosk.callback_queue import fleet
from kiosk.callback_queue.fleet import Heartbeat, read_heartbeats, record_heartbeat
from kiosk.callback_queue.model import BestTime, NewRequest
from kiosk.callback_queue.outbox import ResilientQueue
from kiosk.callback_queue.store import CallbackStore
from kiosk.ops import heartbeat
from kiosk.ops.heartbeat import HeartbeatReporter

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
DOWN_URL = "postgresql+psycopg://kiosk@127.0.0.1:9/queue"


@pytest.fixture
def url(store_url: str) -> str:
    """An empty queue database, once on SQLite and once on PostgreSQL (tests/conftest)."""
    return store_url


def beat(kiosk_id: str, last_seen: datetime, **changes: object) -> Heartbeat:
    values: dict[str, object] = dict(
        kiosk_id=kiosk_id, version="0.1.0", started_at=T0, last_seen=last_seen,
        outbox_depth=0, outbox_oldest_at=None, queue_state="ok", speech="unknown",
        free_disk_bytes=12_000_000_000, last_error="")
    values.update(changes)
    return Heartbeat(**values)  # type: ignore[arg-type]


def test_one_row_per_kiosk_overwritten(url: str) -> None:
    with CallbackStore.open(url) as store:
        record_heartbeat(store.engine, beat("lobby", T0))
        record_heartbeat(store.engine, beat("hall", T0))
        record_heartbeat(store.engine, beat("lobby", T0 + timedelta(minutes=1),
                                            outbox_depth=2, outbox_oldest_at=T0,
                                            queue_state="outbox"))
        beats = read_heartbeats(store.engine)
    assert [b.kiosk_id for b in beats] == ["hall", "lobby"]
    assert beats[1].last_seen == T0 + timedelta(minutes=1)
    assert (beats[1].outbox_depth, beats[1].outbox_oldest_at) == (2, T0)


def test_reporter_records_the_kiosks_facts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    with ResilientQueue(url, tmp_path / "outbox.sqlite3") as queue:
        reporter = HeartbeatReporter("lobby", __version__, T0, tmp_path / "not-yet",
                                     clock=lambda: T0 + timedelta(minutes=5))
        assert reporter.beat(queue, "available")
        (row,) = read_heartbeats(queue.store().engine)
    assert row == Heartbeat("lobby", __version__, T0, T0 + timedelta(minutes=5), 0, None, "ok",
                            "available", row.free_disk_bytes, "")
    assert row.free_disk_bytes and row.free_disk_bytes > 0


@pytest.mark.postgres
def test_a_waiting_outbox_and_the_last_failure_are_reported(tmp_path: Path,
                                                            pg_url: str) -> None:
    """Requests wait in the outbox while the server is away; the heartbeat, once it gets
    through, says so (with the oldest one's time) and names the failure without data."""
    queue = ResilientQueue(DOWN_URL, tmp_path / "outbox.sqlite3", connect_timeout_s=2)
    queue.submit(NewRequest.create("lobby", "Ana Núñez", "+12025550123", BestTime.ANY))
    queue.close()
    queue._primary_url = pg_url  # the server is back, before the outbox was delivered
    reporter = HeartbeatReporter("lobby", __version__, T0, tmp_path)
    assert reporter.beat(queue, "unknown")
    (row,) = read_heartbeats(queue.store().engine)
    queue.close()
    assert row.outbox_depth == 1 and row.outbox_oldest_at is not None
    assert row.queue_state == "failing"
    assert row.last_error.startswith("submit: OperationalError at ")
    assert "Ana" not in row.last_error and "555" not in row.last_error


def test_server_down_fails_quietly_and_logs_once(tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    queue = ResilientQueue(DOWN_URL, tmp_path / "outbox.sqlite3", connect_timeout_s=2)
    reporter = HeartbeatReporter("lobby", __version__, T0, tmp_path)
    with caplog.at_level(logging.INFO, logger="kiosk.ops.heartbeat"):
        assert [reporter.beat(queue, "unknown") for _ in range(3)] == [False] * 3
    queue.close()
    assert len([r for r in caplog.records if r.name == "kiosk.ops.heartbeat"]) == 1


def test_a_real_kiosk_window_writes_its_heartbeat_off_the_gui_thread(
        qtbot: QtBot, build, make_config, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.setattr(heartbeat, "HEARTBEAT_INTERVAL_MS", 300)
    threads: list[threading.Thread] = []
    real = fleet.record_heartbeat

    def spy(engine, beat_: Heartbeat) -> None:
        threads.append(threading.current_thread())
        real(engine, beat_)

    monkeypatch.setattr(fleet, "record_heartbeat", spy)
    build(make_config(kiosk={"kiosk_id": "lobby-1"}))
    qtbot.waitUntil(lambda: len(threads) >= 2, timeout=5000)  # the first, then the timer's
    assert all(t is not threading.main_thread() for t in threads)
    with CallbackStore.open(f"sqlite:///{tmp_path / 'queue.sqlite3'}") as store:
        (row,) = read_heartbeats(store.engine)
    assert (row.kiosk_id, row.version, row.queue_state, row.outbox_depth) == (
        "lobby-1", __version__, "ok", 0)
    assert row.speech in ("unknown", "available", "unavailable")
    assert datetime.now(UTC) - row.last_seen < timedelta(seconds=10)
