"""Shortening a long name with "…" so it fits, measured by any ruler (here: characters)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.shell.ui.elided_label import ELLIPSIS, elide


def at_most(n: int):
    return lambda text: len(text) <= n


def test_a_name_that_fits_is_shown_whole():
    assert elide("Riverside Physical Therapy", at_most(26)) == "Riverside Physical Therapy"


def test_a_long_name_keeps_as_much_as_fits_and_ends_in_an_ellipsis():
    assert elide("Riverside Physical Therapy", at_most(12)) == "Riverside P…"
    assert elide("Riverside Physical Therapy", at_most(15)) == "Riverside Phys…"


def test_when_nothing_fits_only_the_ellipsis_is_left():
    assert elide("Riverside", at_most(0)) == ELLIPSIS


@given(st.text(min_size=1, max_size=60), st.integers(min_value=0, max_value=70))
def test_it_keeps_the_longest_start_that_fits(text, width):
    fits = at_most(width)
    if fits(text):
        expected = text
    else:
        longest = max(m for m in range(len(text) + 1)
                      if m == 0 or fits(text[:m].rstrip() + ELLIPSIS))
        expected = text[:longest].rstrip() + ELLIPSIS
    assert elide(text, fits) == expected
