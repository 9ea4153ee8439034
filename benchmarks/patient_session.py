"""A scripted patient session: seeded taps, scrolls, typing and choices, run in the event loop.

Each step is one timer callback, so between steps the event loop runs as it does for a
real visitor (paints, deferred layout, kinetic scrolling, the queue worker's answers) and a
``LagMonitor`` sees every GUI-thread task. It drives the kiosk only through its public
surface: object names, ``window.screens``, ``current_screen()``, the idle timer's ``expired``
signal and real input events (QTest clicks, wheel events, touch drags on the scroll areas).
The one private thing it touches is for the report: each background build step marks the
monitor, so a stall says whether a build step ran in it.
"""

from __future__ import annotations

import gc
import random
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from benchmarks.lag_monitor import LagMonitor, LagReport

#: Every kind of step the session takes; the slow test checks each one happened.
KINDS = ("open-section", "open-consult", "card", "next-section", "back", "home", "wheel",
         "drag", "letter", "digit", "field", "submit", "done-home", "text-size", "contrast",
         "language", "idle-reset")

# A patient's pause between taps, in ms: short, so the session packs in many steps.
THINK_MS = (15, 160)
DRAG_STEP_MS = 16


@dataclass
class _Action:
    kind: str
    label: str
    run: Callable[[], None]
    delay_ms: int | None = None  # after it, before the next step; None: a think time


class PatientSession:
    """Drives ``window`` for ``duration_s`` seconds, naming each step to ``monitor``."""

    def __init__(self, window, monitor: LagMonitor | None = None, seed: int = 20261201) -> None:
        from PySide6.QtTest import QTest

        self.window = window
        self.monitor = monitor
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.submitted = 0
        self.reactivated = 0
        self._plan: list[_Action] = []
        self._touch = QTest.createTouchDevice()
        self._error: BaseException | None = None
        self._deadline = 0.0
        self._loop = None

    # --- running ---------------------------------------------------------------------------
    def run(self, duration_s: float) -> Counter[str]:
        from PySide6.QtCore import QEventLoop, QTimer

        self._deadline = time.perf_counter() + duration_s
        self._loop = QEventLoop()
        QTimer.singleShot(0, self._step)
        self._loop.exec()
        self._loop = None
        if self._error is not None:
            raise self._error
        return self.counts

    def _step(self) -> None:
        from PySide6.QtCore import QTimer

        if time.perf_counter() >= self._deadline:
            self._loop.quit()
            return
        try:
            if not self.window.isActiveWindow():
                # A tap on a real screen activates the window it lands on; offscreen nothing
                # does. (Building the call-us screen shows two parentless labels for a moment,
                # which takes the activation away.) Counted: it should stay 0.
                self.reactivated += 1
                self.window.activateWindow()
            action = self._plan.pop(0) if self._plan else self._choose()
            if self.monitor is not None:
                self.monitor.mark(action.label)
            action.run()
            self.counts[action.kind] += 1
        except BaseException as exc:  # stop the session; run() raises it
            self._error = exc
            self._loop.quit()
            return
        delay = action.delay_ms if action.delay_ms is not None else self.rng.randint(*THINK_MS)
        QTimer.singleShot(delay, self._step)

    # --- what a patient does next ---------------------------------------------------------
    def _choose(self) -> _Action:
        current = self.window.current_screen()
        # The screen on the glass; ``window.screens`` would first build every screen still
        # waiting, which no patient's tap does.
        screen = self.window.stack.currentWidget()
        options: list[tuple[float, Callable[[], _Action | None]]] = [
            (0.4, lambda: self._top("text-size", "text-size")),
            (0.4, lambda: self._top("contrast", "contrast-toggle")),
            (0.25, self._idle_reset),
        ]
        if current == "home":
            options += [(4, lambda: self._tap_one(screen, "open-section", "tile-", exclude=
                                                  ("tile-consult",))),
                        (1.5, lambda: self._tap(screen, "open-consult", "tile-consult")),
                        (0.6, lambda: self._top("language", "lang-toggle")),
                        (0.5, lambda: self._wheel(screen))]
        elif current.startswith("section-"):
            options += [(3, lambda: self._tap_one(screen, "card", "card-")),
                        (2, lambda: self._wheel(screen)),
                        (1.5, lambda: self._drag(screen)),
                        (0.8, lambda: self._tap(screen, "next-section", "section-next")),
                        (0.4, lambda: self._tap(screen, "open-consult", "section-consult")),
                        (0.8, lambda: self._top("back", "nav-back")),
                        (0.8, lambda: self._top("home", "nav-home"))]
        elif current == "consult":
            options += [(6, lambda: self._fill_form(screen)),
                        (0.5, lambda: self._wheel(screen)),
                        (0.3, lambda: self._top("back", "nav-back")),
                        (0.3, lambda: self._top("home", "nav-home"))]
        elif current == "consult-done":
            options += [(3, lambda: self._tap(screen, "done-home", "consult-done-home"))]
        elif current == "consult-unavailable":
            options += [(3, lambda: self._tap(screen, "done-home", "consult-unavailable-home"))]
        else:  # a staff screen: never reached by taps, but leave it the way a patient would
            options += [(3, lambda: self._top("home", "nav-home"))]
        while True:
            weights = [w for w, _ in options]
            index = self.rng.choices(range(len(options)), weights)[0]
            action = options[index][1]()
            if action is not None:
                return action
            options.pop(index)  # nothing of that kind here (no cards, no Next): pick again

    # --- steps --------------------------------------------------------------------------
    def _click(self, widget) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)

    def _find(self, root, name: str):
        from PySide6.QtWidgets import QWidget

        widget = root.findChild(QWidget, name)
        return widget if widget is not None and widget.isVisibleTo(self.window) else None

    def _tap(self, root, kind: str, name: str) -> _Action | None:
        widget = self._find(root, name)
        if widget is None or not widget.isEnabled():
            return None
        where = self.window.current_screen()
        return _Action(kind, f"tap {name} on {where}", lambda: self._click(widget))

    def _tap_one(self, root, kind: str, prefix: str,
                 exclude: tuple[str, ...] = ()) -> _Action | None:
        from PySide6.QtWidgets import QAbstractButton

        buttons = [b for b in root.findChildren(QAbstractButton)
                   if b.objectName().startswith(prefix) and b.objectName() not in exclude
                   and b.isVisibleTo(self.window)]
        if not buttons:
            return None
        return self._tap(root, kind, self.rng.choice(buttons).objectName())

    def _top(self, kind: str, name: str) -> _Action | None:
        return self._tap(self.window.top_bar, kind, name)

    def _idle_reset(self) -> _Action:
        """The idle timer's expiry, as the kiosk meets it: the reset, and the visit's counts
        handed to the queue's thread."""
        return _Action("idle-reset", f"idle reset from {self.window.current_screen()}",
                       self.window.idle.expired.emit)

    def _wheel(self, screen) -> _Action | None:
        from PySide6.QtCore import QPoint, QPointF, Qt
        from PySide6.QtGui import QWheelEvent
        from PySide6.QtWidgets import QApplication, QScrollArea

        area = screen.findChild(QScrollArea)
        if area is None:
            return None
        viewport = area.viewport()
        notches = self.rng.choice((-3, -2, -1, -1, 1, 2))  # mostly down the page

        def wheel() -> None:
            pos = QPointF(viewport.width() / 2, viewport.height() / 2)
            event = QWheelEvent(pos, viewport.mapToGlobal(pos), QPoint(0, 0),
                                QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                                Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                                False)
            QApplication.sendEvent(viewport, event)

        return _Action("wheel", f"wheel {notches:+d} on {self.window.current_screen()}", wheel)

    def _drag(self, screen) -> _Action | None:
        """A finger flick up or down the page: press, five moves a frame apart, release; the
        scroller then coasts on its own timer while the session goes on."""
        from PySide6.QtCore import QPoint
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QScrollArea

        area = screen.findChild(QScrollArea)
        if area is None:
            return None
        viewport = area.viewport()
        x = viewport.width() // 2
        y0 = viewport.height() * 3 // 4
        dy = self.rng.choice((-1, -1, 1)) * viewport.height() // 10
        where = f"drag on {self.window.current_screen()}"

        def touch(kind: str, y: int) -> Callable[[], None]:
            def send() -> None:
                # The viewport is found again for each event: a Python wrapper kept from the
                # press goes invalid, though the widget lives on (its destroyed signal never
                # fires), once the press's QTouchEventSequence is gone, so a kept wrapper
                # lost about a quarter of every drag's moves and releases.
                found = screen.findChild(QScrollArea)
                if found is None:
                    return
                target = found.viewport()
                seq = QTest.touchEvent(target, self._touch)
                getattr(seq, kind)(0, QPoint(x, y), target)
                seq.commit()
            return send

        ys = [y0 + dy * i for i in range(6)] if dy > 0 else [y0 // 3 - dy * i for i in range(6)]
        self._plan += [_Action("drag-move", where, touch("move", y), DRAG_STEP_MS)
                       for y in ys[1:]]
        self._plan.append(_Action("drag-release", where, touch("release", ys[-1])))
        return _Action("drag", where, touch("press", ys[0]), DRAG_STEP_MS)

    def _fill_form(self, form) -> _Action | None:
        """Plan a whole visit to the form: name, phone, time, consent, send (or give up
        half way, as some visitors do)."""
        name = self.rng.choice(("ana", "bo", "lee", "maria", "kim")) + "s" * self.rng.randint(0, 2)
        digits = "20255501" + f"{self.rng.randint(0, 99):02d}"
        plan = [self._field(form, "consult-name")]
        plan += [self._key(form, "letter", f"key-{c}") for c in name]
        if self.rng.random() < 0.2:
            plan.append(self._key(form, "letter", "key-backspace"))
        plan.append(self._field(form, "consult-phone"))
        plan += [self._key(form, "digit", f"keypad-{d}") for d in digits]
        if self.rng.random() < 0.85:
            time_choice = self.rng.choice(("morning", "afternoon", "evening", "any"))
            plan += [self._key(form, "field", f"consult-time-{time_choice}"),
                     self._key(form, "field", "consult-consent"),
                     self._key(form, "submit", "consult-submit")]
        else:
            plan = plan[: self.rng.randint(1, len(plan))]
        first, *rest = plan
        self._plan += rest
        return first

    def _field(self, form, name: str) -> _Action:
        return self._key(form, "field", name)

    def _key(self, form, kind: str, name: str) -> _Action:
        """A tap on the form, found when it runs: an earlier step may have left the form
        (an idle reset, a language switch), and then it taps nothing."""
        window = self.window

        def tap() -> None:
            from PySide6.QtWidgets import QWidget

            if window.current_screen() != "consult" or window.stack.currentWidget() is not form:
                self._plan.clear()  # the visitor left the form: the rest of the plan goes
                return
            widget = form.findChild(QWidget, name)
            if widget is None or not widget.isVisibleTo(window):
                raise RuntimeError(f"{name} is not on the consult form")
            self._click(widget)
            if kind == "submit":
                self.submitted += 1

        return _Action(kind, f"tap {name} on consult", tap)


def after_first_paint(window, callback: Callable[[], None]) -> None:
    """Call ``callback`` once the window's first paint is over (the way bench_startup's bare
    window detects it, so this imports no kiosk code)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, callback)
                self.deleteLater()
            return False

    window.installEventFilter(FirstPaint(window))


@dataclass(frozen=True)
class SessionResult:
    counts: Counter[str]
    submitted: int
    reactivated: int
    report: LagReport


def _mark_background_steps(window, monitor: LagMonitor) -> None:
    """Each step of the window's background build or restyle marks the monitor, so a gap
    names it next to the tap it held back ("tap nav-home + background step")."""
    step = window._build_step

    def marked() -> None:
        monitor.mark("background step")
        step()

    window._build_step = marked


def run_session(config, duration_s: float, *, seed: int = 20261201, sample_stacks: bool = True,
                size: tuple[int, int] = (1280, 800)) -> SessionResult:
    """Build the kiosk from ``config`` as main.py does, start a LagMonitor right after its
    first frame, run a seeded session for ``duration_s`` and tear the window down.

    As main.py does, garbage collection is off while the kiosk starts and comes back, with
    all that exists frozen, when its start-up is over (the queue's first answer): a
    collection over the test process's whole heap is not one the kiosk ever makes."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.app import build_kiosk
    from kiosk.cli import collect_garbage_again, when_started
    from kiosk.shell.ui.window import KioskWindow

    app = QApplication.instance()
    was_collecting = gc.isenabled()
    gc.disable()
    try:
        window = build_kiosk(config, windowed=True)
        if not isinstance(window, KioskWindow):  # (not hasattr: `screens` would build all)
            window.deleteLater()
            raise RuntimeError("build_kiosk gave the out-of-order window (run `make check`)")
    except BaseException:
        if was_collecting:
            gc.enable()
        raise
    when_started(window, collect_garbage_again)
    monitor = LagMonitor(sample_stacks=sample_stacks)
    _mark_background_steps(window, monitor)
    started = QEventLoop()

    def begin() -> None:
        monitor.start()
        started.quit()

    try:
        after_first_paint(window, begin)
        window.resize(*size)
        window.show()
        window.activateWindow()  # a tap on a field focuses it only in the active window
        QTimer.singleShot(5000, started.quit)  # never wait for ever
        started.exec()
        if not window.isActiveWindow():
            raise RuntimeError("the kiosk window never became the active window")
        # The monitor runs from the first frame, so the background build's own steps and
        # the queue's opening count; the visitor's first tap comes once start-up is over
        # (two seconds here), as a person takes longer than that to read Home and reach
        # for it.
        wait_until_started(window)
        session = PatientSession(window, monitor, seed)
        counts = session.run(duration_s)
        report = monitor.stop()
        return SessionResult(counts, session.submitted, session.reactivated, report)
    finally:
        monitor.stop()
        worker = getattr(window, "queue_worker", None)
        if worker is not None:
            worker.shutdown()
        window.release()
        window.close()
        window.deleteLater()
        app.processEvents()
        gc.unfreeze()
        if was_collecting:
            gc.enable()
        else:
            gc.disable()


def wait_until_started(window, timeout_ms: int = 10_000) -> None:
    """The event loop until the kiosk's start-up is over (``kiosk.cli.when_started``: its
    background build done, then its queue answered), at most ``timeout_ms``."""
    from PySide6.QtTest import QTest

    from kiosk.cli import when_started

    started: list[bool] = []
    when_started(window, lambda: started.append(True))
    for _ in range(timeout_ms // 10):
        if started:
            return
        QTest.qWait(10)


@contextmanager
def shown_kiosk(config, size: tuple[int, int] = (1280, 800), *, settle_ms: int = 100):
    """The kiosk built from ``config`` as main.py does, shown, active, started (its
    background build done, its queue answered) and ``settle_ms`` of event loop past that;
    torn down afterwards."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kiosk.app import build_kiosk
    from kiosk.shell.ui.window import KioskWindow

    window = build_kiosk(config, windowed=True)
    if not isinstance(window, KioskWindow):
        window.deleteLater()
        raise RuntimeError("build_kiosk gave the out-of-order window (run `make check`)")
    try:
        window.resize(*size)
        window.show()
        window.activateWindow()
        QTest.qWaitForWindowActive(window)
        wait_until_started(window)
        QTest.qWait(settle_ms)
        yield window
    finally:
        worker = getattr(window, "queue_worker", None)
        if worker is not None:
            worker.shutdown()
        window.release()
        window.close()
        window.deleteLater()
        QApplication.processEvents()
