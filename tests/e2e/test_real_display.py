"""The source kiosk on a real X server with no window manager (Xvfb), driven by xdotool.

Kiosk mode must cover the whole screen by itself (with no window manager nobody honours a
full-screen request: it came up 853x575 in the corner of 1280x720), in landscape and in
portrait, and a click must open what it lands on. The window's title names the page, so
the test reads from outside which page is showing. Screenshots come from the X server
(ImageMagick's `import -window root`) and are judged by their pixels: Xvfb's root window is
black, the kiosk never is. The packaged kiosk under cage is in test_frozen_build.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from real_parts import missing, needs

from kiosk.education.content import load_content

ROOT = Path(__file__).resolve().parents[2]
CLINIC = "Test Clinic"
#: Waiting (never a timed assertion): how long a slow, shared machine may take to start.
START_WAIT_S = 120
CTA = (0xB4, 0x46, 0x2B)  # the calm theme's call-to-action colour (kiosk.shell.theme)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(600),
    pytest.mark.skipif(os.environ.get("KIOSK_IN_BARE_DEBIAN") == "1",
                       reason="the bare-Debian run proves the libraries, not the displays"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 on Linux"),
    needs("needs Xvfb, xdotool and ImageMagick (tools/system-deps.sh)"
          if missing("Xvfb", "xdotool", "import") else None),
]


def wait_for(what: str, check, timeout_s: float = START_WAIT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"gave up waiting for {what}")


class Display:
    def __init__(self, number: int, width: int, height: int, process: subprocess.Popen) -> None:
        self.name = f":{number}"
        self.width, self.height = width, height
        self.process = process

    def run(self, *args: str) -> str:
        result = subprocess.run(args, env=dict(os.environ, DISPLAY=self.name),
                                capture_output=True, text=True, timeout=60, check=False)
        return result.stdout.strip() if result.returncode == 0 else ""

    def screenshot(self, path: Path):
        from PySide6.QtGui import QImage

        subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=60,
                       env=dict(os.environ, DISPLAY=self.name))
        image = QImage(str(path))
        assert not image.isNull(), path
        return image


def settled(display: Display, path: Path):
    """A screenshot once the screen has stopped changing (start-up lays out in steps)."""
    previous = display.screenshot(path)

    def same():
        nonlocal previous
        time.sleep(0.5)
        shot = display.screenshot(path)
        stable, previous = shot == previous, shot
        return stable and shot

    return wait_for("the screen to settle", same)


def free_display() -> int:
    for number in range(140, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(
                f"/tmp/.X{number}-lock").exists():
            return number
    pytest.skip("no free X display number")


@pytest.fixture
def xvfb(request) -> Iterator[Display]:
    width, height = request.param
    number = free_display()
    process = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    display = Display(number, width, height, process)
    try:
        wait_for("Xvfb", lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 30)
        yield display
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def run_kiosk(make_config, tmp_path: Path):
    processes: list[subprocess.Popen] = []
    logs = []

    def start(display: Display, **kiosk: object) -> subprocess.Popen:
        config = make_config(kiosk={"fullscreen": True, **kiosk})
        env = dict(os.environ, DISPLAY=display.name, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[name] = str(tmp_path / name.lower())
        log = (tmp_path / "kiosk.log").open("w")
        logs.append(log)
        process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--config",
                                    str(config)], cwd=tmp_path, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    for log in logs:
        log.close()


def kiosk_window(display: Display) -> str:
    return wait_for("the kiosk window", lambda: display.run(
        "xdotool", "search", "--onlyvisible", "--name", f"^{CLINIC}").split("\n")[0])


def geometry(display: Display, window: str) -> dict[str, int]:
    shell = display.run("xdotool", "getwindowgeometry", "--shell", window)
    return {k: int(v) for k, v in (line.split("=") for line in shell.splitlines())
            if k in ("X", "Y", "WIDTH", "HEIGHT")}


def black_share(image) -> float:
    """The share of the screenshot still showing the X server's black root window."""
    from PySide6.QtGui import QColor

    step = 4
    total = black = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            total += 1
            black += QColor(image.pixel(x, y)).rgb() & 0xFFFFFF == 0
    return black / total


def cta_box(image) -> tuple[int, int, int, int] | None:
    """The bounding box of the call-to-action colour (the Home consult tile)."""
    from PySide6.QtGui import QColor

    xs, ys = [], []
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            colour = QColor(image.pixel(x, y))
            if (colour.red(), colour.green(), colour.blue()) == CTA:
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def tile_above(image, x: int, top: int) -> int:
    """The height of a Home tile's white face above ``top`` (the consult tile's), in column
    ``x``: the tiles are as tall as their words, so the gap above the consult tile varies."""
    from PySide6.QtGui import QColor

    for y in range(top - 1, 0, -2):
        colour = QColor(image.pixel(x, y))
        if (colour.red(), colour.green(), colour.blue()) == (255, 255, 255):
            return max(1, y - 12)
    raise AssertionError(f"no tile above y={top} in column {x}")


def click(display: Display, x: int, y: int) -> None:
    display.run("xdotool", "mousemove", str(x), str(y), "click", "1")


SIZES = [(1280, 720), (1920, 1080), (1080, 1920)]


@pytest.mark.parametrize("xvfb", SIZES, indirect=True, ids=lambda s: f"{s[0]}x{s[1]}")
def test_kiosk_mode_covers_the_screen_and_clicks_open_pages(xvfb, run_kiosk, tmp_path, qapp):
    run_kiosk(xvfb)
    window = kiosk_window(xvfb)
    wait_for("Home on the glass", lambda: cta_box(xvfb.screenshot(tmp_path / "home.png")))
    home = settled(xvfb, tmp_path / "home.png")
    box = geometry(xvfb, window)
    assert (box["X"], box["Y"], box["WIDTH"], box["HEIGHT"]) == (0, 0, xvfb.width, xvfb.height)
    assert black_share(home) == 0, f"{black_share(home):.0%} of the screen is not the kiosk"
    assert xvfb.run("xdotool", "getwindowname", window) == CLINIC

    # A section tile: the lowest tile above the consult tile, on its left.
    left, top, right, bottom = cta_box(home)
    x = left + (right - left) // 4
    click(xvfb, x, tile_above(home, x, top))
    titles = {section.title for section in load_content("en").sections}
    name = wait_for("a section to open", lambda: (
        n := xvfb.run("xdotool", "getwindowname", window)) != CLINIC and n)
    assert name.removesuffix(f" — {CLINIC}") in titles, name  # Qt adds the app's name
    section = wait_for("the section drawn", lambda: (
        shot := xvfb.screenshot(tmp_path / "section.png")) != home and shot)
    assert black_share(section) == 0


@pytest.mark.parametrize("xvfb", [(1280, 800)], indirect=True, ids=["1280x800"])
def test_the_consult_tile_opens_the_form_with_a_click(xvfb, run_kiosk, tmp_path, qapp):
    run_kiosk(xvfb)
    window = kiosk_window(xvfb)
    wait_for("Home on the glass", lambda: cta_box(xvfb.screenshot(tmp_path / "home.png")))
    left, top, right, bottom = cta_box(settled(xvfb, tmp_path / "home.png"))
    click(xvfb, (left + right) // 2, (top + bottom) // 2)
    wait_for("the consult form", lambda: xvfb.run("xdotool", "getwindowname", window)
             == f"Request a free 15-minute phone consult — {CLINIC}")
