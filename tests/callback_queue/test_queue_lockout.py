"""The PIN lock-out rows in the queue database: counted atomically, locked, cleared."""

from __future__ import annotations

import threading
from datetime import timedelta

from kiosk.callback_queue.lockout import LockoutStore
from kiosk.callback_queue.model import utc_now
from kiosk.callback_queue.store import CallbackStore


def five_then_lock(failures: int, locks: int) -> tuple[int, int, float | None]:
    failures += 1
    return (0, locks + 1, 30.0) if failures >= 5 else (failures, locks, None)


def test_failures_count_lock_and_clear(store: CallbackStore) -> None:
    lockout = LockoutStore(store.engine)
    for n in range(1, 5):
        assert lockout.record_failure(five_then_lock).failures == n
    locked = lockout.record_failure(five_then_lock)
    assert (locked.failures, locked.locks) == (0, 1)
    assert 29 < lockout.read().locked_for_s(utc_now()) <= 30
    # While the lock runs a late failure (another kiosk's) changes nothing.
    assert lockout.record_failure(five_then_lock) == lockout.read()
    lockout.clear()
    assert lockout.read().locked_for_s(utc_now()) == 0
    assert lockout.read().failures == 0


def test_an_ended_lock_counts_afresh(store: CallbackStore) -> None:
    now = [utc_now()]
    lockout = LockoutStore(store.engine, clock=lambda: now[0])
    for _ in range(5):
        lockout.record_failure(five_then_lock)
    now[0] += timedelta(seconds=31)
    state = lockout.record_failure(five_then_lock)
    assert (state.failures, state.locks, state.locked_until) == (1, 1, None)


def test_two_kiosks_failing_at_once_count_both(store_url: str) -> None:
    """Ten wrong PINs at the same moment from two kiosks' own connections: exactly one lock
    (five counted, the five that arrive during it refused), never two rounds or a lost count."""
    stores = [CallbackStore.open(store_url) for _ in range(2)]
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def fail(store: CallbackStore) -> None:
        try:
            barrier.wait()
            LockoutStore(store.engine).record_failure(five_then_lock)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=fail, args=(stores[i % 2],)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        state = LockoutStore(stores[0].engine).read()
        assert (state.failures, state.locks) == (0, 1)
        assert state.locked_for_s(utc_now()) > 0
    finally:
        for s in stores:
            s.close()


def test_concurrent_failures_below_the_limit_are_all_counted(store_url: str) -> None:
    stores = [CallbackStore.open(store_url) for _ in range(2)]
    barrier = threading.Barrier(4)

    def fail(store: CallbackStore) -> None:
        barrier.wait()
        LockoutStore(store.engine).record_failure(five_then_lock)

    threads = [threading.Thread(target=fail, args=(stores[i % 2],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert LockoutStore(stores[1].engine).read().failures == 4
    finally:
        for s in stores:
            s.close()
