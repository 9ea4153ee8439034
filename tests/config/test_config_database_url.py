"""`[database] url` is checked when the config loads: `check` and the kiosk refuse the same URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import default_data_dir, load_config


def load_url(tmp_path: Path, url: str, *, above: str = "") -> list:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'{above}[database]\nurl = "{url}"\n', encoding="utf-8")
    return list(load_config(path).problems)


@pytest.mark.parametrize("url", [
    "sqlite:///{tmp}/queue.sqlite3",
    "postgresql+psycopg://kiosk:pw@db.clinic.lan:5432/kiosk?sslmode=require",
    "postgresql+psycopg://kiosk:p%40ss@192.168.10.5/kiosk",
    "postgresql+psycopg://kiosk@[::1]:5432/kiosk",
    "postgresql+psycopg://kiosk@localhost/kiosk",
    "postgresql+psycopg:///kiosk",  # the local socket
    "postgresql://kiosk@db/kiosk",  # the engine reads plain postgresql as psycopg
])
def test_good_urls_pass(tmp_path, url):
    assert load_url(tmp_path, url.format(tmp=tmp_path)) == []


def test_a_file_in_the_default_data_folder_passes_before_the_folder_exists(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "nowhere-yet"))
    folder = default_data_dir()
    assert not folder.exists()
    assert load_url(tmp_path, f"sqlite:///{folder / 'callback-queue.sqlite3'}") == []
    assert not folder.exists()  # checking creates nothing


@pytest.mark.parametrize(("url", "fragment"), [
    ("::::", "is not a database URL"),
    (" sqlite:///{tmp}/q.db", "spaces at its start or end"),
    ("mysql://x", 'uses "mysql"'),
    ("postgresql+psycopg2://kiosk@db/kiosk", 'uses "postgresql+psycopg2"'),
    ("sqlite:///file:x?mode=ro", "no ?options"),
    ("sqlite:///{tmp}/q.db?timeout=5", "no ?options"),
    ("sqlite:///file:{tmp}/q.db", "file: URI"),
    ("sqlite://", "names no file"),
    ("sqlite:///:memory:", "names no file"),
    ("sqlite:///queue.sqlite3", "relative path"),
    ("sqlite://host/{tmp}/q.db", "names a host"),
    ("sqlite:////nonexistent-dir/x/q.db", "/nonexistent-dir/x, which does not exist"),
    ("sqlite:///{tmp}", "which is a folder"),
    ("postgresql+psycopg://kiosk@256.1.1.1/kiosk", 'host "256.1.1.1"'),
    ("postgresql+psycopg://kiosk@db_server!/kiosk", 'host "db_server!"'),
    ("postgresql+psycopg://kiosk@-db/kiosk", 'host "-db"'),
    ("postgresql+psycopg://kiosk@[::zz]/kiosk", "not an IPv6 address"),
    ("postgresql+psycopg://kiosk@db:0/kiosk", 'port "0"'),
    ("postgresql+psycopg://kiosk@db:65536/kiosk", 'port "65536"'),
    ("postgresql+psycopg://kiosk@db:54x/kiosk", 'port "54x"'),
    ("postgresql+psycopg://kiosk@db:/kiosk", 'port ""'),
])
def test_bad_urls_name_database_url_the_file_and_the_line(tmp_path, url, fragment):
    problems = load_url(tmp_path, url.format(tmp=tmp_path), above="# the queue\n\n")
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.key, problem.line) == ("database.url", 4)
    assert fragment in problem.message
    assert str(problem).startswith(f"{tmp_path / 'kiosk.toml'}:4: database.url: ")


def test_a_bad_url_keeps_the_default(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[database]\nurl = "mysql://x"\n', encoding="utf-8")
    assert load_config(path).database.url == ""


def test_a_password_is_not_repeated_in_the_message(tmp_path):
    (problem,) = load_url(tmp_path, "postgres ql://kiosk:s3cret@db/kiosk")
    assert "s3cret" not in str(problem)


def test_a_missing_driver_is_named(tmp_path, monkeypatch):
    from kiosk.config import database_url

    monkeypatch.setitem(database_url.DRIVERS, "postgresql+psycopg", "no_such_driver_module")
    (problem,) = load_url(tmp_path, "postgresql+psycopg://kiosk@db/kiosk")
    assert '"no_such_driver_module"' in problem.message
