"""A small bar chart drawn with QPainter: a title, one bar per value, its number above it.

Generic (it knows no feature): the staff Report view draws requests per day and the
time-to-first-call histogram with it. Lighter than QtCharts, and it follows the theme.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontInfo, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 44, 12, 52, 72


class BarChart(QWidget):
    """``set_bars(bars)`` with (label, value) pairs; labels thin out when they would crowd."""

    def __init__(self, title: str, colour: str = "#1f6f8b", parent: QWidget | None = None,
                 text: str = "#1d2b36", axis: str = "#8a99a6") -> None:
        super().__init__(parent)
        self._title = title
        self._bars: list[tuple[str, int]] = []
        self._colours = QColor(colour), QColor(text), QColor(axis)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)

    def set_bars(self, bars: list[tuple[str, int]]) -> None:
        self._bars = list(bars)
        self.setAccessibleDescription(", ".join(f"{label}: {value}" for label, value in bars))
        self.update()

    def bars(self) -> list[tuple[str, int]]:
        return list(self._bars)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(480, 260)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(280, 240)

    def _title_font(self, font: QFont, room: int) -> QFont:
        """Bold, and smaller (down to three quarters) where the chart is too narrow for the
        title: at 1024 px the report's second chart cut "time to first call" short."""
        title_font = QFont(font)
        title_font.setBold(True)
        size = QFontInfo(title_font).pixelSize()
        for pixels in range(size, max(1, round(size * 0.75)) - 1, -1):
            title_font.setPixelSize(pixels)
            if QFontMetrics(title_font).horizontalAdvance(self._title) <= room:
                break
        return title_font

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        bar_colour, text_colour, axis_colour = self._colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        painter.setFont(self._title_font(font, self.width() - 16))
        painter.setPen(text_colour)
        title = painter.fontMetrics().elidedText(self._title, Qt.TextElideMode.ElideRight,
                                                 self.width() - 16)
        painter.drawText(QRectF(8, 4, self.width() - 16, 28),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        plot = QRectF(_MARGIN_LEFT, _MARGIN_TOP, self.width() - _MARGIN_LEFT - _MARGIN_RIGHT,
                      self.height() - _MARGIN_TOP - _MARGIN_BOTTOM)
        if plot.width() <= 0 or plot.height() <= 0:
            return
        small = QFont(font)
        small.setPixelSize(max(12, round(QFontInfo(font).pixelSize() * 0.7)))
        painter.setFont(small)
        metrics = painter.fontMetrics()
        peak = max((value for _label, value in self._bars), default=0) or 1
        painter.setPen(axis_colour)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.setPen(text_colour)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRectF(0, plot.top() - 8, _MARGIN_LEFT - 6, 16), right, str(peak))
        painter.drawText(QRectF(0, plot.bottom() - 8, _MARGIN_LEFT - 6, 16), right, "0")
        count = max(len(self._bars), 1)
        step = plot.width() / count
        widest = max((metrics.horizontalAdvance(label) for label, _v in self._bars), default=0)
        # Labels are drawn at 40 degrees; keep one in `every` so they never overlap.
        every = max(1, int((metrics.height() * 1.6) // max(step, 1)) + 1) if widest else 1
        for i, (label, value) in enumerate(self._bars):
            height = plot.height() * value / peak
            bar = QRectF(plot.left() + i * step + step * 0.15, plot.bottom() - height,
                         step * 0.7, height)
            painter.fillRect(bar, bar_colour)
            if value:
                painter.drawText(QRectF(bar.left() - 20, bar.top() - 18, bar.width() + 40, 16),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                                 str(value))
            if i % every == 0:
                painter.save()
                painter.translate(bar.center().x(), plot.bottom() + 6)
                painter.rotate(-40)
                painter.drawText(QRectF(-widest - 4, -8, widest, 16), right, label)
                painter.restore()
        painter.end()
