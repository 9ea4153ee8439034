"""Body text sized for the glass: Section 508's 4.8 mm capitals at arm's length, more on big
panels read from farther back, and a believable DPI or the fallback."""

from __future__ import annotations

import math

import pytest

from kiosk.shell.glass import (
    FALLBACK_DPI,
    SECTION_508_CAP_MM,
    Glass,
    body_px,
    capital_mm,
    usable_dpi,
    viewing_distance_m,
)

CAP = 0.73  # DejaVu Sans' capital height per pixel of size


def cap_mm(glass: Glass, px: int) -> float:
    return px * CAP / usable_dpi(glass) * 25.4


def test_a_7_inch_tablet_gets_capitals_of_at_least_4_8_mm() -> None:
    tablet = Glass(1024, 600, math.hypot(1024, 600) / 7)  # 170 dpi
    px = body_px(tablet, CAP)
    assert cap_mm(tablet, px) >= SECTION_508_CAP_MM
    assert px >= 44  # far more than the 24 px the kiosk used everywhere


def test_a_27_inch_4k_panel_at_twice_the_pixels_is_not_tiny() -> None:
    native = math.hypot(3840, 2160) / 27  # 163 dots per native inch
    wall = Glass(1920, 1080, native / 2, device_pixel_ratio=2)
    px = body_px(wall, CAP)
    assert cap_mm(wall, px) >= SECTION_508_CAP_MM * 1.5  # read from about 0.8 m
    assert viewing_distance_m(wall) == pytest.approx(0.82, abs=0.02)


def test_a_small_screen_is_read_at_arms_length_a_big_one_from_farther() -> None:
    small = Glass(1280, 800, 150)
    big = Glass(1920, 1080, 92)  # a 24" monitor
    assert viewing_distance_m(small) == 0.5
    assert capital_mm(small) == pytest.approx(SECTION_508_CAP_MM)
    assert capital_mm(big) > capital_mm(small)


@pytest.mark.parametrize("reported", [0.0, -3.0, float("nan"), float("inf"), 20.0, 900.0])
def test_a_panel_reporting_nonsense_is_taken_as_an_ordinary_monitor(reported: float) -> None:
    assert usable_dpi(Glass(1280, 800, reported)) == FALLBACK_DPI


def test_density_is_judged_per_native_pixel() -> None:
    # 40 dots per logical inch at twice the pixels is an 80 dpi TV, not nonsense.
    assert usable_dpi(Glass(1920, 1080, 40, device_pixel_ratio=2)) == 40


def test_the_configured_scale_multiplies_the_automatic_size() -> None:
    glass = Glass(1280, 800, 100)
    assert body_px(glass, CAP, 150) == pytest.approx(1.5 * body_px(glass, CAP), abs=1)
    assert body_px(glass, CAP, 50) < body_px(glass, CAP)


def test_sizes_round_up_never_below_the_target() -> None:
    for dpi in range(60, 400, 7):
        glass = Glass(1280, 800, dpi)
        assert cap_mm(glass, body_px(glass, CAP)) >= capital_mm(glass) - 1e-9
