"""Colours and the stylesheet: one palette per theme, sizes scaled for the visitor's text size."""

from __future__ import annotations

from string import Template
from typing import NamedTuple

from kiosk.ops.resources import resource_path

TEXT_SCALES = {"default": 1.0, "large": 1.3, "largest": 1.6}


class Palette(NamedTuple):
    """Named colour roles; every text role is checked against its background in the tests."""

    window: str
    surface: str
    text: str
    muted: str
    accent: str
    accent_text: str
    accent_pressed: str
    cta: str
    cta_text: str
    border: str
    error: str
    focus: str
    overlay: str


CALM = Palette(
    window="#F4F7F6",
    surface="#FFFFFF",
    text="#1B2B2A",
    muted="#45585A",
    accent="#0B6B6F",
    accent_text="#FFFFFF",
    accent_pressed="#084F52",
    cta="#B4462B",
    cta_text="#FFFFFF",
    border="#C9D6D4",
    error="#A3261B",
    focus="#E0A100",
    overlay="rgba(10, 30, 30, 200)",
)

HIGH_CONTRAST = Palette(
    window="#000000",
    surface="#000000",
    text="#FFFFFF",
    muted="#FFFFFF",
    accent="#FFE500",
    accent_text="#000000",
    accent_pressed="#FFFFFF",
    cta="#FFE500",
    cta_text="#000000",
    border="#FFFFFF",
    error="#FF9E9E",
    focus="#00E5FF",
    overlay="rgba(0, 0, 0, 235)",
)

THEMES = {"calm": CALM, "high-contrast": HIGH_CONTRAST}

# Every (text, background) pair the stylesheet draws, by palette role.
TEXT_PAIRS = (
    ("text", "window"), ("text", "surface"), ("muted", "window"), ("muted", "surface"),
    ("accent", "surface"), ("accent", "window"), ("accent_text", "accent"),
    ("cta_text", "cta"), ("error", "window"), ("error", "surface"),
)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# Logical pixel sizes at the default text size; the stylesheet multiplies them.
BASE_SIZES = {"body": 24, "small": 20, "title": 40, "heading": 30, "button": 24, "tile": 26,
              "phone": 56}

BAR_SIZES = {"bar": 22, "bar_name": 30}


def stylesheet(theme: str = "calm", text_size: str = "default",
               body_px: int = BASE_SIZES["body"]) -> str:
    """The look for ``theme`` and the visitor's ``text_size``; ``body_px`` is the body text's
    size at the default text size on this glass (``kiosk.shell.glass``), every other text
    size keeps its proportion to it."""
    palette = THEMES[theme]
    scale = TEXT_SCALES[text_size] * body_px / BASE_SIZES["body"]
    values = {name: getattr(palette, name) for name in palette._fields}
    values.update({f"{k}_px": str(round(v * scale)) for k, v in BASE_SIZES.items()})
    # The top bar follows the glass, never the visitor's text size (see kiosk.qss).
    glass = body_px / BASE_SIZES["body"]
    values.update({f"{k}_px": str(round(v * glass)) for k, v in BAR_SIZES.items()})
    template = Template(resource_path("styles", "kiosk.qss").read_text(encoding="utf-8"))
    return template.substitute(values)
