"""How big body text is on the glass the kiosk is shown on, in logical pixels.

Qt-free so the rule is tested without a screen. Section 508 §402.4 asks closed kiosks for
capital letters at least 3/16 inch (4.8 mm) tall; that is at arm's length, where a visitor
stands to touch the screen. A big panel on a stand or a wall is read from farther back, so
its text grows with the distance: we assume a visitor steps back about 1.2 screen diagonals
(a 22" monitor is read from about 0.7 m), never nearer than arm's length. The window
measures its font's capital height and the screen's physical DPI (``QScreen``) and asks
``body_px``; the stylesheet scales every size from it.

A panel that reports nonsense (no physical size, or a density no real panel has) is taken
to be an ordinary desktop monitor of 96 dots per inch.
"""

from __future__ import annotations

import math
from typing import NamedTuple

SECTION_508_CAP_MM = 4.8
ARM_LENGTH_M = 0.5
#: A visitor reads a large panel from this many of its diagonals away.
DIAGONALS_AWAY = 1.2
FALLBACK_DPI = 96.0
#: Dots per native (device) inch that real panels have: phones reach ~550, TVs ~40.
PLAUSIBLE_NATIVE_DPI = (50.0, 600.0)
#: Never smaller than this, whatever the glass says: a floor against a bogus report.
MIN_BODY_PX = 18
MM_PER_INCH = 25.4


class Glass(NamedTuple):
    """What the screen reports: logical size in pixels, physical DPI per logical pixel (as
    ``QScreen.physicalDotsPerInch`` gives it) and the device pixel ratio."""

    width_px: int
    height_px: int
    physical_dpi: float
    device_pixel_ratio: float = 1.0


def usable_dpi(glass: Glass) -> float:
    """The screen's dots per logical inch, or the fallback when the report is not believable."""
    dpi = glass.physical_dpi
    if not math.isfinite(dpi) or dpi <= 0:
        return FALLBACK_DPI
    native = dpi * max(glass.device_pixel_ratio, 1.0)
    low, high = PLAUSIBLE_NATIVE_DPI
    if not low <= native <= high:
        return FALLBACK_DPI
    return dpi


def diagonal_m(glass: Glass) -> float:
    dpi = usable_dpi(glass)
    return math.hypot(glass.width_px, glass.height_px) / dpi * MM_PER_INCH / 1000


def viewing_distance_m(glass: Glass) -> float:
    return max(ARM_LENGTH_M, DIAGONALS_AWAY * diagonal_m(glass))


def capital_mm(glass: Glass, scale_percent: int = 100) -> float:
    """How tall body capitals should be on this glass: 4.8 mm at arm's length, in proportion
    farther away, times the configured ``[kiosk] text_scale_percent``."""
    distance = viewing_distance_m(glass)
    return SECTION_508_CAP_MM * distance / ARM_LENGTH_M * scale_percent / 100


def body_px(glass: Glass, cap_height_ratio: float, scale_percent: int = 100) -> int:
    """The body font's pixel size (logical) whose capitals are ``capital_mm`` tall, for a
    font whose capital height is ``cap_height_ratio`` of its pixel size. Rounded up: never
    below the target."""
    cap_px = capital_mm(glass, scale_percent) / MM_PER_INCH * usable_dpi(glass)
    return max(MIN_BODY_PX, math.ceil(cap_px / cap_height_ratio))
