"""The take-home QR code: a large code a patient scans to read the clinic's page at home.

It carries only an address from the config (a web page, or the clinic's ``tel:`` number),
never anything about the visitor. It is at least ``MIN_CODE_MM`` wide on the glass, worked
out from the screen's physical DPI (with a fallback when the screen reports none or nonsense),
drawn with whole pixels per module, dark on white, inside its four-module quiet zone.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

#: The code itself (without its quiet zone) is at least this wide on the glass.
MIN_CODE_MM = 38.0
#: The four-module light border every QR reader needs around the code.
QUIET_ZONE_MODULES = 4
#: When the screen's physical DPI is missing or implausible (some drivers report 0, or the
#: DPI of a projector), assume a typical tablet panel's.
FALLBACK_DPI = 96.0
PLAUSIBLE_DPI = (50.0, 600.0)


def physical_dpi(widget: QWidget) -> float:
    """Logical pixels per real inch of the screen ``widget`` is on, or the fallback (Qt
    divides the screen's device-independent size by its physical size)."""
    screen = widget.screen()
    dpi = screen.physicalDotsPerInch() if screen is not None else 0.0
    low, high = PLAUSIBLE_DPI
    return dpi if low <= dpi <= high else FALLBACK_DPI


def render_code(text: str, min_code_px: int) -> QImage:
    """``text`` as a QR code (error correction M), whole pixels per module, quiet zone
    included, the code at least ``min_code_px`` device pixels wide."""
    import segno  # only screens that show a code pay for it

    code = segno.make(text, error="m", micro=False)
    matrix = code.matrix
    modules = len(matrix)
    scale = max(1, math.ceil(min_code_px / modules))
    side = (modules + 2 * QUIET_ZONE_MODULES) * scale
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    dark = QColor("black")
    for row, line in enumerate(matrix):
        y = (row + QUIET_ZONE_MODULES) * scale
        for column, value in enumerate(line):
            if value:
                painter.fillRect(QRect((column + QUIET_ZONE_MODULES) * scale, y, scale, scale),
                                 dark)
    painter.end()
    return image


class TakeHomeCode(QWidget):
    """``qr-takehome``: the code, and one line under it saying what it opens."""

    def __init__(self, text: str, caption: str) -> None:
        super().__init__()
        self.setObjectName("qr-takehome")
        self.text = text
        self.setAccessibleName(caption)
        self._code = QLabel()
        self._code.setObjectName("qr-takehome-code")
        self._code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._code.setAccessibleName(caption)
        self.caption = QLabel(caption)
        self.caption.setObjectName("qr-takehome-caption")
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setMinimumWidth(240)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.setSpacing(8)
        layout.addWidget(self._code, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.caption)
        self._drawn_for: tuple[float, float] | None = None
        self.refresh()

    def refresh(self) -> None:
        """Draw the code for the screen the widget is on now (its DPI and pixel ratio)."""
        dpi, ratio = physical_dpi(self), self.devicePixelRatioF() or 1.0
        if self._drawn_for == (dpi, ratio):
            return
        self._drawn_for = (dpi, ratio)
        # The DPI counts logical pixels; the image is drawn in device pixels.
        image = render_code(self.text, math.ceil(MIN_CODE_MM / 25.4 * dpi * ratio))
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self._code.setPixmap(pixmap)
        self._code.setFixedSize(pixmap.deviceIndependentSize().toSize())

    def code_width_mm(self) -> float:
        """How wide the code and its quiet zone are on the glass."""
        pixmap = self._code.pixmap()
        return pixmap.deviceIndependentSize().width() / physical_dpi(self) * 25.4

    def showEvent(self, event) -> None:  # noqa: N802 - the screen may have changed
        self.refresh()
        super().showEvent(event)
