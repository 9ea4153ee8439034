"""The thank-you screen: shown only once the request is durably stored, then Home by itself."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from kiosk.consult.ui.message_screen import MessageScreen
from kiosk.shell.i18n import Translator

DONE_RETURN_MS = 12_000


class ConsultDoneScreen(MessageScreen):
    """ "Thank you — we will call you …", then Home again by itself after a short while."""

    def __init__(self, tr: Translator, callback_promise: str,
                 take_home: tuple[str, str] | None = None) -> None:
        """``take_home``: (what the QR code opens, the line saying so), or no code."""
        self.take_home = None
        if take_home is not None:
            from kiosk.shell.ui.take_home import TakeHomeCode

            self.take_home = TakeHomeCode(*take_home)
        super().__init__(
            "screen-consult-done", tr,
            tr("Thank you — we will call you {promise}.", promise=callback_promise),
            [(tr("Your request has been saved. You can keep reading while you wait."),
              "welcome")],
            "consult-done-home", self.take_home)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DONE_RETURN_MS)
        self._timer.timeout.connect(self.finished)

    def entered(self) -> None:
        self._timer.start()

    def reset(self) -> None:
        self._timer.stop()
