"""The PyInstaller app, built once from build.spec, runs and stays under its size budget."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from real_parts import missing, unavailable

from kiosk import __version__
from kiosk.ops.self_test import STEPS

ROOT = Path(__file__).resolve().parents[2]
#: "Under 120 MB" in either reading: 120 × 10**6 bytes is also under 120 MiB (du -sh).
SIZE_BUDGET_BYTES = 120 * 10**6
BUILD_TIMEOUT_S = 1800  # minutes on two busy cores; CI allows 90 in total

pytestmark = [pytest.mark.slow, pytest.mark.timeout(BUILD_TIMEOUT_S + 300)]


def _executable(dist: Path) -> Path:
    # On Windows kiosk.exe has no console; its twin kiosk-console.exe prints.
    return dist / ("kiosk-console.exe" if sys.platform == "win32" else "kiosk")


@pytest.fixture(scope="module")
def app_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/kiosk as `make build` makes it, built into a temporary folder (once per module)."""
    if importlib.util.find_spec("PyInstaller") is None:
        unavailable("PyInstaller is not installed in this environment (pip install -e '.[dev]')")
    work = tmp_path_factory.mktemp("frozen")
    # A private PyInstaller cache: --clean wipes the shared one, which a concurrent
    # `make build` may be using.
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(work / "pyinstaller-cache"))
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), "build.spec"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-5000:]
    return work / "dist" / "kiosk"


def _run(app_folder: Path, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    return subprocess.run(
        [str(_executable(app_folder)), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def disk_usage(folder: Path) -> int:
    """Bytes as `du -s` counts them: allocated blocks of every file and link, links not followed."""
    total = 0
    for path in [folder, *folder.rglob("*")]:
        stat = path.lstat()
        blocks = getattr(stat, "st_blocks", None)
        total += blocks * 512 if blocks is not None else stat.st_size
    return total


def test_version(app_folder: Path, tmp_path: Path) -> None:
    result = _run(app_folder, "--version", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"kiosk {__version__}"


def test_self_test_passes_in_the_frozen_app(app_folder: Path, tmp_path: Path) -> None:
    result = _run(app_folder, "self-test", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    said = [line.split(":", 1)[0].split(maxsplit=1) for line in result.stdout.splitlines()]
    assert [name for _status, name in said] == [name for name, _step in STEPS]
    # The demo config names no speech engine: spoken where this machine can speak, else a
    # warning (`warn speech: speech unavailable …`); every other step passes.
    assert all(status == "ok" for status, name in said if name != "speech"), result.stdout
    assert dict((name, status) for status, name in said)["speech"] in ("ok", "warn")
    # With no config found it tests the demo config bundled inside the app folder.
    assert str(app_folder) in result.stdout.splitlines()[0]


def test_first_frame_with_the_demo_config(app_folder: Path, tmp_path: Path) -> None:
    demo = app_folder / "_internal" / "resources" / "demo-config.toml"
    result = _run(
        app_folder,
        "--windowed",
        "--quit-after-first-frame",
        "--config",
        str(demo),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr


def test_the_app_folder_is_under_its_size_budget(app_folder: Path) -> None:
    size = disk_usage(app_folder)
    assert size < SIZE_BUDGET_BYTES, (
        f"dist/kiosk takes {size / 10**6:.1f} MB ({size / 2**20:.1f} MiB), over the "
        f"{SIZE_BUDGET_BYTES // 10**6} MB budget; see build.spec"
    )


def test_no_broken_links_or_dropped_essentials(app_folder: Path) -> None:
    internal = app_folder / "_internal"
    broken = [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    assert broken == []
    assert (internal / "resources" / "content" / "en" / "manifest.toml").is_file()
    assert list((internal / "qtawesome" / "fonts").glob("*.ttf"))
    translations = sorted(p.name for p in internal.rglob("*.qm"))
    assert all(name.startswith("qtbase_") for name in translations), translations


CAGE_USER = "kiosk-cage-test"


def _cage_not_here() -> str | None:
    """Why the cage run does not belong here (a skip, on CI too), or None."""
    if not sys.platform.startswith("linux"):
        return "cage is a Linux compositor"
    if os.environ.get("KIOSK_IN_BARE_DEBIAN") == "1":
        return "the bare-Debian run proves the libraries, not the displays"
    return None


def _cage_missing() -> str | None:
    """What the cage run lacks on this machine (a failure on CI), or None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root to make the unprivileged user cage runs as"
    lacking = missing("cage", "grim", "runuser", "useradd")
    return f"needs {', '.join(lacking)} (tools/system-deps.sh)" if lacking else None


_CONFIGURED = re.compile(r"^\[[ 0-9.]+\] xdg_toplevel@\d+\.configure\((\d+), (\d+),", re.M)
_BUFFER = re.compile(r"^\[[ 0-9.]+\]  -> wl_shm_pool@\d+\.create_buffer"
                     r"\(new id wl_buffer@\d+, \d+, (\d+), (\d+),", re.M)


@dataclass
class CageRun:
    """What one run of docs/deploy.md's cage recipe left behind."""

    protocol: str  #: the kiosk's side of the Wayland conversation (WAYLAND_DEBUG=1)
    screenshot: Path  #: grim's picture of the output, taken once Home had settled


@pytest.fixture(scope="module")
def cage_run(app_folder: Path) -> CageRun:
    """docs/deploy.md's recipe, headless: the packaged kiosk with fullscreen = true under
    cage as an unprivileged user, its Wayland requests logged, and a grim screenshot."""
    from PySide6.QtGui import QColor, QImage

    not_here = _cage_not_here()
    if not_here is not None:
        pytest.skip(not_here)
    lacking = _cage_missing()
    if lacking is not None:
        unavailable(lacking)
    if subprocess.run(["id", CAGE_USER], capture_output=True, check=False).returncode:
        subprocess.run(["useradd", "-m", CAGE_USER], check=True)
    # The built app and the kiosk's files where that user can reach them.
    place = Path(tempfile.mkdtemp(prefix="kiosk-cage-"))
    kept = Path(tempfile.mkdtemp(prefix="kiosk-cage-result-"))
    try:
        place.chmod(0o755)
        shutil.copytree(app_folder, place / "kiosk", symlinks=True)
        home = place / "home"
        home.mkdir()
        runtime = place / "runtime"
        runtime.mkdir(mode=0o700)
        (home / "config.toml").write_text(
            '[clinic]\nname = "Cage Clinic"\n\n[kiosk]\nfullscreen = true\ndemo = true\n\n'
            f'[database]\nurl = "sqlite:///{home}/queue.sqlite3"\n', encoding="utf-8")
        subprocess.run(["chown", "-R", f"{CAGE_USER}:", str(home), str(runtime)], check=True)
        subprocess.run(["chmod", "-R", "a+rX", str(place / "kiosk")], check=True)
        env = ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={home}", f"XDG_RUNTIME_DIR={runtime}",
               f"XDG_CONFIG_HOME={home}/config", f"XDG_STATE_HOME={home}/state",
               f"XDG_DATA_HOME={home}/data", "LANG=C.UTF-8"]
        protocol = home / "wayland.log"
        # Only the kiosk logs its Wayland traffic: cage's own would mix in its side.
        # `-r -r` turns the output half a turn, for the screenshot's sake alone. cage 0.1.4
        # hands a buffer the output's size straight to the output (direct scan-out), and
        # when grim asks for the picture it falls back to drawing from a buffer of its own
        # that still holds the last frame it drew itself: the kiosk's first, smaller one.
        # Turned, no client buffer fits the output as it is, so cage draws every frame and
        # grim sees the current one, turned back upright. On a monitor scan-out shows the
        # kiosk's own frames; only the screenshot was stale.
        kiosk = (f"WAYLAND_DEBUG=1 exec {place / 'kiosk' / 'kiosk'} "
                 f"--config {home / 'config.toml'} 2>{protocol}")
        cage = subprocess.Popen(
            ["runuser", "-u", CAGE_USER, "--", *env, "WLR_BACKENDS=headless",
             "WLR_RENDERER=pixman", "WLR_LIBINPUT_NO_DEVICES=1", "QT_QPA_PLATFORM=wayland",
             "cage", "-d", "-r", "-r", "--", "/bin/sh", "-c", kiosk],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            shot = home / "screen.png"

            def drawn() -> bool:
                if not (runtime / "wayland-0").exists():
                    return False
                subprocess.run(["runuser", "-u", CAGE_USER, "--", *env, "WAYLAND_DISPLAY=wayland-0",
                                "grim", str(shot)], capture_output=True, timeout=60, check=False)
                image = QImage(str(shot))
                return not image.isNull() and any(
                    QColor(image.pixel(x, y)).rgb() & 0xFFFFFF
                    for y in range(0, image.height(), 8) for x in range(0, image.width(), 8))

            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not drawn():  # a wait for start-up
                time.sleep(1)
            time.sleep(3)  # Home's deferred building settles
            drawn()
            shutil.copy(shot, kept / "screen.png")
            return CageRun(protocol=protocol.read_text(encoding="utf-8", errors="replace"),
                           screenshot=kept / "screen.png")
        finally:
            cage.terminate()
            cage.wait(timeout=30)
    finally:
        shutil.rmtree(place, ignore_errors=True)


def test_the_packaged_kiosk_takes_the_whole_cage_output(cage_run: CageRun) -> None:
    """cage answers the kiosk's full-screen request with the output's size, and every
    frame the kiosk then draws is that size: it asks for no less than the whole glass."""
    configured = [tuple(map(int, m)) for m in _CONFIGURED.findall(cage_run.protocol)]
    buffers = [tuple(map(int, m)) for m in _BUFFER.findall(cage_run.protocol)]
    assert (1280, 720) in configured, f"cage never sized the kiosk: {configured}"
    assert buffers, "the kiosk drew no frame"
    window = [size for size in buffers if size[0] > 64 and size[1] > 64]  # not the cursor
    assert window[-1] == (1280, 720), f"the kiosk's last frame was {window[-1]}, not 1280x720"
    assert all(w <= 1280 and h <= 720 for w, h in window), f"a frame over the output: {window}"


def test_a_cage_screenshot_shows_home_on_every_pixel(cage_run: CageRun) -> None:
    from PySide6.QtGui import QColor, QImage

    image = QImage(str(cage_run.screenshot))
    assert (image.width(), image.height()) == (1280, 720)  # cage's headless output
    samples = [QColor(image.pixel(x, y)).rgb() & 0xFFFFFF
               for y in range(0, image.height(), 8) for x in range(0, image.width(), 8)]
    share = 1 - samples.count(0) / len(samples)
    assert share == 1.0, f"Home covers {share:.0%} of the output"
    # Upright and at full size: the consult call-to-action (the calm theme's cta colour)
    # lies along the bottom of the glass, across most of its width.
    from kiosk.shell.theme import THEMES

    cta = QColor(THEMES["calm"].cta).rgb() & 0xFFFFFF
    rows = [y for y in range(image.height())
            if sum(QColor(image.pixel(x, y)).rgb() & 0xFFFFFF == cta
                   for x in range(0, image.width(), 4)) > image.width() // 4 * 0.8]
    assert rows, "no consult call-to-action across the screenshot"
    assert min(rows) > image.height() * 0.6, f"the call-to-action starts at y={min(rows)}"
