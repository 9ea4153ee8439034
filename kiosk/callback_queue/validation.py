"""Checks a patient's consult form and turns it into clean values, never raising."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import phonenumbers

from kiosk.callback_queue.model import BestTime

NAME_MAX_CHARS = 80

#: English text for every error code. The UI translates by code, so codes never change.
MESSAGES: dict[str, str] = {
    "name-required": "Please enter your name.",
    "name-too-long": f"Please shorten your name to {NAME_MAX_CHARS} characters or fewer.",
    "name-invalid-characters": "Your name contains characters we cannot store. "
    "Please use letters, spaces, hyphens or apostrophes.",
    "name-no-letters": "Please enter your name using letters.",
    "phone-required": "Please enter a phone number so we can call you back.",
    "phone-invalid": "That phone number does not look right. Please check it.",
    "phone-not-callable": "We cannot call that kind of number back. "
    "Please enter a mobile, home or work number.",
    "phone-extension": "Please enter a number we can call directly, without an extension.",
    "best-time-required": "Please choose the best time to call you.",
    "best-time-invalid": "Please choose one of the times shown.",
    "consent-required": "Please tick the box to let us call you back.",
}

# Zero-width (non-)joiners are part of correct spelling in Persian and several Indic scripts.
_ALLOWED_FORMAT_CHARS = frozenset({"\u200c", "\u200d"})
_REJECTED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# phonenumbers refuses longer input anyway; checking first keeps huge strings cheap.
_PHONE_MAX_INPUT = 250
# The kinds of number a person answers when the clinic rings, toll-free included. Everything
# else is refused: premium-rate and shared-cost numbers bill the clinic, pagers and UAN or
# voicemail-access numbers reach no one who can talk, and a kind phonenumbers adds later is
# refused until someone decides it can be called.
_CALLABLE_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.VOIP,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    }
)


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """Errors in form order, plus the cleaned value of every field that passed."""

    errors: tuple[FieldError, ...]
    name: str | None
    phone_e164: str | None
    best_time: BestTime | None

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_for(self, field: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == field), None)


def _error(field: str, code: str) -> FieldError:
    return FieldError(field, code, MESSAGES[code])


def _clean_name(raw: object) -> tuple[str | None, FieldError | None]:
    if not isinstance(raw, str):
        return None, _error("name", "name-required")
    # Checking the length first keeps a pasted megabyte from costing normalisation time.
    if len(raw) > NAME_MAX_CHARS * 8:
        return None, _error("name", "name-too-long")
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not name:
        return None, _error("name", "name-required")
    if len(name) > NAME_MAX_CHARS:
        return None, _error("name", "name-too-long")
    if any(
        unicodedata.category(ch) in _REJECTED_CATEGORIES and ch not in _ALLOWED_FORMAT_CHARS
        for ch in name
    ):
        return None, _error("name", "name-invalid-characters")
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        return None, _error("name", "name-no-letters")
    return name, None


def _clean_phone(raw: object, region: str) -> tuple[str | None, FieldError | None]:
    if not isinstance(raw, str) or not raw.strip():
        return None, _error("phone", "phone-required")
    if len(raw) > _PHONE_MAX_INPUT or not isinstance(region, str):
        return None, _error("phone", "phone-invalid")
    try:
        number = phonenumbers.parse(raw, region.upper())
    except phonenumbers.NumberParseException:
        return None, _error("phone", "phone-invalid")
    if not phonenumbers.is_valid_number(number):
        return None, _error("phone", "phone-invalid")
    if phonenumbers.number_type(number) not in _CALLABLE_TYPES:
        return None, _error("phone", "phone-not-callable")
    # The request stores only the E.164 number, which has no room for an extension: refusing
    # it is better than a call-back that reaches the switchboard instead of the patient.
    if number.extension:
        return None, _error("phone", "phone-extension")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def _clean_best_time(raw: object) -> tuple[BestTime | None, FieldError | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, _error("best_time", "best-time-required")
    if not isinstance(raw, str):
        return None, _error("best_time", "best-time-invalid")
    try:
        return BestTime(raw.strip()), None
    except ValueError:
        return None, _error("best_time", "best-time-invalid")


def validate_consult(
    name: str, phone: str, best_time: str | None, consent: bool, region: str
) -> ValidationResult:
    """Validate one consult form; ``region`` is the clinic's ISO country code, e.g. "US"."""
    clean_name, name_error = _clean_name(name)
    clean_phone, phone_error = _clean_phone(phone, region)
    clean_time, time_error = _clean_best_time(best_time)
    consent_error = None if consent is True else _error("consent", "consent-required")
    errors = tuple(e for e in (name_error, phone_error, time_error, consent_error) if e)
    return ValidationResult(errors, clean_name, clean_phone, clean_time)
