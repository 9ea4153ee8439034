"""The education screens of one language, as the kiosk window builds them: Home first, then
one screen per section, all sharing one read-aloud speaker."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from shiboken6 import isValid

from kiosk.education.content import Content
from kiosk.shell.i18n import translator
from kiosk.shell.navigation import CONSULT, section_screen
from kiosk.shell.ui.screen import Screen, ScreenFactory

if TYPE_CHECKING:
    from kiosk.shell.take_home import TakeHome
    from kiosk.shell.ui.speech import Speaker
    from kiosk.shell.ui.window import KioskWindow


class EducationScreens:
    """Builds Home and the sections for a window; the speaker outlives language rebuilds."""

    def __init__(self, clinic_name: str, speech_engine: str,
                 load_content: Callable[[str], Content],
                 take_home: Callable[[], Mapping[str, TakeHome]] = dict) -> None:
        self._clinic_name = clinic_name
        self._take_home = take_home  # () -> {screen name: its take-home QR code}
        self._speech_engine = speech_engine
        self._load_content = load_content
        self._speaker: Speaker | None = None

    def plan(self, window: KioskWindow, language: str
             ) -> tuple[ScreenFactory, list[tuple[str, ScreenFactory]], list[str]]:
        """(Home's factory, [(screen name, factory)] for the sections, section ids in order)."""
        content = self._load_content(language)
        sections = [(section_screen(s.id), lambda i=i: self._section(window, content, i))
                    for i, s in enumerate(content.sections)]
        return (lambda: self._home(window, content), sections,
                [s.id for s in content.sections])

    def speaker(self, window: KioskWindow) -> Speaker:
        """The window's speaker (speech mode shares it), made when the first section is built."""
        if self._speaker is None:
            self._speaker = window.speaker
        return self._speaker

    def speech_state(self) -> str:
        """Whether read-aloud works, as far as is known without starting the engine."""
        if self._speech_engine == "none":
            return "off"
        speaker = self._speaker
        if speaker is None or not isValid(speaker):
            return "unknown"
        return speaker.state()

    def _home(self, window: KioskWindow, content: Content) -> Screen:
        from kiosk.education.ui.home import HomeScreen

        home = HomeScreen(content, self._clinic_name, translator(content.language))
        home.section_chosen.connect(lambda sid: window.show_screen(section_screen(sid)))
        home.consult_chosen.connect(lambda: window.show_screen(CONSULT))
        return home

    def _section(self, window: KioskWindow, content: Content, index: int) -> Screen:
        from kiosk.education.ui.section import SectionScreen

        sections = content.sections
        section = sections[index]
        following = sections[index + 1] if index + 1 < len(sections) else None
        tr = translator(content.language)
        code = self._take_home().get(section_screen(section.id))
        screen = SectionScreen(section, following.title if following else None,
                               tr, self.speaker(window), content.language,
                               (code.text, tr(code.caption)) if code else None)
        screen.consult_chosen.connect(lambda: window.show_screen(CONSULT))
        screen.swiped.connect(window.swipe)
        if following:
            screen.next_chosen.connect(lambda: window.show_screen(section_screen(following.id)))
        return screen
