"""Which code each screen gets: only what the config names, never anything else."""

from __future__ import annotations

from kiosk.shell.take_home import (
    CALL_CLINIC,
    OPEN_WEBSITE,
    READ_AT_HOME,
    TakeHome,
    take_home_codes,
    tel_uri,
)

SITE = "https://riverside.example.org"
PAGE = "https://riverside.example.org/aftercare"


def test_the_aftercare_page_on_the_sections_and_the_phone_on_the_thank_you_screen():
    assert take_home_codes(SITE, PAGE, "(555) 010-2000", "US") == {
        "section-what-to-expect": TakeHome(PAGE, READ_AT_HOME),
        "section-aftercare": TakeHome(PAGE, READ_AT_HOME),
        "consult-done": TakeHome("tel:+15550102000", CALL_CLINIC),
    }


def test_the_web_site_when_there_is_no_aftercare_page_or_phone():
    assert take_home_codes(SITE, "", "ask at the desk", "US") == {
        "section-what-to-expect": TakeHome(SITE, OPEN_WEBSITE),
        "section-aftercare": TakeHome(SITE, OPEN_WEBSITE),
        "consult-done": TakeHome(SITE, OPEN_WEBSITE),
    }


def test_only_the_phone_gives_only_the_thank_you_code():
    assert take_home_codes("", "", "+44 20 7946 0000", "US") == {
        "consult-done": TakeHome("tel:+442079460000", CALL_CLINIC)}


def test_nothing_configured_gives_no_code():
    assert take_home_codes("", "", "", "US") == {}
    assert tel_uri("12", "US") is None
