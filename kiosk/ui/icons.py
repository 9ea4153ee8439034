"""Draws qtawesome's bundled icon glyphs, loading only the icon fonts the kiosk actually uses.

Importing qtawesome pulls in qtpy's star-imports of QtCore/QtGui/QtWidgets (about 0.25 s here)
and loads every bundled font; the first frame cannot afford that. The glyphs and charmaps are
qtawesome's own files, found by ``kiosk.icon_names``.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QIconEngine, QPainter, QPixmap

from kiosk.icon_names import charmap, font_files, split_name

_families: dict[str, str] = {}


class UnknownIcon(LookupError):
    pass


def _family(prefix: str) -> str:
    family = _families.get(prefix)
    if family is None:
        files = font_files(prefix)
        if files is None:
            raise UnknownIcon(f"no icon font for prefix {prefix!r}")
        font_id = QFontDatabase.addApplicationFont(str(files.ttf))
        families = QFontDatabase.applicationFontFamilies(font_id)
        if not families:
            raise UnknownIcon(f"cannot load icon font {files.ttf}")
        family = families[0]
        _families[prefix] = family
    return family


class _GlyphEngine(QIconEngine):
    def __init__(self, family: str, char: str, color: QColor) -> None:
        super().__init__()
        self._family = family
        self._char = char
        self._color = color

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        font = QFont(self._family)
        font.setPixelSize(round(min(rect.width(), rect.height()) * 0.9))
        painter.save()
        painter.setFont(font)
        color = QColor(self._color)
        if mode == QIcon.Mode.Disabled:
            color.setAlpha(110)
        painter.setPen(color)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._char)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self._family, self._char, self._color)


def icon(name: str, color: str) -> QIcon:
    """A QIcon for a qtawesome name such as ``"mdi6.needle"``, drawn in ``color``."""
    prefix, glyph = split_name(name)
    code = charmap(prefix).get(glyph)
    if code is None:
        raise UnknownIcon(f"unknown icon {name!r}")
    return QIcon(_GlyphEngine(_family(prefix), chr(int(code, 16)), QColor(color)))
