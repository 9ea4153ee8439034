"""A patient taps through every section and card, swipes, and always finds Back and Home."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.education.content import load_content


def tap(qtbot, widget: QWidget) -> None:
    assert widget.isVisible(), f"{widget.objectName()} is not visible"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def child(window, name: str) -> QWidget:
    found = window.findChild(QWidget, name)
    assert found is not None, f"no widget named {name}"
    return found


def current(window) -> str:
    return window.stack.currentWidget().objectName()


def test_home_shows_a_tile_per_section_and_the_consult_tile(kiosk):
    content = load_content("en")
    assert current(kiosk) == "screen-home"
    for section in content.sections:
        tile = child(kiosk, f"tile-{section.id}")
        assert tile.isVisible()
        assert section.title in tile.text()
    assert child(kiosk, "tile-consult").isVisible()
    assert "Test Clinic" in child(kiosk, "clinic-name").text()


def test_a_long_clinic_name_ends_in_an_ellipsis_in_the_top_bar(qtbot, build, make_config):
    name = "Riverside Physical Therapy and Sports Rehabilitation Center of the Lower Valley"
    kiosk = build(make_config(clinic={"name": name}))
    label = child(kiosk, "clinic-name")
    shown = label.shown_text()
    assert shown.endswith("…") and name.startswith(shown[:-1].rstrip())
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert label.text() == label.accessibleName() == name  # readers get all of it
    title = child(kiosk, "screen-home").findChild(QWidget, "screen-title")
    assert name in title.text()  # Home's title shows all of it
    kiosk.resize(1000, 800)  # a narrower screen shortens it further, never clips it
    qtbot.waitUntil(lambda: len(label.shown_text()) < len(shown))
    assert label.shown_text().endswith("…")
    width = label.fontMetrics().horizontalAdvance(label.shown_text())
    assert width <= label.contentsRect().width()


def test_every_section_opens_from_its_tile_and_home_returns(qtbot, kiosk):
    for section in load_content("en").sections:
        tap(qtbot, child(kiosk, f"tile-{section.id}"))
        screen = child(kiosk, f"screen-section-{section.id}")
        assert current(kiosk) == screen.objectName()
        body = screen.findChild(QWidget, "section-body")
        assert body.isVisible()
        # The body shows the Markdown file's words, rendered (no Markdown markers).
        assert body.toPlainText().strip()
        assert "##" not in body.toPlainText()
        assert "does not replace" in " ".join(
            w.text() for w in screen.findChildren(QWidget, "disclaimer"))
        tap(qtbot, child(kiosk, "nav-home"))
        assert current(kiosk) == "screen-home"


def test_back_retraces_the_path_taken(qtbot, kiosk):
    tap(qtbot, child(kiosk, "tile-what-is"))
    screen = child(kiosk, "screen-section-what-is")
    tap(qtbot, screen.findChild(QPushButton, "section-next"))
    assert current(kiosk) == "screen-section-how-it-works"
    tap(qtbot, child(kiosk, "nav-back"))
    assert current(kiosk) == "screen-section-what-is"
    tap(qtbot, child(kiosk, "nav-back"))
    assert current(kiosk) == "screen-home"
    assert not child(kiosk, "nav-back").isEnabled()


def test_back_and_home_stay_in_the_same_place_on_every_screen(qtbot, kiosk):
    places = set()
    for name in ["tile-what-is", "tile-how-it-works", "tile-consult"]:
        tap(qtbot, child(kiosk, name))
        back, home = child(kiosk, "nav-back"), child(kiosk, "nav-home")
        assert back.isVisible() and home.isVisible()
        places.add((back.mapTo(kiosk, QPoint(0, 0)).toTuple(),
                    home.mapTo(kiosk, QPoint(0, 0)).toTuple()))
        tap(qtbot, home)
    assert len(places) == 1


def test_mechanism_cards_open_and_close_their_detail(qtbot, kiosk):
    tap(qtbot, child(kiosk, "tile-how-it-works"))
    screen = child(kiosk, "screen-section-how-it-works")
    cards = load_content("en").section("how-it-works").cards
    assert len(cards) == 4
    for number, card in enumerate(cards, start=1):
        button = screen.findChild(QPushButton, f"card-{number}")
        assert button.text() == card.title
        detail = button.parentWidget().findChild(QWidget, "card-detail")
        assert not detail.isVisible()
        tap(qtbot, button)
        assert detail.isVisible()
        assert detail.toPlainText().strip()
        tap(qtbot, button)
        assert not detail.isVisible()


def test_every_section_ends_with_the_consult_call_to_action(qtbot, kiosk):
    for section in load_content("en").sections:
        kiosk.go_home()
        tap(qtbot, child(kiosk, f"tile-{section.id}"))
        screen = child(kiosk, f"screen-section-{section.id}")
        cta = screen.findChild(QPushButton, "section-consult")
        kiosk.screens[f"section-{section.id}"]._scroll.ensureWidgetVisible(cta)
        tap(qtbot, cta)
        assert current(kiosk) == "screen-consult"


def swipe(qtbot, widget: QWidget, dx: int) -> None:
    start = QPoint(widget.width() // 2, widget.height() // 2)
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(widget, start + QPoint(dx // 2, 0))
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=start + QPoint(dx, 0))


def test_swipe_moves_between_sections(qtbot, kiosk):
    tap(qtbot, child(kiosk, "tile-what-is"))
    viewport = kiosk.screens["section-what-is"]._scroll.viewport()
    swipe(qtbot, viewport, -300)  # right to left: next section
    assert current(kiosk) == "screen-section-how-it-works"
    viewport = kiosk.screens["section-how-it-works"]._scroll.viewport()
    swipe(qtbot, viewport, 300)  # left to right: previous
    assert current(kiosk) == "screen-section-what-is"
    swipe(qtbot, kiosk.screens["section-what-is"]._scroll.viewport(), 300)
    assert current(kiosk) == "screen-section-what-is"  # nothing before the first section


def test_long_text_scrolls_kinetically_and_never_selects(qtbot, kiosk):
    from PySide6.QtWidgets import QScroller

    tap(qtbot, child(kiosk, "tile-what-to-expect"))
    screen = kiosk.screens["section-what-to-expect"]
    assert QScroller.hasScroller(screen._scroll.viewport())
    body = screen.findChild(QWidget, "section-body")
    assert body.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction


def test_no_context_menus_anywhere(kiosk):
    for widget in kiosk.findChildren(QWidget):
        assert widget.contextMenuPolicy() in (Qt.ContextMenuPolicy.PreventContextMenu,
                                              Qt.ContextMenuPolicy.NoContextMenu), widget
