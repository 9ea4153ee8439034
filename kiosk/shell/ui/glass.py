"""What the window's screen reports, handed to the Qt-free text sizing (``kiosk.shell.glass``)."""

from __future__ import annotations

import functools

from PySide6.QtGui import QFont, QFontMetricsF, QGuiApplication, QScreen

from kiosk.shell.glass import Glass, body_px

_MEASURE_PX = 200


@functools.cache
def _cap_height_ratio(family: str) -> float:
    """The capital height of the kiosk's font as a share of its pixel size."""
    font = QFont(family)
    font.setPixelSize(_MEASURE_PX)
    return QFontMetricsF(font).capHeight() / _MEASURE_PX


def glass_of(screen: QScreen) -> Glass:
    size = screen.geometry().size()
    return Glass(size.width(), size.height(), screen.physicalDotsPerInch(),
                 screen.devicePixelRatio())


def glass_body_px(screen: QScreen | None, scale_percent: int = 100) -> int:
    """Body text's pixel size at the default text size on ``screen`` (the primary if None)."""
    screen = screen or QGuiApplication.primaryScreen()
    ratio = _cap_height_ratio(QGuiApplication.font().family())
    return body_px(glass_of(screen), ratio, scale_percent)
