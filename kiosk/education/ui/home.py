"""The Home screen: a welcome and one large tile per section, plus the consult tile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from kiosk.education.content import Content
from kiosk.education.ui.tile import Tile
from kiosk.shell.i18n import Translator
from kiosk.shell.theme import Palette
from kiosk.shell.ui.icons import icon
from kiosk.shell.ui.screen import Screen
from kiosk.shell.ui.touch import kinetic_scroll_area

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollArea

CONSULT_ICON = "mdi6.phone-in-talk"


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

        grid = QGridLayout()
        grid.setSpacing(20)
        for index, section in enumerate(content.sections):
            tile = Tile(section.title, section.summary)
            tile.setObjectName(f"tile-{section.id}")
            tile.clicked.connect(lambda _=False, sid=section.id: self.section_chosen.emit(sid))
            self._tiles[section.id] = tile
            self._icon_names[section.id] = section.icon
            grid.addWidget(tile, index // 2, index % 2)

        consult = Tile(
            tr("Request a free 15-minute phone consult"),
            tr("Leave your name and number. We will call you."),
            role="tile-cta",
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
        column.addLayout(grid, 1)
        column.addWidget(consult)

        # The first frame shows the page as it is; it becomes a finger-scrolled page (which
        # large text needs) right after, in finish_building(). A scroll area built before
        # the first frame costs about 30 ms: its private scroll-bar containers make PySide
        # resolve every lazily loaded Qt class the moment the idle guard sees their events.
        self._inner = inner
        self._scroll: QScrollArea | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(inner)

    def spoken_title(self) -> str:
        return self._title

    def spoken_instructions(self) -> str:
        return self._welcome

    def finish_building(self) -> None:
        """Puts the page in its scroll area."""
        if self._scroll is not None:
            return
        self._scroll = kinetic_scroll_area(self._inner)  # takes the page from the layout
        self.layout().addWidget(self._scroll)
        self._scroll.show()  # now, not at the next event-loop turn: Home is on screen
        self._inner.show()

    def apply_look(self, palette: Palette, text_size: str) -> None:
        for key, tile in self._tiles.items():
            colour = palette.cta_text if key == "consult" else palette.accent
            tile.set_icon(icon(self._icon_names[key], colour))

    def reset(self) -> None:
        if self._scroll is not None:
            self._scroll.verticalScrollBar().setValue(0)

    def is_pristine(self) -> bool:
        return self._scroll is None or self._scroll.verticalScrollBar().value() == 0
