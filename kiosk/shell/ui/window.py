"""The patient kiosk window: the top bar, one screen at a time, navigation and idle reset.

It knows no feature: the screens come from a ``ScreenPlan`` per language (kiosk.app wires
education, consult and staff in), and it talks to them only through the ``Screen`` contract.

Every tap is meant to fit in one frame, so the window never does work for screens nobody
sees: each screen wears its own copy of the stylesheet, and a look change (text size,
contrast) restyles the top bar and the visible screen at once and the others one per
event-loop turn after it (or when shown, if sooner). Screens are built after the first
frame in small steps, one per event-loop turn, and each language's screens are kept once
built, so switching back and forth builds nothing.

Over 300 lines for a reason: building, restyling and showing screens share one set of
bookkeeping (what is built, waiting, stale, and in which language), and each path has to
keep it consistent with the others; the top bar and the screen contract are elsewhere.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.shell.i18n import LANGUAGE_NAMES, Translator, translator
from kiosk.shell.navigation import HOME, Navigator
from kiosk.shell.theme import TEXT_SCALES, THEMES, Palette, font_sizes, stylesheet
from kiosk.shell.ui.first_frame import after_first_paint
from kiosk.shell.ui.fonts import apply_fonts
from kiosk.shell.ui.glass import glass_body_px
from kiosk.shell.ui.idle_guard import IdleGuard
from kiosk.shell.ui.keyboard import keyboard_command, keyboard_focus_only
from kiosk.shell.ui.lockdown import KeyLock, LockedWindow
from kiosk.shell.ui.qt_classes import QtClasses
from kiosk.shell.ui.screen import Screen, ScreenFactory, ScreenPlan
from kiosk.shell.ui.speech_bar import SpeechBar
from kiosk.shell.ui.top_bar import TopBar
from kiosk.shell.ui.touch import TouchIntent, no_context_menus, warm_up_gestures

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.shell.ui.attract import AttractScreen
    from kiosk.shell.ui.idle_warning import IdleWarning
    from kiosk.shell.ui.speech import Speaker
    from kiosk.shell.ui.speech_mode import SpeechMode

log = logging.getLogger(__name__)

#: The screens not on the first frame are built this long after it.
DEFERRED_BUILD_MS = 30


class _Partial:
    """A screen built in the background: not yet joined to the stack, styled (then it counts
    as built) or rehearsed."""

    __slots__ = ("joined", "language", "name", "screen", "styled")

    def __init__(self, language: str, name: str, screen: Screen) -> None:
        self.language = language
        self.name = name
        self.screen = screen
        self.joined = False
        self.styled = False

#: (window, language) -> the screens of that language.
ScreenSource = Callable[["KioskWindow", str], ScreenPlan]


class KioskWindow(LockedWindow):
    """Holds the patient screens and shows one at a time.

    Before the first frame it builds only the top bar and the plan's first screen (Home);
    the idle guard and the kiosk-mode key lock start at the first paint. Just after it,
    ``_build_in_turns`` does the rest one event-loop turn at a time (the idle warning and
    policies, each first screen's ``finish_building``, the other screens, then the other
    language's); showing a screen builds it at once, and ``ensure_built`` builds all of the
    current language for whoever asks for a screen or a child widget.
    """

    staff_requested = Signal()
    settles_when_presented = False  # settled once the background build is done

    def __init__(self, config: Config, screens: ScreenSource, kiosk_mode: bool,
                 is_open: Callable[[datetime], bool] | None = None) -> None:
        super().__init__(kiosk_mode, config.kiosk.hide_cursor)
        self.setObjectName("kiosk-window")
        self.setWindowTitle(config.clinic.name)
        self.config = config
        self._plan_for = screens
        self.language = config.kiosk.language
        self.theme = "calm"
        self.text_size = "default"
        #: language -> (its screens, those still to build, its section order), once planned.
        self._languages: dict[str, tuple[dict[str, Screen], list, list[str]]] = {}
        self._unfinished: list[Screen] = []
        #: The screen being built in the background, between its steps.
        self._partial: _Partial | None = None
        self._joined: set[Screen] = set()  # in the stack
        #: Modules the later screens need, imported one per turn before they are built.
        self._imports: list[str] = []
        #: The first steps after the first frame, each costly once per process and so a
        #: turn of its own: the idle warning (its import makes PySide6's ``Qt`` namespace),
        #: the focus rules, the first kinetic scroll area.
        self._one_offs: list[Callable[[], None]] = [
            self._make_idle_warning, self._set_focus_rules, warm_up_gestures]
        #: Then PySide6's Python classes for Qt, a few ms per turn, so no later step makes
        #: dozens at once (see kiosk/shell/ui/qt_classes.py); None once all are made.
        self._qt_classes: QtClasses | None = QtClasses()
        self._stale: set[Screen] = set()  # restyled in the background or when next shown
        self._stale_parts: set[QWidget] = set()  # the hidden speech bar or idle warning, too
        self._widget_counts: dict[str, int] = {}  # per screen name: the restyle order
        self._building = False
        # A timer object, not QTimer.singleShot(0): Qt 6 turns that into a posted call, and
        # posted calls run back to back, so two build steps (40 + 25 ms) held the thread in
        # one go. A real timer lets input and every other due timer in between.
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_next)
        self._finished = False
        self._leaving = False
        self._watchers: list[QObject] = []
        self._unwatching = False  # inside _unwatched(): nested restyles change nothing
        QApplication.instance().aboutToQuit.connect(self._stop_watching)
        self.idle_warning: IdleWarning | None = None
        #: now -> whether the clinic is open ([clinic] hours); the attract screen is dark when not.
        self.is_open = is_open
        self.attract: AttractScreen | None = None  # made the first time it is due
        #: What each finger meant (tap, scroll, swipe, nothing); on the QWindow from first paint.
        self.touch_intent = TouchIntent(self)
        self._speaker: Speaker | None = None
        self._speech_mode: SpeechMode | None = None

        self.top_bar = TopBar(config.clinic.name)
        bar = self.top_bar
        bar.staff_trigger.held.connect(self.staff_requested)
        bar.nav_back.clicked.connect(self.go_back)
        bar.nav_home.clicked.connect(self.go_home)
        bar.text_size_button.clicked.connect(self.cycle_text_size)
        bar.contrast_button.clicked.connect(self.toggle_contrast)
        bar.lang_button.clicked.connect(self.toggle_language)
        bar.speech_button.clicked.connect(self.toggle_speech_mode)
        bar.speech_button.setVisible(config.kiosk.speech_engine != "none")
        self.speech_bar = SpeechBar()
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.top_bar)
        layout.addWidget(self.speech_bar)
        layout.addWidget(self.stack, 1)

        self.idle = IdleGuard(
            config.kiosk.idle_timeout_s, config.kiosk.idle_warning_s, self.is_pristine, self,
            attract_s=config.kiosk.attract_after_s,
        )
        self.idle.expired.connect(self.reset_for_next_visitor)
        self.idle.attract_due.connect(self.show_attract)

        # Styled before the screens exist, so each widget is polished once, not twice.
        self.body_px = glass_body_px(self.screen(), config.kiosk.text_scale_percent)
        self._look = stylesheet(self.theme, body_px=self.body_px, fonts=False)
        self._fonts = font_sizes(self.text_size, self.body_px)
        self._wear_look(self.top_bar)
        self._wear_look(self.speech_bar)
        self._build_screens()
        self.top_bar.set_icons(self.palette_)
        self.speech_bar.set_icons(self.palette_)
        # When the window is first activated Qt focuses this, not the first control it
        # finds: no control starts with a focus ring (nor the hidden staff trigger).
        self.setFocus()
        # Watch for visitors as soon as Home is on the glass; finish building just after.
        after_first_paint(self, self._install_filters)
        after_first_paint(self, self._build_in_turns, DEFERRED_BUILD_MS)

    @property
    def _screens(self) -> dict[str, Screen]:
        """The current language's screens built so far."""
        return self._languages[self.language][0]

    @property
    def _pending(self) -> list[tuple[str, ScreenFactory]]:
        """The current language's screens still to build."""
        return self._languages[self.language][1]

    @property
    def tr_(self) -> Translator:
        return translator(self.language)

    @property
    def palette_(self) -> Palette:
        return THEMES[self.theme]

    # --- the visitor's choices --------------------------------------------------------
    def cycle_text_size(self) -> None:
        sizes = list(TEXT_SCALES)
        self.text_size = sizes[(sizes.index(self.text_size) + 1) % len(sizes)]
        self._label_top_bar()
        self.apply_look()

    def toggle_contrast(self) -> None:
        self.theme = "calm" if self.theme == "high-contrast" else "high-contrast"
        self._label_top_bar()
        self.apply_look()

    def toggle_language(self) -> None:
        self.set_language("es" if self.language == "en" else "en")

    def set_language(self, language: str) -> None:
        if language == self.language:
            return
        current = self.navigator.current
        self.language = language
        self._build_screens()
        if current != HOME and (current in self._screens or self._waiting(current)):
            self.show_screen(current)

    def _label_top_bar(self) -> None:
        self.top_bar.set_labels(self.tr_, self.language, self.text_size, self.theme)
        self.top_bar.speech_button.setChecked(self.speech_on)
        self.speech_bar.set_labels(self.tr_)

    # --- speech -------------------------------------------------------------------------
    @property
    def speaker(self) -> Speaker:
        """The kiosk's one speaker (read aloud and speech mode), made on first use."""
        if self._speaker is None:
            from kiosk.shell.ui.speech import Speaker

            self._speaker = Speaker(self.config.kiosk.speech_engine, self)
            self._speaker.availability_changed.connect(self._speech_available)
        return self._speaker

    @property
    def speech_mode(self) -> SpeechMode:
        if self._speech_mode is None:
            from kiosk.shell.ui.speech_mode import SpeechMode

            mode = SpeechMode(self, lambda: self.speaker, lambda: self.tr_, self.idle.poke)
            mode.changed.connect(self._speech_mode_changed)
            self._speech_mode = mode
        return self._speech_mode

    @property
    def speech_on(self) -> bool:
        return self._speech_mode is not None and self._speech_mode.on

    def toggle_speech_mode(self) -> None:
        self.speech_mode.toggle()
        self.top_bar.speech_button.setChecked(self.speech_on)
        if self.speech_on:
            self._say_screen(just_on=True)

    def _speech_mode_changed(self, on: bool) -> None:
        self.top_bar.speech_button.setChecked(on)
        if on:
            self._freshen(self.speech_bar)
        self.speech_bar.setVisible(on)

    def _speech_available(self, available: bool) -> None:
        """The engine turned out unable to speak (or able again): hide what needs it."""
        self.top_bar.speech_button.setVisible(available)
        self.top_bar.refit()
        if not available and self._speech_mode is not None:
            self._speech_mode.reset()

    def _say_screen(self, just_on: bool = False) -> None:
        screen = self.stack.currentWidget()
        if self.speech_on and isinstance(screen, Screen):
            self.speech_mode.screen_shown(screen.spoken_title(), screen.spoken_instructions(),
                                          just_on)
            focused = QApplication.focusWidget()
            if focused is not None and focused is not self and screen.isAncestorOf(focused):
                self.speech_mode.say(self.speech_mode.describe(focused))

    def help(self) -> None:
        """F1 or ?: where the visitor is and what they can do, spoken even with speech off."""
        from kiosk.shell.speech_mode import help_text

        screen = self.stack.currentWidget()
        focused = QApplication.focusWidget()
        control = (self.speech_mode.describe(focused)
                   if focused is not None and focused is not self else "")
        if isinstance(screen, Screen) and self.speaker.available():
            self.speech_mode.say_anyway(help_text(self.tr_, screen.spoken_title(),
                                                  screen.spoken_instructions(), control))

    def _speak_countdown(self, seconds: int, first: bool = False) -> None:
        if self.speech_on:
            from kiosk.shell.speech_mode import countdown

            self.speech_mode.say(countdown(self.tr_, seconds, first))

    # --- building -----------------------------------------------------------------------
    def _build_screens(self) -> None:
        """Show the current language's screens, planning them the first time; object names
        are the same in every language.

        Only the first screen is built at once. The rest are built one per event-loop turn
        after the first frame (``_build_in_turns``), or as soon as anything asks for them,
        so nobody ever sees a screen missing. A language planned before keeps its screens.
        """
        entry = self._languages.get(self.language) or self._plan_language(self.language)
        self.navigator = Navigator(entry[2])
        self._label_top_bar()
        if self.idle_warning is not None:
            self.idle_warning.set_translator(self.tr_)
        self._show(HOME)

    def _plan_language(self, language: str) -> tuple[dict[str, Screen], list, list[str]]:
        """Plan ``language``'s screens and build its first (Home) at once, shown or not."""
        entry = self._plan_only(language)
        name, build = entry[1].pop(0)
        home = build()
        self._add(name, home, entry[0])
        if self._finished:  # a later language: the first frame is long gone
            self._schedule_builds()
        else:
            self._unfinished.append(home)
        return entry

    def _plan_only(self, language: str) -> tuple[dict[str, Screen], list, list[str]]:
        """Plan ``language``'s screens, Home first among those waiting; build none."""
        plan = self._plan_for(self, language)
        if not self._languages:  # the first plan: what the later screens need, once
            self._imports = list(plan.imports)
        entry: tuple[dict[str, Screen], list, list[str]] = (
            {}, [(HOME, plan.first), *plan.later], list(plan.sections))
        self._languages[language] = entry
        return entry

    def ensure_built(self) -> None:
        """Finish the window and build every screen of the current language still waiting,
        at once: for whoever asks for all of them (``screens``, ``findChild``)."""
        self._finish_first_screens()
        self._complete_partial(self.language)
        while self._pending:
            name, build = self._pending.pop(0)
            self._add(name, build())

    def _build_in_turns(self) -> None:
        """Just after the first frame: finish the window, then, one small step per
        event-loop turn, finish the first screens, import what the later screens need and
        build those, the current language's first and then the other's, so a tap in
        between waits for one step at most and a language switch finds its screens built.

        A screen takes four steps (made; joined to the stack and finished; styled;
        rehearsed off the glass), as each alone costs a good part of a frame on a slow
        machine."""
        if not self._finished:
            self._finish()
        self._schedule_builds()

    def _work_left(self) -> bool:
        return bool(self._one_offs or self._qt_classes is not None or self._unfinished
                    or self._partial is not None or self._imports or self._stale
                    or self._stale_parts
                    or any(pending for _, pending, _ in self._languages.values())
                    or any(lang not in self._languages for lang in LANGUAGE_NAMES))

    def _schedule_builds(self) -> None:
        if not self._finished or self._building:
            return
        if self._work_left():
            self._building = True
            self._build_timer.start()  # goes with the window
        else:
            self._settle()

    def _build_next(self) -> None:
        self._building = False
        # A step sends hundreds of events (children added, polished, laid out, painted off
        # the glass) and no input: none of them need cross into a Python filter.
        with self._unwatched():
            self._build_step()
        self._schedule_builds()

    def _build_step(self) -> None:
        if self._one_offs:
            self._one_offs.pop(0)()
        elif self._unfinished:
            self._finish_screen(self._unfinished.pop())
        elif self._qt_classes is not None:
            if not self._qt_classes.make_some():
                self._qt_classes = None
        elif self._partial is not None:
            partial = self._partial
            if not partial.joined:
                self._join(partial.screen)
                partial.joined = True
            elif not partial.styled:
                self._style(partial.name, partial.screen, self._languages[partial.language][0])
                partial.styled = True
            else:
                self._partial = None
                self._rehearse(partial.screen)
        elif self._imports:
            module = self._imports.pop(0)
            try:
                importlib.import_module(module)
            except ImportError:  # the build that needs it will say so; nothing to do here
                log.warning("could not import %s ahead of its screen", module, exc_info=True)
        else:
            order = [self.language, *(lang for lang in self._languages if lang != self.language)]
            waiting = next((lang for lang in order if self._languages[lang][1]), None)
            if waiting is not None:
                name, build = self._languages[waiting][1].pop(0)
                self._partial = _Partial(waiting, name, build())
            else:
                unplanned = [lang for lang in LANGUAGE_NAMES if lang not in self._languages]
                if unplanned:
                    self._plan_only(unplanned[0])
                elif self._stale_parts:
                    self._restyle_part(next(iter(self._stale_parts)))
                elif self._stale:
                    self._restyle_one_stale()

    def _restyle_one_stale(self) -> None:
        """After a look change, one hidden screen takes the new look, so that showing it
        later costs no restyle: the current language's first, the one with the most widgets
        first among them (restyling the form on the tap that opens it cost 22 ms here, a
        short section 6 ms)."""
        mine = [name for name, screen in self._screens.items() if screen in self._stale]
        if mine:
            self._restyle(self._screens[max(mine, key=self._widget_count)])
        else:
            self._restyle(next(iter(self._stale)))

    def _widget_count(self, name: str) -> int:
        """How many widgets screen ``name`` has, counted once (the same in every language):
        each background step needs only the order, not a fresh count of every stale screen."""
        count = self._widget_counts.get(name)
        if count is None:
            count = self._widget_counts[name] = len(self._screens[name].findChildren(QWidget))
        return count

    def _complete_partial(self, language: str) -> None:
        """The screen half-built in the background, if it is ``language``'s: finish it now."""
        partial = self._partial
        if partial is None or partial.language != language:
            return
        self._partial = None
        if not partial.joined:
            self._join(partial.screen)
        if not partial.styled:
            self._style(partial.name, partial.screen, self._languages[language][0])

    def _rehearse(self, screen: Screen) -> None:
        """Lay out and paint a hidden screen once, off the glass: its first showing then
        costs half as much (the form's, 40 ms here, becomes 18)."""
        if self.stack.currentWidget() is not screen:
            screen.resize(self.stack.size())
            screen.grab()

    def _half_built(self, name: str) -> bool:
        """Whether the screen half-built in the background is the current language's
        ``name``."""
        partial = self._partial
        return (partial is not None and partial.language == self.language
                and partial.name == name)

    def _waiting(self, name: str) -> bool:
        """Whether the current language's ``name`` is still to be built (or half-built)."""
        return any(waiting == name for waiting, _ in self._pending) or self._half_built(name)

    def _build_named(self, name: str) -> None:
        """Build one waiting screen now: someone is about to show it."""
        self._finish_first_screens()
        if self._half_built(name):
            self._complete_partial(self.language)
            return
        for index, (waiting, build) in enumerate(self._pending):
            if waiting == name:
                del self._pending[index]
                self._add(name, build())
                return

    def _finish_first_screens(self) -> None:
        if not self._finished:
            self._finish()
        while self._one_offs:
            self._one_offs.pop(0)()
        while self._unfinished:
            self._finish_screen(self._unfinished.pop())

    def _finish_screen(self, screen: Screen) -> None:
        screen.finish_building()
        self._paints_background(screen)
        no_context_menus(screen)
        keyboard_focus_only(screen)

    @staticmethod
    def _paints_background(screen: Screen) -> None:
        """The screen paints the theme's window colour behind its widgets (the window itself
        has no stylesheet). Not before the first frame: it needs PySide6's Qt namespace."""
        from PySide6.QtCore import Qt

        screen.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)

    def _finish(self) -> None:
        """At the first paint: the Python event filters, now that Home is on the glass."""
        self._finished = True
        self._install_filters()

    def _set_focus_rules(self) -> None:
        """The window's focus and context-menu rules, the idle warning's included."""
        from PySide6.QtCore import Qt

        # Keys reach the window when nothing else has the focus; a tap never takes the focus
        # from the field being typed in (the on-screen keys take none).
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        keyboard_focus_only(self.top_bar)
        keyboard_focus_only(self.speech_bar)
        self.top_bar.staff_trigger.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        no_context_menus(self)

    def _make_idle_warning(self) -> None:
        """The "Still there?" overlay and the speech bar's buttons, wired (the idle guard
        warns after minutes; this runs within a second of the first frame). Its module's
        ``from PySide6.QtCore import Qt``, the first after the first frame, makes the
        namespace's 93 enum types: 20-40 ms here."""
        from kiosk.shell.ui.idle_warning import IdleWarning

        self.idle_warning = IdleWarning(self, self.tr_)
        self._wear_look(self.idle_warning)
        # Speech first: the question is said before the button that takes the focus.
        self.idle.warning_started.connect(lambda s: self._speak_countdown(s, first=True))
        self.idle.warning_started.connect(lambda _s: self._freshen(self.idle_warning))
        self.idle.warning_started.connect(self.idle_warning.show_countdown)
        self.idle.countdown.connect(self.idle_warning.set_seconds)
        self.idle.warning_cancelled.connect(self.idle_warning.hide)
        self.idle_warning.continue_chosen.connect(self.idle.poke)
        self.idle.countdown.connect(self._speak_countdown)
        self.speech_bar.buttons["speech-louder"].clicked.connect(lambda: self.change_volume(+1))
        self.speech_bar.buttons["speech-softer"].clicked.connect(lambda: self.change_volume(-1))
        self.speech_bar.buttons["speech-faster"].clicked.connect(lambda: self.change_rate(+1))
        self.speech_bar.buttons["speech-slower"].clicked.connect(lambda: self.change_rate(-1))

    def _install_filters(self) -> None:
        """The idle guard and, in kiosk mode, the key lock: at the first paint, or sooner if
        the window is finished first. Once installed, every event of every object passes
        through them (in Python), so not before Home is on the glass. Until then the window
        itself refuses Escape and Alt+F4: Home's buttons pass them up to it."""
        if self._watchers or self._leaving:
            return
        handle = self.windowHandle()
        if handle is not None:  # only this window's events: a filter here costs the rest nothing
            handle.installEventFilter(self.touch_intent)
        app = QApplication.instance()
        self._watchers = [self.idle, *([KeyLock(self)] if self.kiosk_mode else [])]
        for watcher in self._watchers:
            app.installEventFilter(watcher)
        self.idle.arm_attract()  # Home is on the glass, as a new visitor finds it

    def _stop_watching(self) -> None:
        """The application is leaving: the teardown's thousands of events need no Python
        filter (with one, leaving took about 12 ms more), and none is installed any more."""
        self._leaving = True
        app = QApplication.instance()
        for watcher in self._watchers:
            app.removeEventFilter(watcher)
        self._watchers = []

    @contextlib.contextmanager
    def _unwatched(self) -> Iterator[None]:
        """No Python filter while the window restyles or takes a build step: those send
        thousands of events (polish, font, layout, paint) and no input, and each would cross
        into Python. Nested (a build step's restyle), the outer one keeps them off."""
        if self._unwatching:
            yield
            return
        app = QApplication.instance()
        watchers = list(self._watchers)
        for watcher in watchers:
            app.removeEventFilter(watcher)
        speech_paused = self._speech_mode is not None and self._speech_mode.pause_filter()
        self._unwatching = True
        try:
            yield
        finally:
            self._unwatching = False
            if not self._leaving:
                for watcher in watchers:
                    app.installEventFilter(watcher)
                if speech_paused:
                    self._speech_mode.resume_filter()

    @property
    def screens(self) -> dict[str, Screen]:
        """The current language's screens, all of them built."""
        self.ensure_built()
        return self._screens

    # Whoever looks for a widget by object name finds it, built or not yet built: the
    # contract names (kiosk.app.build_kiosk) hold from the moment the window exists. Only
    # the current language's screens count: the other language's wait, hidden, for a switch.
    def findChild(self, *args, **kwargs):  # noqa: N802 - Qt API
        found = self.findChildren(*args, **kwargs)
        return found[0] if found else None

    def findChildren(self, *args, **kwargs):  # noqa: N802 - Qt API
        self.ensure_built()
        found = super().findChildren(*args, **kwargs)
        away = self._other_languages_screens()
        if not away:
            return found
        return [widget for widget in found if not self._inside(widget, away)]

    def _other_languages_screens(self) -> set[Screen]:
        mine = set(self._screens.values())
        away = {screen for language, (screens, _, _) in self._languages.items()
                if language != self.language for screen in screens.values()}
        if self._partial is not None:  # the other language's, half-built (ensure_built ran)
            away.add(self._partial.screen)
        return away - mine

    def _inside(self, widget: QObject, screens: set[Screen]) -> bool:
        while widget is not None and widget is not self:
            if widget in screens:
                return True
            widget = widget.parent()
        return False

    def _all_screens(self) -> list[Screen]:
        every: dict[int, Screen] = {}
        for screens, _, _ in self._languages.values():
            every.update((id(screen), screen) for screen in screens.values())
        return list(every.values())

    def _add(self, name: str, screen: Screen, screens: dict[str, Screen] | None = None) -> None:
        """Every screen takes the current colours and text size here, as it joins its
        language's screens (the current language's unless ``screens`` says otherwise)."""
        self._join(screen)
        self._style(name, screen, screens)

    def _join(self, screen: Screen) -> None:
        """Into the stack, hidden, and finished (after the first frame). Before it is
        styled: a screen styled first pays for its style again when it is reparented."""
        if screen in self._joined:  # a screen shared by every language joins once
            return
        self._joined.add(screen)
        self.stack.addWidget(screen)
        # The stack sizes only the page it shows: a hidden one stays 640x480 until shown,
        # and the form styled at that size laid itself out for a portrait screen first.
        screen.resize(self.stack.size())
        if self._finished:  # else _finish_first_screens() does it
            self._finish_screen(screen)
        screen.announced.connect(self._announce)

    def _style(self, name: str, screen: Screen, screens: dict[str, Screen] | None) -> None:
        """The current look, then the screen counts as built. A screen shared by every
        language that wears it already is left alone: restyling it again would lay out
        again a screen that may be on the glass, under a finger."""
        if screen.styleSheet() != self._look or screen in self._stale:
            self._restyle(screen)
        (self._screens if screens is None else screens)[name] = screen

    def _announce(self, text: str) -> None:
        if self.speech_on and self.sender() is self.stack.currentWidget():
            self.speech_mode.announce(text)

    def apply_look(self) -> None:
        """The visitor changed the text size or contrast: the top bar and the visible screen
        now, every other screen one per event-loop turn after it (or when shown first)."""
        self._take_look()
        self._wear_look_in_view()

    def _take_look(self) -> None:
        """The sheet and fonts of the current theme and text size; every screen is stale
        until it wears them (restyled in the background, or when shown if that is sooner)."""
        self._look = stylesheet(self.theme, body_px=self.body_px, fonts=False)
        self._fonts = font_sizes(self.text_size, self.body_px)
        self._stale = set(self._all_screens())

    def _wear_look_in_view(self) -> None:
        """The look on what is on the glass (the top bar, a bar or overlay showing, the
        current screen) now; the rest in the background."""
        with self._unwatched():
            self._restyle_part(self.top_bar)
            # A hidden bar or overlay takes the look in the background, or when it shows.
            for part in filter(None, (self.speech_bar, self.idle_warning)):
                if part.isHidden():
                    self._stale_parts.add(part)
                else:
                    self._restyle_part(part)
            current = self.stack.currentWidget()
            if isinstance(current, Screen) and current in self._stale:
                self._restyle(current)
        self._schedule_builds()  # the hidden screens, one per event-loop turn

    def glass_changed(self) -> None:
        """Another screen, or this one turned or changed mode: body text sized to it again."""
        body_px = glass_body_px(self.screen(), self.config.kiosk.text_scale_percent)
        if body_px != self.body_px:
            log.info("text resized for the screen: %d px body text (was %d)", body_px,
                     self.body_px)
            self.body_px = body_px
            self.apply_look()

    def _wear_look(self, widget: QWidget) -> None:
        """The current sheet (if ``widget`` wears another) and fonts, with no Python filter
        watching the events they send."""
        with self._unwatched():
            if widget.styleSheet() != self._look:
                widget.setStyleSheet(self._look)
            apply_fonts(widget, self._fonts)

    def _restyle_part(self, part: QWidget) -> None:
        """The current look on the top bar, the speech bar or the idle warning."""
        self._wear_look(part)
        if part is self.top_bar or part is self.speech_bar:
            part.set_icons(self.palette_)
        self._stale_parts.discard(part)

    def _freshen(self, part: QWidget) -> None:
        """``part`` is about to show: the current look first, if it missed a change."""
        if part in self._stale_parts:
            self._restyle_part(part)

    def _restyle(self, screen: Screen) -> None:
        """The current look on ``screen``, with no Python filter watching its thousands of
        events (a build step's styling included)."""
        with self._unwatched():
            self._wear_look(screen)
            screen.apply_look(self.palette_, self.text_size)
        self._stale.discard(screen)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Every function by keyboard or keypad alone (keys a focused field or control did not
        take arrive here): see ``keyboard_command``."""
        command = keyboard_command(event, QApplication.focusWidget())
        if command is None:
            super().keyPressEvent(event)
            return
        self.run_key_command(command)

    def run_key_command(self, command: str) -> None:
        focused = QApplication.focusWidget()
        if command == "activate" and isinstance(focused, QAbstractButton):
            if focused.isEnabled():
                focused.animateClick()
        elif command == "next":
            self.focusNextChild()
        elif command == "previous":
            self.focusPreviousChild()
        elif command == "back":
            if self.navigator.can_go_back:
                self.go_back()
        elif command == "home":
            self.go_home()
        elif command == "speech":
            self.toggle_speech_mode()
        elif command == "help":
            self.help()
        elif command == "read-back":
            self.speech_mode.read_back()
        elif command in ("louder", "softer"):
            self.change_volume(+1 if command == "louder" else -1)
        elif command in ("faster", "slower"):
            self.change_rate(+1 if command == "faster" else -1)

    def escape_pressed(self) -> None:
        """Kiosk mode blocks Escape as an escape hatch; to a visitor it means Back."""
        self.run_key_command("back")

    def change_volume(self, direction: int) -> None:
        from kiosk.shell.speech_mode import VOLUME_STEP

        self.speech_mode.louder(direction * VOLUME_STEP)

    def change_rate(self, direction: int) -> None:
        from kiosk.shell.speech_mode import RATE_STEP

        self.speech_mode.faster(direction * RATE_STEP)

    # --- navigation ---------------------------------------------------------------------
    def current_screen(self) -> str:
        return self.navigator.current

    def show_screen(self, name: str) -> None:
        self._show(self.navigator.go(name))

    def replace_screen(self, name: str) -> None:
        self._show(self.navigator.replace(name))

    def go_back(self) -> None:
        self._show(self.navigator.back())

    def go_home(self) -> None:
        self._show(self.navigator.home())
        self.setFocus()  # no control starts with a focus ring; Tab begins at the top

    def swipe(self, step: int) -> None:
        self._show(self.navigator.swipe(step))

    def _show(self, name: str) -> None:
        if name not in self._screens:
            self._build_named(name)
        screen = self._screens[name]
        if screen in self._stale:
            self._restyle(screen)
        previous = self.stack.currentWidget()
        if isinstance(previous, Screen) and previous is not screen:
            previous.left()
        self.stack.setCurrentWidget(screen)
        self.top_bar.nav_back.setEnabled(self.navigator.can_go_back)
        self.top_bar.nav_home.setEnabled(name != HOME)
        self.top_bar.lang_button.setVisible(name == HOME)
        self.top_bar.refit()
        # The window's title names the page: screen readers announce it, and a test driving
        # a real display reads it from outside (xdotool getwindowname). Qt itself adds
        # " — <clinic>" (the application's display name) to any other title.
        clinic = self.config.clinic.name
        self.setWindowTitle(clinic if name == HOME else screen.spoken_title())
        screen.entered()
        self._say_screen()

    # --- idle ----------------------------------------------------------------------------
    def is_pristine(self) -> bool:
        """True when the kiosk looks exactly as it does for a new visitor."""
        if self.navigator.current != HOME or self.navigator.can_go_back:
            return False
        if self.speech_on:
            return False
        if (self.language, self.theme, self.text_size) != (
            self.config.kiosk.language,
            "calm",
            "default",
        ):
            return False
        return all(screen.is_pristine() for screen in self._all_screens())

    def reset_for_next_visitor(self) -> None:
        """Forget everything the last visitor did: place, scroll, open cards, typing, choices."""
        self.idle.stop()
        if self.idle_warning is not None:
            self.idle_warning.hide()
        look_changed = (self.theme, self.text_size) != ("calm", "default")
        self.theme, self.text_size = "calm", "default"
        if look_changed:  # before Home is shown, so it is restyled once, in the new look
            self._take_look()
        if self._speech_mode is not None:
            self._speech_mode.reset()
        if self.language != self.config.kiosk.language:
            self.language = self.config.kiosk.language
            self._build_screens()  # labels the top bar in it too
        else:
            self._label_top_bar()
        for screen in self._all_screens():  # the other language's too: nothing stays behind
            screen.reset()
        self._show(self.navigator.home())
        if look_changed:  # Home wears it already; the top bar now, the rest later
            self._wear_look_in_view()
        self.setFocus()  # no control starts with a focus ring; Tab begins at the top
        self.idle.arm_attract()

    # --- attract -------------------------------------------------------------------------
    def show_attract(self) -> None:
        """Home has sat untouched long enough: invite the next visitor. Only over a pristine
        Home; the visitor's choices are reset first, and nothing else ticks meanwhile."""
        if not self.is_pristine():
            return
        self.reset_for_next_visitor()
        self.idle.stop()
        self.idle.rest()  # the touch that wakes it starts a visit
        if self.attract is None:
            from kiosk.shell.ui.attract import INVITATION, AttractScreen

            first = self.config.kiosk.language
            order = [first, *(lang for lang in LANGUAGE_NAMES if lang != first)]
            self.attract = AttractScreen(self, [translator(lang)(INVITATION) for lang in order],
                                         lambda at: self.is_open is None or self.is_open(at))
            self.attract.dismissed.connect(self._attract_dismissed)
        self.attract.begin()
        log.info("attract: shown (%s)", "dark: the clinic is closed" if self.attract.dark
                 else "animated")

    def _attract_dismissed(self) -> None:
        """The first touch only wakes the kiosk: Home, as a new visitor finds it."""
        self.go_home()
        self.idle.poke()  # someone is here: idle and attract count from this touch
