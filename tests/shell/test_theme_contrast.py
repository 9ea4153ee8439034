"""Every text colour on its background is readable: 4.5:1 by default, 7:1 in high contrast."""

from __future__ import annotations

import re

import pytest

from kiosk.ops.resources import resource_path
from kiosk.shell.theme import TEXT_PAIRS, THEMES, contrast_ratio, stylesheet

MINIMUM = {"calm": 4.5, "high-contrast": 7.0}


def test_known_ratios():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)


@pytest.mark.parametrize("theme", sorted(THEMES))
@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_every_text_role_meets_its_theme_minimum(theme, foreground, background):
    palette = THEMES[theme]
    ratio = contrast_ratio(getattr(palette, foreground), getattr(palette, background))
    assert ratio >= MINIMUM[theme], f"{theme}: {foreground} on {background} is {ratio:.2f}:1"


def test_stylesheet_uses_only_palette_colours():
    # A literal colour in the .qss would escape the contrast checks above.
    template = resource_path("styles", "kiosk.qss").read_text(encoding="utf-8")
    assert not re.findall(r"#[0-9A-Fa-f]{3,8}\b", template)
    for theme in THEMES:
        assert "$" not in stylesheet(theme)


@pytest.mark.parametrize("size", ["default", "large", "largest"])
def test_body_text_is_at_least_24_px_and_largest_is_about_1_6x(size):
    sheet = stylesheet("calm", size)
    body = int(re.search(r"QWidget \{[^}]*font-size: (\d+)px", sheet).group(1))
    assert body >= 24
    if size == "largest":
        assert body == round(24 * 1.6)
