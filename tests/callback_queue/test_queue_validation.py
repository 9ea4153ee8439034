"""Tests for the consult form validation."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.callback_queue.model import BestTime
from kiosk.callback_queue.validation import (
    MESSAGES,
    NAME_MAX_CHARS,
    FieldError,
    ValidationResult,
    validate_consult,
)

GOOD = {
    "name": "Ana María",
    "phone": "(202) 555-0143",
    "best_time": "morning",
    "consent": True,
    "region": "US",
}


def check(**changes: object) -> ValidationResult:
    return validate_consult(**{**GOOD, **changes})  # type: ignore[arg-type]


def codes(result: ValidationResult) -> list[str]:
    return [e.code for e in result.errors]


def test_good_form_is_cleaned() -> None:
    result = check()
    assert result.ok
    assert result.errors == ()
    assert result.name == "Ana María"
    assert result.phone_e164 == "+12025550143"
    assert result.best_time is BestTime.MORNING


@pytest.mark.parametrize(
    "name",
    [
        "José Álvarez-Núñez",
        "O'Brien",
        "Mary‑Jane D’Arcy",
        "李小龙",
        "محمد عبد الله",
        "Nguyễn Thị Minh Khai",
        "Σωκράτης",
        "Ольга",
        "मोहनदास करमचंद गांधी",
        "می‌خواهم",  # Persian with a zero-width non-joiner, which spelling needs
        "X",
        "a" * NAME_MAX_CHARS,
    ],
)
def test_names_in_any_script_are_accepted(name: str) -> None:
    result = check(name=name)
    assert result.ok, result.errors
    assert result.name == name


def test_name_whitespace_is_trimmed_and_collapsed() -> None:
    assert check(name="  Ana \t  María\n ").name == "Ana María"


def test_name_is_nfc_normalised() -> None:
    decomposed = "Jose\u0301"
    result = check(name=decomposed)
    assert result.name == "José"
    assert len(result.name) == 4


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "name-required"),
        ("   \t\n", "name-required"),
        ("a" * (NAME_MAX_CHARS + 1), "name-too-long"),
        ("  " + "a" * (NAME_MAX_CHARS + 1) + "  ", "name-too-long"),
        ("x" * 1_000_000, "name-too-long"),
        ("Ann\x00", "name-invalid-characters"),
        ("Ann\x07Lee", "name-invalid-characters"),
        ("Ann\u202eeeL", "name-invalid-characters"),  # right-to-left override spoofing
        ("Ann\ue000", "name-invalid-characters"),  # private use
        ("12345", "name-no-letters"),
        ("-- ''", "name-no-letters"),
        ("🙂🙂", "name-no-letters"),
    ],
)
def test_bad_names_are_rejected(name: str, code: str) -> None:
    result = check(name=name)
    assert codes(result) == [code]
    assert result.name is None
    assert result.error_for("name") == FieldError("name", code, MESSAGES[code])


def test_name_may_be_exactly_the_limit_after_collapsing() -> None:
    name = " ".join(["ab"] * 27)  # 80 characters after collapsing, more before
    assert len(name) <= NAME_MAX_CHARS
    assert check(name=name.replace(" ", "    ")).name == name


@pytest.mark.parametrize(
    ("phone", "region", "e164"),
    [
        ("202-555-0143", "US", "+12025550143"),
        ("+1 (202) 555 0143", "US", "+12025550143"),
        ("1-800-FLOWERS", "US", "+18003569377"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+44 20 7946 0958", "US", "+442079460958"),  # a visitor's foreign number is fine
        ("030 901820", "DE", "+4930901820"),
        ("202 555 0143", "us", "+12025550143"),
    ],
)
def test_phone_numbers_become_e164(phone: str, region: str, e164: str) -> None:
    result = check(phone=phone, region=region)
    assert result.ok, result.errors
    assert result.phone_e164 == e164


@pytest.mark.parametrize(
    ("phone", "code"),
    [
        ("", "phone-required"),
        ("   ", "phone-required"),
        ("12", "phone-invalid"),
        ("555-0143", "phone-invalid"),
        ("not a number", "phone-invalid"),
        ("+999 123 456 789", "phone-invalid"),
        ("2" * 400, "phone-invalid"),
        ("202\x00555\x000143x", "phone-invalid"),
    ],
)
def test_bad_phone_numbers_are_rejected(phone: str, code: str) -> None:
    result = check(phone=phone)
    assert codes(result) == [code]
    assert result.phone_e164 is None


@pytest.mark.parametrize(
    ("phone", "region"),
    [
        ("1-900-976-1234", "US"),  # premium rate
        ("+1 900 555 0199", "GB"),  # the same, dialled from anywhere
        ("0909 879 0000", "GB"),  # premium rate
        ("0871 234 5678", "GB"),  # premium rate (service charge)
        ("076 4012 3456", "GB"),  # pager
        ("055 1234 5678", "GB"),  # UAN
        ("0180 1234567", "DE"),  # shared cost
        ("0900 1234567", "DE"),  # premium rate
        ("0185 00123456", "DE"),  # UAN
        ("0177 99 1234567", "DE"),  # voicemail access
        ("08 84 01 23 45", "FR"),  # shared cost
    ],
)
def test_numbers_we_cannot_call_back_are_refused(phone: str, region: str) -> None:
    result = check(phone=phone, region=region)
    assert codes(result) == ["phone-not-callable"]
    assert result.phone_e164 is None
    assert "mobile, home or work number" in result.error_for("phone").message


@pytest.mark.parametrize(
    ("phone", "region", "e164"),
    [
        ("1-800-356-9377", "US", "+18003569377"),  # toll-free rings a person: kept
        ("(888) 555-0100", "US", "+18885550100"),
        ("(684) 733-1234", "US", "+16847331234"),  # mobile
        ("(201) 555-0123", "US", "+12015550123"),  # fixed line or mobile
        ("07400 123456", "GB", "+447400123456"),  # mobile
        ("0800 123 4567", "GB", "+448001234567"),  # toll-free
        ("056 1234 5678", "GB", "+445612345678"),  # VoIP
        ("0151 23456789", "DE", "+4915123456789"),  # mobile
    ],
)
def test_numbers_that_ring_a_person_are_kept(phone: str, region: str, e164: str) -> None:
    result = check(phone=phone, region=region)
    assert result.ok, result.errors
    assert result.phone_e164 == e164


_REFUSED_TYPES = (
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.PAGER,
    phonenumbers.PhoneNumberType.UAN,
    phonenumbers.PhoneNumberType.VOICEMAIL,
)
# The metadata's own example of each refused kind, in every region that has one.
_UNCALLABLE_EXAMPLES = [
    (region, phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL))
    for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    for kind in _REFUSED_TYPES
    if (example := phonenumbers.example_number_for_type(region, kind)) is not None
    and phonenumbers.number_type(example) == kind
]


def test_the_metadata_knows_every_refused_kind() -> None:
    kinds = {
        phonenumbers.number_type(phonenumbers.parse(phone, region))
        for region, phone in _UNCALLABLE_EXAMPLES
    }
    assert kinds == set(_REFUSED_TYPES)
    assert len(_UNCALLABLE_EXAMPLES) > 200


@pytest.mark.parametrize(("region", "phone"), _UNCALLABLE_EXAMPLES)
def test_every_region_s_uncallable_kinds_are_refused(region: str, phone: str) -> None:
    assert codes(check(phone=phone, region=region)) == ["phone-not-callable"]
    international = phonenumbers.format_number(
        phonenumbers.parse(phone, region), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    assert codes(check(phone=international, region="US")) == ["phone-not-callable"]


@pytest.mark.parametrize(
    "extension",
    [
        " ext 99",
        " ext. 99",
        " extension 99",
        "x99",
        " X 99",
        "#99",
        ",99",
        ",,,99",
        ";ext=99",
        " ext 0",
    ],
)
@pytest.mark.parametrize("phone", ["(202) 555-0143", "+1 202 555 0143", "1-800-356-9377"])
def test_an_extension_is_refused_not_dropped(phone: str, extension: str) -> None:
    result = check(phone=phone + extension)
    assert codes(result) == ["phone-extension"]
    assert result.phone_e164 is None
    assert result.error_for("phone").message == (
        "Please enter a number we can call directly, without an extension."
    )


@settings(max_examples=200, deadline=None)
@given(
    region=st.sampled_from(["US", "GB", "DE", "FR", "MX", "IN"]),
    marker=st.sampled_from(
        [" ext ", " ext. ", " extension ", " x", "x", "#", ",", ";ext=", " anexo "]
    ),
    digits=st.text(alphabet="0123456789", min_size=1, max_size=6),
)
def test_any_extension_on_a_good_number_is_refused(region: str, marker: str, digits: str) -> None:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    assert check(phone=national, region=region).ok
    assert codes(check(phone=national + marker + digits, region=region)) == ["phone-extension"]


def test_a_bare_extension_marker_loses_no_digits() -> None:
    """A trailing "x" or "," holds no digits: nothing is dropped, so the number stands."""
    assert check(phone="(202) 555-0143 x").phone_e164 == "+12025550143"
    assert check(phone="(202) 555-0143,").phone_e164 == "+12025550143"


def test_national_number_in_an_unknown_region_is_invalid_not_an_exception() -> None:
    assert codes(check(region="XX")) == ["phone-invalid"]
    assert codes(check(region="")) == ["phone-invalid"]


@pytest.mark.parametrize("value", list(BestTime))
def test_every_best_time_is_accepted(value: BestTime) -> None:
    assert check(best_time=value.value).best_time is value


@pytest.mark.parametrize(
    ("best_time", "code"),
    [(None, "best-time-required"), ("", "best-time-required"), ("midnight", "best-time-invalid")],
)
def test_bad_best_time_is_rejected(best_time: str | None, code: str) -> None:
    assert codes(check(best_time=best_time)) == [code]


@pytest.mark.parametrize("consent", [False, None, "yes", 1])
def test_consent_must_be_exactly_true(consent: object) -> None:
    assert codes(check(consent=consent)) == ["consent-required"]


def test_all_errors_come_back_in_form_order_with_the_good_fields_kept() -> None:
    result = check(name="", phone="x", best_time=None, consent=False)
    assert [e.field for e in result.errors] == ["name", "phone", "best_time", "consent"]
    assert not result.ok
    partial = check(name="", consent=False)
    assert partial.phone_e164 == "+12025550143"
    assert partial.best_time is BestTime.MORNING


def test_non_string_input_is_an_error_not_a_crash() -> None:
    result = validate_consult(None, 12, 3, True, None)  # type: ignore[arg-type]
    assert codes(result) == ["name-required", "phone-required", "best-time-invalid"]


def test_every_message_is_a_friendly_sentence() -> None:
    for code, message in MESSAGES.items():
        assert code == code.lower() and " " not in code
        assert message[0].isupper() and message.endswith(".")


def test_results_are_frozen() -> None:
    result = check()
    with pytest.raises(AttributeError):
        result.name = "other"  # type: ignore[misc]


_any_text = st.one_of(
    st.text(),
    st.text(min_size=200, max_size=3000),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(["\x00" * 10_000, "+" * 300, "9" * 300, " " * 5000, "a" * 100_000]),
)


@settings(max_examples=300, deadline=None)
@given(
    name=_any_text,
    phone=_any_text,
    best_time=st.one_of(st.none(), _any_text, st.sampled_from([t.value for t in BestTime])),
    consent=st.booleans(),
    region=st.one_of(st.sampled_from(["US", "GB", "DE", "IN", "JP", "ZZ"]), st.text(max_size=5)),
)
def test_any_input_gives_a_result_never_an_exception(
    name: str, phone: str, best_time: str | None, consent: bool, region: str
) -> None:
    result = validate_consult(name, phone, best_time, consent, region)
    assert isinstance(result, ValidationResult)
    for error in result.errors:
        assert error.field in {"name", "phone", "best_time", "consent"}
        assert MESSAGES[error.code] == error.message
    assert result.ok == (not result.errors)
    if result.name is not None:
        assert 0 < len(result.name) <= NAME_MAX_CHARS
        assert result.name == result.name.strip()
    if result.phone_e164 is not None:
        assert result.phone_e164.startswith("+") and result.phone_e164[1:].isdigit()
        assert len(result.phone_e164) <= 16
        typed = phonenumbers.parse(phone, region.upper())
        assert not typed.extension  # an extension is refused, never dropped
        assert phonenumbers.number_type(typed) not in _REFUSED_TYPES


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=NAME_MAX_CHARS))
def test_any_letters_make_a_name(name: str) -> None:
    result = check(name=name)
    assert result.error_for("name") is None, (name, result.errors)
