"""The Home screen: a welcome and one large tile per section, plus the consult tile.

The consult tile stays at the foot of the screen, outside the page that scrolls: on any
glass and at any text size the visitor sees the call-to-action without scrolling. The
section tiles are as tall as their words, in two columns where two fit and one where not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from kiosk.education.content import Content
from kiosk.education.ui.tile import Tile
from kiosk.shell.i18n import Translator
from kiosk.shell.theme import Palette
from kiosk.shell.ui.fonts import refit
from kiosk.shell.ui.icons import icon
from kiosk.shell.ui.screen import Screen
from kiosk.shell.ui.touch import kinetic_scroll_area

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollArea

CONSULT_ICON = "mdi6.phone-in-talk"


class _UncutPage(QWidget):
    """Holds Home's page at its own height, its foot cut off by the screen's edge, for the
    first frame: laid out in the glass's height instead, the tiles were squeezed and cut
    their words in half (1024×600). ``finish_building()`` moves the page into its scroll
    area right after, where the same foot is a finger's scroll away."""

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self._page = page
        page.setParent(self)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        page, width = self._page, event.size().width()
        if page.parent() is not self:  # in its scroll area now
            return
        natural = page.heightForWidth(width) if page.hasHeightForWidth() else -1
        page.setGeometry(0, 0, width, max(event.size().height(), natural,
                                          page.minimumSizeHint().height()))


class HomeScreen(Screen):
    """Coloured by the window that shows it (``apply_look``), as every screen is."""

    section_chosen = Signal(str)
    consult_chosen = Signal()

    def __init__(
        self, content: Content, clinic_name: str, tr: Translator
    ) -> None:
        super().__init__()
        self.setObjectName("screen-home")
        self._tiles: dict[str, Tile] = {}
        self._icon_names: dict[str, str] = {}

        self._title = tr("Welcome to {clinic}", clinic=clinic_name)
        title = QLabel(self._title)
        title.setObjectName("screen-title")
        title.setWordWrap(True)
        self._welcome = tr(
            "Learn about dry needling at your own pace. Tap a topic to start reading.")
        welcome = QLabel(self._welcome)
        welcome.setObjectName("welcome")
        welcome.setWordWrap(True)

        self._grid = grid = QGridLayout()
        grid.setSpacing(20)
        self._columns = 0
        for section in content.sections:
            tile = Tile(section.title, section.summary, grow=False)
            tile.setObjectName(f"tile-{section.id}")
            tile.clicked.connect(lambda _=False, sid=section.id: self.section_chosen.emit(sid))
            self._tiles[section.id] = tile
            self._icon_names[section.id] = section.icon
        self._place_tiles(2)

        consult = Tile(
            tr("Request a free 15-minute phone consult"),
            tr("Leave your name and number. We will call you."),
            role="tile-cta", grow=False,
        )
        consult.setObjectName("tile-consult")
        consult.clicked.connect(self.consult_chosen)
        self._tiles["consult"] = consult
        self._icon_names["consult"] = CONSULT_ICON

        inner = QWidget()
        inner.setObjectName("scroll-content")
        column = QVBoxLayout(inner)
        column.setContentsMargins(40, 32, 40, 32)
        column.setSpacing(20)
        column.addWidget(title)
        column.addWidget(welcome)
        column.addLayout(grid)
        column.addStretch(1)

        # The first frame shows the page as it is; it becomes a finger-scrolled page (which
        # large text needs) right after, in finish_building(). A scroll area built before
        # the first frame costs about 30 ms: its private scroll-bar containers make PySide
        # resolve every lazily loaded Qt class the moment the idle guard sees their events.
        self._inner = inner
        self._uncut: _UncutPage | None = _UncutPage(inner)
        self._scroll: QScrollArea | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._uncut, 1)
        foot = QVBoxLayout()
        foot.setContentsMargins(40, 12, 40, 16)
        foot.addWidget(consult)
        layout.addLayout(foot)

    def spoken_title(self) -> str:
        return self._title

    def spoken_instructions(self) -> str:
        return self._welcome

    # --- columns ---------------------------------------------------------------------------
    #: A tile narrower than this many body-text ems wraps its title into a tall ribbon.
    TILE_MIN_EMS = 15

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_columns()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API: the text size changed
        super().changeEvent(event)
        from PySide6.QtCore import QEvent

        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit_columns()

    def _fit_columns(self) -> None:
        em = max(1, self.font().pixelSize())
        room = self.width() - 80 - self._grid.spacing()
        self._place_tiles(2 if room / 2 >= self.TILE_MIN_EMS * em else 1)

    def _place_tiles(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        tiles = [tile for key, tile in self._tiles.items() if key != "consult"]
        for tile in tiles:
            self._grid.removeWidget(tile)
        for index, tile in enumerate(tiles):
            self._grid.addWidget(tile, index // columns, index % columns)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """Small, also before the page is in its scroll area: the window must never grow
        past the screen to show a page that will scroll a moment later."""
        hint = super().minimumSizeHint()
        return hint if self._scroll is not None else QSize(min(hint.width(), 200), 200)

    def finish_building(self) -> None:
        """Puts the page in its scroll area."""
        if self._scroll is not None:
            return
        self._scroll = kinetic_scroll_area(self._inner)  # takes the page from its holder
        self.layout().replaceWidget(self._uncut, self._scroll)
        self.layout().setStretchFactor(self._scroll, 1)
        self._uncut.deleteLater()
        self._uncut = None
        refit(self._scroll)  # the window's fonts (its size hint is in lines of its font)
        self._scroll.show()  # now, not at the next event-loop turn: Home is on screen
        self._inner.show()
        # Moved into the scroll area, the page's tiles came last in the focus chain, after
        # the call to action under them: Tab goes through them first again.
        sections = [tile for key, tile in self._tiles.items() if key != "consult"]
        QWidget.setTabOrder(sections[-1], self._tiles["consult"])

    def apply_look(self, palette: Palette, text_size: str) -> None:
        for key, tile in self._tiles.items():
            colour = palette.cta_text if key == "consult" else palette.accent
            tile.set_icon(icon(self._icon_names[key], colour))

    def reset(self) -> None:
        if self._scroll is not None:
            self._scroll.verticalScrollBar().setValue(0)

    def is_pristine(self) -> bool:
        return self._scroll is None or self._scroll.verticalScrollBar().value() == 0
