"""Test-only scrypt cost: production PIN hashes use kiosk.staff.pin.SCRYPT_N (2^17, about a
second each on this machine); tests that only need *a* real hash use this one. The test that
checks the production parameters (tests/staff/test_staff_pin.py) never does."""

from __future__ import annotations

CHEAP_SCRYPT_N = 2**10


def cheap_hash(pin: str) -> str:
    """A real scrypt hash of ``pin`` at the test-only cost (fine for module fixtures)."""
    from kiosk.staff.pin import hash_pin

    return hash_pin(pin, n=CHEAP_SCRYPT_N)
