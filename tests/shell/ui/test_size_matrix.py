"""Every screen on every glass a clinic mounts: ten screen sizes (landscape and portrait, one
at device pixel ratio 2) x both languages x three text sizes x every patient screen, the idle
warning, the kiosk's staff screens and the out-of-order window. Nothing outside the window,
nothing overlapping, no target under 64x64, no word cut; the consult tile and the whole form
on screen without scrolling at the default text size; body capitals at least 4.8 mm at the
screen's DPI.

Each screen size is a process of its own (``layout_audit.py``): a QScreen's size is fixed
for life. One window per process is resized through languages and text sizes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kiosk.shell.glass import SECTION_508_CAP_MM

AUDIT = Path(__file__).with_name("layout_audit.py")
ROOT = AUDIT.parents[3]
sys.path.insert(0, str(AUDIT.parent))
from layout_audit import screen_config  # noqa: E402

GLASS = [(1024, 600, 1), (1280, 720, 1), (1280, 800, 1), (1366, 768, 1), (1920, 1080, 1),
         (2560, 1440, 1), (1920, 1080, 2), (600, 1024, 1), (800, 1280, 1), (1080, 1920, 1)]


def audit(width: int, height: int, dpr: float = 1, scale: float = 1, **env: str) -> dict:
    run_env = {**os.environ, **screen_config(width, height, dpr, scale), **env,
               "KIOSK_AUDIT_CHILD": "1"}
    done = subprocess.run([sys.executable, str(AUDIT), str(width), str(height)], env=run_env,
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.slow
def test_every_screen_fits_every_glass_in_both_languages_and_all_text_sizes() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:  # the machine has two cores
        results = list(pool.map(lambda glass: audit(*glass), GLASS))
    combinations = sum(result["combinations"] for result in results)
    problems = [problem for result in results for problem in result["problems"]]
    assert combinations == len(GLASS) * (2 * 3 * 11 + 1)  # + the out-of-order window
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


def test_a_portrait_7_inch_tablet_fits_every_screen() -> None:
    """The narrowest glass, always run: the one that broke most (840 px of window)."""
    result = audit(600, 1024)
    assert not result["problems"], "\n".join(result["problems"][:60])


@pytest.mark.parametrize(("width", "height", "dpi"), [(1024, 600, 170), (1280, 800, 150)])
def test_body_text_follows_the_glass_so_capitals_are_4_8_mm(width: int, height: int,
                                                          dpi: float) -> None:
    """A 7" and a 10" tablet: the offscreen screen reports 100 dots per native inch, so a
    scale factor of 100/dpi makes it report ``dpi`` at this logical size."""
    measured = audit(width, height, scale=100 / dpi, KIOSK_AUDIT_TEXT_ONLY="1")
    assert measured["size"] == [pytest.approx(width, abs=2), pytest.approx(height, abs=2)]
    assert measured["dpi"] == pytest.approx(dpi, rel=0.02)
    assert measured["cap_mm"] >= SECTION_508_CAP_MM
    plain = audit(width, height, KIOSK_AUDIT_TEXT_ONLY="1")  # the same size at 100 dpi
    assert measured["body_px"] > plain["body_px"] * 1.4


def test_the_configured_scale_overrides_the_automatic_size() -> None:
    plain = audit(1280, 800, KIOSK_AUDIT_TEXT_ONLY="1")
    doubled = audit(1280, 800, KIOSK_AUDIT_TEXT_ONLY="1", KIOSK_TEXT_SCALE="200")
    assert doubled["body_px"] == pytest.approx(2 * plain["body_px"], abs=1)
