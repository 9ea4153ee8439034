"""The queue's SQLite files: no folder is made outside the data folder, and a file, side file
or folder the kiosk cannot write is refused with a clear error instead of a SIGBUS."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.callback_queue.engine import QueueFileError
from kiosk.callback_queue.store import CallbackStore

ROOT = Path(__file__).resolve().parents[2]
# Root ignores file modes, so as root the child runs without the capabilities that let it
# (setpriv); `runuser -u nobody` cannot work here: the interpreter lives under /root (0700).
_DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-chown",
         "--inh-caps=-all"]
_OPEN = """
import sys
from kiosk.callback_queue.engine import QueueFileError
from kiosk.callback_queue.store import CallbackStore
try:
    with CallbackStore.open(sys.argv[1]) as store:
        print("opened", store.count())
except QueueFileError as exc:
    print("refused:", exc)
    sys.exit(3)
"""


def unprivileged() -> list[str]:
    if os.name != "posix":
        pytest.skip("file modes are POSIX")
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file modes would be ignored")
    return _DROP


def open_in_child(path: Path) -> subprocess.CompletedProcess[str]:
    """Open the queue in a child process: a SIGBUS kills the child, not pytest."""
    return subprocess.run(
        [*unprivileged(), sys.executable, "-c", _OPEN, f"sqlite:///{path}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def queue_with_side_files(folder: Path) -> Path:
    """A queue whose -wal and -shm files are left on disk, as after a power cut."""
    path = folder / "queue.sqlite3"
    with CallbackStore.open(f"sqlite:///{path}"):
        pass
    keep = sqlite3.connect(path)
    keep.execute("PRAGMA journal_mode = WAL")
    keep.execute("INSERT INTO meta (key, value) VALUES ('probe', '1')")
    keep.commit()
    for suffix in ("-wal", "-shm"):
        shutil.copy(f"{path}{suffix}", f"{path}{suffix}.kept")
    keep.close()
    for suffix in ("-wal", "-shm"):
        os.replace(f"{path}{suffix}.kept", f"{path}{suffix}")
    return path


def test_a_missing_folder_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nonexistent-dir" / "x" / "q.db"
    with pytest.raises(QueueFileError, match="does not exist") as info:
        CallbackStore.open(f"sqlite:///{path}")
    assert isinstance(info.value, OSError)
    assert str(tmp_path / "nonexistent-dir" / "x") in str(info.value)
    assert not (tmp_path / "nonexistent-dir").exists()


def test_the_child_opens_a_writable_queue(tmp_path: Path) -> None:
    path = queue_with_side_files(tmp_path)
    done = open_in_child(path)
    assert (done.returncode, done.stdout.strip()) == (0, "opened 0"), done.stderr


@pytest.mark.parametrize("unwritable", ["-wal", "-shm", ""])
def test_an_unwritable_file_is_refused_not_a_crash(tmp_path: Path, unwritable: str) -> None:
    path = queue_with_side_files(tmp_path)
    os.chmod(f"{path}{unwritable}", 0o400)
    done = open_in_child(path)
    assert done.returncode == 3, (done.returncode, done.stdout, done.stderr)  # not -SIGBUS
    assert f"cannot write {path}{unwritable} " in done.stdout


def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    path = queue_with_side_files(tmp_path)
    os.remove(f"{path}-wal")
    os.remove(f"{path}-shm")
    os.chmod(tmp_path, 0o500)
    try:
        done = open_in_child(path)
    finally:
        os.chmod(tmp_path, 0o700)
    assert done.returncode == 3, (done.returncode, done.stdout, done.stderr)
    assert f"cannot create files in {tmp_path}" in done.stdout
