"""`kiosk audit`, `kiosk audit verify` and `kiosk export --reason`, run as a user runs them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from kiosk.callback_queue.model import Actor, BestTime, NewRequest, Status
from kiosk.callback_queue.store import CallbackStore
from kiosk.staff.commands import audit, export

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+12025550188"


def run_main(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "d"),
           "XDG_CONFIG_HOME": str(tmp_path / "c")}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, env=env, timeout=120, cwd=ROOT)


def worked_queue(tmp_path: Path, url: str) -> tuple[Path, int, int]:
    with CallbackStore.open(url) as store:
        first = store.submit(NewRequest.create("lobby-1", "Maria Lopez", PHONE, BestTime.ANY))
        other = store.submit(NewRequest.create("lobby-1", "Sam Oyelaran", "+12025550177",
                                               BestTime.ANY))
        ana = Actor("Ana", "kiosk lobby-1")
        store.record_event(ana, "sign-in", "signed in (staff)")
        store.record_view(first.id, ana)
        store.record_attempt(first.id, Status.NO_ANSWER, ana, note=f"call back on {PHONE}")
        store.set_status(other.id, Status.CLOSED, Actor("Ben", "console desk-2"))
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return path, first.id, other.id


def lines_of(path: Path, *args: object) -> tuple[int, list[str]]:
    out, err = io.StringIO(), io.StringIO()
    code = audit(path, *args, stdout=out, stderr=err)  # type: ignore[arg-type]
    return code, out.getvalue().splitlines()


def test_audit_prints_who_where_what_and_never_a_phone_number(tmp_path: Path,
                                                              store_url: str) -> None:
    path, first, other = worked_queue(tmp_path, store_url)
    code, lines = lines_of(path)
    assert code == 0
    fields = [line.split("\t") for line in lines]
    assert [(f[1], f[2]) for f in fields] == [
        ("Ana on kiosk lobby-1", "sign-in"), ("Ana on kiosk lobby-1", "view"),
        ("Ana on kiosk lobby-1", "attempt"), ("Ben on console desk-2", "status")]
    assert all(f[0].endswith(" UTC") and len(f) == 4 for f in fields)
    assert fields[1][3] == f"request {first}: opened the request's details"
    printed = "\n".join(lines)
    for secret in ("2025550188", "555 0188", "Maria", "Lopez"):
        assert secret not in printed
    code, only = lines_of(path, None, other)
    assert code == 0 and len(only) == 1 and "Ben" in only[0] and f"request {other}:" in only[0]


def test_audit_verify_exits_1_naming_the_changed_row(tmp_path: Path, store_url: str) -> None:
    path, _first, _other = worked_queue(tmp_path, store_url)
    code, lines = lines_of(path, "verify")
    assert code == 0 and "intact" in lines[0] and "4 row(s)" in lines[0]
    with CallbackStore.open(store_url) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET person = 'Eve' WHERE id = 3"))
    code, lines = lines_of(path, "verify")
    assert code == 1 and "row 3" in lines[0]


def test_audit_verify_as_a_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    path, _first, _other = worked_queue(tmp_path, url)
    done = run_main("audit", "verify", "--config", str(path), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    with CallbackStore.open(url) as store, store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    done = run_main("audit", "verify", "--config", str(path), tmp_path=tmp_path)
    assert done.returncode == 1
    assert "row 3 is not chained to row 1" in done.stdout
    shown = run_main("audit", "--request", "1", "--config", str(path), tmp_path=tmp_path)
    assert shown.returncode == 0 and "attempt" in shown.stdout


def test_export_records_who_and_why(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    path, _first, _other = worked_queue(tmp_path, url)
    out = io.StringIO()
    assert export(path, reason=f"insurer asked; ring {PHONE}", stdout=out,
                  stderr=io.StringIO()) == 0
    code, lines = lines_of(path)
    who, action, detail = lines[-1].split("\t")[1:]
    assert action == "export"
    assert who.startswith("admin on command line ")
    assert detail == "exported 2 requests; reason: insurer asked; ring [number]"


def test_audit_shows_the_consent_a_patient_agreed_to(tmp_path: Path, store_url: str) -> None:
    wording = "Sí, acepto que la clínica me llame a este número."
    with CallbackStore.open(store_url) as store:
        agreed = store.submit(NewRequest.create("lobby-1", "Maria Lopez", PHONE, BestTime.ANY,
                                                consent_text=wording, language="es"))
        old = store.submit(NewRequest.create("lobby-1", "Sam Oyelaran", "+12025550177",
                                             BestTime.ANY))
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{store_url}"\n', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert audit(path, None, agreed.id, consent=True, stdout=out, stderr=err) == 0
    (line,) = [x for x in out.getvalue().splitlines() if x.startswith("consent\t")]
    assert line.endswith(f"language es: {wording}") and f"request {agreed.id}:" in line
    assert PHONE[2:] not in out.getvalue()
    out = io.StringIO()
    assert audit(path, None, old.id, consent=True, stdout=out, stderr=err) == 0
    assert "none recorded" in out.getvalue()
    err = io.StringIO()
    assert audit(path, None, None, consent=True, stdout=io.StringIO(), stderr=err) == 2
    assert "--request" in err.getvalue()
    done = run_main("audit", "--config", str(path), "--request", str(agreed.id), "--consent",
                    tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert wording in done.stdout
