"""`kiosk check` looks at the real queue, read-only: a damaged file, an unreachable server or a
schema from a newer kiosk fail it, naming database.url."""

from __future__ import annotations

import os
import random
import socket
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kiosk.callback_queue.model import BestTime, NewRequest
from kiosk.callback_queue.schema import SCHEMA_VERSION
from kiosk.callback_queue.store import CallbackStore
from kiosk.ops.check import run_check


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The platform data folder (default queue, outbox) moved into tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    return tmp_path / "share" / "clinic-kiosk"


def check(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run_check(config)
    out, err = capsys.readouterr()
    return code, out, err


def filled_queue(path: Path, rows: int = 200) -> Path:
    with CallbackStore.open(f"sqlite:///{path}") as store:
        for n in range(rows):
            store.submit(NewRequest.create("lobby", f"Patient {n}", "+12025550143", BestTime.ANY))
    assert not Path(f"{path}-wal").exists()  # closed and checkpointed
    return path


def test_a_healthy_queue_passes_and_is_described(tmp_path, make_config, capsys):
    queue = filled_queue(tmp_path / "queue.sqlite3")
    before = (queue.read_bytes(), queue.stat().st_mtime_ns)
    code, out, err = check(make_config(), capsys)
    assert code == 0, err
    assert f"queue: SQLite queue {queue}: schema {SCHEMA_VERSION}, 200 request(s)" in out
    assert "config, content and queue are valid" in out
    assert (queue.read_bytes(), queue.stat().st_mtime_ns) == before  # read-only
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("queue")) == [
        "queue.sqlite3"]  # no -wal or -shm left behind


def test_random_bytes_in_the_middle_of_the_queue_fail_check(tmp_path, make_config, capsys):
    queue = filled_queue(tmp_path / "queue.sqlite3")
    size = queue.stat().st_size
    assert size > 16_384
    with open(queue, "r+b") as f:
        f.seek(size // 2)
        f.write(random.Random(7).randbytes(4096))
    config = make_config()
    code, out, err = check(config, capsys)
    assert code == 1
    assert f"{config}: database.url: {queue} is damaged" in err
    assert "1 problem(s) found." in err


def test_a_file_that_is_not_a_database_fails_check(tmp_path, make_config, capsys):
    (tmp_path / "queue.sqlite3").write_bytes(random.Random(3).randbytes(8192))
    code, _out, err = check(make_config(), capsys)
    assert code == 1
    assert "database.url: " in err and "cannot be read as a SQLite database" in err


def test_a_missing_default_queue_is_fine_and_stays_missing(make_config, capsys, data_home):
    code, out, err = check(make_config(database={"url": ""}), capsys)
    assert code == 0, err
    assert "does not exist yet; the kiosk creates it at first start" in out
    assert not data_home.exists()


def test_a_schema_from_a_newer_kiosk_fails_check(tmp_path, make_config, capsys):
    queue = filled_queue(tmp_path / "queue.sqlite3", rows=1)
    with sqlite3.connect(queue) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    code, _out, err = check(make_config(), capsys)
    assert code == 1
    assert "database.url: its schema version 99 was written by a newer kiosk" in err


def test_a_damaged_outbox_fails_check(tmp_path, make_config, capsys, data_home):
    filled_queue(tmp_path / "queue.sqlite3", rows=1)
    data_home.mkdir(parents=True)
    (data_home / "outbox.sqlite3").write_bytes(b"not a database" * 500)
    code, _out, err = check(make_config(), capsys)
    assert code == 1
    assert f"{data_home / 'outbox.sqlite3'}: the kiosk's outbox: " in err


def test_a_config_with_problems_does_not_inspect_the_default_queue(make_config, capsys):
    code, out, err = check(make_config(database={"url": "mysql://x"}), capsys)
    assert code == 1
    assert "database.url: uses \"mysql\"" in err
    assert "queue: not inspected until the config file is fixed" in out


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_missing_postgresql_server_fails_check_quickly(make_config, capsys):
    import time

    url = f"postgresql+psycopg://kiosk@127.0.0.1:{_closed_port()}/kiosk"
    started = time.monotonic()
    code, _out, err = check(make_config(database={"url": url}), capsys)
    assert code == 1
    assert "database.url: cannot use the PostgreSQL server" in err
    assert time.monotonic() - started < 10


@pytest.mark.postgres
def test_postgresql_empty_then_current_then_too_new(pg_url, make_config, capsys):
    config = make_config(database={"url": pg_url})
    code, out, err = check(config, capsys)
    assert code == 0, err
    assert "empty; the kiosk creates its tables at first start" in out
    with CallbackStore.open(pg_url) as store:
        store.submit(NewRequest.create("lobby", "Ana", "+12025550143", BestTime.ANY))
    code, out, err = check(config, capsys)
    assert code == 0, err
    assert f"schema {SCHEMA_VERSION}, 1 request(s)" in out
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    engine.dispose()
    code, _out, err = check(config, capsys)
    assert code == 1
    assert f"{config}: database.url: its schema version 99 was written by a newer kiosk" in err


def test_check_never_creates_the_queue(tmp_path, make_config, capsys):
    code, out, _err = check(make_config(), capsys)
    assert code == 0
    assert "does not exist yet" in out
    assert not (tmp_path / "queue.sqlite3").exists()
    assert os.listdir(tmp_path) == ["kiosk.toml"]  # nor the data folder


def test_a_section_due_for_review_warns_but_passes(tmp_path, make_config, capsys, monkeypatch):
    import shutil

    from kiosk.education import content

    root = tmp_path / "content"
    shutil.copytree(content.content_root(), root)
    manifest = root / "en" / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "reviewed_on = 2026-12-01", "reviewed_on = 2020-01-01", 1), encoding="utf-8")
    monkeypatch.setattr(content, "content_root", lambda: root)
    code, out, err = check(make_config(), capsys)
    assert code == 0, err
    assert f"warning: {manifest} (what-is): review is due since 2020-12-31" in err
    assert err.count("warning:") == 1
    assert "config, content and queue are valid" in out


def test_a_section_without_review_metadata_fails_check(tmp_path, make_config, capsys,
                                                       monkeypatch):
    import shutil

    from kiosk.education import content

    root = tmp_path / "content"
    shutil.copytree(content.content_root(), root)
    manifest = root / "es" / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'reviewed_by = "Kiosk team', 'reviewer = "Kiosk team', 1), encoding="utf-8")
    monkeypatch.setattr(content, "content_root", lambda: root)
    code, _, err = check(make_config(), capsys)
    assert code == 1
    assert f'{manifest} (section 1): needs "reviewed_by"' in err
