"""The PyInstaller app, built once from build.spec, runs and stays under its size budget."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

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
        pytest.skip("PyInstaller is not installed in this environment (pip install -e '.[dev]')")
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
    assert [line.split(":", 1)[0][4:] for line in result.stdout.splitlines()] == [
        name for name, _step in STEPS
    ]
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


def _cage_ready() -> str | None:
    """Why the cage run cannot happen here, or None."""
    if not sys.platform.startswith("linux"):
        return "cage is a Linux compositor"
    if os.environ.get("KIOSK_IN_BARE_DEBIAN") == "1":
        return "the bare-Debian run proves the libraries, not the displays"
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root to make the unprivileged user cage runs as"
    missing = [t for t in ("cage", "grim", "runuser", "useradd") if shutil.which(t) is None]
    return f"needs {', '.join(missing)} (tools/system-deps.sh)" if missing else None


@pytest.mark.skipif(_cage_ready() is not None, reason=str(_cage_ready()))
@pytest.mark.xfail(strict=True, reason=(
    "known gap: cage 0.1.4's full-screen configure names no size (0x0) and Qt keeps its "
    "default 853x575, so 47% of the 1280x720 headless output stays black; sizing the "
    "surface to the output ourselves made the output show nothing at all"))
def test_the_packaged_kiosk_fills_a_cage_output(app_folder: Path, tmp_path: Path, qapp) -> None:
    """docs/deploy.md's recipe, headless: the packaged kiosk with fullscreen = true under
    cage as an unprivileged user, a grim screenshot, and Home on every pixel of it."""
    from PySide6.QtGui import QColor, QImage

    if subprocess.run(["id", CAGE_USER], capture_output=True, check=False).returncode:
        subprocess.run(["useradd", "-m", CAGE_USER], check=True)
    # The built app and the kiosk's files where that user can reach them.
    place = Path(tempfile.mkdtemp(prefix="kiosk-cage-"))
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
        cage = subprocess.Popen(
            ["runuser", "-u", CAGE_USER, "--", *env, "WLR_BACKENDS=headless",
             "WLR_RENDERER=pixman", "WLR_LIBINPUT_NO_DEVICES=1", "QT_QPA_PLATFORM=wayland",
             "cage", "-d", "--", str(place / "kiosk" / "kiosk"), "--config",
             str(home / "config.toml")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            shot = home / "screen.png"

            def covered() -> float | None:
                if not (runtime / "wayland-0").exists():
                    return None
                subprocess.run(["runuser", "-u", CAGE_USER, "--", *env, "WAYLAND_DISPLAY=wayland-0",
                                "grim", str(shot)], capture_output=True, timeout=60, check=False)
                image = QImage(str(shot))
                if image.isNull():
                    return None
                samples = [QColor(image.pixel(x, y)).rgb() & 0xFFFFFF
                           for y in range(0, image.height(), 8) for x in range(0, image.width(), 8)]
                share = 1 - samples.count(0) / len(samples)
                return share if share > 0 else None  # nothing drawn yet: wait

            deadline = time.monotonic() + 120
            share = None
            while time.monotonic() < deadline:  # a wait for start-up, not a timed assertion
                share = covered()
                if share is not None:
                    time.sleep(3)  # Home's deferred building settles
                    share = covered()
                    break
                time.sleep(1)
            image = QImage(str(shot))
            assert (image.width(), image.height()) == (1280, 720)  # cage's headless output
            assert share is not None and share == 1.0, f"Home covers {share or 0:.0%} of the output"
        finally:
            cage.terminate()
            cage.wait(timeout=30)
    finally:
        shutil.rmtree(place, ignore_errors=True)
