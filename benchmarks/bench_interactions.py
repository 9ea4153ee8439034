"""Every patient interaction, tap to painted, p99 over hundreds of repetitions.

Each kiosk interaction is a real click (QTest) followed by ``window.repaint()``, timed
together; a key on the consult form is timed until its field has painted. Beside each, the
same operation on a bare Qt window measured in the same run: a QStackedWidget of labels and
plain buttons, restyled with a one-rule stylesheet, its pages rebuilt for a "language".
Target: p99 within one 60 Hz frame.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row, median, percentile
from benchmarks.bench_startup import preflight, write_config

FRAME_MS = 16.7
SIZE = (1280, 800)

Samples = list[float]


def _ms(start: int) -> float:
    return (time.perf_counter_ns() - start) / 1e6


def _settle() -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _click(widget) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    if widget is None or not widget.isVisible():
        raise RuntimeError(f"cannot tap {widget!r}: not on the glass")
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def _timed(action: Callable[[], None], repaint: Callable[[], None]) -> float:
    """One interaction and the synchronous repaint that puts it on the glass; then the rest
    of its posted events, untimed, so the next sample starts from a quiet loop."""
    start = time.perf_counter_ns()
    action()
    repaint()
    took = _ms(start)
    _settle()
    return took


def _until_painted(widget, action: Callable[[], None]) -> float:
    """``action``, then the event loop until ``widget`` has painted (as a real key tap)."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    class Watch(QObject):
        painted = False

        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    watch = Watch()
    widget.installEventFilter(watch)
    try:
        start = time.perf_counter_ns()
        action()
        while not watch.painted:
            QCoreApplication.processEvents()
            if _ms(start) > 2000:
                raise RuntimeError(f"{widget.objectName()} never painted after the key")
        took = _ms(start)
    finally:
        widget.removeEventFilter(watch)
    _settle()
    return took


# --- the kiosk ------------------------------------------------------------------------------
def _find(window, name: str, screen: str | None = None):
    from PySide6.QtWidgets import QWidget

    if screen is None:
        root = window.top_bar
    elif screen == "home" and window.current_screen() == "home":
        # Home as the visitor sees it: ``window.screens`` would first build every screen
        # still waiting, which no tap does.
        root = window.stack.currentWidget()
    else:
        root = window.screens[screen]
    return root.findChild(QWidget, name)


def _tap_home(window, name: str) -> None:
    _click(_find(window, name, "home"))


def _tiles(window) -> list[str]:
    return [f"tile-{s.removeprefix('section-')}" for s in window.navigator.sections] + [
        "tile-consult"]


def _kiosk_taps(window, count: int) -> Samples:
    """Home -> a screen -> Home -> the next screen ..., each tap timed."""
    tiles, samples = _tiles(window), []
    for i in range(count // 2):
        samples.append(_timed(partial(_tap_home, window, tiles[i % len(tiles)]),
                              window.repaint))
        samples.append(_timed(lambda: _click(_find(window, "nav-home")), window.repaint))
    return samples


def _kiosk_first_visits(config: Path, windows: int) -> Samples:
    from benchmarks.patient_session import shown_kiosk

    samples = []
    for _ in range(windows):
        with shown_kiosk(config) as window:
            for tile in _tiles(window):
                samples.append(_timed(lambda t=tile: _click(_find(window, t, "home")),
                                      window.repaint))
                _click(_find(window, "nav-home"))
                _settle()
    return samples


def _kiosk_languages(window, count: int) -> tuple[Samples, Samples]:
    """The language button's tap, then the first tap in the new language."""
    tiles, switches, firsts = _tiles(window), [], []
    for i in range(count):
        switches.append(_timed(lambda: _click(_find(window, "lang-toggle")), window.repaint))
        firsts.append(_timed(partial(_tap_home, window, tiles[i % len(tiles)]),
                             window.repaint))
        _click(_find(window, "nav-home"))
        _settle()
    return switches, firsts


def _visit(window, i: int) -> None:
    """The traces one visitor leaves, in turn: an open card; Spanish; larger text and high
    contrast; a half-typed consult form; all of them at once."""
    kind = i % 5
    if kind in (1, 4):
        _click(_find(window, "lang-toggle"))
        _settle()
    if kind in (2, 4):
        for button in ("text-size", "text-size", "contrast-toggle"):
            _click(_find(window, button))
            _settle()
    if kind == 3:
        _click(_find(window, "tile-consult", "home"))
        _settle()
        form = window.screens["consult"]
        for key in ("key-a", "key-n", "key-a"):
            _click(form.findChild(type(form.submit_button), key))
        _settle()
        return
    _click(_find(window, "tile-how-it-works", "home"))
    _settle()
    _click(_find(window, "card-1", "section-how-it-works"))
    _settle()


def _kiosk_resets(window, count: int) -> tuple[Samples, Samples]:
    """A visitor's traces (_visit), the idle timer running out (its own signal: the reset
    and the usage counts' hand-off), then the next visitor's tap."""
    tiles, resets, firsts = _tiles(window), [], []
    for i in range(count):
        _visit(window, i)
        resets.append(_timed(window.idle.expired.emit, window.repaint))
        firsts.append(_timed(partial(_tap_home, window, tiles[i % len(tiles)]),
                             window.repaint))
        _click(_find(window, "nav-home"))
        _settle()
    return resets, firsts


def _kiosk_look(window, button: str, count: int) -> Samples:
    """Text size or contrast, tapped on a section screen (the patient is reading)."""
    _click(_find(window, "tile-how-it-works", "home"))
    _settle()
    samples = [_timed(lambda: _click(_find(window, button)), window.repaint)
               for _ in range(count)]
    while window.text_size != "default" or window.theme != "calm":
        name = "text-size" if window.text_size != "default" else "contrast-toggle"
        _click(_find(window, name))
        _settle()
    _click(_find(window, "nav-home"))
    _settle()
    return samples


def _kiosk_keys(window, count: int) -> Samples:
    _click(_find(window, "tile-consult", "home"))
    _settle()
    form = window.screens["consult"]
    field = form.findChild(type(form.name), "consult-name")
    keys = [form.findChild(type(form.submit_button), n) for n in ("key-a", "key-backspace")]
    samples = [_until_painted(field, lambda k=keys[i % 2]: _click(k)) for i in range(count)]
    _click(_find(window, "nav-home"))
    _settle()
    return samples


# --- the baseline ---------------------------------------------------------------------------
class _Bare:
    """The least Qt does for the same interactions: pages of labels, plain buttons."""

    def __init__(self, pages: int) -> None:
        from PySide6.QtWidgets import (
            QHBoxLayout,
            QLineEdit,
            QPushButton,
            QStackedWidget,
            QVBoxLayout,
            QWidget,
        )

        self.window = QWidget()
        self.window.resize(*SIZE)
        column = QVBoxLayout(self.window)
        bar = QHBoxLayout()
        self.home, self.lang, self.size, self.contrast = (
            QPushButton(t) for t in ("Home", "Español", "Text", "Contrast"))
        for button in (self.lang, self.size, self.contrast, self.home):
            bar.addWidget(button)
        column.addLayout(bar)
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)
        self.field = QLineEdit()
        self.keys = [QPushButton("A"), QPushButton("⌫")]
        self.keys[0].clicked.connect(lambda: self.field.insert("A"))
        self.keys[1].clicked.connect(self.field.backspace)
        self._pages = pages
        self.tiles: list[QPushButton] = []
        self._language = 0
        self._build()
        self.home.clicked.connect(lambda: self.stack.setCurrentIndex(0))
        self.lang.clicked.connect(self._switch)
        self._big = self._dark = False
        self.size.clicked.connect(self._resize_text)
        self.contrast.clicked.connect(self._recolour)
        self.window.show()
        _settle()

    def _build(self) -> None:
        from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

        while self.stack.count():
            page = self.stack.widget(0)
            self.stack.removeWidget(page)
            if self.field.parent() is page:
                self.field.setParent(None)
                for key in self.keys:
                    key.setParent(None)
            page.deleteLater()
        home = QWidget()
        home_column = QVBoxLayout(home)
        self.tiles = []
        for n in range(1, self._pages + 1):
            tile = QPushButton(f"Page {n} ({self._language})")
            tile.clicked.connect(lambda _=False, i=n: self.stack.setCurrentIndex(i))
            home_column.addWidget(tile)
            self.tiles.append(tile)
        self.stack.addWidget(home)
        for n in range(1, self._pages + 1):
            page = QWidget()
            page_column = QVBoxLayout(page)
            page_column.addWidget(QLabel(f"Page {n} in language {self._language}"))
            if n == self._pages:  # the last page is the form
                page_column.addWidget(self.field)
                for key in self.keys:
                    page_column.addWidget(key)
            self.stack.addWidget(page)

    def _switch(self) -> None:
        self._language = 1 - self._language
        self._build()

    def _resize_text(self) -> None:
        self._big = not self._big
        self._style()

    def _recolour(self) -> None:
        self._dark = not self._dark
        self._style()

    def _style(self) -> None:
        size = 32 if self._big else 24
        colours = "color: white; background: black;" if self._dark else ""
        self.window.setStyleSheet(f"QWidget {{ font-size: {size}px; {colours} }}")

    def reset(self) -> None:
        self.field.clear()
        self.stack.setCurrentIndex(0)

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()
        _settle()


def _bare_taps(bare: _Bare, count: int) -> Samples:
    samples = []
    for i in range(count // 2):
        samples.append(_timed(partial(_click, bare.tiles[i % len(bare.tiles)]),
                              bare.window.repaint))
        samples.append(_timed(lambda: _click(bare.home), bare.window.repaint))
    return samples


def _bare_first_visits(pages: int, windows: int) -> Samples:
    samples = []
    for _ in range(windows):
        bare = _Bare(pages)
        for tile in list(bare.tiles):
            samples.append(_timed(lambda t=tile: _click(t), bare.window.repaint))
            _click(bare.home)
            _settle()
        bare.close()
    return samples


def _bare_languages(bare: _Bare, count: int) -> tuple[Samples, Samples]:
    switches, firsts = [], []
    for i in range(count):
        switches.append(_timed(lambda: _click(bare.lang), bare.window.repaint))
        firsts.append(_timed(partial(_click, bare.tiles[i % len(bare.tiles)]),
                             bare.window.repaint))
        _click(bare.home)
        _settle()
    return switches, firsts


def _bare_resets(bare: _Bare, count: int) -> tuple[Samples, Samples]:
    resets, firsts = [], []
    for i in range(count):
        _click(bare.tiles[0])
        _settle()
        resets.append(_timed(bare.reset, bare.window.repaint))
        firsts.append(_timed(partial(_click, bare.tiles[i % len(bare.tiles)]),
                             bare.window.repaint))
        _click(bare.home)
        _settle()
    return resets, firsts


def _bare_look(bare: _Bare, button, count: int) -> Samples:
    _click(bare.tiles[0])
    _settle()
    samples = [_timed(lambda: _click(button), bare.window.repaint) for _ in range(count)]
    _click(bare.home)
    _settle()
    return samples


def _bare_keys(bare: _Bare, count: int) -> Samples:
    _click(bare.tiles[-1])
    _settle()
    samples = [_until_painted(bare.field, lambda k=bare.keys[i % 2]: _click(k))
               for i in range(count)]
    _click(bare.home)
    _settle()
    return samples


# --- the rows ---------------------------------------------------------------------------
def _row(metric: str, kiosk: Samples, bare: Samples, note: str) -> Row:
    return limit_row(metric, percentile(kiosk, 99), FRAME_MS, "ms",
                     baseline=percentile(bare, 99),
                     note=f"{len(kiosk)} times; median {median(kiosk):.1f} ms "
                          f"(bare {median(bare):.1f} ms), worst {max(kiosk):.1f} ms; {note}")


def run(quick: bool, workdir: Path) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from benchmarks.patient_session import shown_kiosk

    app = QApplication.instance() or QApplication(["benchmarks"])  # noqa: F841 - kept alive
    config = write_config(workdir)
    preflight(config)
    count = 20 if quick else 200
    windows = 2 if quick else 40  # first visits: 5 screens a window, 200 in all
    with shown_kiosk(config) as window:
        pages = len(_tiles(window))
        k = {"taps": _kiosk_taps(window, count), "keys": _kiosk_keys(window, count),
             "size": _kiosk_look(window, "text-size", count),
             "contrast": _kiosk_look(window, "contrast-toggle", count)}
        k["resets"], k["after-reset"] = _kiosk_resets(window, count)
        k["switches"], k["after-switch"] = _kiosk_languages(window, count)
    k["first"] = _kiosk_first_visits(config, windows)
    bare = _Bare(pages)
    try:
        b = {"taps": _bare_taps(bare, count), "keys": _bare_keys(bare, count),
             "size": _bare_look(bare, bare.size, count),
             "contrast": _bare_look(bare, bare.contrast, count)}
        b["resets"], b["after-reset"] = _bare_resets(bare, count)
        b["switches"], b["after-switch"] = _bare_languages(bare, count)
    finally:
        bare.close()
    b["first"] = _bare_first_visits(pages, windows)
    painted = "QTest click + window.repaint()"
    return [
        _row("Tap to next screen painted, p99", k["taps"], b["taps"],
             f"Home tiles and Home, {painted}; bare: QStackedWidget of {pages + 1} label pages"),
        _row("First visit of a screen after start, p99", k["first"], b["first"],
             f"each Home tile's screen shown for the first time, in {windows} fresh kiosks "
             f"(built, shown, past their background build and 100 ms more)"),
        _row("First tap after a language switch, p99", k["after-switch"], b["after-switch"],
             "a Home tile tapped just after the language button; bare: pages rebuilt"),
        _row("First tap after an idle reset, p99", k["after-reset"], b["after-reset"],
             "a Home tile tapped just after the idle reset"),
        _row("Text size change, p99", k["size"], b["size"],
             f"the text-size button on a section screen, {painted}; bare: a one-rule "
             f"stylesheet's font size"),
        _row("Contrast change, p99", k["contrast"], b["contrast"],
             f"the contrast button on a section screen, {painted}; bare: a one-rule "
             f"stylesheet's colours"),
        _row("Language switch, p99", k["switches"], b["switches"],
             f"the language button on Home, {painted}; bare: every page rebuilt"),
        _row("Key to glyph, p99", k["keys"], b["keys"],
             "key-a and key-backspace on the consult form, timed until the name field has "
             "painted (event loop, no forced repaint); bare: QLineEdit and two buttons"),
        _row("Idle reset to Home, p99", k["resets"], b["resets"],
             "the idle timer's expiry after a visitor's traces (in turn: an open card; Spanish;"
             " larger text and high contrast; a half-typed form; all at once), + "
             "window.repaint(); bare: clear a field, show page 0"),
    ]
