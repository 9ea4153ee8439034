"""Asks the OS to keep the kiosk's screen on while it runs, and stops asking when it exits.

It only asks: it does not disable a screen saver or a lock policy that IT has set, and where
there is nobody to ask (macOS, a Linux session with no screen-saver service such as cage) it
does nothing and says so in the log. Screen blanking there is configured in the OS
(docs/deploy.md). Nothing in here may stop the kiosk from starting.
"""

from __future__ import annotations

import logging
import sys
from typing import Protocol

log = logging.getLogger(__name__)

APP_NAME = "clinic-kiosk"
REASON = "Waiting-room kiosk is showing information to patients"

# Windows SetThreadExecutionState flags (winbase.h).
ES_CONTINUOUS = 0x80000000
ES_DISPLAY_REQUIRED = 0x00000002

# freedesktop.org Idle Inhibition service (KDE, GNOME, Xfce and others implement it).
DBUS_SERVICE = "org.freedesktop.ScreenSaver"
DBUS_PATH = "/org/freedesktop/ScreenSaver"
DBUS_INTERFACE = "org.freedesktop.ScreenSaver"
DBUS_TIMEOUT_MS = 2000
DBUS_CONNECTION = "clinic-kiosk-keep-awake"


class KeepAwake(Protocol):
    """What ``keep_screen_awake`` returns; ``release()`` is safe to call more than once."""

    description: str

    def release(self) -> None: ...


class NotKeptAwake:
    """Nothing to ask on this system."""

    def __init__(self, why: str) -> None:
        self.description = f"not kept awake: {why}"

    def release(self) -> None:
        pass


class WindowsDisplayRequest:
    """ES_CONTINUOUS | ES_DISPLAY_REQUIRED on the calling thread until ``release()``.

    No ES_AWAYMODE_REQUIRED and no ES_SYSTEM_REQUIRED beyond what the display needs: the
    screen stays on, but Windows' lock and screen-saver policies still apply.
    Must be released from the thread that created it (the GUI thread).
    """

    description = "kept awake: Windows SetThreadExecutionState(ES_DISPLAY_REQUIRED)"

    def __init__(self) -> None:
        import ctypes

        self._kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        self._kernel32.SetThreadExecutionState.restype = ctypes.c_uint
        self._kernel32.SetThreadExecutionState.argtypes = [ctypes.c_uint]
        if not self._kernel32.SetThreadExecutionState(ES_CONTINUOUS | ES_DISPLAY_REQUIRED):
            raise OSError(ctypes.get_last_error(), "SetThreadExecutionState failed")
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._kernel32.SetThreadExecutionState(ES_CONTINUOUS)


class DBusScreenSaverInhibit:
    """An org.freedesktop.ScreenSaver inhibition held by a private session-bus connection.

    Screen-saver services drop an inhibition when its caller leaves the bus, so closing
    the private connection releases it, on ``release()`` and equally if the kiosk dies.
    (UnInhibit takes a D-Bus uint32, which PySide6 cannot send.)
    """

    def __init__(self, connection_name: str, cookie: int) -> None:
        self._connection_name: str | None = connection_name
        self.description = f"kept awake: {DBUS_SERVICE}.Inhibit (cookie {cookie})"

    def release(self) -> None:
        name, self._connection_name = self._connection_name, None
        if name is None:
            return
        try:
            from PySide6.QtDBus import QDBusConnection

            QDBusConnection.disconnectFromBus(name)
        except Exception:  # leaving anyway: the connection closes with the process
            log.debug("closing the keep-awake bus connection failed", exc_info=True)


def _dbus_inhibit() -> KeepAwake:
    try:
        from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage
    except ImportError:
        return NotKeptAwake("QtDBus is not available")
    bus = QDBusConnection.connectToBus(QDBusConnection.BusType.SessionBus, DBUS_CONNECTION)
    if not bus.isConnected():
        QDBusConnection.disconnectFromBus(DBUS_CONNECTION)
        return NotKeptAwake("no D-Bus session bus")
    message = QDBusMessage.createMethodCall(DBUS_SERVICE, DBUS_PATH, DBUS_INTERFACE, "Inhibit")
    message.setArguments([APP_NAME, REASON])
    reply = bus.call(message, QDBus.CallMode.Block, DBUS_TIMEOUT_MS)
    if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
        del bus
        QDBusConnection.disconnectFromBus(DBUS_CONNECTION)
        return NotKeptAwake(f"no screen-saver service answered ({reply.errorName() or 'no reply'})")
    cookie = int(reply.arguments()[0])
    del bus  # only the named connection is left; release() closes it
    return DBusScreenSaverInhibit(DBUS_CONNECTION, cookie)


def keep_screen_awake(platform: str | None = None) -> KeepAwake:
    """Ask the OS to keep the display on; never raises. Call after the QApplication exists."""
    platform = platform or sys.platform
    try:
        if platform == "win32":
            handle: KeepAwake = WindowsDisplayRequest()
        elif platform.startswith("linux"):
            handle = _dbus_inhibit()
        else:
            handle = NotKeptAwake(f"nothing to ask on {platform}; set the OS's display sleep")
    except Exception as exc:  # a kiosk with a sleepy screen still beats no kiosk
        handle = NotKeptAwake(f"{type(exc).__name__}: {exc}")
    log.info("screen %s", handle.description)
    return handle
