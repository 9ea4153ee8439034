"""Which take-home QR code each screen shows: the configured pages, or the clinic's phone.

Qt-free. A code carries only what the config says (``[clinic] aftercare_url``, ``website``,
``phone``), never anything a visitor entered.
"""

from __future__ import annotations

from typing import NamedTuple

from kiosk.shell.i18n import N_
from kiosk.shell.navigation import CONSULT_DONE, section_screen

#: The sections whose advice a patient may want at home.
TAKE_HOME_SECTIONS = ("what-to-expect", "aftercare")

READ_AT_HOME = N_("Scan with your phone's camera to read this advice at home.")
OPEN_WEBSITE = N_("Scan with your phone's camera to open the clinic's web site.")
CALL_CLINIC = N_("Scan with your phone's camera to call the clinic.")


class TakeHome(NamedTuple):
    text: str  # what the code encodes
    caption: str  # the message id of the line under it


def tel_uri(phone: str, region: str) -> str | None:
    """The clinic's phone as a ``tel:`` URI in international form, if it is a number."""
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def take_home_codes(website: str, aftercare_url: str, phone: str, region: str
                    ) -> dict[str, TakeHome]:
    """Screen name -> its code: the sections get the aftercare page (or the web site); the
    thank-you screen the clinic's number (or the page, when there is no number)."""
    page = (TakeHome(aftercare_url, READ_AT_HOME) if aftercare_url
            else TakeHome(website, OPEN_WEBSITE) if website else None)
    codes = {section_screen(section): page for section in TAKE_HOME_SECTIONS if page}
    tel = tel_uri(phone, region) if phone else None
    done = TakeHome(tel, CALL_CLINIC) if tel else page
    if done:
        codes[CONSULT_DONE] = done
    return codes
