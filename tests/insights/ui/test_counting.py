"""A scripted visit through the real kiosk produces exactly the expected counts, and nothing
personal reaches the database: its bytes (SQLite) and its text columns (PostgreSQL) are
searched for the visitor's name and phone."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from kiosk.callback_queue.store import CallbackStore
from kiosk.callback_queue.usage import read_counts

NAME, PHONE = "Zoe Quill", "2025550143"


def tap(qtbot, window, name: str) -> None:
    widget = window.findChild(QWidget, name)
    assert widget is not None, name
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def touch(window, name: str, device) -> None:
    """A real one-finger tap: touch begin and end at the widget's centre."""
    widget = window.findChild(QWidget, name)
    centre = widget.mapTo(window.window(), widget.rect().center())
    QTest.touchEvent(window.window(), device).press(0, centre).commit()
    QTest.touchEvent(window.window(), device).release(0, centre).commit()


def type_keys(qtbot, window, text: str) -> None:
    for char in text:
        tap(qtbot, window, "key-space" if char == " " else f"key-{char.lower()}")


def current(window) -> str:
    return window.stack.currentWidget().objectName()


def stored(url: str) -> dict[tuple[str, str], int]:
    with CallbackStore.open(url) as store:
        rows = read_counts(store.engine, date(2000, 1, 1), date(2100, 1, 1))
    assert {r.day for r in rows} <= {date.today().isoformat()}
    assert {r.kiosk_id for r in rows} <= {"lobby"}
    return {(r.counter, r.key): r.n for r in rows}


EXPECTED = {
    ("visit", ""): 2,
    ("section_opened", "what-is"): 1,
    ("section_opened", "how-it-works"): 1,
    ("card_opened", "how-it-works/2"): 1,
    ("text_size", "large"): 1,
    ("text_size", "largest"): 1,
    ("contrast", "high-contrast"): 1,
    ("language", "es"): 1,
    ("consult_opened", ""): 2,
    ("consult_started", ""): 2,
    ("consult_abandoned", "phone"): 1,
    ("consult_sent", ""): 1,
    ("qr_shown", "consult-done"): 1,
}


def scripted_visits(qtbot, kiosk) -> None:
    # Visit 1, in Spanish after a while: reads, opens a card, changes the look, starts the
    # form and walks away after the phone number.
    tap(qtbot, kiosk, "tile-what-is")
    tap(qtbot, kiosk, "nav-home")
    tap(qtbot, kiosk, "tile-how-it-works")
    tap(qtbot, kiosk, "card-2")
    tap(qtbot, kiosk, "card-2")  # closing it is not another opening
    tap(qtbot, kiosk, "text-size")
    tap(qtbot, kiosk, "text-size")
    tap(qtbot, kiosk, "contrast-toggle")
    tap(qtbot, kiosk, "nav-home")
    tap(qtbot, kiosk, "lang-toggle")
    tap(qtbot, kiosk, "tile-consult")
    type_keys(qtbot, kiosk, "zoe")
    tap(qtbot, kiosk, "consult-phone")
    for digit in "202":
        tap(qtbot, kiosk, f"keypad-{digit}")
    qtbot.waitUntil(lambda: current(kiosk) == "screen-home" and kiosk.language == "en",
                    timeout=10_000)  # the idle reset
    # Visit 2: straight to the form, sent.
    tap(qtbot, kiosk, "tile-consult")
    type_keys(qtbot, kiosk, NAME)
    tap(qtbot, kiosk, "consult-phone")
    for digit in PHONE:
        tap(qtbot, kiosk, f"keypad-{digit}")
    tap(qtbot, kiosk, "consult-time-morning")
    tap(qtbot, kiosk, "consult-consent")
    tap(qtbot, kiosk, "consult-submit")
    qtbot.waitUntil(lambda: current(kiosk) == "screen-consult-done", timeout=10_000)
    # The thank-you screen carries the clinic's number as a take-home QR code: counted.


def test_a_scripted_visit_counts_exactly_and_nothing_personal(qtbot, build, make_config,
                                                               store_url):
    config = make_config(kiosk={"idle_timeout_s": 1, "idle_warning_s": 1, "kiosk_id": "lobby"},
                         database={"url": store_url})
    kiosk = build(config)
    scripted_visits(qtbot, kiosk)
    kiosk.usage.flush()
    qtbot.waitUntil(lambda: stored(store_url) == EXPECTED, timeout=10_000)
    assert kiosk.usage.tally.pending() == {}

    # The request itself is in the queue; nothing of it is in the counts.
    needles = [NAME, NAME.lower(), "zoe", "quill", PHONE, "5550143", "+12025550143"]
    with CallbackStore.open(store_url) as store:
        (request,) = store.page()
        assert (request.name, request.phone) == (NAME, "+1" + PHONE)
        with store.engine.connect() as conn:
            if store.dialect == "sqlite":
                text = "\n".join(str(v) for row in conn.exec_driver_sql(
                    "SELECT * FROM usage_counts") for v in row)
            else:
                text = "\n".join(str(v) for row in conn.exec_driver_sql(
                    "SELECT day, kiosk_id, counter, key, n::text FROM usage_counts") for v in row)
    assert text and not any(n.lower() in text.lower() for n in needles)

    # The search does find the visitor while the request is kept; once retention has removed
    # it, no trace of the visitor is left anywhere, while the counts stay as they were.
    assert NAME in everything_in(store_url) and "+1" + PHONE in everything_in(store_url)
    with CallbackStore.open(store_url) as store:
        store.set_status(request.id, "closed", "sam")
        assert store.purge_closed(0, now=datetime.now(UTC) + timedelta(seconds=1)) == 1
    left = everything_in(store_url)
    assert "section_opened" in left
    for needle in needles:
        assert needle not in left, needle
    assert stored(store_url) == EXPECTED


def everything_in(url: str) -> str:
    """SQLite: the file's bytes (rebuilt first: freed pages keep deleted bytes). PostgreSQL:
    every value of every text column of every table."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")
        return (path.read_bytes() + wal(path)).decode("latin-1")
    with CallbackStore.open(url) as store:
        return every_text_column(store)


def every_text_column(store: CallbackStore) -> str:
    """Every value of every text column of every table, as one string (PostgreSQL)."""
    with store.engine.connect() as conn:
        columns = conn.exec_driver_sql(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
            " AND data_type IN ('text', 'character varying', 'character')").all()
        assert ("usage_counts", "key") in columns and ("callback_requests", "name") in columns
        return "\n".join(str(value) for table, column in columns for (value,) in
                         conn.exec_driver_sql(f'SELECT "{column}" FROM "{table}"'))


def wal(path: Path) -> bytes:
    journal = path.with_name(path.name + "-wal")
    return journal.read_bytes() if journal.exists() else b""


def test_a_touch_at_rest_starts_a_visit_and_moving_does_not(qtbot, build, make_config):
    kiosk = build(make_config(kiosk={"kiosk_id": "lobby"}))
    qtbot.mouseMove(kiosk, QPoint(40, 40))  # a pointer crossing the glass is nobody
    assert kiosk.usage.tally.pending() == {}
    assert not kiosk.usage._timer.isActive()  # at rest with nothing counted, nothing ticks
    device = QTest.createTouchDevice()
    touch(kiosk, "tile-aftercare", device)
    qtbot.waitUntil(lambda: current(kiosk) == "screen-section-aftercare")
    touch(kiosk, "nav-home", device)
    counts = {(c, k): n for (_d, c, k), n in kiosk.usage.tally.pending().items()}
    assert counts == {("visit", ""): 1, ("section_opened", "aftercare"): 1}
    assert kiosk.usage._timer.isActive()  # the batch is written within FLUSH_INTERVAL_MS
    # A reset right after a touch (as a dismissing touch may ask for) is the same visitor.
    kiosk.reset_for_next_visitor()
    touch(kiosk, "tile-aftercare", device)
    counts = {(c, k): n for (_d, c, k), n in kiosk.usage.tally.pending().items()}
    assert counts == {("visit", ""): 1, ("section_opened", "aftercare"): 2}
    kiosk.idle.rest()  # what the staff lock does on its way back to Home
    touch(kiosk, "nav-home", device)
    assert kiosk.usage.tally.pending()[(date.today().isoformat(), "visit", "")] == 2


def test_counts_made_just_before_closing_reach_the_database(qtbot, build, make_config,
                                                             store_url):
    from PySide6.QtWidgets import QApplication

    kiosk = build(make_config(kiosk={"kiosk_id": "lobby"}, database={"url": store_url}))
    tap(qtbot, kiosk, "tile-aftercare")
    QApplication.instance().aboutToQuit.emit()  # what app.quit() sends; the worker then stops
    assert stored(store_url) == {("visit", ""): 1, ("section_opened", "aftercare"): 1}


def test_with_the_database_away_the_counts_wait_in_memory(qtbot, build, make_config):
    kiosk = build(make_config(kiosk={"kiosk_id": "lobby"},
                              database={"url": "postgresql://kiosk@127.0.0.1:9/none"}))
    tap(qtbot, kiosk, "tile-aftercare")
    kiosk.usage.flush()
    qtbot.waitUntil(lambda: kiosk.usage.tally._failing, timeout=30_000)
    tap(qtbot, kiosk, "nav-home")  # taps go on while the write failed
    tap(qtbot, kiosk, "tile-what-is")
    assert current(kiosk) == "screen-section-what-is"
    counts = {(c, k): n for (_d, c, k), n in kiosk.usage.tally.pending().items()}
    assert counts == {("visit", ""): 1, ("section_opened", "aftercare"): 1,
                      ("section_opened", "what-is"): 1}
