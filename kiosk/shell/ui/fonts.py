"""The kiosk window's fonts, set by code from the stylesheet's font rules.

The window's screens wear the stylesheet without its fonts (``stylesheet(fonts=False)``,
which depends on the theme alone), and each widget gets the font the sheet's rules give it
(``kiosk.shell.theme.font_for``) here. A text-size change is then a new font on the widgets
of the screen in view (about 1 ms for a section's 70 widgets), where a new sheet re-polished
every one of them (13 ms, and as long again for the bars). What the sheet paints (colours,
borders, padding) is untouched by fonts, so a contrast change still goes through the sheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from weakref import WeakKeyDictionary

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.shell.theme import FontSpec, font_for

#: The sizes (``font_sizes``) a root widget's fonts were last set from, for ``refit``.
_SIZES_PROPERTY = "kioskFontSizes"
#: Each widget's rule match, kept: as Qt's stylesheet engine, it is matched again only when
#: the widget is repolished (``refit``), not at every text size.
_SPECS: WeakKeyDictionary[QWidget, FontSpec] = WeakKeyDictionary()


def apply_fonts(root: QWidget, sizes: Mapping[str, int]) -> None:
    """Every widget from ``root`` down gets the font the sheet gives it at ``sizes``; a widget
    whose font is already that is left alone (no relayout), and a root already set at these
    sizes is not walked again (a contrast change: a new sheet keeps the fonts set in code)."""
    if root.property(_SIZES_PROPERTY) == dict(sizes):
        return
    root.setProperty(_SIZES_PROPERTY, dict(sizes))
    _set_fonts([root, *root.findChildren(QWidget)], sizes)


def refit(widget: QWidget) -> None:
    """``widget``'s subtree again, after a property its font depends on has changed (a
    compact title): at the sizes of the nearest ancestor that ``apply_fonts`` styled."""
    node: QWidget | None = widget
    while node is not None:
        sizes = node.property(_SIZES_PROPERTY)
        if sizes:
            _set_fonts([widget, *widget.findChildren(QWidget)], sizes, again=True)
            return
        node = node.parentWidget()


def _set_fonts(widgets: list[QWidget], sizes: Mapping[str, int], *, again: bool = False) -> None:
    base = QApplication.font()
    for widget in widgets:
        spec = None if again else _SPECS.get(widget)
        if spec is None:
            spec = _SPECS[widget] = font_for(widget)
        px = sizes[spec.size]
        weight = QFont.Weight(spec.weight)
        current = widget.font()
        family = spec.family or base.family()
        if current.pixelSize() == px and current.weight() == weight \
                and current.family() == family:
            continue
        font = QFont(base)
        font.setPixelSize(px)
        font.setWeight(weight)
        font.setFamily(family)
        widget.setFont(font)
