"""`kiosk set-pin`, `kiosk export` and `kiosk staff`, run like a user runs them."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.callback_queue.model import BestTime, NewRequest, Status
from kiosk.callback_queue.store import CallbackStore
from kiosk.config import load_config
from kiosk.staff.commands import export, set_pin
from kiosk.staff.pin import verify_pin

ROOT = Path(__file__).resolve().parents[2]
HASH = "scrypt$16384$8$1$c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U="


def run_main(*args: str, stdin: str = "", tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "d"),
           "XDG_CONFIG_HOME": str(tmp_path / "c")}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)


# --- set-pin ------------------------------------------------------------------------------

CONFIG = """\
# Front desk kiosk
[clinic]
name = "Riverside"   # shown on Home

[staff]
lock_after_s = 60  # a minute
pin_hash = ""  # set with kiosk set-pin
retention_days = 30

[database]
url = ""
"""


def test_set_pin_from_stdin_keeps_every_other_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    done = run_main("set-pin", "--config", str(path), stdin="2580\n", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert str(path) in done.stdout
    text = path.read_text(encoding="utf-8")
    config = load_config(path)
    assert config.ok
    assert verify_pin("2580", config.staff.pin_hash)
    assert not verify_pin("2581", config.staff.pin_hash)
    assert "2580" not in text
    before, after = CONFIG.splitlines(), text.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    assert changed[0][1].startswith('pin_hash = "scrypt$')
    assert changed[0][1].endswith('"  # set with kiosk set-pin')
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_set_pin_edits_a_notepad_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(("\ufeff" + CONFIG).encode("utf-8"))
    assert set_pin(path, stdin=io.StringIO("2580\n"), stdout=io.StringIO(),
                   stderr=io.StringIO()) == 0
    config = load_config(path)
    assert config.ok, config.problems
    assert verify_pin("2580", config.staff.pin_hash)
    assert path.read_text(encoding="utf-8").count("[staff]") == 1


def test_set_pin_creates_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    done = run_main("set-pin", "--config", str(path), stdin="13579\n", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert verify_pin("13579", load_config(path).staff.pin_hash)


@pytest.mark.parametrize("pin", ["12", "12ab", "", "1234567890123"])
def test_set_pin_refuses_a_bad_pin_and_changes_nothing(tmp_path: Path, pin: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert set_pin(path, stdin=io.StringIO(pin + "\n"), stdout=out, stderr=err) == 1
    assert "4 to 12 digits" in err.getvalue()
    assert path.read_text(encoding="utf-8") == CONFIG


def test_set_pin_refuses_a_broken_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[staff\npin_hash = ''\n", encoding="utf-8")
    done = run_main("set-pin", "--config", str(path), stdin="2580\n", tmp_path=tmp_path)
    assert done.returncode == 2
    assert "not valid TOML" in done.stderr


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_set_pin_on_a_terminal_asks_twice(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    answers = iter(["2580", "2850"])
    err = io.StringIO()
    assert set_pin(path, stdin=Terminal(), stdout=io.StringIO(), stderr=err,
                   ask=lambda prompt: next(answers)) == 1
    assert "different" in err.getvalue() and not path.exists()
    answers = iter(["2580", "2580"])
    assert set_pin(path, stdin=Terminal(), stdout=io.StringIO(), stderr=io.StringIO(),
                   ask=lambda prompt: next(answers)) == 0
    assert verify_pin("2580", load_config(path).staff.pin_hash)


# --- export ----------------------------------------------------------------------------------

@pytest.fixture
def queue_config(tmp_path: Path) -> Path:
    db = tmp_path / "q.sqlite3"
    with CallbackStore.open(f"sqlite:///{db}") as store:
        store.submit(NewRequest.create("lobby", "=SUM(A1:A9)", "+12025550123", BestTime.ANY))
        closed = store.submit(NewRequest.create("lobby", "Ana Núñez", "+12025550124",
                                                BestTime.MORNING))
        store.set_status(closed.id, Status.CLOSED, "console:desk")
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    return path


def test_export_writes_escaped_csv_to_stdout(tmp_path: Path, queue_config: Path) -> None:
    done = run_main("export", "--config", str(queue_config), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout, newline="")))
    assert [r["name"] for r in rows] == ["'=SUM(A1:A9)", "Ana Núñez"]
    assert rows[0]["phone"] == "'+12025550123"
    assert "2 request(s) exported" in done.stderr


def test_export_one_status(tmp_path: Path, queue_config: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert export(queue_config, status="closed", stdout=out, stderr=err) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["name"] for r in rows] == ["Ana Núñez"]


def test_export_explains_an_unknown_status(tmp_path: Path, queue_config: Path) -> None:
    done = run_main("export", "--config", str(queue_config), "--status", "done",
                    tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "valid statuses are: new, no-answer, left-voicemail, scheduled, not-interested, " \
           "closed" in done.stderr


def test_export_refuses_a_config_with_problems(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[databse]\nurl = "sqlite:////nowhere/q.sqlite3"\n', encoding="utf-8")
    done = run_main("export", "--config", str(path), tmp_path=tmp_path)
    assert done.returncode == 2
    assert 'did you mean "database"' in done.stderr
    missing = run_main("export", "--config", str(tmp_path / "nope.toml"), tmp_path=tmp_path)
    assert missing.returncode == 2 and "config file not found" in missing.stderr


# --- staff console -----------------------------------------------------------------------------

def test_staff_console_refuses_a_config_without_pin(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[kiosk]\ndemo = false\n", encoding="utf-8")
    done = run_main("staff", "--config", str(path), tmp_path=tmp_path)
    assert done.returncode == 2
    assert "staff.pin_hash" in done.stderr and "set-pin" in done.stderr
