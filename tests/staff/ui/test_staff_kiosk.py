"""The kiosk's staff entrance end to end: hold, PIN, work the queue, lock, export, exit."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pin_costs import cheap_hash
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableView, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import build_kiosk
from kiosk.callback_queue.accounts import AccountStore
from kiosk.callback_queue.model import BestTime, NewRequest, Role, Status
from kiosk.callback_queue.store import CallbackStore
from kiosk.shell.ui import top_bar
from kiosk.staff.ui import entrance as staff_kiosk
from kiosk.staff.ui.entrance import StaffEntrance

PIN = "1357"
HOLD_MS = 60


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return cheap_hash(PIN)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'q.sqlite3'}"


@pytest.fixture
def store(url: str) -> Iterator[CallbackStore]:
    with CallbackStore.open(url) as opened:
        yield opened


@pytest.fixture
def config_path(tmp_path: Path, url: str, pin_hash: str,
                monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(top_bar, "STAFF_HOLD_MS", HOLD_MS)
    path = tmp_path / "config.toml"
    path.write_text(
        f'[kiosk]\nfullscreen = false\nkiosk_id = "lobby"\n\n[database]\nurl = "{url}"\n\n'
        f'[staff]\npin_hash = "{pin_hash}"\nlock_after_s = 120\n', encoding="utf-8")
    return path


def open_kiosk(qtbot: QtBot, config_path: Path) -> Any:
    window = build_kiosk(config_path, windowed=True)
    qtbot.addWidget(window)
    assert "pin" in window.screens and "staff" in window.screens
    window.present()
    qtbot.waitExposed(window)
    return window


def entrance(window: Any) -> StaffEntrance:
    found = window.findChild(StaffEntrance)
    assert found is not None
    return found


def shown(window: Any) -> str:
    return window.stack.currentWidget().objectName()


def click(qtbot: QtBot, window: QWidget, name: str) -> None:
    target = window.findChild(QPushButton, name)
    assert target is not None, name
    assert target.isEnabled() and target.isVisible(), name
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)


def finger_tap(window: QWidget, target: QWidget) -> None:
    """A finger on a registered touchscreen: down on ``target``'s centre, up a pixel on."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    device = touchscreen()
    # A finger meets what is painted: a layout still pending (the name buttons just shown)
    # would move the button under it at the press, and the lift would miss it.
    centre = None
    for _ in range(50):
        QApplication.processEvents()
        QTest.qWait(10)
        now = target.mapTo(window, target.rect().center())
        if now == centre:
            break
        centre = now
    QTest.touchEvent(window, device).press(0, centre, window).commit()
    QTest.qWait(16)
    QTest.touchEvent(window, device).release(0, centre + QPoint(1, 1), window).commit()
    QTest.qWait(16)


@functools.cache
def touchscreen() -> Any:
    """One touchscreen for the run: Qt keeps every registered device until it exits."""
    from PySide6.QtTest import QTest

    return QTest.createTouchDevice()


def hold_staff_trigger(qtbot: QtBot, window: Any) -> None:
    trigger = window.findChild(QPushButton, "staff-trigger")
    qtbot.mousePress(trigger, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown(window) == "screen-pin", timeout=2000)
    qtbot.mouseRelease(trigger, Qt.MouseButton.LeftButton)


def type_pin(qtbot: QtBot, window: Any, pin: str) -> None:
    for digit in pin:
        click(qtbot, window, f"pin-{digit}")
    click(qtbot, window, "pin-ok")


def unlock(qtbot: QtBot, window: Any) -> None:
    hold_staff_trigger(qtbot, window)
    type_pin(qtbot, window, PIN)
    qtbot.waitUntil(lambda: shown(window) == "screen-staff", timeout=5000)


def table(window: Any) -> QTableView:
    found = window.findChild(QTableView, "staff-queue")
    assert found is not None
    return found


def click_row(qtbot: QtBot, window: Any, row: int) -> None:
    view = table(window)
    rect = view.visualRect(view.model().index(row, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def history(window: Any) -> str:
    return entrance(window).view.detail.history.text()


def test_a_tap_is_not_a_hold(qtbot: QtBot, config_path: Path) -> None:
    window = open_kiosk(qtbot, config_path)
    click(qtbot, window, "staff-trigger")
    qtbot.wait(HOLD_MS * 3)
    assert shown(window) == "screen-home"


def test_staff_work_a_request_on_the_kiosk(qtbot: QtBot, config_path: Path,
                                           store: CallbackStore,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    req = store.submit(NewRequest.create("lobby", "Ana Núñez", "+12025550123",
                                         BestTime.MORNING))
    window = open_kiosk(qtbot, config_path)
    unlock(qtbot, window)
    assert not window.idle.enabled and not window.idle.armed
    assert not window.top_bar.isVisible()
    qtbot.waitUntil(lambda: table(window).model().rowCount() == 1, timeout=5000)

    click_row(qtbot, window, 0)
    qtbot.waitUntil(lambda: history(window) == "Nothing yet.", timeout=5000)
    click(qtbot, window, "staff-no-answer")
    qtbot.waitUntil(lambda: "→ No answer" in history(window), timeout=5000)
    click(qtbot, window, "staff-status-scheduled")
    qtbot.waitUntil(lambda: "→ Scheduled" in history(window), timeout=5000)
    note = window.findChild(QLineEdit, "staff-note")
    qtbot.mouseClick(note, Qt.MouseButton.LeftButton)
    for key in ("key-t", "key-u", "key-e", "key-space", "key-3"):
        click(qtbot, entrance(window).view, key)  # the consult form has keys of these names
    click(qtbot, window, "staff-add-note")
    qtbot.waitUntil(lambda: "Note:" in history(window), timeout=5000)
    click(qtbot, window, "staff-status-closed")
    qtbot.waitUntil(lambda: "→ Closed" in history(window), timeout=5000)

    # The old config's shared PIN is the admin account Staff; every row names it and the kiosk.
    who = "Staff on kiosk lobby"
    assert [(a.action, a.detail, a.actor) for a in store.audit(req.id)] == [
        ("view", "opened the request's details", who),
        ("attempt", "new -> no-answer; attempt 1", who),
        ("status", "no-answer -> scheduled", who),
        ("note", "note added (5 characters)", who),
        ("status", "scheduled -> closed", who),
    ]
    stored = store.get(req.id)
    assert (stored.status, stored.attempts) == (Status.CLOSED, 1)
    assert stored.notes.endswith(f"{who}] Tue 3")
    signed_in = window.findChild(QLabel, "staff-signed-in")
    assert signed_in.isVisible() and signed_in.text() == "Signed in: Staff (admin)"

    click(qtbot, window, "staff-lock")
    assert shown(window) == "screen-home"
    assert window.current_screen() == "home" and not window.navigator.can_go_back
    assert window.idle.enabled and window.top_bar.isVisible()
    assert table(window).model().rowCount() == 0  # nothing personal stays in memory
    assert window.is_pristine()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "staff screen unlocked" in logged
    for secret in ("Ana", "Núñez", "555", "0123", "Tue 3"):
        assert secret not in logged


def test_staff_screen_locks_itself_after_a_quiet_while(qtbot: QtBot, config_path: Path,
                                                       store: CallbackStore,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_kiosk, "lock_timing", lambda lock_after_s: (0.3, 1))
    window = open_kiosk(qtbot, config_path)
    unlock(qtbot, window)
    view = entrance(window).view
    qtbot.waitUntil(lambda: view.notice.text().startswith("Locking in 1 s"), timeout=3000)
    qtbot.waitUntil(lambda: shown(window) == "screen-home", timeout=5000)
    assert window.idle.enabled and window.top_bar.isVisible()
    # Signed out, and the trail says why.
    assert entrance(window).member is None

    def sign_outs() -> list[str]:
        return [e.detail for e in store.audit_trail() if e.action == "sign-out"]

    qtbot.waitUntil(lambda: sign_outs() == ["locked after 120 s without a touch"],
                    timeout=5000)


def test_home_by_any_route_ends_the_staff_session(qtbot: QtBot, config_path: Path) -> None:
    window = open_kiosk(qtbot, config_path)
    unlock(qtbot, window)
    window.go_home()  # e.g. the patient idle reset, or a rebuild
    assert not entrance(window).inside
    assert window.idle.enabled and window.top_bar.isVisible()
    assert entrance(window).view.model.rowCount() == 0


def test_cancel_returns_to_where_the_visitor_was(qtbot: QtBot, config_path: Path) -> None:
    window = open_kiosk(qtbot, config_path)
    window.show_screen("consult")
    hold_staff_trigger(qtbot, window)
    click(qtbot, window, "pin-cancel")
    assert shown(window) == "screen-consult"


def test_lock_out_survives_reopening_the_pad(qtbot: QtBot, config_path: Path) -> None:
    window = open_kiosk(qtbot, config_path)
    hold_staff_trigger(qtbot, window)
    for _ in range(5):
        type_pin(qtbot, window, "0000")
        # The answer lands on the GUI thread after the worker has updated the lock, so wait
        # for what the pad shows, not for the lock's state.
        qtbot.waitUntil(lambda: entrance(window).pad.message.text() != "Checking…",
                        timeout=5000)
    assert entrance(window).pad.message.text().startswith("Locked — try again in")
    click(qtbot, window, "pin-cancel")
    hold_staff_trigger(qtbot, window)
    assert entrance(window).pad.message.text().startswith("Locked — try again in")
    assert not window.findChild(QPushButton, "pin-1").isEnabled()


def test_lock_out_survives_a_restart_of_the_kiosk(qtbot: QtBot, config_path: Path) -> None:
    """Five wrong PINs, then the kiosk restarts (or the crash guard rebuilds it): the new
    window's pad reads the lock-out from the queue database, not five fresh tries."""
    window = open_kiosk(qtbot, config_path)
    hold_staff_trigger(qtbot, window)
    for _ in range(5):
        type_pin(qtbot, window, "0000")
        qtbot.waitUntil(lambda: entrance(window).pad.message.text() != "Checking…",
                        timeout=5000)
    assert entrance(window).pad.message.text().startswith("Locked — try again in")
    window.queue_worker.shutdown()
    window.release()
    window.close()

    again = open_kiosk(qtbot, config_path)
    hold_staff_trigger(qtbot, again)
    pad = entrance(again).pad
    qtbot.waitUntil(lambda: pad.message.text().startswith("Locked — try again in"),
                    timeout=5000)
    assert not again.findChild(QPushButton, "pin-1").isEnabled()


def test_export_on_the_kiosk_goes_to_the_data_folder(qtbot: QtBot, config_path: Path,
                                                     store: CallbackStore,
                                                     tmp_path: Path) -> None:
    store.submit(NewRequest.create("lobby", "Ana", "+12025550123", BestTime.ANY))
    window = open_kiosk(qtbot, config_path)
    unlock(qtbot, window)
    click(qtbot, window, "staff-export")
    assert not list((tmp_path / "data").rglob("queue-*.csv"))  # not before a reason
    view = entrance(window).view
    assert view.keyboard.isVisible()  # the reason is typed on the screen's keyboard
    for key in ("key-t", "key-a", "key-x"):
        click(qtbot, view, key)
    assert view.export_reason.text() == "Tax"
    click(qtbot, window, "staff-export-confirm")
    notice = view.notice
    qtbot.waitUntil(lambda: notice.text().startswith("Saved"), timeout=5000)
    exports = list((tmp_path / "data" / "clinic-kiosk" / "exports").glob("queue-*.csv"))
    assert len(exports) == 1
    assert notice.text() == f"Saved 1 request to {exports[0]}"


def test_exit_kiosk_releases_and_closes(qtbot: QtBot, config_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    quits: list[bool] = []
    monkeypatch.setattr(staff_kiosk, "quit_application", lambda: quits.append(True))
    window = open_kiosk(qtbot, config_path)
    unlock(qtbot, window)
    click(qtbot, window, "staff-exit-kiosk")
    assert not quits  # one tap only arms it
    click(qtbot, window, "staff-exit-kiosk")
    assert quits == [True]
    assert not window.kiosk_mode and not window.isVisible()


def test_only_the_unlocked_staff_screen_watches_for_overdue_requests(
        qtbot: QtBot, config_path: Path, store: CallbackStore,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime, timedelta

    from kiosk.callback_queue import schema
    from kiosk.staff.ui import alert as staff_alert
    from kiosk.staff.ui.overdue import OverdueWatch

    monkeypatch.setattr(staff_alert, "_load_chime", lambda parent: None)
    store.submit(NewRequest.create("lobby", "Ana Núñez", "+12025550123", BestTime.ANY))
    window = open_kiosk(qtbot, config_path)
    window.ensure_built()
    watches = window.findChildren(OverdueWatch)
    # The patients' kiosk, idle: no staff view watches, no timer of it runs.
    # (The staff view is built only once staff sign in; whatever exists must be still.)
    assert not any(w.running or any(t.isActive() for t in w.findChildren(QTimer))
                   for w in watches)
    unlock(qtbot, window)
    view = entrance(window).view
    assert view.overdue.running
    qtbot.waitUntil(lambda: table(window).model().rowCount() == 1, timeout=5000)
    announced: list[str] = []
    entrance(window).alert.announced.connect(announced.append)
    with store.engine.begin() as conn:
        soon = datetime.now(UTC) + timedelta(seconds=1)
        conn.execute(schema.requests_table.update().values(due_by=soon, updated_at=soon))
    qtbot.waitUntil(lambda: announced == ["1 callback request is overdue"], timeout=15_000)
    click(qtbot, window, "staff-lock")
    qtbot.waitUntil(lambda: not view.overdue.running, timeout=5000)
    assert not any(t.isActive() for t in view.overdue.findChildren(QTimer))


# --- named accounts ------------------------------------------------------------------------

@pytest.fixture
def two_accounts(tmp_path: Path, url: str, store: CallbackStore,
                 monkeypatch: pytest.MonkeyPatch) -> Path:
    """A kiosk whose queue knows Ana (admin, 2580) and Ben (staff, 1470); no shared PIN."""
    accounts = AccountStore(store.engine)
    accounts.add("Ben", Role.STAFF, cheap_hash("1470"), "test")
    accounts.add("Ana", Role.ADMIN, cheap_hash("2580"), "test")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(top_bar, "STAFF_HOLD_MS", HOLD_MS)
    path = tmp_path / "config.toml"
    path.write_text(
        f'[kiosk]\nfullscreen = false\nkiosk_id = "lobby"\n\n[database]\nurl = "{url}"\n',
        encoding="utf-8")
    return path


def name_buttons(window: Any) -> list[QPushButton]:
    pad = entrance(window).pad
    return [b for b in pad.name_buttons if b.isVisible()]


def test_the_pad_asks_who_first_with_two_accounts(qtbot: QtBot, two_accounts: Path,
                                                  store: CallbackStore) -> None:
    window = open_kiosk(qtbot, two_accounts)
    hold_staff_trigger(qtbot, window)
    qtbot.waitUntil(lambda: len(name_buttons(window)) == 2, timeout=5000)
    pad = entrance(window).pad
    assert [(b.objectName(), b.text()) for b in pad.name_buttons] == [
        ("pin-user-1", "Ana"), ("pin-user-2", "Ben")]  # name order, not the order added
    assert not window.findChild(QPushButton, "pin-1").isVisible()
    finger_tap(window, window.findChild(QPushButton, "pin-user-2"))  # a finger, not a mouse
    qtbot.waitUntil(lambda: window.findChild(QPushButton, "pin-1").isVisible(), timeout=2000)
    assert "Ben" in pad.prompt.text()
    type_pin(qtbot, window, "2580")  # Ana's PIN is not Ben's
    qtbot.waitUntil(lambda: pad.message.text().startswith("Wrong PIN"), timeout=5000)
    type_pin(qtbot, window, "1470")
    qtbot.waitUntil(lambda: shown(window) == "screen-staff", timeout=5000)
    signed_in = window.findChild(QLabel, "staff-signed-in")
    assert signed_in.isVisible() and signed_in.text() == "Signed in: Ben (staff)"
    # Plain staff work the queue but neither export nor end kiosk mode.
    assert not window.findChild(QPushButton, "staff-export").isVisible()
    assert not window.findChild(QPushButton, "staff-exit-kiosk").isVisible()
    view = entrance(window).view
    view.export()
    assert "Only an admin can export" in view.notice.text()
    view._exit_tapped()
    assert "Only an admin can end kiosk mode" in view.notice.text()
    entrance(window).exit_kiosk()
    assert window.isVisible() and window.kiosk_mode is not None
    click(qtbot, window, "staff-lock")
    assert shown(window) == "screen-home"
    trail = [(e.person, e.place, e.action) for e in store.audit_trail()]
    assert ("Ben", "kiosk lobby", "sign-in-failed") in trail
    assert ("Ben", "kiosk lobby", "sign-in") in trail
    qtbot.waitUntil(lambda: ("Ben", "kiosk lobby", "sign-out") in [
        (e.person, e.place, e.action) for e in store.audit_trail()], timeout=5000)


def test_the_lock_out_is_per_account(qtbot: QtBot, two_accounts: Path) -> None:
    window = open_kiosk(qtbot, two_accounts)
    hold_staff_trigger(qtbot, window)
    qtbot.waitUntil(lambda: len(name_buttons(window)) == 2, timeout=5000)
    pad = entrance(window).pad
    click(qtbot, window, "pin-user-2")
    for _ in range(5):
        type_pin(qtbot, window, "0000")
        qtbot.waitUntil(lambda: pad.message.text() != "Checking…", timeout=5000)
    assert pad.message.text().startswith("Locked — try again in")
    assert not window.findChild(QPushButton, "pin-1").isEnabled()
    click(qtbot, window, "pin-user-change")  # Ben is locked out; Ana is not
    click(qtbot, window, "pin-user-1")
    assert not pad.message.text().startswith("Locked")
    type_pin(qtbot, window, "2580")
    qtbot.waitUntil(lambda: shown(window) == "screen-staff", timeout=5000)
    assert window.findChild(QLabel, "staff-signed-in").text() == "Signed in: Ana (admin)"
    assert window.findChild(QPushButton, "staff-export").isVisible()
    assert window.findChild(QPushButton, "staff-exit-kiosk").isVisible()
    click(qtbot, window, "staff-lock")
    hold_staff_trigger(qtbot, window)  # and Ben, chosen again, is still locked
    qtbot.waitUntil(lambda: len(name_buttons(window)) == 2, timeout=5000)
    click(qtbot, window, "pin-user-2")
    assert pad.message.text().startswith("Locked — try again in")
