"""The patient kiosk window: top bar, the screens, navigation, idle reset and the staff entrance."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.content import Content
from kiosk.i18n import LANGUAGE_NAMES, Translator, translator
from kiosk.navigation import CONSULT, HOME, Navigator, section_screen
from kiosk.ui.elided_label import ElidedLabel
from kiosk.ui.first_frame import after_first_paint
from kiosk.ui.home import HomeScreen
from kiosk.ui.icons import icon
from kiosk.ui.idle_guard import IdleGuard
from kiosk.ui.lockdown import KeyLock, LockedWindow
from kiosk.ui.theme import TEXT_SCALES, THEMES, Palette, stylesheet
from kiosk.ui.touch import no_context_menus

if TYPE_CHECKING:
    from kiosk.ui.idle_warning import IdleWarning
    from kiosk.ui.read_aloud import ReadAloud

STAFF_HOLD_MS = 3000
DEFERRED_BUILD_MS = 30


class HoldButton(QPushButton):
    """Emits ``held`` after being pressed continuously for ``hold_ms``; a plain tap does nothing."""

    held = Signal()

    def __init__(self, hold_ms: int | None = None) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms or STAFF_HOLD_MS)
        self._timer.timeout.connect(self.held)
        self.pressed.connect(self._timer.start)
        self.released.connect(self._timer.stop)


class KioskWindow(LockedWindow):
    """Holds the patient screens. Builds them from content; shows one at a time.

    Only what the first frame shows is built before it: the top bar and Home, and no
    module on that path touches PySide6's ``Qt`` namespace (about 25 ms of enum building).
    The idle guard and the kiosk-mode key lock start at the first paint. The rest (the other
    screens, the idle warning, focus and context-menu policies, Home's scrolling) is
    finished in ``ensure_built``: just after the first paint, or at once when anything asks
    for a screen or a child widget.
    """

    staff_requested = Signal()

    def __init__(
        self,
        config: Config,
        load_content: Callable[[str], Content],
        kiosk_mode: bool,
        screen_factories: dict[str, Callable[..., QWidget]] | None = None,
    ) -> None:
        super().__init__(kiosk_mode)
        self.setObjectName("kiosk-window")
        self.setWindowTitle(config.clinic.name)
        self.config = config
        self._load_content = load_content
        self._extra_factories = screen_factories or {}
        self.language = config.kiosk.language
        self.theme = "calm"
        self.text_size = "default"
        self._screens: dict[str, QWidget] = {}
        self._pending: list[tuple[str, Callable[[], QWidget]]] = []
        self._finished = False
        self._leaving = False
        self._watchers: list[QObject] = []
        QApplication.instance().aboutToQuit.connect(self._stop_watching)
        self.idle_warning: IdleWarning | None = None

        self._build_top_bar()
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.top_bar)
        layout.addWidget(self.stack, 1)

        self.idle = IdleGuard(
            config.kiosk.idle_timeout_s, config.kiosk.idle_warning_s, self.is_pristine, self
        )
        self.idle.expired.connect(self.reset_for_next_visitor)

        self._read_aloud: ReadAloud | None = None
        # Styled before the screens exist, so each widget is polished once, not twice.
        self.setStyleSheet(stylesheet(self.theme, self.text_size))
        self._build_screens()
        self._set_top_bar_icons()  # the screens took the look as they were added
        # Watch for visitors as soon as Home is on the glass; finish building just after.
        after_first_paint(self, self._install_filters)
        after_first_paint(self, self.ensure_built, DEFERRED_BUILD_MS)

    # --- building -----------------------------------------------------------------------
    @property
    def read_aloud(self) -> ReadAloud:
        """The sections' speaker, made when the first section is built."""
        if self._read_aloud is None:
            from kiosk.ui.read_aloud import ReadAloud

            self._read_aloud = ReadAloud(self.config.kiosk.speech_engine, self)
        return self._read_aloud

    @property
    def tr_(self) -> Translator:
        return translator(self.language)

    @property
    def palette_(self) -> Palette:
        return THEMES[self.theme]

    def _build_top_bar(self) -> None:
        self.top_bar = QFrame()  # a frame draws its stylesheet background by itself
        self.top_bar.setObjectName("top-bar")
        self.staff_trigger = HoldButton()
        self.staff_trigger.setObjectName("staff-trigger")
        self.staff_trigger.setFlat(True)
        self.staff_trigger.setIconSize(QSize(48, 48))
        self.staff_trigger.held.connect(self.staff_requested)
        self.clinic_name = ElidedLabel(self.config.clinic.name)
        self.clinic_name.setObjectName("clinic-name")
        # A long clinic name gives way (ending in "…"); the controls beside it never do.
        self.clinic_name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.clinic_name.setMinimumWidth(120)
        self.nav_back = QPushButton()
        self.nav_back.setObjectName("nav-back")
        self.nav_back.setIconSize(QSize(32, 32))
        self.nav_back.clicked.connect(self.go_back)
        self.nav_home = QPushButton()
        self.nav_home.setObjectName("nav-home")
        self.nav_home.setIconSize(QSize(32, 32))
        self.nav_home.clicked.connect(self.go_home)
        self.text_size_button = self._top_button("text-size", self.cycle_text_size)
        self.contrast_button = self._top_button("contrast-toggle", self.toggle_contrast)
        self.contrast_button.setCheckable(True)
        self.lang_button = self._top_button("lang-toggle", self.toggle_language)
        self.top_controls = QHBoxLayout()
        self.top_controls.setSpacing(12)
        for button in (self.lang_button, self.text_size_button, self.contrast_button):
            self.top_controls.addWidget(button)
        bar = QHBoxLayout(self.top_bar)
        bar.setContentsMargins(24, 10, 24, 10)
        bar.setSpacing(16)
        bar.addWidget(self.staff_trigger)
        bar.addWidget(self.clinic_name, 1)
        bar.addLayout(self.top_controls)
        bar.addSpacing(12)
        bar.addWidget(self.nav_back)
        bar.addWidget(self.nav_home)

    def _top_button(self, name: str, action: Callable[[], None]) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        button.setIconSize(QSize(32, 32))
        button.clicked.connect(action)
        return button

    def _label_top_controls(self) -> None:
        tr = self.tr_
        steps = {
            "default": tr("Text size"),
            "large": tr("Text size: large"),
            "largest": tr("Text size: largest"),
        }
        self.text_size_button.setText(tr("Text"))
        self.text_size_button.setAccessibleName(steps[self.text_size])
        self.text_size_button.setToolTip(steps[self.text_size])
        self.contrast_button.setText(tr("Contrast"))
        self.contrast_button.setAccessibleName(tr("High contrast"))
        self.contrast_button.setChecked(self.theme == "high-contrast")
        other = "es" if self.language == "en" else "en"
        self.lang_button.setText(LANGUAGE_NAMES[other])
        self.lang_button.setAccessibleName(LANGUAGE_NAMES[other])

    # --- the visitor's choices --------------------------------------------------------
    def cycle_text_size(self) -> None:
        sizes = list(TEXT_SCALES)
        self.text_size = sizes[(sizes.index(self.text_size) + 1) % len(sizes)]
        self._label_top_controls()
        self.apply_look()

    def toggle_contrast(self) -> None:
        self.theme = "calm" if self.theme == "high-contrast" else "high-contrast"
        self._label_top_controls()
        self.apply_look()

    def toggle_language(self) -> None:
        self.set_language("es" if self.language == "en" else "en")

    def set_language(self, language: str) -> None:
        if language == self.language:
            return
        current = self.navigator.current
        self.language = language
        self._build_screens()
        self.apply_look()
        if current != HOME and current in self.screens:
            self.show_screen(current)

    def _build_screens(self) -> None:
        """(Re)build the screens in the current language; object names stay the same.

        Only Home is built before the first frame. The rest are built right after it is
        painted, or at once when anything asks for them (navigation, ``screens``,
        ``findChild``), so nobody ever sees a screen missing.
        """
        for widget in self._screens.values():
            self.stack.removeWidget(widget)
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        self._screens = {}
        tr = self.tr_
        content = self._load_content(self.language)
        self.content = content
        self.navigator = Navigator([s.id for s in content.sections])

        home = HomeScreen(content, self.config.clinic.name, tr)
        home.section_chosen.connect(lambda sid: self.show_screen(section_screen(sid)))
        home.consult_chosen.connect(lambda: self.show_screen(CONSULT))
        self._add(HOME, home)
        self._pending = [(section_screen(s.id), lambda i=i: self._section_screen(i))
                         for i, s in enumerate(content.sections)]
        self._pending += [(name, lambda f=factory: f(self))
                          for name, factory in self._extra_factories.items()]
        self.nav_back.setText(tr("Back"))
        self.nav_home.setText(tr("Home"))
        self.nav_back.setAccessibleName(tr("Back"))
        self.nav_home.setAccessibleName(tr("Home"))
        self.staff_trigger.setAccessibleName(self.config.clinic.name)
        self._label_top_controls()
        if self.idle_warning is not None:
            self.idle_warning.set_translator(tr)
        self._show(HOME)

    def _section_screen(self, index: int) -> QWidget:
        from kiosk.ui.section import SectionScreen

        sections = self.content.sections
        section = sections[index]
        following = sections[index + 1] if index + 1 < len(sections) else None
        screen = SectionScreen(section, following.title if following else None, self.tr_,
                               self.read_aloud, self.language)
        screen.consult_chosen.connect(lambda: self.show_screen(CONSULT))
        screen.swiped.connect(self.swipe)
        if following:
            screen.next_chosen.connect(lambda: self.show_screen(section_screen(following.id)))
        return screen

    def ensure_built(self) -> None:
        """Finish the window and build every screen still waiting to be built."""
        if not self._finished:
            self._finish()
        home = self._screens[HOME]
        if home.ensure_scrollable():
            no_context_menus(home)
        while self._pending:
            name, build = self._pending.pop(0)
            self._add(name, build())

    def _finish(self) -> None:
        from PySide6.QtCore import Qt

        from kiosk.ui.idle_warning import IdleWarning

        self._finished = True
        self.idle_warning = IdleWarning(self, self.tr_)
        self.idle.warning_started.connect(self.idle_warning.show_countdown)
        self.idle.countdown.connect(self.idle_warning.set_seconds)
        self.idle.warning_cancelled.connect(self.idle_warning.hide)
        self.idle_warning.continue_chosen.connect(self.idle.poke)
        self._install_filters()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.staff_trigger.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        no_context_menus(self)

    def _install_filters(self) -> None:
        """The idle guard and, in kiosk mode, the key lock: at the first paint, or sooner if
        the window is finished first. Once installed, every event of every object passes
        through them (in Python), so not before Home is on the glass. Until then the window
        itself refuses Escape and Alt+F4: Home's buttons pass them up to it."""
        if self._watchers or self._leaving:
            return
        app = QApplication.instance()
        self._watchers = [self.idle, *([KeyLock(self)] if self.kiosk_mode else [])]
        for watcher in self._watchers:
            app.installEventFilter(watcher)

    def _stop_watching(self) -> None:
        """The application is leaving: the teardown's thousands of events need no Python
        filter (with one, leaving took about 12 ms more), and none is installed any more."""
        self._leaving = True
        app = QApplication.instance()
        for watcher in self._watchers:
            app.removeEventFilter(watcher)
        self._watchers = []

    @property
    def screens(self) -> dict[str, QWidget]:
        self.ensure_built()
        return self._screens

    def findChild(self, *args, **kwargs):  # noqa: N802 - Qt API: the unbuilt screens count too
        self.ensure_built()
        return super().findChild(*args, **kwargs)

    def findChildren(self, *args, **kwargs):  # noqa: N802 - Qt API
        self.ensure_built()
        return super().findChildren(*args, **kwargs)

    def _add(self, name: str, widget: QWidget) -> None:
        """Every screen takes the current colours and text size here, as it joins."""
        if self._finished:  # else _finish() does it for the whole window
            no_context_menus(widget)
        self._style_screen(widget)
        self._screens[name] = widget
        self.stack.addWidget(widget)

    def apply_look(self) -> None:
        sheet = stylesheet(self.theme, self.text_size)
        if sheet != self.styleSheet():  # restyling every widget is the costliest step here
            self.setStyleSheet(sheet)
        self._set_top_bar_icons()
        for screen in self._screens.values():
            self._style_screen(screen)

    def _set_top_bar_icons(self) -> None:
        palette = self.palette_
        self.nav_back.setIcon(icon("mdi6.arrow-left", palette.accent))
        self.nav_home.setIcon(icon("mdi6.home", palette.accent))
        self.staff_trigger.setIcon(icon("mdi6.hospital-box-outline", palette.accent))
        self.text_size_button.setIcon(icon("mdi6.format-size", palette.accent))
        self.contrast_button.setIcon(
            icon("mdi6.contrast-circle", palette.accent, on_color=palette.accent_text)
        )
        self.lang_button.setIcon(icon("mdi6.translate", palette.accent))

    def _style_screen(self, screen: QWidget) -> None:
        """What a stylesheet cannot do: icons in the theme's colours, layouts for text size."""
        apply = getattr(screen, "apply_palette", None)
        if apply:
            apply(self.palette_)
        resize = getattr(screen, "apply_text_size", None)
        if resize:
            resize(self.text_size)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Enter activates the focused control, as Space does: keyboards and switch devices."""
        from PySide6.QtCore import Qt

        focused = QApplication.focusWidget()
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and isinstance(focused, QAbstractButton) and focused.isEnabled()):
            focused.animateClick()
            return
        super().keyPressEvent(event)

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
            self.ensure_built()
        widget = self._screens[name]
        previous = self.stack.currentWidget()
        if previous is not None and previous is not widget:
            leave = getattr(previous, "leave", None)
            if leave:
                leave()
        self.stack.setCurrentWidget(widget)
        self.nav_back.setEnabled(self.navigator.can_go_back)
        self.nav_home.setEnabled(name != HOME)
        self.lang_button.setVisible(name == HOME)
        entered = getattr(widget, "entered", None)
        if entered:
            entered()

    # --- idle ----------------------------------------------------------------------------
    def is_pristine(self) -> bool:
        """True when the kiosk looks exactly as it does for a new visitor."""
        if self.navigator.current != HOME or self.navigator.can_go_back:
            return False
        if (self.language, self.theme, self.text_size) != (
            self.config.kiosk.language,
            "calm",
            "default",
        ):
            return False
        return all(getattr(s, "is_pristine", lambda: True)() for s in self._screens.values())

    def reset_for_next_visitor(self) -> None:
        """Forget everything the last visitor did: place, scroll, open cards, typing, choices."""
        self.idle.stop()
        if self.idle_warning is not None:
            self.idle_warning.hide()
        look_changed = (self.theme, self.text_size) != ("calm", "default")
        self.theme, self.text_size = "calm", "default"
        self._label_top_controls()
        if self.language != self.config.kiosk.language:
            self.language = self.config.kiosk.language
            self._build_screens()
            look_changed = True
        for screen in self._screens.values():
            reset = getattr(screen, "reset", None)
            if reset:
                reset()
        if look_changed:
            self.apply_look()
        self._show(self.navigator.home())
        self.setFocus()  # no control starts with a focus ring; Tab begins at the top
