"""Draws qtawesome's bundled icon glyphs, loading only the icon fonts the kiosk actually uses.

Importing qtawesome pulls in qtpy's star-imports of QtCore/QtGui/QtWidgets (about 0.25 s here)
and loads every bundled font; the first frame cannot afford that. The glyphs and charmaps are
qtawesome's own files, found by ``kiosk.shell.icon_names``.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QIconEngine, QPainter, QPixmap

from kiosk.shell.icon_names import charmap, font_files, split_name

_families: dict[str, str] = {}
# Qt::AlignCenter, for QPainter.drawText's plain-int flags: the tiles' icons are on the first
# frame, and touching PySide6's ``Qt`` namespace would build its 94 enum types first (~25 ms).
_ALIGN_CENTER = 0x0084


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
    """Draws one glyph of an icon font in one colour.

    The glyph is drawn with the painter's default (black) pen and then coloured by
    composition. ``QPainter.setPen`` is avoided on purpose: PySide6 resolves its overloads
    by building the whole ``Qt`` namespace (94 enum types, about 25 ms), and Home's tiles
    draw their icons before the first frame.
    """

    def __init__(self, family: str, char: str, color: str, on_color: str | None = None) -> None:
        super().__init__()
        self._family = family
        self._char = char
        self._color = color
        self._on_color = on_color or color

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.drawPixmap(rect, self.pixmap(rect.size(), mode, state))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(QColor(0, 0, 0, 0))  # transparent
        font = QFont(self._family)
        font.setPixelSize(round(min(size.width(), size.height()) * 0.9))
        painter = QPainter(pixmap)
        painter.setFont(font)
        painter.drawText(QRect(QPoint(0, 0), size), _ALIGN_CENTER, self._char)
        ink = QPixmap(size)
        color = QColor(self._on_color if state == QIcon.State.On else self._color)
        if mode == QIcon.Mode.Disabled:
            color.setAlpha(110)
        ink.fill(color)
        # Keep the glyph's shape (its alpha) and take the ink's colour.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.drawPixmap(0, 0, ink)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self._family, self._char, self._color, self._on_color)


def icon(name: str, color: str, on_color: str | None = None) -> QIcon:
    """A QIcon for a qtawesome name such as ``"mdi6.needle"``, drawn in ``color``, and in
    ``on_color`` on a checked button (whose background the stylesheet changes)."""
    prefix, glyph = split_name(name)
    code = charmap(prefix).get(glyph)
    if code is None:
        raise UnknownIcon(f"unknown icon {name!r}")
    for value in (color, on_color or color):
        if not QColor.isValidColorName(value):
            raise ValueError(f"not a colour: {value!r}")
    return QIcon(_GlyphEngine(_family(prefix), chr(int(code, 16)), color, on_color))
