"""Walks the real kiosk's accessibility tree over AT-SPI, as Orca would see it.

Run by test_accessibility_tree.py inside a private D-Bus session (``dbus-run-session``)
with the *system* Python, which has pyatspi (python3-pyatspi):

    dbus-run-session -- /usr/bin/python3 atspi_walk.py VENV_PYTHON REPO CONFIG

It starts Xvfb and the kiosk (``main.py --windowed``) with Qt's AT-SPI bridge always on,
waits for the application on the accessibility bus, walks it and prints one JSON object:
the application's name and every node's role, name and text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def start_xvfb() -> tuple[subprocess.Popen, str]:
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"], pass_fds=(write,),
                            stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    return xvfb, f":{number}"


def walk(node, out: list, depth: int = 0) -> None:
    if node is None or depth > 40:
        return
    entry = {"role": node.getRoleName(), "name": node.name or ""}
    try:
        text = node.queryText()
        entry["text"] = text.getText(0, min(text.characterCount, 4000))
    except NotImplementedError:
        pass
    out.append(entry)
    for index in range(node.childCount):
        walk(node.getChildAtIndex(index), out, depth + 1)


def main(python: str, repo: str, config: str) -> int:
    import pyatspi

    xvfb, display = start_xvfb()
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb",
               QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_ACCESSIBILITY="1",
               KIOSK_CONFIG=config)
    kiosk = subprocess.Popen([python, "main.py", "--windowed", "--config", config], cwd=repo,
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        app = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and app is None:
            desktop = pyatspi.Registry.getDesktop(0)
            for index in range(desktop.childCount):
                child = desktop.getChildAtIndex(index)
                if child is not None and child.childCount and child.getChildAtIndex(0) is not None:
                    app = child
            if app is None:
                time.sleep(0.5)
        if app is None:
            print(json.dumps({"error": "no application on the bus",
                              "stderr": kiosk.stderr.read1(4000).decode() if kiosk.poll()
                              is not None else ""}))
            return 1
        time.sleep(3)  # the screens after the first frame are built in the background
        nodes: list = []
        walk(app, nodes)
        print(json.dumps({"application": app.name, "nodes": nodes}))
        return 0
    finally:
        kiosk.terminate()
        try:
            kiosk.wait(10)
        except subprocess.TimeoutExpired:
            kiosk.kill()
        xvfb.terminate()
        xvfb.wait(10)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
