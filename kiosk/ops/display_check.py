"""Before Qt opens a display: name the system library its display plugin lacks, and the
Debian package that has it.

Qt-free. When Qt's xcb plugin cannot load, Qt blames ``xcb-cursor0`` whatever is missing
(on a bare Debian 12 it is ``libxcb-keysyms1`` first) and aborts; this loads the plugin the
same way first and reports the library the dynamic loader really could not find.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

#: The libraries Qt's display plugins link against, and the Debian 12 packages holding them
#: (tools/system-deps.sh installs them all).
LIBRARY_PACKAGES = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
}

_MISSING = re.compile(r"([\w.+-]+\.so[\w.]*): cannot open shared object file")


def platform_name(env: Mapping[str, str]) -> str | None:
    """The display plugin Qt will try first, as Qt chooses it on Linux."""
    explicit = env.get("QT_QPA_PLATFORM", "").strip()
    if explicit:
        return explicit.split(";")[0].split(":")[0] or None
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return "wayland"
    if env.get("DISPLAY"):
        return "xcb"
    if env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return None


def plugin_path(platform: str) -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "Qt" / "plugins" / "platforms" / f"libq{platform}.so"
        if candidate.exists():
            return candidate
    return None


def missing_library(plugin: Path) -> str | None:
    """The first library the loader cannot find for ``plugin``, or None when it loads.

    Tried in a forked child: a plugin loaded into the kiosk before Qt would be Qt's copy
    too, initialised before its application exists (on Wayland the window then stays
    black).
    """
    if not hasattr(os, "fork"):
        return None
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: try, report, and leave without running any cleanup
        os.close(reader)
        message = b""
        try:
            import ctypes  # here: offscreen, no check runs and nothing needs it

            ctypes.CDLL(str(plugin))
        except OSError as error:
            message = str(error).encode("utf-8", "replace")
        os.write(writer, message)
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        message = pipe.read().decode("utf-8", "replace")
    os.waitpid(child, 0)
    if not message:
        return None
    found = _MISSING.search(message)
    return found.group(1) if found else message


def display_problem(env: Mapping[str, str]) -> str | None:
    """A sentence for the person at the terminal when Qt's display plugin cannot load."""
    if not sys.platform.startswith("linux"):
        return None
    platform = platform_name(env)
    if platform not in ("xcb", "wayland"):
        return None
    plugin = plugin_path(platform)
    if plugin is None:
        return None
    library = missing_library(plugin)
    if library is None:
        return None
    package = LIBRARY_PACKAGES.get(library)
    fix = (f"install the Debian package {package} (sudo apt-get install {package}), or run "
           "tools/system-deps.sh as root to install everything the kiosk needs"
           if package else "install the package that provides it")
    return (f"cannot open the display: Qt's {platform} platform plugin needs {library}, "
            f"which is not installed; {fix}.")
