"""The queue writes the file at its path: a removed or replaced data folder loses nothing."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from kiosk.callback_queue.engine import QueueFileError
from kiosk.callback_queue.model import BestTime, NewRequest
from kiosk.callback_queue.outbox import ResilientQueue
from kiosk.callback_queue.store import CallbackStore


def make_request(n: int) -> NewRequest:
    return NewRequest.create("lobby", f"Patient {n}", f"+1202555{n:04d}", BestTime.ANY)


def keys_at(path: Path) -> set[str]:
    """What a freshly started kiosk would find at the path."""
    with CallbackStore.open(f"sqlite:///{path}") as store:
        return {r.idempotency_key for r in store.page(limit=1000, newest_first=False)}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    return data


def test_a_removed_folder_refuses_writes_until_it_is_back_then_gets_a_new_queue(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = folder / "queue.sqlite3"
    with CallbackStore.open(f"sqlite:///{path}") as store:
        before = store.submit(make_request(1))
        shutil.rmtree(folder)  # a clean-up script, while the kiosk runs
        with caplog.at_level(logging.ERROR, "kiosk.callback_queue.store"):
            for _ in range(3):  # never "stored" into the unlinked file
                with pytest.raises(QueueFileError, match="does not exist"):
                    store.submit(make_request(9))
            folder.mkdir()  # the kiosk re-creates its data folder before each write
            after = [store.submit(make_request(n)) for n in (2, 3)]
    assert {r.idempotency_key for r in after} == keys_at(path)
    assert before.idempotency_key not in keys_at(path)  # it went with the folder it was in
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and str(path) in errors[0].getMessage()
    assert (path.stat().st_mode & 0o777) == 0o600


def test_an_emptied_folder_gets_a_new_queue(folder: Path) -> None:
    path = folder / "queue.sqlite3"
    with CallbackStore.open(f"sqlite:///{path}") as store:
        store.submit(make_request(1))
        for leftover in folder.iterdir():
            leftover.unlink()
        stored = store.submit(make_request(2))
    assert keys_at(path) == {stored.idempotency_key}


def test_a_restored_backup_is_written_to_not_the_file_it_replaced(folder: Path) -> None:
    path = folder / "queue.sqlite3"
    backup = folder / "backup.sqlite3"
    with CallbackStore.open(f"sqlite:///{backup}") as old:
        kept = old.submit(make_request(1))
    with CallbackStore.open(f"sqlite:///{path}") as store:
        store.submit(make_request(2))
        for side in ("-wal", "-shm"):
            Path(f"{path}{side}").unlink(missing_ok=True)
        shutil.move(backup, path)  # IT restores last night's backup over the live file
        stored = store.submit(make_request(3))
        assert store.count() == 2  # the staff view follows the file too
    assert keys_at(path) == {kept.idempotency_key, stored.idempotency_key}


def test_staff_changes_follow_the_file(folder: Path) -> None:
    path = folder / "queue.sqlite3"
    with CallbackStore.open(f"sqlite:///{path}") as store:
        store.submit(make_request(1))
        shutil.rmtree(folder)
        folder.mkdir()
        marker = store.change_marker()
    assert marker == (0, None, 0)  # the new, empty queue is what staff now see


@pytest.mark.postgres
def test_the_outbox_follows_its_file_too(pg_url: str, pg_server, tmp_path: Path) -> None:
    outbox = tmp_path / "spool" / "outbox.sqlite3"
    outbox.parent.mkdir()
    pg_server.stop()
    try:
        with ResilientQueue(pg_url, outbox) as queue:
            assert queue.submit(make_request(1)).stored_locally
            shutil.rmtree(outbox.parent)
            outbox.parent.mkdir()
            second = queue.submit(make_request(2))
            assert second.stored_locally and queue.pending_count() == 1
    finally:
        pg_server.start()
    with ResilientQueue(pg_url, outbox) as queue:
        assert queue.deliver_pending() == 1
        assert [r.idempotency_key for r in queue.store().page(limit=10)] == [
            second.idempotency_key]
