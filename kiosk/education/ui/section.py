"""One education section: its Markdown text, tappable cards, and the consult call-to-action."""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QTextBlockFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kiosk.education.content import Card, Section
from kiosk.education.ui.tile import Tile
from kiosk.shell.i18n import Translator
from kiosk.shell.theme import Palette
from kiosk.shell.ui.icons import icon
from kiosk.shell.ui.screen import Screen
from kiosk.shell.ui.speech import Speaker
from kiosk.shell.ui.touch import SwipeDetector, kinetic_scroll_area

# Long lines are hard to follow; beyond this the text column stays centred. In body-text
# ems, so a big panel's bigger text keeps the same words to a line.
READING_WIDTH = 1040
READING_EMS = 43


class MarkdownLabel(QTextBrowser):
    """Shows Markdown with Qt's own renderer as read-only text: screen readers get a text
    interface (headings, paragraphs, list items), not one label named with the whole
    section. Never selectable, never a link target, never scrolled on its own: it is as
    tall as its text, and the section's page scrolls."""

    def __init__(self, markdown: str, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(0)
        document = QTextDocument()
        document.setMarkdown(markdown)
        self._plain = document.toPlainText()
        self.setHtml(_airy_html(document))
        self.document().documentLayout().documentSizeChanged.connect(self._fit)

    def toPlainText(self) -> str:  # noqa: N802 - the text as read, without the layout's breaks
        return self._plain

    def text(self) -> str:
        """As QLabel.text() did when the section body was a label: the text as read."""
        return self._plain

    def _fit(self, size=None) -> None:
        height = round(self.document().size().height()) + 2 * self.frameWidth()
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def wheelEvent(self, event) -> None:  # noqa: N802 - the page scrolls, not the text
        event.ignore()


def _airy_html(document: QTextDocument) -> str:
    """Qt's Markdown layout is dense; give lines and paragraphs room to breathe on a tablet."""
    cursor = QTextCursor(document)
    block = document.begin()
    while block.isValid():
        fmt = block.blockFormat()
        fmt.setLineHeight(135, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        in_list = block.textList() is not None
        fmt.setBottomMargin(6 if in_list else 14)
        if fmt.headingLevel():
            fmt.setTopMargin(18)
        cursor.setPosition(block.position())
        cursor.setBlockFormat(fmt)
        block = block.next()
    html = document.toHtml()
    # Let the stylesheet's (scalable) body size rule: drop the document's baked-in font size,
    # and keep headings one step calmer than Qt's Markdown defaults.
    html = re.sub(r"<body style=\"[^\"]*\">", "<body>", html, count=1)
    return html.replace("font-size:x-large", "font-size:large").replace(
        "font-size:xx-large", "font-size:x-large"
    )


class MechanismCard(QWidget):
    """A card that opens to show its detail when tapped, and closes when tapped again."""

    def __init__(self, number: int, card: Card, tr: Translator) -> None:
        super().__init__()
        self._card = card
        self.button = Tile(card.title, tr("Tap to read more"), role="card", grow=False)
        self.button.setObjectName(f"card-{number}")
        self.button.setCheckable(True)
        self.button.setAccessibleName(card.title)
        self.button.setAccessibleDescription(tr("Tap to read more"))
        self.detail = MarkdownLabel(card.body, "card-detail")
        self.detail.setAccessibleName(card.title)
        self.detail.setProperty("card", number)
        self.detail.setVisible(False)
        self.button.toggled.connect(self.detail.setVisible)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.button)
        layout.addWidget(self.detail)

    def apply_palette(self, palette: Palette) -> None:
        self.button.set_icon(icon(self._card.icon, palette.accent), 44)

    def close_detail(self) -> None:
        self.button.setChecked(False)


class SectionScreen(Screen):
    consult_chosen = Signal()
    swiped = Signal(int)
    next_chosen = Signal()

    def __init__(
        self,
        section: Section,
        next_title: str | None,
        tr: Translator,
        read_aloud: Speaker | None = None,
        language: str = "en",
        take_home: tuple[str, str] | None = None,
    ) -> None:
        """``take_home``: (what the QR code opens, the line saying so), or no code."""
        super().__init__()
        self.section = section
        self._speaker = read_aloud
        self._language = language
        self.setObjectName(f"screen-section-{section.id}")

        self._title_icon = QLabel()
        title = QLabel(section.title)
        title.setObjectName("screen-title")
        title.setWordWrap(True)
        heading = QHBoxLayout()
        heading.setSpacing(20)
        heading.addWidget(self._title_icon)
        heading.addWidget(title, 1)
        self.read_button = QPushButton(tr("Read aloud"))
        self.read_button.setObjectName("read-aloud")
        self.read_button.setCheckable(True)
        self.read_button.setIconSize(QSize(32, 32))
        self.read_button.setAccessibleName(tr("Read this page aloud"))
        self.read_button.setProperty("reads_aloud", True)  # speech mode lets it speak
        self.read_button.toggled.connect(self._toggle_reading)
        self._stop_text, self._read_text = tr("Stop reading"), tr("Read aloud")
        self._instructions = tr("Choose Read aloud to hear this page.")
        if read_aloud:
            read_aloud.speaking_changed.connect(self._speaking_changed)
            read_aloud.availability_changed.connect(self._availability_changed)

        self.body = MarkdownLabel(section.body, "section-body")
        self.body.setAccessibleName(section.title)

        inner = QWidget()
        inner.setObjectName("scroll-content")
        page = QWidget()
        page.setMaximumWidth(READING_WIDTH)
        self._page = page
        centred = QHBoxLayout(inner)
        centred.setContentsMargins(0, 0, 0, 0)
        centred.addWidget(page)
        column = QVBoxLayout(page)
        column.setContentsMargins(56, 32, 56, 40)
        self._column = column
        column.setSpacing(24)
        column.addLayout(heading)
        column.addWidget(self.read_button, 0, Qt.AlignmentFlag.AlignLeft)
        # Only once it has a parent: a parentless button made visible is a window of its own
        # (it flashed on screen and took the kiosk window's focus). Shown only while the
        # speaker's engine is known to work: it opens on its own thread and says when.
        self.read_button.setHidden(not (read_aloud and read_aloud.available()))
        column.addWidget(self.body)

        self.cards = [MechanismCard(n, card, tr) for n, card in enumerate(section.cards, 1)]
        for card in self.cards:
            column.addWidget(card)
        self.take_home = None
        if take_home is not None:
            from kiosk.shell.ui.take_home import TakeHomeCode

            self.take_home = TakeHomeCode(*take_home)
            column.addWidget(self.take_home)

        # Tiles wrap their words: long titles stay whole at every text size and language.
        consult = Tile(tr("Request a free 15-minute phone consult"),
                       tr("Leave your name and number. We will call you."), role="tile-cta",
                       grow=False)
        consult.setObjectName("section-consult")
        consult.clicked.connect(self.consult_chosen)
        self._consult = consult
        column.addSpacing(8)
        column.addWidget(consult)
        if next_title:
            following = Tile(tr("Next: {title}", title=next_title), "", grow=False)
            following.setObjectName("section-next")
            following.clicked.connect(self.next_chosen)
            column.addWidget(following)
        disclaimer = QLabel(
            tr(
                "This information is for education only. It does not replace "
                "the advice of your provider."
            )
        )
        disclaimer.setObjectName("disclaimer")
        disclaimer.setWordWrap(True)
        column.addWidget(disclaimer)
        column.addStretch(1)

        self._scroll = kinetic_scroll_area(inner)
        SwipeDetector(self._scroll.viewport()).swiped.connect(self.swiped)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API: a portrait tablet
        super().resizeEvent(event)
        side = 56 if self.width() >= 900 else 20
        self._column.setContentsMargins(side, 32, side, 40)
        # Narrow and large: the title's words need the icon's room.
        self._title_icon.setVisible(self.width() >= 700)
        self._page.setMaximumWidth(max(READING_WIDTH, READING_EMS * self.font().pixelSize()))

    def text_to_read(self) -> str:
        parts = [self.section.title, self.body.toPlainText()]
        for card in self.cards:
            parts += [card.button.text(), card.detail.toPlainText()]
        return "\n\n".join(p.strip() for p in parts if p.strip())

    def _toggle_reading(self, on: bool) -> None:
        if self._speaker is None:
            return
        if on and not self._speaker.speak(self.text_to_read(), self._language):
            self.read_button.setChecked(False)  # the engine is gone: nothing will be read
            return
        if not on:
            self._speaker.stop()
        self.read_button.setText(self._stop_text if on else self._read_text)

    def _speaking_changed(self, speaking: bool) -> None:
        """The reading ended, was stopped, or never started (the speaker gave up on it)."""
        if not speaking and self.read_button.isChecked():
            self.read_button.setChecked(False)

    def _availability_changed(self, available: bool) -> None:
        if not available and self.read_button.isChecked():
            self.read_button.setChecked(False)
        self.read_button.setHidden(not available)

    def spoken_title(self) -> str:
        return self.section.title

    def spoken_instructions(self) -> str:
        return self._instructions if not self.read_button.isHidden() else ""

    def left(self) -> None:
        if self.read_button.isChecked():
            self.read_button.setChecked(False)

    def apply_look(self, palette: Palette, text_size: str) -> None:
        self._page.setMaximumWidth(max(READING_WIDTH, READING_EMS * self.font().pixelSize()))
        # Checked ("Stop reading"), the button is filled with the accent: the icon turns to
        # the text colour on it, or it would vanish while speaking.
        self.read_button.setIcon(icon("mdi6.volume-high", palette.accent,
                                      on_color=palette.accent_text))
        self._title_icon.setPixmap(
            icon(self.section.icon, palette.accent).pixmap(QSize(56, 56), self.devicePixelRatioF())
        )
        self._consult.set_icon(icon("mdi6.phone-in-talk", palette.cta_text), 48)
        for card in self.cards:
            card.apply_palette(palette)

    def reset(self) -> None:
        self.left()
        for card in self.cards:
            card.close_detail()
        self._scroll.verticalScrollBar().setValue(0)

    def is_pristine(self) -> bool:
        return self._scroll.verticalScrollBar().value() == 0 and not any(
            card.button.isChecked() for card in self.cards
        )
