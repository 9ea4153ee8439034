"""The front-desk console: PIN first, then a queue that shows new requests within seconds."""

from __future__ import annotations

from pathlib import Path

import pytest
from pin_costs import cheap_hash
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.app import build_staff_console
from kiosk.callback_queue.accounts import AccountStore
from kiosk.callback_queue.model import BestTime, NewRequest, Role
from kiosk.callback_queue.store import CallbackStore
from kiosk.staff.access import console_place
from kiosk.staff.ui import alert as staff_alert
from kiosk.staff.ui.console import StaffConsole

PIN = "1357"


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return cheap_hash(PIN)


@pytest.fixture(autouse=True)
def quiet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No chime in tests (QtMultimedia warns without a sound card); data under tmp_path."""
    monkeypatch.setattr(staff_alert, "_load_chime", lambda parent: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def write_config(tmp_path: Path, url: str, pin_hash: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[kiosk]\nfullscreen = false\nkiosk_id = "lobby"\n\n[database]\nurl = "{url}"\n\n'
        f'[staff]\npin_hash = "{pin_hash}"\n', encoding="utf-8")
    return path


def open_console(qtbot: QtBot, config_path: Path) -> StaffConsole:
    console = build_staff_console(config_path)
    assert isinstance(console, QMainWindow)
    assert console.objectName() == "staff-console"
    assert not console.isVisible()
    qtbot.addWidget(console)
    console.show()
    qtbot.waitExposed(console)
    return console


def unlock(qtbot: QtBot, console: StaffConsole) -> None:
    for name in [f"pin-{d}" for d in PIN] + ["pin-ok"]:
        qtbot.mouseClick(console.findChild(QPushButton, name), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.unlocked, timeout=5000)


def names_in_table(console: StaffConsole) -> list[str]:
    table = console.findChild(QTableView, "staff-queue")
    model = table.model()
    return [model.index(row, 1).data() for row in range(model.rowCount())]


def submit(url: str, name: str) -> None:
    """A kiosk elsewhere stores a request in the shared queue."""
    with CallbackStore.open(url) as kiosk_store:
        kiosk_store.submit(NewRequest.create("lobby", name, "+12025550123", BestTime.ANY))


def shows_new_request_within_5_s(qtbot: QtBot, console: StaffConsole, url: str) -> None:
    unlock(qtbot, console)
    qtbot.waitUntil(lambda: console.watcher.has_baseline, timeout=5000)
    qtbot.waitUntil(lambda: names_in_table(console) == ["Ana Núñez"], timeout=5000)
    announced: list[str] = []
    console.alert.announced.connect(announced.append)
    with qtbot.waitSignal(console.new_requests, timeout=5000) as arrived:
        submit(url, "Ben Ode")
    assert arrived.args == [1]
    # Most due first: Ana asked first, so she is called first.
    qtbot.waitUntil(lambda: names_in_table(console) == ["Ana Núñez", "Ben Ode"], timeout=5000)
    assert announced == ["1 new callback request"]  # no names on the tray or status bar
    assert console.statusBar().currentMessage() == "1 new callback request"


def test_console_shows_a_new_sqlite_request_within_5_s(qtbot: QtBot, tmp_path: Path,
                                                       pin_hash: str) -> None:
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    submit(url, "Ana Núñez")
    console = open_console(qtbot, write_config(tmp_path, url, pin_hash))
    assert console.stack.currentWidget().objectName() == "screen-pin"
    shows_new_request_within_5_s(qtbot, console, url)


def test_console_locks_back_to_the_pad(qtbot: QtBot, tmp_path: Path, pin_hash: str) -> None:
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    submit(url, "Ana Núñez")
    console = open_console(qtbot, write_config(tmp_path, url, pin_hash))
    unlock(qtbot, console)
    qtbot.waitUntil(lambda: names_in_table(console) == ["Ana Núñez"], timeout=5000)
    qtbot.mouseClick(console.findChild(QPushButton, "staff-lock"), Qt.MouseButton.LeftButton)
    assert not console.unlocked
    assert names_in_table(console) == []
    assert console.stack.currentWidget().objectName() == "screen-pin"


def test_console_exports_where_staff_choose(qtbot: QtBot, tmp_path: Path, pin_hash: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    submit(url, "Ana Núñez")
    target = tmp_path / "chosen.csv"
    asked: list[str] = []

    def save_dialog(parent: object, caption: str, suggested: str, filters: str):
        asked.append(Path(suggested).name)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    console = open_console(qtbot, write_config(tmp_path, url, pin_hash))
    unlock(qtbot, console)
    qtbot.waitUntil(lambda: names_in_table(console) == ["Ana Núñez"], timeout=5000)
    qtbot.mouseClick(console.findChild(QPushButton, "staff-export"), Qt.MouseButton.LeftButton)
    confirm = console.findChild(QPushButton, "staff-export-confirm")
    assert confirm.isVisible() and not confirm.isEnabled()  # no export without a reason
    assert asked == []
    qtbot.keyClicks(console.findChild(QLineEdit, "staff-export-reason"), "monthly report")
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.view.notice.text() == f"Saved 1 request to {target}",
                    timeout=5000)
    assert asked[0].startswith("queue-") and asked[0].endswith(".csv")
    assert "Ana Núñez" in target.read_text(encoding="utf-8-sig")
    with CallbackStore.open(url) as store:
        export_row = [e for e in store.audit_trail() if e.action == "export"][-1]
    assert (export_row.person, export_row.place) == ("Staff", console_place())
    assert "reason: monthly report" in export_row.detail


def test_console_refuses_a_config_it_cannot_use(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[kiosk]\ndemo = false\n[staf]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="did you mean"):
        build_staff_console(path)


def test_console_without_accounts_says_how_to_add_one(qtbot: QtBot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    path = tmp_path / "config.toml"
    path.write_text(f'[kiosk]\ndemo = false\n[database]\nurl = "{url}"\n', encoding="utf-8")
    console = open_console(qtbot, path)
    qtbot.waitUntil(lambda: "staff-user add" in console.pad.message.text(), timeout=5000)
    assert not console.findChild(QPushButton, "pin-1").isEnabled()


def add_accounts(url: str, *accounts: tuple[str, Role, str]) -> None:
    with CallbackStore.open(url) as store:
        for name, role, pin in accounts:
            AccountStore(store.engine).add(name, role, cheap_hash(pin), "test")


def test_console_login_names_the_person_everywhere(qtbot: QtBot, tmp_path: Path,
                                                   store_url: str) -> None:
    """Two accounts: the pad asks who first; the console then works, and audits, as them;
    plain staff get no Export."""
    add_accounts(store_url, ("Ana", Role.ADMIN, "2580"), ("Ben", Role.STAFF, "1470"))
    submit(store_url, "Zoe Patient")
    path = tmp_path / "config.toml"
    path.write_text(f'[kiosk]\ndemo = false\n[database]\nurl = "{store_url}"\n',
                    encoding="utf-8")
    console = open_console(qtbot, path)
    qtbot.waitUntil(lambda: console.findChild(QPushButton, "pin-user-2") is not None
                    and console.findChild(QPushButton, "pin-user-2").isVisible(), timeout=5000)
    assert [console.findChild(QPushButton, f"pin-user-{n}").text() for n in (1, 2)] == [
        "Ana", "Ben"]
    assert not console.findChild(QPushButton, "pin-1").isVisible()
    qtbot.mouseClick(console.findChild(QPushButton, "pin-user-2"), Qt.MouseButton.LeftButton)
    for name in [f"pin-{d}" for d in "1470"] + ["pin-ok"]:
        qtbot.mouseClick(console.findChild(QPushButton, name), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.unlocked, timeout=5000)
    signed_in = console.findChild(QLabel, "staff-signed-in")
    assert signed_in.isVisible() and "Ben" in signed_in.text()
    assert not console.findChild(QPushButton, "staff-export").isVisible()  # staff: no export
    console.view.export()  # and asked anyway (a keyboard shortcut, a script): refused
    assert "Only an admin" in console.view.notice.text()
    assert not console.findChild(QPushButton, "staff-report-open").isVisible()  # admins only
    console.show_report()
    assert console.stack.currentWidget() is console.view
    qtbot.waitUntil(lambda: names_in_table(console) == ["Zoe Patient"], timeout=5000)
    console.findChild(QTableView, "staff-queue").selectRow(0)
    qtbot.waitUntil(lambda: console.view.detail.request_id is not None, timeout=5000)
    qtbot.mouseClick(console.findChild(QPushButton, "staff-no-answer"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Ben on console" in console.view.detail.history.text(),
                    timeout=5000)
    console.lock()
    place = console_place()

    def trail() -> list[tuple[str, str, str]]:
        with CallbackStore.open(store_url) as store:
            return [(e.person, e.place, e.action) for e in store.audit_trail()]

    qtbot.waitUntil(lambda: ("Ben", place, "sign-out") in trail(), timeout=5000)
    rows = trail()
    for action in ("sign-in", "view", "attempt", "sign-out"):
        assert ("Ben", place, action) in rows, (action, rows)


@pytest.mark.postgres
def test_console_hears_postgres_notifications(qtbot: QtBot, tmp_path: Path, pin_hash: str,
                                              pg_url: str) -> None:
    submit(pg_url, "Ana Núñez")
    console = open_console(qtbot, write_config(tmp_path, pg_url, pin_hash))
    qtbot.waitUntil(lambda: console.watcher.listening, timeout=10_000)
    shows_new_request_within_5_s(qtbot, console, pg_url)
    assert console.watcher.listening  # heard, not polled


def test_console_lists_the_kiosks_and_warns_once_of_a_silent_one(
        qtbot: QtBot, tmp_path: Path, pin_hash: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime, timedelta

    from kiosk.callback_queue.fleet import Heartbeat, record_heartbeat
    from kiosk.staff.ui import kiosks as kiosks_panel

    monkeypatch.setattr(kiosks_panel, "REFRESH_MS", 200)
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    now = datetime.now(UTC)

    def beat(kiosk_id: str, seen_ago: timedelta) -> Heartbeat:
        return Heartbeat(kiosk_id, "0.1.0", now - timedelta(hours=1), now - seen_ago, 0, None,
                         "ok", "unknown", 9_000_000_000, "")

    with CallbackStore.open(url) as store:
        record_heartbeat(store.engine, beat("lobby", timedelta(seconds=30)))
        record_heartbeat(store.engine, beat("hall", timedelta(minutes=25)))
    warned: list[str] = []  # the first read may answer before open_console returns
    monkeypatch.setattr(staff_alert.NewRequestAlert, "warn",
                        lambda _alert, text: warned.append(text))
    console = open_console(qtbot, write_config(tmp_path, url, pin_hash))
    panel = console.findChild(QWidget, "staff-kiosks")
    assert panel is not None and not panel.isVisible()  # behind the PIN
    unlock(qtbot, console)
    assert panel.isVisible()
    qtbot.waitUntil(lambda: len(console.kiosks.lines()) == 2, timeout=5000)
    hall, lobby = console.kiosks.lines()
    assert hall.startswith("hall  v0.1.0  seen 25 min ago") and "SILENT" in hall
    assert lobby.startswith("lobby  v0.1.0  seen 30 s ago") and "<<" not in lobby
    qtbot.wait(700)  # several refreshes: still one warning
    assert warned == ["Kiosk hall is silent (no heartbeat for 25 min)"]


# --- deadlines: the overdue alert, and two consoles on one queue ---------------------------

def status_in_table(console: StaffConsole, row: int = 0) -> str:
    # The status, without the deadline on its second line.
    return console.findChild(QTableView, "staff-queue").model().index(row, 4).data() \
        .split("\n")[0]


def test_console_alerts_once_when_a_request_becomes_overdue(
        qtbot: QtBot, tmp_path: Path, pin_hash: str) -> None:
    from datetime import UTC, datetime, timedelta

    from kiosk.callback_queue import schema

    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    submit(url, "Ana Núñez")
    console = open_console(qtbot, write_config(tmp_path, url, pin_hash))
    unlock(qtbot, console)
    qtbot.waitUntil(lambda: names_in_table(console) == ["Ana Núñez"], timeout=5000)
    announced: list[str] = []
    console.alert.announced.connect(announced.append)
    # The request falls due two seconds from now (as if its hour were nearly up).
    with CallbackStore.open(url) as store, store.engine.begin() as conn:
        soon = datetime.now(UTC) + timedelta(seconds=2)
        conn.execute(schema.requests_table.update().values(due_by=soon, updated_at=soon))
    qtbot.waitUntil(lambda: "1 callback request is overdue" in announced, timeout=15_000)
    assert console.statusBar().currentMessage() == "1 callback request is overdue"
    qtbot.waitUntil(lambda: console.findChild(QTableView, "staff-queue").model().index(
        0, 4).data().startswith("New\n") and status_in_table(console) == "New" and console
        .findChild(QTableView, "staff-queue").model().index(0, 4).data().endswith("min late"),
        timeout=5000)
    # Looking again, refreshing, the minute ticking on: it stays one alert.
    console.view.overdue.check()
    console.view.refresh()
    console.view.overdue.tick.emit()
    qtbot.wait(2500)  # a watcher poll and a check go by
    console.view.overdue.check()
    qtbot.wait(300)
    assert announced.count("1 callback request is overdue") == 1


@pytest.mark.postgres
def test_two_consoles_working_one_request_see_each_other_within_5_s(
        qtbot: QtBot, tmp_path: Path, pin_hash: str, pg_url: str) -> None:
    submit(pg_url, "Ana Núñez")
    first_dir, second_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir()
    second_dir.mkdir()
    front = open_console(qtbot, write_config(first_dir, pg_url, pin_hash))
    back = open_console(qtbot, write_config(second_dir, pg_url, pin_hash))
    for console in (front, back):
        unlock(qtbot, console)
        qtbot.waitUntil(lambda c=console: names_in_table(c) == ["Ana Núñez"], timeout=5000)
        qtbot.waitUntil(lambda c=console: c.watcher.has_baseline, timeout=5000)

    def work(console: StaffConsole, button: str) -> None:
        table = console.findChild(QTableView, "staff-queue")
        rect = table.visualRect(table.model().index(0, 1))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda: console.view.detail.name.text() == "Ana Núñez", timeout=5000)
        target = console.findChild(QPushButton, button)
        qtbot.waitUntil(target.isEnabled, timeout=5000)
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)

    work(front, "staff-no-answer")
    qtbot.waitUntil(lambda: status_in_table(back) == "No answer", timeout=5000)
    work(back, "staff-status-do-not-call")
    qtbot.waitUntil(lambda: status_in_table(front) == "Do not call", timeout=5000)
    # The open detail panel follows too: nothing more can be recorded on it.
    qtbot.waitUntil(lambda: not front.findChild(QPushButton, "staff-no-answer").isEnabled(),
                    timeout=5000)
    assert "Do not call" in front.view.detail.history.text()


def sign_in(qtbot: QtBot, console: StaffConsole, user: str, pin: str) -> None:
    qtbot.waitUntil(lambda: console.findChild(QPushButton, user) is not None
                    and console.findChild(QPushButton, user).isVisible(), timeout=5000)
    qtbot.mouseClick(console.findChild(QPushButton, user), Qt.MouseButton.LeftButton)
    for name in [f"pin-{d}" for d in pin] + ["pin-ok"]:
        qtbot.mouseClick(console.findChild(QPushButton, name), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.unlocked, timeout=5000)


@pytest.mark.postgres
def test_two_staff_on_two_consoles_see_each_others_changes(qtbot: QtBot, tmp_path: Path,
                                                           pg_url: str) -> None:
    add_accounts(pg_url, ("Ana", Role.ADMIN, "2580"), ("Ben", Role.STAFF, "1470"))
    submit(pg_url, "Zoe Patient")
    path = tmp_path / "config.toml"
    path.write_text(f'[kiosk]\ndemo = false\n[database]\nurl = "{pg_url}"\n', encoding="utf-8")
    front, back = open_console(qtbot, path), open_console(qtbot, path)
    sign_in(qtbot, front, "pin-user-1", "2580")
    sign_in(qtbot, back, "pin-user-2", "1470")
    for console in (front, back):
        qtbot.waitUntil(lambda c=console: c.watcher.listening, timeout=10_000)
        qtbot.waitUntil(lambda c=console: names_in_table(c) == ["Zoe Patient"], timeout=5000)
    front.findChild(QTableView, "staff-queue").selectRow(0)
    qtbot.waitUntil(lambda: front.view.detail.request_id is not None, timeout=5000)
    qtbot.mouseClick(front.findChild(QPushButton, "staff-no-answer"), Qt.MouseButton.LeftButton)
    # Ben's console hears of Ana's change and shows it within 5 s ...
    qtbot.waitUntil(lambda: back.view.model.row_at(0).attempts == "1", timeout=5000)
    back.findChild(QTableView, "staff-queue").selectRow(0)
    qtbot.waitUntil(lambda: "Ana on console" in back.view.detail.history.text(), timeout=5000)
    qtbot.mouseClick(back.findChild(QPushButton, "staff-status-scheduled"),
                     Qt.MouseButton.LeftButton)
    # ... and Ana's sees Ben's.
    qtbot.waitUntil(lambda: "Ben on console" in front.view.detail.history.text(), timeout=5000)
    with CallbackStore.open(pg_url) as store:
        assert store.verify_audit().intact
        done = [(e.person, e.action) for e in store.audit_trail() if e.request_id is not None]
    assert ("Ana", "attempt") in done and ("Ben", "status") in done
    front.shutdown()
    back.shutdown()
