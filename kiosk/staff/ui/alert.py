"""Tells the front desk that a callback request arrived: a tray message and a short chime.

Neither names nor numbers appear in the message: a tray balloon can be read by anyone
walking past the desk. QtMultimedia needs libpulse on Linux and may not import; the
system beep stands in for the chime then.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from kiosk.ops.resources import resource_path
from kiosk.shell.ui.multimedia import quiet_loader_time_warnings

log = logging.getLogger(__name__)

SOUND = ("sounds", "new-request.wav")
MESSAGE_MS = 8000


def describe(count: int) -> str:
    return "1 new callback request" if count == 1 else f"{count} new callback requests"


def _load_chime(parent: QObject) -> Any:
    quiet_loader_time_warnings()  # before QtMultimedia loads: see kiosk.shell.ui.multimedia
    try:
        from PySide6.QtMultimedia import QSoundEffect
    except ImportError as exc:  # e.g. libpulse.so.0 missing
        log.info("no sound effects (%s); using the system beep", exc)
        return None
    effect = QSoundEffect(parent)
    effect.setSource(QUrl.fromLocalFile(str(resource_path(*SOUND))))
    effect.setVolume(0.6)
    return effect


class NewRequestAlert(QObject):
    """``announce(n)``: one tray message and one chime, however many requests came at once."""

    announced = Signal(str)  # the text shown, for tests and the status bar

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("Callback queue")
            self.tray.show()
        self._chime: Any = None
        self._chime_loaded = False  # loaded at the first alert: QtMultimedia is slow to start

    def announce(self, count: int) -> None:
        if count > 0:
            self.warn(describe(count))

    def warn(self, text: str) -> None:
        """Any other news for the desk (a kiosk gone silent): the same tray and chime."""
        if self.tray is not None:
            self.tray.showMessage("Callback queue", text,
                                  QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)
        self._play()
        self.announced.emit(text)

    def _play(self) -> None:
        if not self._chime_loaded:
            self._chime_loaded = True
            self._chime = _load_chime(self)
        chime = self._chime
        if chime is not None and chime.status() != type(chime).Status.Error:
            chime.play()
        else:
            QApplication.beep()

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
