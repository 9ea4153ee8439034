"""Home on the glass: its page scrolls in every language and text size, its tiles are as
tall as their words, and the consult tile is always in view."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QPushButton, QScrollArea, QWidget


def _tiles(home: QWidget) -> list[QPushButton]:
    return [tile for tile in home.findChildren(QPushButton)
            if tile.objectName().startswith("tile-") and tile.objectName() != "tile-consult"]


def _rect(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _assert_home_scrolls(qtbot, kiosk) -> None:
    home = kiosk.screens["home"]
    area = home.findChild(QScrollArea)
    assert area is not None, "Home's page is not in a scroll area"
    assert area.widget().objectName() == "scroll-content"
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0)  # largest text: it scrolls
    tiles = _tiles(home)
    for index, first in enumerate(tiles):
        assert first.height() >= first.layout().totalHeightForWidth(first.width()) - 2
        for second in tiles[index + 1:]:
            assert not _rect(first, home).intersects(_rect(second, home)), (
                f"{first.objectName()} overlaps {second.objectName()}")
    consult = kiosk.findChild(QPushButton, "tile-consult")
    assert home.rect().contains(_rect(consult, home))


def test_home_scrolls_after_a_language_switch_at_large_text(qtbot, kiosk) -> None:
    kiosk.resize(1024, 600)
    kiosk.cycle_text_size()
    kiosk.cycle_text_size()
    kiosk.toggle_language()
    _assert_home_scrolls(qtbot, kiosk)
    kiosk.toggle_language()  # and back: the first language's Home too
    _assert_home_scrolls(qtbot, kiosk)


def test_home_scrolls_when_the_language_changes_before_the_first_frame(
        qtbot, build, make_config) -> None:
    window = build(make_config(), show=False)
    window.cycle_text_size()
    window.cycle_text_size()
    window.toggle_language()
    window.resize(1024, 600)
    window.show()
    qtbot.waitExposed(window)
    _assert_home_scrolls(qtbot, window)


def test_tiles_are_as_tall_as_their_words_on_a_tall_screen(qtbot, kiosk) -> None:
    kiosk.resize(1080, 1920)
    home = kiosk.screens["home"]
    qtbot.waitUntil(lambda: home.height() > 1500)
    for tile in _tiles(home):
        needed = tile.layout().totalHeightForWidth(tile.width())
        assert tile.height() <= needed + 48, f"{tile.objectName()} is {tile.height()} px tall"


def test_the_first_frame_cuts_no_tile_on_a_small_screen(qtbot, build, make_config) -> None:
    """Before Home is in its scroll area (that is built just after the first frame), its page
    keeps its own height, cut at the screen's edge: laid out in the glass's height, the
    tiles were squeezed to half their words at 1024×600."""
    from kiosk.shell.ui.first_frame import after_first_paint

    window = build(make_config(), show=False)
    seen: list[tuple[str, int, int]] = []

    def look() -> None:
        home = window.stack.currentWidget()
        assert home.findChild(QScrollArea) is None  # still the first frame's page
        seen.extend((tile.objectName(), tile.height(),
                     tile.layout().totalHeightForWidth(tile.width())) for tile in _tiles(home))

    after_first_paint(window, look, 0)
    window.resize(1024, 600)
    window.show()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    squeezed = [(name, height, needed) for name, height, needed in seen if height < needed - 2]
    assert squeezed == []
