"""After the first frame the window builds the rest in small steps; whatever the visitor does
in between finds every screen whole, in the right language, and the window settles once."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from kiosk.shell.i18n import translator


def _pause_build_when(monkeypatch, window, ready) -> None:
    """Let the background build run at its own pace, one step per event-loop turn, and hold
    it still at the first turn that finds ``ready()``: that step and all after it wait."""
    from kiosk.shell.ui.window import KioskWindow

    step = KioskWindow._build_next

    def watched(self) -> None:
        if self is window and ready():
            monkeypatch.setattr(KioskWindow, "_build_next", step)
            return  # `_building` stays set, as if this step were still to come: none is
        step(self)

    monkeypatch.setattr(KioskWindow, "_build_next", watched)


def _resume_build(window) -> None:
    window._building = False
    window._schedule_builds()


def _shown_until_settled(qtbot, window) -> list[bool]:
    """Show ``window`` at 1280x800 and wait for its background build to settle; the list
    gains an entry each time it says so."""
    settled: list[bool] = []
    window.settled.connect(lambda: settled.append(True))
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: bool(settled), timeout=20_000)
    return settled


def test_the_window_settles_once_with_both_languages_built(qtbot, build, make_config) -> None:
    window = build(make_config(), show=False)
    settled = _shown_until_settled(qtbot, window)
    qtbot.wait(200)
    assert settled == [True]  # once, not at every later step

    spanish_form = None
    for _ in range(2):  # back and forth: the same screens, nothing rebuilt
        window.toggle_language()
        window.show_screen("consult")
        send = window.findChild(QPushButton, "consult-submit")
        if window.language == "es":
            assert send.text() == translator("es")("Send my request")
            spanish_form = spanish_form or window.stack.currentWidget()
            assert window.stack.currentWidget() is spanish_form
        window.go_home()


def test_a_switch_while_a_screen_is_half_built_finds_it_whole(qtbot, monkeypatch, build,
                                                              make_config) -> None:
    window = build(make_config(), show=False)

    def half_built() -> bool:  # the other language's form made and in the stack, unstyled
        partial = window._partial
        return (partial is not None and partial.language == "es" and partial.name == "consult"
                and partial.joined)

    _pause_build_when(monkeypatch, window, half_built)
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(half_built, timeout=20_000)
    form = window._partial.screen
    english = window.findChild(QPushButton, "consult-submit")
    assert english.text() == "Send my request"  # not the Spanish one waiting in the stack

    window.toggle_language()
    window.show_screen("consult")
    assert window.stack.currentWidget() is form  # finished at once, not built twice
    send = window.findChild(QPushButton, "consult-submit")
    assert send.isVisible() and send.text() == translator("es")("Send my request")
    assert form.styleSheet() == window._look  # styled like every other screen
    _resume_build(window)
    qtbot.waitUntil(lambda: not window._work_left(), timeout=20_000)
    assert window.stack.currentWidget() is form


def test_every_later_import_names_a_real_module() -> None:
    """The plan names real modules (a renamed one would only be logged, and its import
    would land back inside a screen's build)."""
    import importlib.util

    from kiosk.app import LATER_IMPORTS, QR_IMPORTS

    missing = [name for name in (*LATER_IMPORTS, *QR_IMPORTS)
               if importlib.util.find_spec(name) is None]
    assert missing == []


def test_a_look_change_reaches_hidden_screens_a_step_at_a_time(qtbot, build, make_config) -> None:
    window = build(make_config())
    qtbot.waitUntil(lambda: window.is_settled, timeout=20_000)
    form = window.screens["consult"]
    calm = form.styleSheet()
    window.toggle_contrast()
    assert form.styleSheet() == calm  # not inside the tap that asked for it
    qtbot.waitUntil(lambda: form.styleSheet() != calm, timeout=5000)  # nor when next shown
    assert window.stack.currentWidget() is not form
    assert form.styleSheet() == window.top_bar.styleSheet()  # the high-contrast look


def test_after_a_look_change_the_form_is_the_first_hidden_screen_restyled(qtbot, build,
                                                                         make_config) -> None:
    """The form has the most widgets: restyling it on the tap that opens it cost 22 ms here,
    a short section 6 ms. Of the hidden screens it takes the new look first."""
    window = build(make_config())
    qtbot.waitUntil(lambda: window.is_settled, timeout=20_000)
    screens = window.screens
    restyled = []
    restyle = window._restyle
    window._restyle = lambda screen: (restyled.append(screen), restyle(screen))
    window.toggle_contrast()
    qtbot.waitUntil(lambda: len(restyled) >= 3, timeout=5000)
    names = {screen: name for name, screen in screens.items()}
    assert [names.get(screen) for screen in restyled[:2]] == ["home", "consult"]


def test_the_queue_opens_after_the_build_and_its_answer_ends_start_up(qtbot, build,
                                                                       make_config) -> None:
    """SQLAlchemy's import and the schema check (half a second of Python) beside the build
    made both take turns at the interpreter lock and stretched build steps past 140 ms: the
    queue waits for the window to settle, and the end of start-up (when kiosk.cli turns
    garbage collection back on) for its answer."""
    from kiosk.cli import when_started

    window = build(make_config(), show=False)
    keeper, worker = window.queue_keeper, window.queue_worker
    events: list[tuple[str, bool]] = []
    window.settled.connect(lambda: events.append(("settled", worker._queue is not None)))
    when_started(window, lambda: events.append(("started", worker._queue is not None)))
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: len(events) == 2, timeout=20_000)
    assert events == [("settled", False), ("started", True)]  # opened between the two
    assert keeper.available and keeper.has_answered

    late: list[bool] = []
    when_started(window, lambda: late.append(True))  # asked after start-up: at once
    assert late == [True]


def test_the_event_loop_turns_between_any_two_build_steps(qtbot, monkeypatch, build,
                                                          make_config) -> None:
    """A tap waits for at most one build step: a timer that comes due while a step runs
    (here a precise one started as the step begins, as a tap's events would arrive) fires
    before the next step. Steps scheduled as posted calls (QTimer.singleShot(0)) ran
    straight after one another, past it: 40 + 25 ms in one go. The order of events is what
    is checked, not how long anything took, so a busy machine cannot fail it."""
    from PySide6.QtCore import Qt, QTimer

    from kiosk.shell.ui.window import KioskWindow

    window = build(make_config(), show=False)
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setSingleShot(True)
    probe.setInterval(0)
    fired: list[int] = []
    probe.timeout.connect(lambda: fired.append(steps[0]))
    steps = [0]
    skipped: list[int] = []  # steps that began while the previous step's timer was still due
    step = KioskWindow._build_next

    def counted(self) -> None:
        if self is window:
            if probe.isActive():
                skipped.append(steps[0])
            steps[0] += 1
            probe.start()  # due at once: it waits only for this step to return
        step(self)

    monkeypatch.setattr(KioskWindow, "_build_next", counted)
    settled: list[bool] = []
    window.settled.connect(lambda: settled.append(True))
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: bool(settled), timeout=20_000)
    qtbot.waitUntil(lambda: not probe.isActive(), timeout=2_000)
    assert steps[0] > 20  # the whole background build ran step by step
    assert not skipped, f"{len(skipped)} of {steps[0]} steps ran before a timer that came " \
                        f"due during the step before them (steps {skipped[:10]})"
    assert len(fired) == steps[0]  # the timer came due once per step and always fired


def test_the_form_is_only_ever_laid_out_for_the_glass_it_is_on(qtbot, monkeypatch, build,
                                                                make_config) -> None:
    """A hidden page keeps Qt's default 640x480 until the stack shows it: the form styled at
    that size laid itself out for a portrait screen first, then again for the real one (a
    sixth of its background build, measured)."""
    from kiosk.consult.ui.form import ConsultScreen

    fitted: list[tuple[int, int]] = []
    fit = ConsultScreen._fit

    def watched(self) -> None:
        fitted.append(self.size().toTuple())
        fit(self)

    monkeypatch.setattr(ConsultScreen, "_fit", watched)
    window = build(make_config(), show=False)
    _shown_until_settled(qtbot, window)
    glass = window.stack.size().toTuple()
    assert len(fitted) >= 2  # one form per language
    assert set(fitted) == {glass}, fitted
