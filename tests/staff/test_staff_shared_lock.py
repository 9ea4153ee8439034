"""The PIN lock-out kept in the queue database: it survives a restart, binds every gate on the
database, and falls back to memory (never open, never locked for good) when it is down."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.callback_queue.engine import make_engine, write_transaction
from kiosk.callback_queue.lockout import LockoutStore
from kiosk.callback_queue.model import utc_now
from kiosk.callback_queue.schema import pin_lockout_table
from kiosk.callback_queue.store import CallbackStore
from kiosk.staff.access import PinGate, account_scope
from kiosk.staff.pin import PinLock
from kiosk.staff.shared_lock import SharedLockout

PIN = "1357"
ROOT = Path(__file__).resolve().parents[2]
#: Nothing listens on the discard port: connecting is refused at once.
DOWN_URL = "postgresql+psycopg://kiosk@127.0.0.1:9/queue"


@pytest.fixture
def url(store_url: str) -> str:
    """An empty queue database, once on SQLite and once on PostgreSQL (tests/conftest)."""
    return store_url


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def gate(url: str, clock: Clock | None = None) -> PinGate:
    clock = clock or Clock()
    lock = PinLock(clock=clock, verify=lambda pin, _stored: pin == PIN)
    return PinGate("x", demo=False, lock=lock, shared=SharedLockout(url), clock=clock)


def test_lock_out_survives_a_restart(url: str) -> None:
    first = gate(url)
    for left in (4, 3, 2, 1):
        assert first.try_pin("0000").attempts_left == left
    assert first.try_pin("0000").locked_for_s == 30
    first.close()

    restarted = gate(url)  # a new process: nothing in memory
    assert restarted.locked_for_s() == 0  # not read yet: the GUI thread never waits for it
    restarted.refresh()
    assert 25 < restarted.locked_for_s() <= 30
    refused = restarted.try_pin(PIN)
    assert not refused.ok and refused.locked_for_s > 25
    restarted.close()


def test_two_gates_on_one_database_share_the_count(url: str) -> None:
    kiosk, console = gate(url), gate(url)
    for _ in range(3):
        kiosk.try_pin("0000")
    assert console.try_pin("0000").attempts_left == 1
    assert console.try_pin("0000").locked_for_s == pytest.approx(30, abs=1)
    # The kiosk made only three wrong tries itself, yet it is locked too.
    assert not kiosk.try_pin(PIN).ok
    assert kiosk.locked_for_s() > 25
    kiosk.close()
    console.close()


def test_a_right_pin_clears_the_shared_count(url: str) -> None:
    kiosk, console = gate(url), gate(url)
    for _ in range(4):
        kiosk.try_pin("0000")
    assert console.try_pin(PIN).ok
    assert console.try_pin("0000").attempts_left == 4
    # The kiosk still remembers its own four: the stricter count applies there.
    assert kiosk.try_pin("0000").locked_for_s == 30
    kiosk.close()
    console.close()


def test_lock_out_set_by_another_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    script = (
        "from kiosk.staff.access import PinGate\n"
        "from kiosk.staff.pin import PinLock\n"
        "from kiosk.staff.shared_lock import SharedLockout\n"
        "import sys\n"
        "g = PinGate('x', demo=False, lock=PinLock(verify=lambda p, s: False),\n"
        "            shared=SharedLockout(sys.argv[1]))\n"
        "print([g.try_pin('0000').locked_for_s for _ in range(5)][-1])\n"
        "g.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", script, url], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**os.environ}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "30.0"
    here = gate(url)
    here.refresh()
    assert here.locked_for_s() > 20
    assert not here.try_pin(PIN).ok
    here.close()


def test_database_down_falls_back_to_memory(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    down = gate(DOWN_URL, clock)
    with caplog.at_level(logging.WARNING, logger="kiosk.staff.shared_lock"):
        for _ in range(4):
            assert not down.try_pin("0000").ok
        assert down.try_pin("0000").locked_for_s == 30
        assert not down.try_pin(PIN).ok  # never in because the database is away
        clock.now += 31
        assert down.try_pin(PIN).ok  # and never locked for good
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    down.close()


def test_a_deadline_far_in_the_future_still_ends_within_the_longest_lock(url: str) -> None:
    with CallbackStore.open(url) as store:
        LockoutStore(store.engine).record_failure(lambda f, n: (0, 1, 30.0),
                                                  account_scope("Staff"))
    engine = make_engine(url)
    with write_transaction(engine) as conn:
        conn.execute(pin_lockout_table.update().values(
            locked_until=utc_now() + timedelta(days=3650)))
    engine.dispose()
    skewed = gate(url)
    skewed.refresh()
    assert skewed.locked_for_s() == 15 * 60.0
    skewed.close()


def test_lock_out_is_per_account_and_per_device(url: str) -> None:
    """Five wrong PINs lock that account everywhere; ten on one device lock the device for
    every name, but not another device."""
    from pin_costs import cheap_hash

    from kiosk.callback_queue.accounts import AccountStore
    from kiosk.callback_queue.model import Role

    with CallbackStore.open(url) as store:
        accounts = AccountStore(store.engine)
        for name, pin in (("Ana", "2580"), ("Ben", "1470"), ("Cy", "3690")):
            accounts.add(name, Role.STAFF if name != "Ana" else Role.ADMIN, cheap_hash(pin), "t")
    clock = Clock()

    def device(place: str) -> PinGate:
        return PinGate("", demo=False, shared=SharedLockout(url), clock=clock, place=place)

    lobby, desk = device("kiosk lobby"), device("console desk")
    lobby.refresh()
    assert [m.name for m in lobby.members] == ["Ana", "Ben", "Cy"]
    for _ in range(5):
        assert not lobby.try_pin("0000", "Ana").ok
    assert lobby.locked_for_s("Ana") > 0 and lobby.locked_for_s("Ben") == 0
    desk.refresh()
    assert desk.locked_for_s("Ana") > 0  # the account, on every device
    assert not desk.try_pin("2580", "Ana").ok  # even with the right PIN, while locked
    assert desk.try_pin("1470", "Ben").ok
    for _ in range(4):
        assert not lobby.try_pin("0000", "Ben").ok
    assert lobby.locked_for_s("Ben") == 0  # Ben has a try left ...
    assert not lobby.try_pin("0000", "Cy").ok  # ... but this device has had ten wrong PINs
    assert lobby.locked_for_s("Cy") > 0 and lobby.locked_for_s(None) > 0
    assert not lobby.try_pin("3690", "Cy").ok
    desk.refresh()
    assert desk.locked_for_s("Cy") == 0 and desk.try_pin("3690", "Cy").ok
    with CallbackStore.open(url) as store:
        failed = [e.person for e in store.audit_trail() if e.action == "sign-in-failed"]
    assert failed == ["Ana"] * 5 + ["Ben"] * 4 + ["Cy"]
    lobby.close()
    desk.close()
