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

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.key}"

    def describe_type(self) -> str:
        if self.choices:
            return "one of " + ", ".join(f'"{c}"' for c in self.choices)
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
        "callback_promise",
        str,
        "within one business day",
        'Ends the sentence "Thank you — we will call you …" on the confirmation screen.',
        max_length=80,
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
        "demo",
        bool,
        False,
        "Demo mode: allows a config without a staff PIN. Never use on a real kiosk.",
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
        "The staff PIN, stored only as a salted hash. Set it with `kiosk set-pin`.",
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
