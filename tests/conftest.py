"""Shared fixtures: offscreen Qt, throwaway configs, and the kiosk exactly as main.py builds it."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from pg_server import PgServer, fresh_database, shared_server, shutdown_shared_server  # noqa: E402
from pin_costs import CHEAP_SCRYPT_N  # noqa: E402


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test whose real part is missing (tests/real_parts.py): skipped, or failed on CI."""
    from real_parts import MISSING_MARK, unavailable

    mark = item.get_closest_marker(MISSING_MARK)
    if mark is not None:
        unavailable(mark.args[0])


def pytest_sessionstart(session: pytest.Session) -> None:
    """The translation catalogs compiled (Babel, .po to .mo) as `make` compiles them, so a
    plain `pytest` tests the catalogs the kiosk would read (kiosk/shell/catalogs.py)."""
    from kiosk.shell.catalogs import compile_all

    compile_all()


BASE_CONFIG = {
    "clinic": {"name": "Test Clinic", "phone": "(555) 010-2000", "region": "US",
               "callback_promise": "within one business day"},
    "kiosk": {"idle_timeout_s": 60, "idle_warning_s": 15, "fullscreen": False, "demo": True,
              "speech_engine": "mock"},
    "staff": {"lock_after_s": 120, "retention_days": 90},
}


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(path: Path, sections: dict[str, dict[str, object]]) -> Path:
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in values.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def cheap_pin_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test-only: every PIN hashed while the test runs (the commands too, in-process) uses
    CHEAP_SCRYPT_N instead of the production cost. Never used by the test that checks the
    production parameters are what is stored."""
    from kiosk.staff import pin

    monkeypatch.setattr(pin, "SCRYPT_N", CHEAP_SCRYPT_N)


#: A test still running this long after its own timeout is stuck where pytest-timeout's
#: signal cannot reach it (a deadlock inside C, where no Python runs to raise the timeout).
HANG_GRACE_S = 120.0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A stuck test ends the run, with every thread's stack on stderr, HANG_GRACE_S after its
    timeout (its `timeout` mark, else the configured one), instead of holding CI until CI's
    own limit kills it without a word. Set-up and teardown count: a deadlock in a fixture
    is caught too."""
    import faulthandler

    from _pytest.faulthandler import fault_handler_stderr_fd_key

    mark = item.get_closest_marker("timeout")
    limit = mark.kwargs.get("timeout", mark.args[0] if mark.args else None) if mark else None
    limit = float(limit if limit is not None else item.config.getini("timeout") or 300)
    out = item.config.stash.get(fault_handler_stderr_fd_key, 2)  # pytest's copy of stderr
    faulthandler.dump_traceback_later(limit + HANG_GRACE_S, exit=True, file=out)
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test with Qt (qtbot or qapp), free garbage holding Qt objects here, on the GUI
    thread: a worker thread's collection (the speech thread's, the queue's) must not be the
    one that deletes them."""
    yield
    if {"qtbot", "qapp"} & set(request.fixturenames):
        gc.collect()


@pytest.fixture(autouse=True, scope="session")
def no_speech_daemons_left(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The speech-dispatcher daemons that runs of the kiosk autospawned into the tests'
    temporary folders (a self-test speaks) are stopped at the end: they would outlive the
    run, one per test that spoke."""
    yield
    base = str(tmp_path_factory.getbasetemp())
    proc = Path("/proc")
    if not proc.is_dir():
        return
    import signal

    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command and command[0].endswith(b"speech-dispatcher") and any(
                base.encode() in part for part in command):
            with contextlib.suppress(OSError):
                os.kill(int(entry.name), signal.SIGKILL)


@pytest.fixture
def stray_windows(qapp) -> Iterator[list[str]]:
    """Every window other than the kiosk's shown while the test runs: a widget made
    visible before it has a parent is a window of its own, which flashes on the glass and
    takes the kiosk window's focus."""
    from PySide6.QtCore import QEvent, QObject

    class Spy(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.shown: list[str] = []

        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
            if (event.type() == QEvent.Type.Show and watched.isWidgetType()
                    and watched.isWindow() and watched.objectName() != "kiosk-window"):
                self.shown.append(f"{type(watched).__name__} {watched.objectName()}")
            return False

    spy = Spy()
    qapp.installEventFilter(spy)
    try:
        yield spy.shown
    finally:
        qapp.removeEventFilter(spy)


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Path]:
    """Writes a valid config (SQLite queue in tmp_path), with per-section overrides."""

    def make(**overrides: dict[str, object]) -> Path:
        sections = {name: dict(values) for name, values in BASE_CONFIG.items()}
        sections["database"] = {"url": f"sqlite:///{tmp_path / 'queue.sqlite3'}"}
        for section, values in overrides.items():
            sections.setdefault(section, {}).update(values)
        return write_config(tmp_path / "kiosk.toml", sections)

    return make


@pytest.fixture
def build(qtbot) -> Iterator[Callable[..., object]]:
    """build(config_path, windowed=...): the kiosk window at tablet size, torn down after."""
    from kiosk.app import build_kiosk

    windows = []

    def make(config_path: Path, *, windowed: bool = True, show: bool = True):
        window = build_kiosk(config_path, windowed=windowed)
        windows.append(window)
        if show:
            window.resize(1280, 800)
            window.show()
            qtbot.waitExposed(window)
        return window

    yield make
    for window in windows:
        worker = getattr(window, "queue_worker", None)
        if worker is not None:
            worker.shutdown()
        window.release()
        window.close()
        window.deleteLater()


@pytest.fixture
def kiosk(build, make_config):
    return build(make_config())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty queue database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throwaway PostgreSQL for the whole run (Debian's binaries, run as `postgres`)."""
    server = shared_server()
    yield server
    shutdown_shared_server()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty database on the throwaway server."""
    with fresh_database(pg_server) as url:
        yield url
