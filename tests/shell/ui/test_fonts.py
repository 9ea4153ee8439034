"""The kiosk window sets its fonts in code (kiosk.shell.ui.fonts) from the stylesheet's font
rules: every widget a visitor or staff member sees must have exactly the font Qt's own
stylesheet engine gives it from the whole sheet, at every text size, and a text size change
must not re-polish the screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractButton, QApplication, QHeaderView, QScrollBar, QWidget

from kiosk.shell.theme import FontSpec, font_for, font_rules, stylesheet
from kiosk.shell.ui.fonts import refit


class _Node:
    """A widget as the matcher sees it, without Qt."""

    def __init__(self, classes, name="", parent=None, **properties):
        self.classes, self.name, self.parent, self.properties = classes, name, parent, properties

    def inherits(self, class_name):
        return class_name in self.classes

    def objectName(self):  # noqa: N802
        return self.name

    def property(self, name):
        return self.properties.get(name)

    def parentWidget(self):  # noqa: N802
        return self.parent


def test_the_sheets_font_rules_cascade_as_css_does():
    assert font_rules()  # read from resources/styles/kiosk.qss
    screen = _Node({"QWidget"})
    assert font_for(_Node({"QLabel", "QWidget"}, parent=screen)) == FontSpec("body", 400, None)
    title = _Node({"QLabel", "QWidget"}, "screen-title", screen)
    assert font_for(title) == FontSpec("title", 700, None)
    compact = _Node({"QLabel", "QWidget"}, "screen-title", screen, compact=True)
    assert font_for(compact) == FontSpec("heading", 700, None)  # the attribute outranks
    tile = _Node({"QPushButton", "QAbstractButton", "QWidget"}, "tile-x", screen, role="tile")
    assert font_for(tile) == FontSpec("button", 600, None)
    inside = _Node({"QLabel", "QWidget"}, "tile-title", tile)
    assert font_for(inside) == FontSpec("tile", 700, None)  # a descendant selector
    elsewhere = _Node({"QLabel", "QWidget"}, "tile-title", screen)
    assert font_for(elsewhere) == FontSpec("body", 400, None)
    bar = _Node({"QWidget"}, "top-bar", screen)
    button = _Node({"QPushButton", "QAbstractButton", "QWidget"}, "nav-home", _Node({"QWidget"},
                                                                                    parent=bar))
    assert font_for(button) == FontSpec("bar", 600, None)  # the id outranks the type alone
    assert font_for(_Node({"QWidget"}, "error-details")) == FontSpec("small", 400, "monospace")


def test_the_painting_sheet_has_no_fonts_and_does_not_follow_the_text_size():
    painted = stylesheet("calm", "default", 26, fonts=False)
    assert "font" not in painted and "$" not in painted
    assert stylesheet("calm", "largest", 26, fonts=False) == painted
    assert stylesheet("high-contrast", "default", 26, fonts=False) != painted
    assert "font-size: 26px" in stylesheet("calm", "default", 26)


def _seen(root: QWidget) -> list[QWidget]:
    """The widgets whose font shows: not Qt's own parts of scroll areas and tables (a
    header's sections take the ``QHeaderView::section`` rule's font, which the kiosk gives
    the header itself)."""
    return [w for w in [root, *root.findChildren(QWidget)]
            if not w.objectName().startswith("qt_")
            and not isinstance(w, QScrollBar | QHeaderView)
            and not (isinstance(w.parentWidget(), QScrollBar))]


def _fonts(widgets: list[QWidget]) -> list[tuple[str, int, int, str]]:
    return [(f"{type(w).__name__}#{w.objectName()}", w.font().pixelSize(), w.font().weight().value,
             w.font().family()) for w in widgets]


def _by_qt(root: QWidget, sheet: str) -> list[tuple[str, int, int, str]]:
    """What Qt's stylesheet engine makes of the whole sheet (fonts included) on ``root``,
    from fonts as they were before any was set in code; the kiosk's look put back after."""
    widgets = _seen(root)
    before = root.styleSheet()
    for widget in [root, *root.findChildren(QWidget)]:
        widget.setFont(QFont())  # nothing set in code
    root.setStyleSheet(sheet)
    measured = _fonts(widgets)
    root.setStyleSheet(before)
    refit(root)
    return measured


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_widget_has_the_font_the_whole_sheet_gives_it(qtbot, kiosk, language):
    window = kiosk
    window.set_language(language)
    for name in ("pin", "staff"):  # their widgets are made at their first showing
        window.show_screen(name)
        window.go_home()
    window.show_screen("section-how-it-works")
    window.findChild(QAbstractButton, "card-1").click()  # its detail shows
    qtbot.waitUntil(window.speaker.available, timeout=10_000)
    window.toggle_speech_mode()
    qtbot.waitUntil(window.speech_bar.isVisible, timeout=5000)  # the speech bar shows
    names = ["home", *window.navigator.sections, "consult", "consult-done",
             "consult-unavailable", "pin", "staff"]
    for text_size in ("default", "large", "largest"):
        while window.text_size != text_size:
            window.cycle_text_size()
        sheet = stylesheet(window.theme, text_size, window.body_px)
        for name in names:
            window.go_home()
            if name != "home":
                window.show_screen(name)  # a screen restyled in the background or now
            for label, part in (("top bar", window.top_bar), ("speech bar", window.speech_bar),
                                (name, window.stack.currentWidget())):
                in_code = _fonts(_seen(part))
                by_qt = _by_qt(part, sheet)
                wrong = [(code, qt) for code, qt in zip(in_code, by_qt, strict=True)
                         if code != qt]
                assert not wrong, f"{language} {text_size} {label}: {wrong[:5]}"


class _Polishes(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Polish:
            self.count += 1
        return False


def test_a_text_size_change_sets_fonts_and_polishes_nothing(qtbot, kiosk):
    qtbot.waitUntil(lambda: kiosk.is_settled, timeout=10_000)  # no screen left to build
    kiosk.show_screen("section-how-it-works")
    body = kiosk.screens["section-how-it-works"].findChild(QWidget, "section-body")
    before = body.font().pixelSize()
    polishes = _Polishes()
    QApplication.instance().installEventFilter(polishes)
    try:
        kiosk.cycle_text_size()
        QApplication.processEvents()
    finally:
        QApplication.instance().removeEventFilter(polishes)
    assert body.font().pixelSize() == round(before * 1.3)
    assert polishes.count == 0


def test_a_hidden_speech_bar_wears_the_new_text_size_when_it_shows(qtbot, kiosk):
    button = kiosk.speech_bar.findChild(QAbstractButton, "speech-louder")
    before = button.font().pixelSize()
    assert kiosk.speech_bar.isHidden()
    kiosk.cycle_text_size()  # while the bar is hidden
    qtbot.waitUntil(kiosk.speaker.available, timeout=10_000)
    kiosk.toggle_speech_mode()
    assert kiosk.speech_bar.isVisible()
    assert button.font().pixelSize() == round(before * 1.3)


def test_the_idle_warning_wears_the_text_size_chosen_while_it_was_hidden(qtbot, kiosk):
    qtbot.waitUntil(lambda: kiosk.idle_warning is not None, timeout=10_000)
    countdown = kiosk.idle_warning.findChild(QWidget, "idle-countdown")
    before = countdown.font().pixelSize()
    kiosk.cycle_text_size()
    kiosk.cycle_text_size()  # largest, while the warning is hidden
    kiosk.idle._on_idle()  # the visitor has been still for the idle timeout
    assert kiosk.idle_warning.isVisible()
    assert countdown.font().pixelSize() == round(before * 1.6)
