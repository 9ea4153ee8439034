"""Two kiosks and a staff console share one PostgreSQL queue: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.callback_queue.model import Status
from kiosk.callback_queue.outbox import ResilientQueue
from kiosk.callback_queue.store import CallbackStore

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PER_KIOSK = 500
TIMEOUT_S = 60

# The staff console: polls the queue like the staff screen does and logs a call attempt on
# every fifth new request it sees, until both kiosks are done; then reports what it did.
CONSOLE = """
import json, sys, time
from kiosk.callback_queue.model import Status
from kiosk.callback_queue.store import CallbackStore

url, expected, deadline = sys.argv[1], int(sys.argv[2]), time.monotonic() + float(sys.argv[3])
attempted, polls = [], 0
with CallbackStore.open(url) as store:
    while time.monotonic() < deadline:
        total = store.count()
        store.page()
        store.count(Status.NEW)
        store.change_marker()
        for req in store.page(Status.NEW, limit=25):
            if req.id % 5 == 0:
                store.record_attempt(req.id, Status.NO_ANSWER, "console", note="no answer")
                attempted.append(req.id)
        polls += 1
        if total >= expected and not any(r.id % 5 == 0 for r in store.page(Status.NEW, limit=25)):
            break
        time.sleep(0.01)
print(json.dumps({"attempted": attempted, "polls": polls}))
"""


def env() -> dict[str, str]:
    merged = dict(os.environ)
    merged["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), merged.get("PYTHONPATH")]))
    return merged


def start(args: list[str], log: Path) -> subprocess.Popen[str]:
    with log.open("w") as err:
        return subprocess.Popen(
            [sys.executable, *args], cwd=REPO, env=env(), stdout=subprocess.PIPE,
            stderr=err, text=True,
        )  # fmt: skip


def driver(url: str, kiosk: str, count: int, tmp: Path, seed: int | None = None) -> list[str]:
    args = ["-m", "kiosk.callback_queue.submit_driver", "--url", url, "--kiosk-id", kiosk,
            "--count", str(count), "--outbox", str(tmp / f"outbox-{kiosk}.sqlite3")]  # fmt: skip
    if seed is not None:
        args += ["--seed", str(seed)]
    return args


def finish(proc: subprocess.Popen[str], log: Path, deadline: float) -> str:
    try:
        out, _ = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"{proc.args!r} did not finish in time\n{log.read_text()}")
    assert proc.returncode == 0, f"{proc.args!r} failed:\n{log.read_text()}"
    return out


def keys(output: str) -> list[str]:
    lines = output.splitlines()
    assert lines[0] == "ready"
    assert all(line.startswith("confirmed ") for line in lines[1:])
    return [line.split()[1] for line in lines[1:]]


def test_two_kiosks_and_a_console(pg_url: str, tmp_path: Path) -> None:
    started = time.monotonic()
    deadline = started + TIMEOUT_S
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b", "console")}
    kiosk_a = start(driver(pg_url, "kiosk-a", PER_KIOSK, tmp_path), logs["a"])
    kiosk_b = start(driver(pg_url, "kiosk-b", PER_KIOSK, tmp_path), logs["b"])
    console = start(
        ["-c", CONSOLE, pg_url, str(2 * PER_KIOSK), str(TIMEOUT_S - 10)], logs["console"]
    )
    keys_a = keys(finish(kiosk_a, logs["a"], deadline))
    keys_b = keys(finish(kiosk_b, logs["b"], deadline))
    report = json.loads(finish(console, logs["console"], deadline))
    assert time.monotonic() - started < TIMEOUT_S

    assert len(keys_a) == len(keys_b) == PER_KIOSK
    confirmed = keys_a + keys_b
    assert len(set(confirmed)) == 2 * PER_KIOSK

    with CallbackStore.open(pg_url) as store:
        rows = store.page(limit=10 * PER_KIOSK)
        assert store.count() == 2 * PER_KIOSK
        stored_keys = [r.idempotency_key for r in rows]
        assert len(stored_keys) == len(set(stored_keys)) == 2 * PER_KIOSK
        assert set(stored_keys) == set(confirmed)
        assert {r.kiosk_id for r in rows} == {"kiosk-a", "kiosk-b"}

        attempted = report["attempted"]
        assert report["polls"] > 1
        assert attempted, "the console never got to record an attempt"
        assert len(attempted) == len(set(attempted))
        by_id = {r.id: r for r in rows}
        for request_id in attempted:
            assert (by_id[request_id].status, by_id[request_id].attempts) == (Status.NO_ANSWER, 1)
            assert [e.action for e in store.audit(request_id)] == ["attempt"]
        assert store.count(Status.NO_ANSWER) == len(attempted)
        report = store.verify_audit()  # processes racing to write never fork the chain
        assert report.intact, report.problem

    # Nothing had to wait in an outbox: the server was up the whole time.
    for kiosk in ("kiosk-a", "kiosk-b"):
        with ResilientQueue(pg_url, tmp_path / f"outbox-{kiosk}.sqlite3") as queue:
            assert queue.pending_count() == 0


def test_kiosks_racing_on_the_same_keys_store_each_once(pg_url: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    procs = [
        start(driver(pg_url, f"kiosk-{n}", 200, tmp_path, seed=7), log)
        for n, log in enumerate(logs)
    ]
    outputs = [keys(finish(proc, log, deadline)) for proc, log in zip(procs, logs, strict=True)]
    assert outputs[0] == outputs[1]  # same seed, same keys, submitted at the same time
    with CallbackStore.open(pg_url) as store:
        assert store.count() == 200
        assert {r.idempotency_key for r in store.page(limit=500)} == set(outputs[0])
