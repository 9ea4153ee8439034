"""Tests for staff PIN hashing, verification and the growing lock-out."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pin_costs import cheap_hash

from kiosk.staff.pin import PinAttempt, PinLock, hash_pin, validate_new_pin, verify_pin


@pytest.fixture(scope="module")
def stored() -> str:
    return cheap_hash("2468")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hash_format_and_salt() -> None:
    stored = hash_pin("2468")  # the production cost, not the tests' cheap one
    assert verify_pin("2468", stored)
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**17), "8", "1")  # OWASP: N=2^17, r=8, p=1
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(key)) == 32
    assert hash_pin("2468") != stored  # a fresh salt every time
    assert "2468" not in stored


def test_verify(stored: str) -> None:
    assert verify_pin("2468", stored)
    assert not verify_pin("2469", stored)
    assert not verify_pin("", stored)
    assert not verify_pin("24680", stored)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "garbage",
        "scrypt$16384$8$1$!!!$AAAA",
        "scrypt$16384$8$1$c2FsdA==",
        "scrypt$abc$8$1$c2FsdHNhbHRzYWx0c2FsdA==$" + "A" * 44,
        "scrypt$16385$8$1$c2FsdHNhbHRzYWx0c2FsdA==$" + "A" * 44,  # n not a power of two
        "scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0c2FsdA==$" + "A" * 44,  # would need 128 GiB
        "scrypt$16384$8$1$$" + "A" * 44,
        "bcrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$" + "A" * 44,
        "scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$QUFB",  # key too short
    ],
)
def test_malformed_hash_is_false_not_an_error(bad: str) -> None:
    assert verify_pin("2468", bad) is False


def test_non_string_inputs_are_false(stored: str) -> None:
    assert verify_pin(None, stored) is False  # type: ignore[arg-type]
    assert verify_pin("2468", None) is False  # type: ignore[arg-type]
    assert verify_pin("\ud800", stored) is False  # a lone surrogate cannot be encoded


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_verify_never_raises_on_arbitrary_stored_text(junk: str) -> None:
    assert verify_pin("2468", junk) in (True, False)


def test_hash_pin_rejects_empty() -> None:
    with pytest.raises(ValueError):
        hash_pin("")


@pytest.mark.parametrize("pin", ["1234", "0000", "123456789012", "90210"])
def test_valid_new_pins(pin: str) -> None:
    assert validate_new_pin(pin) is None


@pytest.mark.parametrize(
    "pin", ["", "123", "1234567890123", "12a4", " 1234", "1234\n", "١٢٣٤", "12.34", None]
)
def test_invalid_new_pins(pin: str) -> None:
    message = validate_new_pin(pin)
    assert message is not None and "4 to 12 digits" in message


def counting_verify(calls: list[str]) -> object:
    def verify(pin: str, stored: str) -> bool:
        calls.append(pin)
        return pin == stored

    return verify


def test_right_pin_opens() -> None:
    lock = PinLock(clock=FakeClock(), verify=lambda p, s: p == s)
    assert lock.try_pin("1", "1") == PinAttempt(ok=True, locked_for_s=0.0, attempts_left=5)


def test_lockout_grows_and_caps() -> None:
    clock = FakeClock()
    calls: list[str] = []
    lock = PinLock(clock=clock, verify=counting_verify(calls))  # type: ignore[arg-type]
    expected = [30, 60, 120, 240, 480, 900, 900]
    for delay in expected:
        results = [lock.try_pin("bad", "good") for _ in range(5)]
        assert [r.attempts_left for r in results] == [4, 3, 2, 1, 0]
        assert [r.locked_for_s for r in results] == [0, 0, 0, 0, delay]
        assert not any(r.ok for r in results)
        # While locked even the right PIN is refused, and never checked.
        checked = len(calls)
        clock.now += delay - 1
        refused = lock.try_pin("good", "good")
        assert refused == PinAttempt(ok=False, locked_for_s=1.0, attempts_left=0)
        assert len(calls) == checked
        assert lock.locked_for_s() == 1.0
        clock.now += 1
        assert lock.locked_for_s() == 0.0


def test_right_pin_resets_the_count_and_the_delay() -> None:
    clock = FakeClock()
    lock = PinLock(clock=clock, verify=lambda p, s: p == s)
    for _ in range(5):
        lock.try_pin("bad", "good")
    clock.now += 30
    for _ in range(5):
        lock.try_pin("bad", "good")
    clock.now += 60
    assert lock.try_pin("good", "good").ok
    for _ in range(4):
        lock.try_pin("bad", "good")
    assert lock.try_pin("bad", "good").locked_for_s == 30  # back to the first delay


def test_wrong_pins_below_the_limit_are_forgotten_after_success() -> None:
    lock = PinLock(clock=FakeClock(), verify=lambda p, s: p == s)
    for _ in range(4):
        lock.try_pin("bad", "good")
    lock.try_pin("good", "good")
    assert lock.try_pin("bad", "good").attempts_left == 4


def test_a_long_siege_does_not_overflow() -> None:
    clock = FakeClock()
    lock = PinLock(max_attempts=1, clock=clock, verify=lambda p, s: False)
    for _ in range(2000):
        result = lock.try_pin("bad", "good")
        assert result.locked_for_s <= 900
        clock.now += result.locked_for_s
    assert result.locked_for_s == 900


def test_lock_with_real_hashes(stored: str) -> None:
    clock = FakeClock()
    lock = PinLock(max_attempts=2, base_delay_s=10, clock=clock)
    assert lock.try_pin("0000", stored) == PinAttempt(False, 0.0, 1)
    assert lock.try_pin("0000", stored) == PinAttempt(False, 10.0, 0)
    assert not lock.try_pin("2468", stored).ok
    clock.now += 10
    assert lock.try_pin("2468", stored).ok


@pytest.mark.parametrize(
    "kwargs", [{"max_attempts": 0}, {"base_delay_s": 0}, {"base_delay_s": 60, "max_delay_s": 30}]
)
def test_bad_lock_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        PinLock(**kwargs)  # type: ignore[arg-type]
