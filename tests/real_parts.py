"""The real parts the suite tests with: a speech daemon and an audio server, an X server,
AT-SPI, cage, PostgreSQL, PyInstaller.

Where one is missing, a developer's run skips the tests that need it and says why. CI's run
(`.ci/run` sets ``KIOSK_REAL_PARTS=required``) fails them instead: a CI run that could not
install a real part would otherwise pass while proving nothing about what a clinic meets.
(The bare-Debian run inside a chroot does not set it: there a display has no place.)
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest

#: The marker conftest.py turns into a failure on CI (and a skip elsewhere).
MISSING_MARK = "real_part_missing"
REQUIRED_ENV = "KIOSK_REAL_PARTS"


def required() -> bool:
    return os.environ.get(REQUIRED_ENV) == "required"


def needs(why_not: str | None) -> pytest.MarkDecorator:
    """A mark for a test or module: nothing when ``why_not`` is None (the part is here),
    else a skip that fails on CI. ``why_not`` says what is missing and what installs it."""
    if why_not is None:
        return pytest.mark.skipif(False, reason="the real part is here")
    return getattr(pytest.mark, MISSING_MARK)(why_not)


def unavailable(why_not: str) -> NoReturn:
    """From inside a test or fixture: skip, or fail on CI."""
    if required():
        pytest.fail(f"CI must run this with the real part: {why_not}", pytrace=False)
    pytest.skip(why_not)


def missing(*tools: str) -> list[str]:
    """Which of ``tools`` are not on PATH."""
    return [tool for tool in tools if shutil.which(tool) is None]
