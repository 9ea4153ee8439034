"""`main.py status` run like IT runs it: one line per kiosk, and the exit code a monitor reads."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.callback_queue.fleet import Heartbeat, record_heartbeat
from kiosk.callback_queue.store import CallbackStore
from kiosk.ops.status import assess, describe

ROOT = Path(__file__).resolve().parents[2]


def status(config: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "status", "--config",
                           str(config)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def beat(kiosk_id: str, seen_ago: timedelta, **changes: object) -> Heartbeat:
    now = datetime.now(UTC)
    values: dict[str, object] = dict(
        kiosk_id=kiosk_id, version="0.1.0", started_at=now - timedelta(hours=3),
        last_seen=now - seen_ago, outbox_depth=0, outbox_oldest_at=None, queue_state="ok",
        speech="available", free_disk_bytes=52_300_000_000, last_error="")
    values.update(changes)
    return Heartbeat(**values)  # type: ignore[arg-type]


@pytest.fixture
def config(make_config, tmp_path: Path) -> Path:
    return make_config(staff={"kiosk_silent_after_min": 10})


def record(tmp_path: Path, *beats: Heartbeat) -> None:
    with CallbackStore.open(f"sqlite:///{tmp_path / 'queue.sqlite3'}") as store:
        for b in beats:
            record_heartbeat(store.engine, b)


def test_no_kiosk_yet_says_so(config: Path, tmp_path: Path) -> None:
    done = status(config, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "No kiosk has reported yet."


def test_healthy_kiosks_exit_zero(config: Path, tmp_path: Path) -> None:
    record(tmp_path, beat("lobby", timedelta(seconds=40)), beat("hall", timedelta(minutes=9)))
    done = status(config, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["hall", "lobby"]
    assert lines[1].startswith("lobby  v0.1.0  seen 40 s ago  outbox 0  queue ok  "
                               "speech available  disk 52.3 GB free  last error: —")


def test_a_silent_kiosk_exits_one(config: Path, tmp_path: Path) -> None:
    record(tmp_path, beat("lobby", timedelta(seconds=30)),
           beat("hall", timedelta(minutes=14), last_error="heartbeat: OperationalError"))
    done = status(config, tmp_path)
    assert done.returncode == 1
    hall = next(line for line in done.stdout.splitlines() if line.startswith("hall"))
    assert "seen 14 min ago" in hall and "<< SILENT for 14 min" in hall
    assert "last error: heartbeat: OperationalError" in hall
    assert "1 of 2 kiosk(s) need a look" in done.stderr


def test_a_request_stuck_in_an_outbox_exits_one(config: Path, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    record(tmp_path, beat("lobby", timedelta(seconds=20), outbox_depth=2, queue_state="outbox",
                          outbox_oldest_at=now - timedelta(minutes=7)))
    done = status(config, tmp_path)
    assert done.returncode == 1
    assert "outbox 2 (oldest 7 min)  queue outbox" in done.stdout
    assert "<< OUTBOX request waiting 7 min" in done.stdout


def test_a_short_outbox_wait_is_fine(config: Path, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    record(tmp_path, beat("lobby", timedelta(seconds=20), outbox_depth=1, queue_state="outbox",
                          outbox_oldest_at=now - timedelta(minutes=2)))
    assert status(config, tmp_path).returncode == 0


def test_an_unusable_config_exits_two(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[staff]\nkiosk_silent_after_min = 0\n", encoding="utf-8")
    done = status(bad, tmp_path)
    assert done.returncode == 2
    assert "staff.kiosk_silent_after_min" in done.stderr


def test_the_silence_limit_comes_from_the_config() -> None:
    now = datetime.now(UTC)
    found = assess([beat("lobby", timedelta(minutes=4))], now, silent_after_min=3)
    assert found[0].problems and "SILENT" in describe(found[0])
    assert not assess([beat("lobby", timedelta(minutes=4))], now, silent_after_min=5)[0].problems
