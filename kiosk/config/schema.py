"""The kiosk's one config file, declared: every key with its type, default, bounds and help.

Qt-free. Every option is declared once in ``SCHEMA``; loading, validation, ``check`` and the
deployment guide are all driven from it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

APP_NAME = "clinic-kiosk"
CONFIG_ENV = "KIOSK_CONFIG"


class Option(NamedTuple):
    """One config key: what it is, what it may hold, and what it means."""

    section: str
    key: str
    type: type
    default: Any
    help: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    max_length: int = 500
    https_url: bool = False  # empty, or an https:// address with a host (see check_value)

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.key}"

    def describe_type(self) -> str:
        if self.choices:
            return "one of " + ", ".join(f'"{c}"' for c in self.choices)
        if self.type is list:
            return 'list of texts, e.g. ["mon-fri 08:00-18:00", "sat 09:00-12:00"]'
        if self.https_url:
            return "an https:// address, or empty"
        name = {str: "text", int: "whole number", bool: "true or false"}[self.type]
        if self.minimum is not None and self.maximum is not None:
            return f"{name}, {self.minimum} to {self.maximum}"
        return name


SCHEMA: tuple[Option, ...] = (
    Option(
        "clinic",
        "name",
        str,
        "Riverside Physical Therapy",
        "The clinic's name, shown on the Home screen.",
        max_length=80,
    ),
    Option(
        "clinic",
        "phone",
        str,
        "",
        'The clinic\'s phone number, shown to patients (free text, e.g. "(555) 010-2000").',
        max_length=40,
    ),
    Option(
        "clinic",
        "region",
        str,
        "US",
        "Two-letter country code used to read patients' phone numbers (ISO 3166, e.g. US, CA).",
        pattern=r"[A-Z]{2}",
    ),
    Option(
        "clinic",
        "website",
        str,
        "",
        "The clinic's web site (https:// only). Empty: no take-home QR code on the "
        "what-to-expect section. Shown as a large QR code patients can scan to read at home.",
        https_url=True,
    ),
    Option(
        "clinic",
        "aftercare_url",
        str,
        "",
        "A page with the aftercare advice (https:// only), as a take-home QR code on the "
        "aftercare section and the thank-you screen. Empty: the web site is used instead.",
        https_url=True,
    ),
    Option(
        "clinic",
        "callback_promise",
        str,
        "",
        "No longer used, kept so older files still load: the thank-you screen now names the "
        "due time (from `hours` and `[staff] callback_within_min`) in the patient's language.",
        max_length=80,
    ),
    Option(
        "clinic",
        "time_zone",
        str,
        "",
        'The clinic\'s time zone, an IANA name such as "America/New_York" or "Europe/Madrid" '
        "(empty: this computer's). Opening hours, due times and CSV times are in it.",
        max_length=64,
    ),
    Option(
        "clinic",
        "hours",
        list,
        ("mon-fri 09:00-17:00",),
        'Opening hours on the clinic\'s clocks, each "DAYS HH:MM-HH:MM" where DAYS is a day '
        "(mon … sun) or a range (mon-fri, sun-thu); 24:00 ends a day. Callback deadlines "
        "count only these minutes, and the attract screen rests outside them.",
        max_length=40,
    ),
    Option(
        "kiosk",
        "idle_timeout_s",
        int,
        60,
        'Seconds without a touch before the kiosk asks "Still there?" (30 to 120 suits a '
        "waiting room).",
        minimum=1,
        maximum=3600,
    ),
    Option(
        "kiosk",
        "idle_warning_s",
        int,
        15,
        'Seconds the "Still there?" countdown runs before the kiosk resets to Home (give '
        "people time to answer: 15 or more).",
        minimum=1,
        maximum=300,
    ),
    Option(
        "kiosk",
        "attract_after_s",
        int,
        120,
        "Seconds an untouched Home waits before the attract screen invites the next visitor "
        '("Touch to learn about dry needling", drifting slowly against burn-in; black outside '
        "[clinic] hours). 0 turns it off.",
        minimum=0,
        maximum=3600,
    ),
    Option(
        "kiosk",
        "fullscreen",
        bool,
        True,
        "Run full screen, frameless and on top, ignoring close, Alt+F4 and Escape.",
    ),
    Option(
        "kiosk",
        "hide_cursor",
        bool,
        True,
        "In kiosk mode (fullscreen), hide the mouse pointer: a touchscreen needs none. "
        "A windowed try-out always shows it.",
    ),
    Option(
        "kiosk",
        "kiosk_id",
        str,
        "",
        "A name for this kiosk in the queue (empty: the computer's host name).",
        max_length=64,
    ),
    Option(
        "kiosk",
        "language",
        str,
        "en",
        "The language the kiosk starts in and returns to after each visitor.",
        choices=("en", "es"),
    ),
    Option(
        "kiosk",
        "speech_engine",
        str,
        "",
        'Text-to-speech engine for Read aloud: empty picks the platform\'s own, "none" hides '
        "the button (Qt engine names: sapi, winrt, speechd, flite, darwin, mock).",
        max_length=40,
    ),
    Option(
        "kiosk",
        "text_scale_percent",
        int,
        100,
        "Body text size, in percent of the automatic size: capitals 4.8 mm tall at arm's "
        "length (Section 508), larger on big screens read from farther back; the kiosk "
        "measures the screen. Raise it where visitors read from unusually far away.",
        minimum=50,
        maximum=300,
    ),
    Option(
        "kiosk",
        "demo",
        bool,
        False,
        "Demo mode: allows a queue without staff accounts (the demo PIN opens the staff "
        "screens). Never use on a real kiosk.",
    ),
    Option(
        "database",
        "url",
        str,
        "",
        "Where the callback queue lives. Empty: a private SQLite file in the data folder. "
        "Elsewhere: sqlite:////absolute/path/queue.sqlite3, in a folder that exists. Several "
        "kiosks share one queue with postgresql+psycopg://user:password@host:port/dbname.",
        max_length=500,
    ),
    Option(
        "staff",
        "pin_hash",
        str,
        "",
        "Before staff accounts: the one shared staff PIN, as a salted hash. On first start it "
        "becomes the admin account Staff in the queue (never over an existing one); set PINs "
        "with `kiosk set-pin` and `kiosk staff-user` since.",
        max_length=300,
    ),
    Option(
        "staff",
        "lock_after_s",
        int,
        120,
        "Seconds without a touch before the staff screen locks and returns to Home.",
        minimum=1,
        maximum=3600,
    ),
    Option(
        "staff",
        "retention_days",
        int,
        90,
        "Closed requests older than this many days are deleted with their personal data.",
        minimum=1,
        maximum=3650,
    ),
    Option(
        "staff",
        "callback_within_min",
        int,
        60,
        "Business minutes (inside `[clinic] hours`) within which a new request should be "
        "called; the queue sorts by it and alerts again once a request is overdue.",
        minimum=1,
        maximum=10080,
    ),
    Option(
        "staff",
        "retry_after_min",
        int,
        120,
        'Business minutes after "no answer" or "left voicemail" before the next call is due.',
        minimum=1,
        maximum=10080,
    ),
    Option(
        "staff",
        "max_attempts",
        int,
        3,
        'Calls without reaching the patient after which a request becomes "unreachable".',
        minimum=1,
        maximum=20,
    ),
    Option(
        "staff",
        "kiosk_silent_after_min",
        int,
        10,
        "Minutes without a heartbeat (each kiosk sends one a minute) before `kiosk status` "
        "fails and the staff console warns that the kiosk is silent.",
        minimum=1,
        maximum=1440,
    ),
)

BY_SECTION: dict[str, dict[str, Option]] = {}
for _opt in SCHEMA:
    BY_SECTION.setdefault(_opt.section, {})[_opt.key] = _opt
