"""Kills a submitting kiosk at random moments: every confirmed request must still be stored once."""

from __future__ import annotations

import os
import random
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CONFIRMED = re.compile(
    r"confirmed ([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12})\n"
)
ROUNDS = 10
SEED = 20240601


def driver_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def start_driver(url: str, kiosk_id: str, count: int, stderr: Path) -> subprocess.Popen[str]:
    with stderr.open("a") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "kiosk.callback_queue.submit_driver",
             "--url", url, "--kiosk-id", kiosk_id, "--count", str(count)],
            cwd=REPO, env=driver_env(), stdout=subprocess.PIPE, stderr=err, text=True,
        )  # fmt: skip


def wait_until_ready(proc: subprocess.Popen[str], stderr: Path, timeout_s: float = 30) -> None:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout_s)
    line = proc.stdout.readline() if ready else ""
    if line != "ready\n":
        proc.kill()
        proc.wait()
        pytest.fail(f"driver did not start: {line!r}\n{stderr.read_text()}")


def confirmed_keys(output: str) -> list[str]:
    # A line cut short by the kill is not a confirmation: only whole lines count.
    return [m.group(1) for m in CONFIRMED.finditer(output)]


def check_integrity(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def test_sigkill_never_loses_a_confirmed_request(tmp_path: Path) -> None:
    db = tmp_path / "queue.sqlite3"
    url = f"sqlite:///{db}"
    stderr = tmp_path / "driver-stderr.txt"
    rng = random.Random(SEED)
    confirmed: list[str] = []

    for round_no in range(ROUNDS):
        proc = start_driver(url, f"kiosk-{round_no}", 1_000_000, stderr)
        wait_until_ready(proc, stderr)
        time.sleep(rng.uniform(0.05, 0.5))
        proc.send_signal(signal.SIGKILL)
        assert proc.stdout is not None
        output = proc.stdout.read()
        proc.stdout.close()
        assert proc.wait() == -signal.SIGKILL, "the driver finished before it was killed"
        confirmed += confirmed_keys(output)
        check_integrity(db)

    assert len(confirmed) >= ROUNDS, "too few confirmations for the test to mean anything"
    assert len(set(confirmed)) == len(confirmed)

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = dict(
            conn.execute(
                "SELECT idempotency_key, count(*) FROM callback_requests GROUP BY idempotency_key"
            ).fetchall()
        )
    finally:
        conn.close()
    missing = [key for key in confirmed if key not in stored]
    assert missing == [], f"{len(missing)} confirmed requests were lost"
    assert all(count == 1 for count in stored.values())
    # Anything stored beyond the confirmations was committed just before a kill, never twice.
    assert len(stored) >= len(confirmed)
