"""The take-home QR code, read back from the glass by a real decoder (zbar), on every screen
that shows it, in both languages and every text size."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage, QScreen
from PySide6.QtWidgets import QWidget
from pyzbar.pyzbar import ZBarSymbol, decode

from kiosk.shell.ui import take_home

WEBSITE = "https://riverside.example.org"
AFTERCARE = "https://riverside.example.org/dry-needling/aftercare?from=kiosk"
CLINIC_TEL = "tel:+15550102000"
SCREENS = ("section-what-to-expect", "section-aftercare", "consult-done")
CAPTIONS = {
    "en": {"section": "Scan with your phone's camera to read this advice at home.",
           "done": "Scan with your phone's camera to call the clinic."},
    "es": {"section": "Escanee con la cámara de su teléfono para leer estos consejos en casa.",
           "done": "Escanee con la cámara de su teléfono para llamar a la clínica."},
}


def decoded(widget: QWidget) -> list[str]:
    """What zbar reads in the widget as it is drawn on the glass."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    raw = bytes(image.constBits())
    pixels = b"".join(raw[y * stride:y * stride + width] for y in range(height))
    return [symbol.data.decode() for symbol in decode((pixels, width, height),
                                                      symbols=[ZBarSymbol.QRCODE])]


def code_on(window, name: str) -> QWidget | None:
    from PySide6.QtWidgets import QApplication

    window.show_screen(name)
    # The layout a new text size asked for, as the event loop runs it before the glass is
    # painted: grabbed before it, the caption still sat across the code.
    QApplication.processEvents()
    return window.screens[name].findChild(QWidget, "qr-takehome")


@pytest.fixture
def clinic(build, make_config):
    return build(make_config(clinic={"website": WEBSITE, "aftercare_url": AFTERCARE,
                                     "phone": "(555) 010-2000", "region": "US"},
                             kiosk={"attract_after_s": 0}))


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("text_steps", [0, 1, 2], ids=["default", "large", "largest"])
def test_every_code_reads_back_as_the_configured_address(qtbot, clinic, language, text_steps):
    window = clinic
    window.set_language(language)
    for _ in range(text_steps):
        window.cycle_text_size()
    assert window.text_size == ("default", "large", "largest")[text_steps]
    for name in SCREENS:
        code = code_on(window, name)
        assert code is not None, name
        expected = CLINIC_TEL if name == "consult-done" else AFTERCARE
        assert decoded(code) == [expected], (name, language, window.text_size)
        caption = CAPTIONS[language]["done" if name == "consult-done" else "section"]
        assert code.findChild(QWidget, "qr-takehome-caption").text() == caption
        window.go_home()


def test_the_code_is_at_least_35_mm_on_the_glass(clinic):
    code = code_on(clinic, "section-aftercare")
    dpi = code.screen().physicalDotsPerInch()
    label = code.findChild(QWidget, "qr-takehome-code")
    assert label.width() / dpi * 25.4 >= 35
    assert code.code_width_mm() >= 35


def test_a_screen_without_a_believable_dpi_gets_a_big_enough_code(qtbot, monkeypatch):
    monkeypatch.setattr(QScreen, "physicalDotsPerInch", lambda self: 0.0)
    code = take_home.TakeHomeCode(WEBSITE, "caption")
    qtbot.addWidget(code)
    assert take_home.physical_dpi(code) == take_home.FALLBACK_DPI
    label = code.findChild(QWidget, "qr-takehome-code")
    assert label.width() / take_home.FALLBACK_DPI * 25.4 >= 35
    assert decoded(code) == [WEBSITE]


def test_the_web_site_stands_in_for_a_missing_aftercare_page(build, make_config):
    window = build(make_config(clinic={"website": WEBSITE, "phone": ""},
                               kiosk={"attract_after_s": 0}))
    for name in SCREENS:
        assert decoded(code_on(window, name)) == [WEBSITE], name
        window.go_home()


def test_no_address_configured_means_no_code(build, make_config):
    window = build(make_config(clinic={"phone": ""}, kiosk={"attract_after_s": 0}))
    for name in SCREENS:
        assert code_on(window, name) is None, name
        window.go_home()
    assert window.findChild(QWidget, "qr-takehome") is None
