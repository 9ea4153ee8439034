"""Qt's display plugin that cannot load is named with the library and package it lacks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.ops.display_check import (
    display_problem,
    missing_library,
    platform_name,
    plugin_path,
)


def test_qt_picks_the_plugin_the_environment_names():
    assert platform_name({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}) == "wayland"
    assert platform_name({"QT_QPA_PLATFORM": "offscreen:size=800x600"}) == "offscreen"
    assert platform_name({"DISPLAY": ":0"}) == "xcb"
    assert platform_name({"WAYLAND_DISPLAY": "wayland-0"}) == "wayland"
    assert platform_name({}) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux display plugins")
@pytest.mark.parametrize("platform", ["xcb", "wayland"])
def test_the_display_plugins_load_on_this_machine(platform):
    """tools/system-deps.sh installed everything they link against."""
    plugin = plugin_path(platform)
    assert plugin is not None
    assert missing_library(plugin) is None
    assert display_problem({"QT_QPA_PLATFORM": platform}) is None


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_the_library_the_loader_misses_is_the_one_named(tmp_path: Path):
    """A library linked against one that is then removed: the loader's complaint is read
    back as exactly that library's name."""
    source = tmp_path / "x.c"
    source.write_text("int x;\n")
    absent = tmp_path / "libkiosk-absent.so.7"
    subprocess.run(["cc", "-shared", "-Wl,-soname,libkiosk-absent.so.7", "-o", str(absent),
                    str(source)], check=True)
    plugin = tmp_path / "libqfake.so"
    subprocess.run(["cc", "-shared", "-o", str(plugin), str(source), "-Wl,--no-as-needed",
                    str(absent)], check=True)
    absent.unlink()
    assert missing_library(plugin) == "libkiosk-absent.so.7"


def test_the_kiosk_says_which_package_is_missing_instead_of_aborting(tmp_path: Path):
    """With the plugin's library missing, `kiosk` exits 1 naming library and package."""
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=":987")
    code = (
        "import sys, kiosk.ops.display_check as d\n"
        "d.missing_library = lambda plugin: 'libxcb-keysyms.so.1'\n"
        "from kiosk.cli import main\n"
        "sys.exit(main(['--windowed']))\n"
    )
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 1, result.stderr
    assert "libxcb-keysyms.so.1" in result.stderr
    assert "apt-get install libxcb-keysyms1" in result.stderr
    assert "xcb-cursor0" not in result.stderr
