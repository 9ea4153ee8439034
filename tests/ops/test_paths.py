"""The data folder: the one folder the kiosk creates, private to its user."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.ops.paths import data_dir, database_url, outbox_path, prepare_data_dir


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    return tmp_path / "share"


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_prepare_data_dir_creates_it_private(data_home: Path) -> None:
    folder = prepare_data_dir()
    assert folder == data_dir() == data_home / "clinic-kiosk"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert prepare_data_dir() == folder  # a second call is harmless


def test_the_default_queue_and_outbox_are_in_the_data_folder(data_home: Path,
                                                             tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")  # problems aside, the defaults
    queue = data_home / "clinic-kiosk" / "callback-queue.sqlite3"
    assert database_url(config) == f"sqlite:///{queue}"
    assert outbox_path(config).parent == data_dir()
    assert not data_dir().exists()  # naming them creates nothing


def test_a_config_with_its_own_sqlite_queue_needs_no_data_folder(data_home: Path,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "q.db"}"\n', encoding="utf-8")
    prepare_data_dir(load_config(path))
    assert not data_dir().exists()
    path.write_text('[database]\nurl = "postgresql+psycopg://kiosk@db/kiosk"\n', encoding="utf-8")
    prepare_data_dir(load_config(path))  # the outbox lives there
    assert data_dir().is_dir()
