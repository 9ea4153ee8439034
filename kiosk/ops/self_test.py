"""`kiosk self-test`: proves an installed build works, offscreen, without writing the real queue.

Checks the config, every language's content, the configured queue (read-only, as `check`
does), a throwaway SQLite queue, the PostgreSQL driver, every screen of the kiosk window
painted in every language, and one request submitted through the window's own queue worker
and read back into the throwaway queue. Prints one line per step
("ok  content …"); a step that does not fail the kiosk but did not pass either says so
("warn speech: speech unavailable …"); the first failure prints "FAIL <step>: <why>" and
exits 1.
Works the same from source and from the PyInstaller bundle.

A door of its own, as kiosk.cli is: it builds the real window, so it imports Qt (the import
contracts in pyproject.toml say so). About 400 lines for a reason: each step is a short
function over the one run's shared state (``_Run``), and IT reads the whole proof in one file.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from kiosk.config import CONFIG_ENV, Config, default_config_path, load_config, production_problems

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

WINDOW_SIZE = (1280, 800)
QUEUE_TIMEOUT_MS = 15_000
#: One short phrase per language, spoken by the speech step.
SPEECH_PHRASES = {"en": "Speech test for the clinic kiosk.",
                  "es": "Prueba de voz del quiosco de la clínica."}
#: Never wait longer than this for one phrase (the speaker's own deadlines come first).
SPEECH_CAP_S = 30.0
DEMO_CONFIG = "demo-config.toml"
SELF_TEST_KIOSK_ID = "self-test"
#: What the offscreen platform says about every top-level window; not a problem.
HARMLESS_QT_MESSAGES = frozenset({"This plugin does not support propagateSizeHints()"})


class StepFailed(Exception):
    """A check that did not pass; the message says what to look at."""


class StepWarning(Exception):
    """A check that did not pass, on something the kiosk can run without (speech nobody
    asked for by name): printed as "warn", never as "ok", and the run goes on."""


@dataclass
class _Run:
    """What the steps share: the config, the temporary folder and what they built in it."""

    config_arg: str | os.PathLike[str] | None
    tmp: Path
    config: Config | None = None
    window: Any = None
    app: Any = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def queue_url(self) -> str:
        return f"sqlite:///{self.tmp / 'self-test-queue.sqlite3'}"

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception:  # cleaning up after a test must not hide its result
                logging.getLogger(__name__).debug("self-test cleanup failed", exc_info=True)
        self.cleanups.clear()


def find_config(config_arg: str | os.PathLike[str] | None) -> tuple[Path, str]:
    """The config to test and where it came from; the bundled demo if none is given or found."""
    if config_arg:
        return Path(config_arg), "--config"
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env), f"${CONFIG_ENV}"
    default = default_config_path()
    if default.is_file():
        return default, "the config folder"
    from kiosk.ops.resources import resource_path

    return resource_path(DEMO_CONFIG), "no config found: the bundled demo config"


# --- the steps ---------------------------------------------------------------------------
def check_config(run: _Run) -> str:
    path, source = find_config(run.config_arg)
    config = load_config(path)
    problems = [str(p) for p in (*config.problems, *production_problems(config))]
    if problems:
        raise StepFailed(_summarise(problems))
    run.config = config
    return f"{path} ({source})"


def check_content(run: _Run) -> str:
    from kiosk.education.content import LANGUAGES, check_all_languages, load_content

    problems = [str(p) for p in check_all_languages()]
    if problems:
        raise StepFailed(_summarise(problems))
    counts = {language: len(load_content(language).sections) for language in LANGUAGES}
    return ", ".join(f"{language}: {n} sections" for language, n in counts.items())


def check_configured_database(run: _Run) -> str:
    """The queue the config names, inspected as `check` does: read-only, nothing written."""
    from kiosk.ops.check import inspect_configured_queue

    assert run.config is not None
    problems, seen = inspect_configured_queue(run.config)
    if problems:
        raise StepFailed(_summarise(problems))
    return "; ".join(line.removeprefix("queue: ") for line in seen) + " (read-only)"


def check_database(run: _Run) -> str:
    from kiosk.callback_queue.store import CallbackStore

    with CallbackStore.open(run.queue_url) as store:
        if store.count() != 0:
            raise StepFailed("a brand-new temporary queue is not empty")
        dialect = store.dialect
    return f"temporary {dialect} queue created in {run.tmp}; the configured queue is not touched"


def check_postgres_driver(run: _Run) -> str:
    from sqlalchemy.engine import make_url

    try:
        dialect = make_url("postgresql+psycopg://kiosk@localhost/kiosk").get_dialect()
        psycopg = dialect.import_dbapi()
        impl, libpq = psycopg.pq.__impl__, psycopg.pq.version()
    except Exception as exc:
        raise StepFailed(f"cannot load the PostgreSQL driver: {type(exc).__name__}: {exc}") from exc
    major, minor = divmod(libpq, 10_000)
    return f"psycopg {psycopg.__version__} ({impl}), libpq {major}.{minor}; not connected"


def check_screens(run: _Run) -> str:
    from PySide6.QtWidgets import QApplication

    from kiosk.app import build_kiosk
    from kiosk.education.content import LANGUAGES
    from kiosk.shell.navigation import HOME

    assert run.config is not None
    run.app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "kiosk"])
    with _logged_errors("kiosk") as errors:
        window = build_kiosk(_private_copy(run), windowed=True)
    run.window = window
    run.cleanups.append(lambda: _close_window(window))
    if not hasattr(window, "screens"):
        raise StepFailed("the kiosk showed its out-of-order screen: " + _summarise(errors))
    window.resize(*WINDOW_SIZE)
    window.show()
    _settle(run.app)

    set_language = getattr(window, "set_language", None)
    languages = LANGUAGES if set_language else (window.language,)
    painted = 0
    for language in languages:
        if set_language:
            set_language(language)
        for name in list(window.screens):
            if name == HOME:
                window.go_home()
            else:
                window.show_screen(name)
            _settle(run.app)
            _check_painted(f"{language}/{name}", window.screens[name])
            painted += 1
        window.go_home()
    if set_language:
        set_language(run.config.kiosk.language)
    window.go_home()
    _settle(run.app)
    return f"{painted} painted ({len(window.screens)} screens × {len(languages)} languages)"


def check_speech(run: _Run) -> str:
    """Read aloud, through the kiosk's own speaker: a short phrase in each language, ok only
    when the engine went through speaking and finished, each step within the speaker's
    deadlines (so a wedged speech server gives a clear answer, never a hang). Only a
    configured engine must work; with none configured, a machine without speech just hides
    the button."""
    assert run.config is not None
    wanted = run.config.kiosk.speech_engine
    if wanted == "none":
        return 'read aloud is turned off (kiosk.speech_engine = "none")'
    from PySide6.QtWidgets import QApplication

    from kiosk.shell.ui.speech import OPEN_TIMEOUT_S, Speaker

    app = run.app or QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "kiosk"])

    def unavailable(why: str) -> NoReturn:
        if wanted:
            raise StepFailed(f"kiosk.speech_engine is {wanted!r}, but speech is unavailable: {why}")
        raise StepWarning(f"speech unavailable: {why}; the Read aloud button is hidden")

    speaker = Speaker(wanted)
    try:
        # The speaker gives up by itself after OPEN_TIMEOUT_S; the extra second is slack.
        _wait_until(app, lambda: speaker.state() != "unknown", OPEN_TIMEOUT_S + 1)
        if not speaker.available():
            unavailable(speaker.problem() or "the speech engine did not answer")
        spoken = []
        for language, phrase in SPEECH_PHRASES.items():
            seconds = _speak_once(app, speaker, phrase, language)
            if seconds is None:
                unavailable(speaker.problem() or "the phrase was never finished")
            spoken.append(f"{language} by {speaker.voice(language)} in {seconds:.1f} s")
    finally:
        speaker.stop()
        speaker.deleteLater()
        _settle(app)
    return f"the {speaker.engine_name()} engine spoke " + "; ".join(spoken)


def _speak_once(app: Any, speaker: Any, phrase: str, language: str) -> float | None:
    """Seconds from asking until the engine finished speaking ``phrase``, or None."""
    finished: list[float] = []
    started = time.monotonic()

    def done(text: str, _language: str) -> None:
        if text == phrase:
            finished.append(time.monotonic() - started)

    speaker.finished.connect(done)
    try:
        if not speaker.speak(phrase, language):
            return None
        # Bounded by the speaker's own deadlines (to start, then to finish); the cap is slack.
        _wait_until(app, lambda: bool(finished) or not speaker.available(), SPEECH_CAP_S)
    finally:
        speaker.finished.disconnect(done)
    return finished[0] if finished else None


def _wait_until(app: Any, done: Callable[[], bool], seconds: float) -> None:
    """Run the event loop until ``done()`` or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def check_queue(run: _Run) -> str:
    import phonenumbers

    from kiosk.callback_queue.model import BestTime, NewRequest, Status
    from kiosk.callback_queue.store import CallbackStore
    from kiosk.callback_queue.validation import validate_consult

    assert run.config is not None
    region = run.config.clinic.region
    example = phonenumbers.example_number(region)
    if example is None:
        raise StepFailed(f"no phone-number data for clinic.region {region!r}")
    typed = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    checked = validate_consult("Self Test", typed, BestTime.ANY.value, True, region)
    if not checked.ok:
        raise StepFailed(
            "the form rejected a valid test request: " + ", ".join(e.code for e in checked.errors)
        )
    assert checked.name and checked.phone_e164 and checked.best_time
    request = NewRequest.create(
        SELF_TEST_KIOSK_ID, checked.name, checked.phone_e164, checked.best_time
    )

    worker = getattr(run.window, "queue_worker", None)
    result = _submit_via_worker(run, worker, request) if worker else _submit_direct(run, request)
    if result.stored_locally or result.request is None:
        raise StepFailed("the request went to the outbox instead of the queue")
    with CallbackStore.open(run.queue_url) as store:
        stored = store.get(result.request.id)
        total = store.count()
    got = (stored.idempotency_key, stored.name, stored.phone, stored.best_time, stored.status)
    want = (
        request.idempotency_key,
        request.name,
        request.phone_e164,
        request.best_time,
        Status.NEW,
    )
    if got != want:
        raise StepFailed("the request read back differs from the one submitted")
    if total != 1:
        raise StepFailed(f"the queue holds {total} requests after one submit")
    via = "the kiosk window's queue worker" if worker else "the queue"
    return f"request {stored.id} submitted through {via} and read back"


STEPS: tuple[tuple[str, Callable[[_Run], str]], ...] = (
    ("config", check_config),
    ("content", check_content),
    ("database (configured)", check_configured_database),
    ("database (scratch)", check_database),
    ("postgres driver", check_postgres_driver),
    ("screens", check_screens),
    ("speech", check_speech),
    ("queue", check_queue),
)


def run_self_test(
    config_path: str | os.PathLike[str] | None = None, *, out: TextIO | None = None
) -> int:
    """Run every step, printing one line each; 0 if none fails (a "warn" is not a failure),
    1 at the first failure."""
    out = out or sys.stdout
    # Before any QApplication exists: a self-test never needs (or opens) a display.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with (
        tempfile.TemporaryDirectory(prefix="kiosk-self-test-", ignore_cleanup_errors=True) as tmp,
        _qt_messages_filtered(),
    ):
        run = _Run(config_path, Path(tmp))
        try:
            for name, step in STEPS:
                try:
                    detail = step(run)
                except StepFailed as exc:
                    print(f"FAIL {name}: {exc}", file=out, flush=True)
                    return 1
                except StepWarning as exc:
                    print(f"warn {name}: {exc}", file=out, flush=True)
                    continue
                except Exception as exc:
                    traceback.print_exc()
                    print(f"FAIL {name}: {type(exc).__name__}: {exc}", file=out, flush=True)
                    return 1
                print(f"ok  {name}" + (f": {detail}" if detail else ""), file=out, flush=True)
        finally:
            run.close()
    return 0


# --- helpers -----------------------------------------------------------------------------
def _summarise(problems: list[str], limit: int = 3) -> str:
    if not problems:
        return "no details were logged"
    shown = "; ".join(problems[:limit])
    more = len(problems) - limit
    return shown + (f" (and {more} more)" if more > 0 else "")


def _private_copy(run: _Run) -> Path:
    """The config under test with its queue moved into the temporary folder."""
    from kiosk.config.reference import render_config_file

    assert run.config is not None
    values = {section: dict(keys) for section, keys in run.config.values.items()}
    values["database"]["url"] = run.queue_url
    path = run.tmp / "self-test-config.toml"
    path.write_text(render_config_file(values), encoding="utf-8")
    return path


@contextmanager
def _qt_messages_filtered() -> Iterator[None]:
    """Qt's messages go to stderr as usual, minus the offscreen platform's known chatter."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(mode: object, context: object, message: str) -> None:
        if message not in HARMLESS_QT_MESSAGES:
            print(f"qt: {message}", file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


@contextmanager
def _logged_errors(logger_name: str) -> Iterator[list[str]]:
    """ERROR records logged under ``logger_name``: build_kiosk logs why it is out of order."""
    found: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    handler = Collect(logging.ERROR)
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)


def _settle(app: Any) -> None:
    for _ in range(3):
        app.processEvents()


def _check_painted(label: str, screen: QWidget) -> None:
    from PySide6.QtGui import QImage

    if not screen.isVisible():
        raise StepFailed(f"{label}: the screen is not visible after showing it")
    pixmap = screen.grab()
    if pixmap.isNull() or pixmap.width() == 0 or pixmap.height() == 0:
        raise StepFailed(f"{label}: painting gave an empty picture")
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = bytes(image.constBits())
    if pixels == pixels[:4] * (len(pixels) // 4):
        raise StepFailed(f"{label}: the screen painted as a single flat colour")


def _submit_via_worker(run: _Run, worker: Any, request: Any) -> Any:
    from PySide6.QtCore import QEventLoop, QTimer

    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def finish(key: str, value: Any) -> None:
        outcome[key] = value
        loop.quit()

    worker.run(
        lambda queue: queue.submit(request),
        lambda result: finish("result", result),
        lambda exc: finish("error", exc),
    )
    if not outcome:
        give_up = QTimer(loop)
        give_up.setSingleShot(True)
        give_up.timeout.connect(loop.quit)
        give_up.start(QUEUE_TIMEOUT_MS)
        loop.exec()
        give_up.stop()
    if "error" in outcome:
        exc = outcome["error"]
        raise StepFailed(f"submitting failed: {type(exc).__name__}: {exc}")
    if "result" not in outcome:
        raise StepFailed(f"no answer from the queue worker within {QUEUE_TIMEOUT_MS // 1000} s")
    return outcome["result"]


def _submit_direct(run: _Run, request: Any) -> Any:
    from kiosk.callback_queue.outbox import ResilientQueue

    with ResilientQueue(run.queue_url, run.tmp / "self-test-outbox.sqlite3") as queue:
        return queue.submit(request)


def _close_window(window: Any) -> None:
    worker = getattr(window, "queue_worker", None)
    if worker is not None:
        worker.shutdown()
    release = getattr(window, "release", None)
    if release:
        release()
    window.close()
    window.deleteLater()
