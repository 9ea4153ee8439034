"""`kiosk set-pin`, `kiosk export` and `kiosk staff`, run like a user runs them."""

from __future__ import annotations

import base64
import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import pytest
from pin_costs import cheap_hash

from kiosk.callback_queue.accounts import AccountStore
from kiosk.callback_queue.model import (
    AuditEntry,
    BestTime,
    NewRequest,
    Role,
    StaffAccount,
    Status,
)
from kiosk.callback_queue.store import CallbackStore
from kiosk.config import load_config
from kiosk.ops.paths import database_url
from kiosk.staff.commands import export, set_pin, staff_user
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
retention_days = 30

[database]
url = "sqlite:///{db}"
"""


def config_file(tmp_path: Path, url: str | None = None, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    url = url or f"sqlite:///{tmp_path / 'q.sqlite3'}"
    path.write_text(CONFIG.replace("sqlite:///{db}", url) + extra, encoding="utf-8")
    return path


def accounts_of(path: Path) -> list[StaffAccount]:
    with CallbackStore.open(database_url(load_config(path))) as store:
        return AccountStore(store.engine).list()


def trail_of(path: Path) -> list[AuditEntry]:
    with CallbackStore.open(database_url(load_config(path))) as store:
        return store.audit_trail()


def quiet(**streams: TextIO) -> dict[str, TextIO]:
    return {"stdout": io.StringIO(), "stderr": io.StringIO(), **streams}


def test_set_pin_sets_the_admin_account_staff_at_the_production_cost(tmp_path: Path) -> None:
    path = config_file(tmp_path)
    before = path.read_text(encoding="utf-8")
    done = run_main("set-pin", "--config", str(path), stdin="2580\n2580\n", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Staff" in done.stdout
    assert path.read_text(encoding="utf-8") == before  # the PIN lives in the queue now
    (staff,) = accounts_of(path)
    assert (staff.name, staff.role) == ("Staff", Role.ADMIN)
    # What is stored: scrypt at OWASP's N=2^17, r=8, p=1, with its salt.
    scheme, n, r, p, salt, key = staff.pin_hash.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**17), "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert verify_pin("2580", staff.pin_hash) and not verify_pin("2581", staff.pin_hash)
    assert "2580" not in staff.pin_hash


def test_set_pin_again_changes_the_same_account(tmp_path: Path, cheap_pin_hashes: None) -> None:
    path = config_file(tmp_path)
    assert set_pin(path, stdin=io.StringIO("2580\n"), **quiet()) == 0
    assert set_pin(path, stdin=io.StringIO("13579\n"), **quiet()) == 0
    (staff,) = accounts_of(path)
    assert verify_pin("13579", staff.pin_hash)
    assert [e.action for e in trail_of(path)] == ["account-add", "account-pin"]


def test_set_pin_creates_a_missing_file(tmp_path: Path, cheap_pin_hashes: None,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    path = tmp_path / "new" / "config.toml"
    assert set_pin(path, stdin=io.StringIO("13579\n"), **quiet()) == 0
    assert path.exists()
    assert [a.name for a in accounts_of(path)] == ["Staff"]


@pytest.mark.parametrize("pin", ["12", "12ab", "", "1234567890123"])
def test_set_pin_refuses_a_bad_pin_and_changes_nothing(tmp_path: Path, pin: str) -> None:
    path = config_file(tmp_path)
    err = io.StringIO()
    assert set_pin(path, stdin=io.StringIO(pin + "\n"), stdout=io.StringIO(), stderr=err) == 1
    assert "4 to 12 digits" in err.getvalue() and "Nothing was changed" in err.getvalue()
    assert accounts_of(path) == []


def test_set_pin_refuses_a_broken_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[staff\npin_hash = ''\n", encoding="utf-8")
    done = run_main("set-pin", "--config", str(path), stdin="2580\n", tmp_path=tmp_path)
    assert done.returncode == 2
    assert "not valid TOML" in done.stderr


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_set_pin_on_a_terminal_asks_twice(tmp_path: Path, cheap_pin_hashes: None) -> None:
    path = config_file(tmp_path)
    answers = iter(["2580", "2850"])
    err = io.StringIO()
    assert set_pin(path, stdin=Terminal(), stdout=io.StringIO(), stderr=err,
                   ask=lambda prompt: next(answers)) == 1
    assert "different" in err.getvalue() and accounts_of(path) == []
    answers = iter(["2580", "2580"])
    assert set_pin(path, stdin=Terminal(), **quiet(), ask=lambda prompt: next(answers)) == 0
    assert verify_pin("2580", accounts_of(path)[0].pin_hash)


def test_a_piped_pin_read_twice_must_agree(tmp_path: Path, cheap_pin_hashes: None) -> None:
    path = config_file(tmp_path)
    err = io.StringIO()
    assert set_pin(path, stdin=io.StringIO("2580\n2581\n"), stdout=io.StringIO(),
                   stderr=err) == 1
    assert "different" in err.getvalue() and accounts_of(path) == []


# --- staff-user ------------------------------------------------------------------------------

def user(path: Path, action: str, name: str | None = None, pin: str = "", *,
         admin: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = staff_user(path, action, name, admin=admin, stdin=io.StringIO(pin), stdout=out,
                      stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_staff_user_add_list_remove_and_set_pin(tmp_path: Path, store_url: str,
                                                cheap_pin_hashes: None) -> None:
    path = config_file(tmp_path, store_url)
    assert user(path, "add", "Ana", "2580\n2580\n", admin=True)[0] == 0
    code, _out, err = user(path, "add", "ana", "1111\n")
    assert code == 1 and "already a staff account named 'ana'" in err
    assert user(path, "add", "Ben  Ode", "1470\n")[0] == 0
    code, out, _err = user(path, "list")
    assert code == 0 and out == "Ana\tadmin\nBen Ode\tstaff\n"
    assert "scrypt" not in out
    code, _out, err = user(path, "add", "Cy", "12\n")
    assert code == 1 and "4 to 12 digits" in err
    code, _out, err = user(path, "remove", "Ana")
    assert code == 1 and "last admin" in err
    code, _out, err = user(path, "remove", "Zed")
    assert code == 1 and "no staff account named 'Zed'" in err
    code, _out, err = user(path, "set-pin", "Zed", "1234\n")
    assert code == 1 and "no staff account named 'Zed'" in err
    code, _out, err = user(path, "set-pin", "ben ode", "2222\n3333\n")
    assert code == 1 and "different" in err
    assert user(path, "set-pin", "ben ode", "2222\n2222\n")[0] == 0
    ben = [a for a in accounts_of(path) if a.name == "Ben Ode"][0]
    assert verify_pin("2222", ben.pin_hash)
    assert user(path, "remove", "BEN ODE")[0] == 0
    assert user(path, "list")[1] == "Ana\tadmin\n"
    # Every change is in the trail, with who made it and where.
    rows = [(e.person, e.action, e.detail) for e in trail_of(path)]
    assert [action for _p, action, _d in rows] == [
        "account-add", "account-add", "account-pin", "account-remove"]
    assert all(person == "admin" for person, _a, _d in rows)
    assert all(e.place.startswith("command line ") for e in trail_of(path))


def test_staff_user_runs_like_a_user_runs_it(tmp_path: Path) -> None:
    path = config_file(tmp_path)
    done = run_main("staff-user", "list", "--config", str(path), tmp_path=tmp_path)
    assert done.returncode == 0 and done.stdout == "" and "No staff accounts" in done.stderr
    done = run_main("staff-user", "remove", "Nobody", "--config", str(path), tmp_path=tmp_path)
    assert done.returncode == 1 and "no staff account named 'Nobody'" in done.stderr


# --- the old shared PIN --------------------------------------------------------------------------

def with_pin_hash(path: Path, pin_hash: str) -> Path:
    """The config as releases before staff accounts left it: one shared PIN's hash."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("retention_days = 30\n",
                                 f'retention_days = 30\npin_hash = "{pin_hash}"\n'),
                    encoding="utf-8")
    return path


def test_an_old_pin_hash_becomes_the_admin_account_staff(tmp_path: Path) -> None:
    old = cheap_hash("2580")
    path = with_pin_hash(config_file(tmp_path), old)
    code, out, _err = user(path, "list")  # any command that opens the queue
    assert code == 0 and out == "Staff\tadmin\n"
    assert accounts_of(path)[0].pin_hash == old
    assert trail_of(path)[0].action == "account-add"
    # Once adopted it is an account like any other: removed, it stays removed.
    with CallbackStore.open(database_url(load_config(path))) as store:
        AccountStore(store.engine).add("Ana", Role.ADMIN, cheap_hash("1111"), "test")
    assert user(path, "remove", "Staff")[0] == 0
    assert user(path, "list")[1] == "Ana\tadmin\n"


def test_an_old_pin_hash_never_replaces_an_account_staff(tmp_path: Path,
                                                         cheap_pin_hashes: None) -> None:
    path = config_file(tmp_path)
    assert set_pin(path, stdin=io.StringIO("1111\n"), **quiet()) == 0
    with_pin_hash(path, cheap_hash("2580"))
    assert user(path, "list")[1] == "Staff\tadmin\n"
    assert verify_pin("1111", accounts_of(path)[0].pin_hash)


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

def test_staff_console_refuses_a_queue_without_accounts(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[kiosk]\ndemo = false\n", encoding="utf-8")
    done = run_main("staff", "--config", str(path), tmp_path=tmp_path)
    assert done.returncode == 2
    assert "No staff account" in done.stderr and "staff-user add" in done.stderr
