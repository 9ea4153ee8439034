"""The staff view on every glass a kiosk or a desk has: the list and the chosen request
side by side where they fit, one in the other's place where they do not (1024×600, portrait)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from test_staff_console import open_console, quiet, write_config  # noqa: F401 - fixture
from test_staff_console import unlock as unlock_console
from test_staff_kiosk import (  # noqa: F401 - fixtures
    click_row,
    config_path,
    entrance,
    finger_tap,
    open_kiosk,
    pin_hash,
    store,
    table,
    unlock,
    url,
)

from kiosk.callback_queue.model import BestTime, NewRequest
from kiosk.callback_queue.store import CallbackStore
from kiosk.shell.ui.flow_layout import FlowLayout
from kiosk.staff.ui.queue_view import ROW_HEIGHT

COMPACT = [(1024, 600), (800, 1280), (600, 1024)]
ACTIONS = ("staff-jump-newest", "staff-jump-oldest", "staff-refresh", "staff-export",
           "staff-exit-kiosk", "staff-lock")


def fill(store: CallbackStore, n: int = 30) -> None:  # noqa: F811 - the fixture's value
    for i in range(n):
        store.submit(NewRequest.create("lobby", f"Patient {i}", "+12025550123", BestTime.ANY))


def on_glass(window: QWidget, widget: QWidget) -> bool:
    """Wholly inside the window: nothing the user needs is cut off by the glass's edge."""
    corner = widget.mapTo(window, widget.rect().topLeft())
    return window.rect().contains(QRect(corner, widget.size()))


def queue_shown(qtbot: QtBot, window: Any, size: tuple[int, int]) -> Any:
    unlock(qtbot, window)
    view = entrance(window).view
    qtbot.waitUntil(lambda: view.model.rowCount() == 30, timeout=5000)
    window.resize(*size)
    qtbot.waitUntil(lambda: view.size().toTuple() == size, timeout=2000)
    qtbot.wait(50)  # the layout settles at the new size
    return view


@pytest.mark.parametrize("size", COMPACT)
def test_on_a_compact_screen_the_chosen_request_takes_the_lists_place(
        qtbot: QtBot, config_path: Path, store: CallbackStore,  # noqa: F811
        size: tuple[int, int]) -> None:
    fill(store)
    window = open_kiosk(qtbot, config_path)
    view = queue_shown(qtbot, window, size)
    queue = table(window)
    assert view.compact
    assert queue.isVisible() and not view.detail.isVisible()
    # Before: at 1024×600 the list showed two rows under a header of three button lines.
    assert queue.viewport().height() >= 4 * ROW_HEIGHT, size
    assert queue.horizontalScrollBar().maximum() == 0, size  # every shown column fits
    for name in ACTIONS:
        assert on_glass(window, window.findChild(QPushButton, name)), (name, size)

    name = queue.model().index(1, 1).data()
    click_row(qtbot, window, 1)
    qtbot.waitUntil(view.detail.isVisible, timeout=2000)
    assert not queue.isVisible()
    assert window.findChild(QLabel, "staff-detail-name").text() == name
    back = window.findChild(QPushButton, "staff-detail-back")
    no_answer = window.findChild(QPushButton, "staff-no-answer")
    # Within a frame or two of the tap (the layout runs once the detail is shown).
    qtbot.waitUntil(lambda: on_glass(window, back) and on_glass(window, no_answer),
                    timeout=1000)
    assert no_answer.isEnabled()

    finger_tap(window, back)
    qtbot.waitUntil(queue.isVisible, timeout=2000)
    assert not view.detail.isVisible() and not back.isVisible()
    assert not queue.selectionModel().hasSelection()
    other = queue.model().index(2, 1).data()
    click_row(qtbot, window, 2)  # the list works as before
    qtbot.waitUntil(lambda: window.findChild(QLabel, "staff-detail-name").text() == other,
                    timeout=2000)
    assert view.detail.isVisible() and not queue.isVisible()


def test_at_1024x600_the_title_and_every_action_share_one_line(
        qtbot: QtBot, config_path: Path, store: CallbackStore) -> None:  # noqa: F811
    fill(store)
    window = open_kiosk(qtbot, config_path)
    queue_shown(qtbot, window, (1024, 600))
    tops = {window.findChild(QPushButton, name).mapTo(window, window.findChild(
        QPushButton, name).rect().topLeft()).y() for name in ACTIONS}
    assert len(tops) == 1, tops


def test_on_a_wide_screen_the_list_and_the_request_sit_side_by_side(
        qtbot: QtBot, config_path: Path, store: CallbackStore) -> None:  # noqa: F811
    fill(store)
    window = open_kiosk(qtbot, config_path)
    view = queue_shown(qtbot, window, (1280, 800))
    assert not view.compact
    click_row(qtbot, window, 0)
    qtbot.waitUntil(lambda: window.findChild(QLabel, "staff-detail-name").text() != "",
                    timeout=2000)
    assert table(window).isVisible() and view.detail.isVisible()
    assert not window.findChild(QPushButton, "staff-detail-back").isVisible()
    assert on_glass(window, view.detail)

    window.resize(800, 1280)  # turned to portrait with a request open: it keeps the glass
    qtbot.waitUntil(lambda: view.compact, timeout=2000)
    assert view.detail.isVisible() and not table(window).isVisible()


def test_the_console_fits_a_1024x600_desk_screen(qtbot: QtBot, tmp_path: Path, url: str,  # noqa: F811
                                                 pin_hash: str) -> None:  # noqa: F811
    with CallbackStore.open(url) as opened:
        fill(opened)
    console = open_console(qtbot, write_config(tmp_path, url, pin_hash))
    # The report's six figures in one row held the window at 1,099×838, past the glass.
    assert console.minimumSizeHint().width() <= 1024
    unlock_console(qtbot, console)
    qtbot.wait(50)
    hint = console.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 600, hint
    console.resize(1024, 600)
    qtbot.waitUntil(lambda: console.size().width() == 1024 and console.height() == 600,
                    timeout=2000)


def test_a_right_aligned_flow_ends_every_line_at_the_right_edge(qtbot: QtBot) -> None:
    bar = QWidget()
    qtbot.addWidget(bar)
    flow = FlowLayout(bar, spacing=10, right_aligned=True)
    buttons = [QPushButton(text) for text in ("One", "Two", "Three", "Four")]
    for button in buttons:
        button.setFixedSize(100, 40)
        flow.addWidget(button)
    bar.resize(330, flow.heightForWidth(330))  # three fit a line (320 px), the fourth wraps
    bar.show()
    qtbot.waitExposed(bar)
    assert [b.geometry().topLeft().toTuple() for b in buttons] == [
        (10, 0), (120, 0), (230, 0), (230, 50)]
    assert flow.heightForWidth(330) == 90


@pytest.mark.parametrize("size", COMPACT)
def test_a_note_is_typed_on_a_keyboard_that_fits_the_glass(
        qtbot: QtBot, config_path: Path, store: CallbackStore,  # noqa: F811
        size: tuple[int, int]) -> None:
    """The staff keyboard was 1,134 px wide: at 1024×600 it pushed the view past the glass
    on both sides and the list came back beside the request."""
    fill(store)
    window = open_kiosk(qtbot, config_path)
    view = queue_shown(qtbot, window, size)
    click_row(qtbot, window, 1)
    qtbot.waitUntil(view.detail.isVisible, timeout=2000)
    view.detail.scroll.ensureWidgetVisible(view.detail.note)  # as a finger scrolls to it
    finger_tap(window, view.detail.note)
    qtbot.waitUntil(lambda: view.keyboard.isVisible(), timeout=2000)
    qtbot.wait(50)
    assert view.size().toTuple() == size  # nothing scrolls the view itself
    assert view.detail.isVisible() and not table(window).isVisible()
    keys = [key for key in view.keyboard.findChildren(QPushButton) if key.isVisible()]
    assert len(keys) >= 40
    for key in [*keys, view.detail.note, window.findChild(QPushButton, "staff-lock")]:
        assert on_glass(window, key), (key.objectName(), size)
    finger_tap(window, view.keyboard.findChild(QPushButton, "key-h"))  # not the form's
    finger_tap(window, view.keyboard.findChild(QPushButton, "key-i"))
    assert view.detail.note.text() == "Hi"
    finger_tap(window, window.findChild(QPushButton, "staff-keyboard-done"))
    qtbot.waitUntil(lambda: not view.keyboard.isVisible(), timeout=2000)
    for name in ACTIONS:  # the header's actions are back once the typing is done
        assert window.findChild(QPushButton, name).isVisible(), name
    assert window.findChild(QPushButton, "staff-detail-back").isVisible()
