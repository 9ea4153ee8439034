"""A patient fills the consult form with the on-screen keys; the request is stored once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.callback_queue.store import CallbackStore


def tap(qtbot, window, name: str) -> None:
    widget = window.findChild(QWidget, name)
    assert widget is not None, name
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_keys(qtbot, window, text: str) -> None:
    for char in text:
        tap(qtbot, window, "key-space" if char == " " else f"key-{char.lower()}")


def dial(qtbot, window, digits: str) -> None:
    for digit in digits:
        tap(qtbot, window, f"keypad-{digit}")


def stored_requests(config_path):
    from kiosk.config import load_config

    store = CallbackStore.open(load_config(config_path).database.url)
    try:
        return store.page(limit=100)
    finally:
        store.close()


def test_fill_and_submit_with_real_taps(qtbot, build, make_config):
    # Open around the clock: whenever the test runs, the call is due within the hour.
    config_path = make_config(clinic={"hours": ["mon-sun 00:00-24:00"]})
    window = build(config_path)
    tap(qtbot, window, "tile-consult")
    assert window.stack.currentWidget().objectName() == "screen-consult"
    type_keys(qtbot, window, "ana maria")
    tap(qtbot, window, "consult-phone")
    dial(qtbot, window, "2025550143")
    tap(qtbot, window, "consult-time-morning")
    tap(qtbot, window, "consult-consent")
    form = window.screens["consult"]
    assert form.name.text() == "Ana Maria"
    tap(qtbot, window, "consult-submit")
    qtbot.waitUntil(lambda: window.stack.currentWidget().objectName() == "screen-consult-done",
                    timeout=10_000)
    done = window.findChild(QWidget, "screen-consult-done")
    assert done.findChild(QLabel).text() == "Thank you — we will call you within the hour."
    requests = stored_requests(config_path)
    assert [(r.name, r.phone, str(r.best_time)) for r in requests] == [
        ("Ana Maria", "+12025550143", "morning")]
    # The consent stored is the sentence the patient saw, in the screen's language.
    from kiosk.callback_queue.model import consent_version

    shown = form.consent.text()
    assert "may call me" in shown
    assert (requests[0].language, requests[0].consent_version) == ("en", consent_version(shown))
    assert form.name.text() == "" and form.phone.text() == ""


def test_clear_messages_next_to_each_field(qtbot, kiosk):
    tap(qtbot, kiosk, "tile-consult")
    tap(qtbot, kiosk, "consult-submit")
    error = kiosk.findChild(QLabel, "consult-error")
    assert error.text() == "Please enter your name."
    assert kiosk.findChild(QLabel, "consult-phone-error").isVisible()
    assert kiosk.findChild(QLabel, "consult-consent-error").isVisible()
    type_keys(qtbot, kiosk, "lee")
    tap(qtbot, kiosk, "consult-phone")
    dial(qtbot, kiosk, "123")
    tap(qtbot, kiosk, "consult-submit")
    assert "phone number" in error.text()
    assert kiosk.stack.currentWidget().objectName() == "screen-consult"


def test_double_tap_creates_one_request(qtbot, build, make_config):
    config_path = make_config()
    window = build(config_path)
    tap(qtbot, window, "tile-consult")
    form = window.screens["consult"]
    form.name.setText("Sam Ortiz")
    form.phone.setText("(202) 555-0199")
    tap(qtbot, window, "consult-time-any")
    tap(qtbot, window, "consult-consent")
    submit = window.findChild(QPushButton, "consult-submit")
    form.try_submit()
    assert not submit.isEnabled()  # disabled while the request is in flight
    form.try_submit()
    qtbot.mouseClick(submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget().objectName() == "screen-consult-done",
                    timeout=10_000)
    assert len(stored_requests(config_path)) == 1


def test_a_failed_store_keeps_what_the_patient_typed(qtbot, kiosk):
    tap(qtbot, kiosk, "tile-consult")
    form = kiosk.screens["consult"]

    def broken(request, on_done, on_error):
        on_error(OSError("disk full"))

    form._submit = broken
    form.name.setText("Kim Lee")
    form.phone.setText("2025550123")
    tap(qtbot, kiosk, "consult-time-evening")
    tap(qtbot, kiosk, "consult-consent")
    tap(qtbot, kiosk, "consult-submit")
    assert kiosk.stack.currentWidget().objectName() == "screen-consult"
    assert "could not be saved" in kiosk.findChild(QLabel, "consult-error").text()
    assert form.name.text() == "Kim Lee"
    assert kiosk.findChild(QPushButton, "consult-submit").isEnabled()


def test_thank_you_returns_home_by_itself(qtbot, kiosk, monkeypatch):
    done = kiosk.screens["consult-done"]
    done._timer.setInterval(100)
    kiosk.show_screen("consult")
    kiosk.replace_screen("consult-done")
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget().objectName() == "screen-home",
                    timeout=3000)


def _fill_all_but_the_phone(qtbot, window) -> None:
    tap(qtbot, window, "tile-consult")
    type_keys(qtbot, window, "ana maria")
    tap(qtbot, window, "consult-time-morning")
    tap(qtbot, window, "consult-consent")
    tap(qtbot, window, "consult-phone")


def _refused(qtbot, window, config_path, expected: str) -> None:
    """Send is tapped; the patient reads ``expected`` beside the phone and nothing is sent."""
    form = window.screens["consult"]
    sent = []
    form._submit = lambda request, on_done, on_error: sent.append(request)
    tap(qtbot, window, "consult-submit")
    assert window.findChild(QLabel, "consult-phone-error").text() == expected
    assert window.findChild(QLabel, "consult-error").text() == expected
    assert window.findChild(QLabel, "consult-phone-error").isVisible()
    assert window.stack.currentWidget().objectName() == "screen-consult"
    assert form.keyboards.currentWidget() is form.keypad  # ready to correct the number
    assert sent == [] and stored_requests(config_path) == []


def test_a_premium_rate_number_is_refused_kindly(qtbot, build, make_config):
    config_path = make_config()
    window = build(config_path)
    _fill_all_but_the_phone(qtbot, window)
    dial(qtbot, window, "19009761234")
    _refused(qtbot, window, config_path,
             "We cannot call that kind of number back. Please enter a mobile, home or work number.")


def test_an_extension_typed_on_a_keyboard_is_refused_not_dropped(qtbot, build, make_config):
    config_path = make_config()
    window = build(config_path)
    _fill_all_but_the_phone(qtbot, window)
    qtbot.keyClicks(window.screens["consult"].phone, "(202) 555-0143 ext 99")
    assert window.screens["consult"].phone.text() == "(202) 555-0143 ext 99"
    _refused(qtbot, window, config_path,
             "Please enter a number we can call directly, without an extension.")


def test_the_refusals_are_in_spanish_on_the_spanish_form(qtbot, build, make_config):
    config_path = make_config()
    window = build(config_path)
    window.set_language("es")
    _fill_all_but_the_phone(qtbot, window)
    dial(qtbot, window, "19009761234")
    _refused(qtbot, window, config_path, "No podemos llamar a ese tipo de número. "
             "Escriba el número de su celular, de su casa o de su trabajo.")
    form = window.screens["consult"]
    form.phone.clear()
    qtbot.keyClicks(form.phone, "2025550143#99")
    _refused(qtbot, window, config_path,
             "Escriba un número al que podamos llamar directamente, sin extensión.")


def test_a_toll_free_number_is_still_sent(qtbot, build, make_config):
    config_path = make_config()
    window = build(config_path)
    _fill_all_but_the_phone(qtbot, window)
    dial(qtbot, window, "18003569377")
    tap(qtbot, window, "consult-submit")
    qtbot.waitUntil(lambda: window.stack.currentWidget().objectName() == "screen-consult-done",
                    timeout=10_000)
    assert [r.phone for r in stored_requests(config_path)] == ["+18003569377"]
