"""The kiosk keeps its queue while it runs: delivery after an outage, a broken queue said."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.callback_queue import retry
from kiosk.callback_queue.model import BestTime, NewRequest
from kiosk.callback_queue.store import CallbackStore


def tap(qtbot, window, name: str) -> None:
    widget = window.findChild(QWidget, name)
    assert widget is not None, name
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def current(window) -> str:
    return window.stack.currentWidget().objectName()


def send_consult(qtbot, window, name: str, digits: str) -> None:
    tap(qtbot, window, "tile-consult")
    form = window.screens["consult"]
    form.name.setText(name)
    form.phone.setText(digits)
    tap(qtbot, window, "consult-time-any")
    tap(qtbot, window, "consult-consent")
    tap(qtbot, window, "consult-submit")


def on_server(url: str) -> list[tuple[str, str]]:
    with CallbackStore.open(url) as store:
        return [(r.name, r.phone) for r in store.page(limit=100)]


@pytest.fixture
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The kiosk's data folder (its outbox) in the test's own folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "clinic-kiosk"


@pytest.mark.postgres
def test_a_request_kept_during_an_outage_reaches_the_server_while_the_kiosk_runs(
    qtbot, build, make_config, pg_url: str, pg_server, private_data: Path
) -> None:
    window = build(make_config(database={"url": pg_url}))
    keeper = window.queue_keeper
    pg_server.stop()
    try:
        send_consult(qtbot, window, "Ana Ruiz", "2025550143")
        qtbot.waitUntil(lambda: current(window) == "screen-consult-done", timeout=15_000)
        assert keeper.pending == 1  # kept in the outbox, and the patient was thanked
    finally:
        pg_server.start()
    # No restart, no tap: the kiosk keeps trying by itself.
    qtbot.waitUntil(lambda: on_server(pg_url) == [("Ana Ruiz", "+12025550143")],
                    timeout=30_000)
    qtbot.waitUntil(lambda: keeper.pending == 0, timeout=5_000)
    qtbot.wait(1_000)
    assert on_server(pg_url) == [("Ana Ruiz", "+12025550143")]  # exactly once


@pytest.mark.slow
@pytest.mark.postgres
def test_after_a_long_outage_delivery_comes_within_30_s_of_the_server(
    qtbot, build, make_config, pg_url: str, pg_server, private_data: Path
) -> None:
    import time

    window = build(make_config(database={"url": pg_url}))
    pg_server.stop()
    try:
        send_consult(qtbot, window, "Ana Ruiz", "2025550143")
        qtbot.waitUntil(lambda: current(window) == "screen-consult-done", timeout=15_000)
        qtbot.wait(40_000)  # several retries fail meanwhile; the backoff reaches its cap
    finally:
        pg_server.start()
    back = time.monotonic()
    qtbot.waitUntil(lambda: len(on_server(pg_url)) == 1, timeout=35_000)
    assert time.monotonic() - back < 30
    assert window.queue_keeper.available


def corrupt(path: Path) -> None:
    """4 kB of random bytes in the middle of the file, as a failing disk would leave it."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(size // 2)
        file.write(os.urandom(4096))


def seeded_queue(path: Path, rows: int = 200) -> None:
    with CallbackStore.open(f"sqlite:///{path}") as store:
        for n in range(rows):
            store.submit(NewRequest.create("lobby", f"Patient {n}", f"+1202555{n:04d}",
                                           BestTime.ANY))
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "FIRST_RETRY_S", 0.2)
    monkeypatch.setattr(retry, "MAX_RETRY_S", 0.4)


def test_a_corrupt_queue_asks_patients_to_call_and_recovers_when_repaired(
    qtbot, build, make_config, tmp_path: Path, quick_retries, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "queue.sqlite3"
    seeded_queue(path)
    good = tmp_path / "good.sqlite3"
    shutil.copy(path, good)
    corrupt(path)
    with caplog.at_level(logging.INFO, "kiosk.consult.ui.queue_keeper"):
        window = build(make_config(database={"url": f"sqlite:///{path}"}))
        keeper = window.queue_keeper
        qtbot.waitUntil(lambda: not keeper.available, timeout=10_000)
        tap(qtbot, window, "tile-consult")
        assert current(window) == "screen-consult-unavailable"
        phone = window.findChild(QLabel, "clinic-phone")
        assert phone.isVisible() and phone.text() == "(555) 010-2000"
        qtbot.wait(2_000)  # retries go on in the background, quietly
        shutil.move(good, path)  # IT restores the backup
        for side in ("-wal", "-shm"):
            Path(f"{path}{side}").unlink(missing_ok=True)
        qtbot.waitUntil(lambda: keeper.available, timeout=10_000)
        assert current(window) == "screen-consult"  # the form is offered again
    told = [r.levelname for r in caplog.records if r.name == "kiosk.consult.ui.queue_keeper"]
    assert told == ["ERROR", "INFO"]  # one per episode, not one per retry
    send_consult(qtbot, window, "Lee Park", "2025550199")
    qtbot.waitUntil(lambda: current(window) == "screen-consult-done", timeout=10_000)
    with CallbackStore.open(f"sqlite:///{path}") as store:
        assert store.count() == 201


def test_a_healthy_queue_offers_the_form(qtbot, kiosk) -> None:
    qtbot.waitUntil(lambda: kiosk.queue_keeper.pending == 0 and kiosk.queue_keeper.available)
    qtbot.wait(500)  # the warm-up probe has run
    assert kiosk.queue_keeper.available
    tap(qtbot, kiosk, "tile-consult")
    assert current(kiosk) == "screen-consult"


def test_a_data_folder_removed_under_the_running_kiosk_loses_no_thanked_request(
    qtbot, build, make_config, private_data: Path
) -> None:
    window = build(make_config(database={"url": ""}))  # the default queue, in the data folder
    send_consult(qtbot, window, "Ana Ruiz", "2025550143")
    qtbot.waitUntil(lambda: current(window) == "screen-consult-done", timeout=10_000)
    shutil.rmtree(private_data)  # a clean-up script, a re-imaged profile
    send_consult(qtbot, window, "Lee Park", "2025550199")
    qtbot.waitUntil(lambda: current(window) == "screen-consult-done", timeout=10_000)
    queue = private_data / "callback-queue.sqlite3"
    with CallbackStore.open(f"sqlite:///{queue}") as store:
        assert [r.name for r in store.page(limit=10)] == ["Lee Park"]
    assert (private_data.stat().st_mode & 0o777) == 0o700
    assert (queue.stat().st_mode & 0o777) == 0o600


def test_a_queue_folder_gone_outside_the_data_folder_asks_patients_to_call_until_it_is_back(
    qtbot, build, make_config, tmp_path: Path, quick_retries, private_data: Path
) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    window = build(make_config(database={"url": f"sqlite:///{folder / 'queue.sqlite3'}"}))
    keeper = window.queue_keeper
    qtbot.waitUntil(lambda: keeper.available and keeper.worker.queue is not None)
    qtbot.wait(300)  # the warm-up has opened the queue
    shutil.rmtree(folder)  # an unmounted share: the kiosk must not make the folder itself
    send_consult(qtbot, window, "Ana Ruiz", "2025550143")
    qtbot.waitUntil(lambda: current(window) == "screen-consult-unavailable", timeout=10_000)
    assert not folder.exists()
    folder.mkdir()  # the share is back
    qtbot.waitUntil(lambda: current(window) == "screen-consult", timeout=10_000)
    form = window.screens["consult"]
    assert form.name.text() == "Ana Ruiz"  # what the patient typed is still there
    tap(qtbot, window, "consult-submit")
    qtbot.waitUntil(lambda: current(window) == "screen-consult-done", timeout=10_000)
    with CallbackStore.open(f"sqlite:///{folder / 'queue.sqlite3'}") as store:
        assert [r.name for r in store.page(limit=10)] == ["Ana Ruiz"]


def test_the_call_us_screen_opens_no_window_of_its_own(qtbot, stray_windows) -> None:
    from kiosk.consult.ui.unavailable import ConsultUnavailableScreen
    from kiosk.shell.i18n import translator

    for phone in ("(555) 010-2000", ""):
        screen = ConsultUnavailableScreen(translator("en"), phone)
        qtbot.addWidget(screen)
        assert screen.phone.isVisibleTo(screen) is bool(phone)
    assert stray_windows == []  # built inside the kiosk window, never as windows of their own
