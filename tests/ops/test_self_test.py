"""`kiosk self-test` from source: a subprocess, as IT runs it, and its checks one by one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.ops import self_test
from kiosk.ops.self_test import STEPS, StepFailed, find_config

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo-config.toml"


def run_self_test(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``main.py self-test`` with no display and the user's folders moved into tmp_path."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "KIOSK_CONFIG")}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    env["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "self-test", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def ok_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [
        line.split(":", 1)[0][4:] for line in result.stdout.splitlines() if line.startswith("ok  ")
    ]


def test_every_step_passes_and_the_configured_queue_is_not_touched(
    tmp_path: Path, make_config
) -> None:
    config = make_config()  # its [database] url is tmp_path/queue.sqlite3
    result = run_self_test(tmp_path, "--config", str(config))

    assert result.returncode == 0, result.stdout + result.stderr
    assert ok_lines(result) == [name for name, _step in STEPS]
    assert "ok  database (configured): SQLite queue " in result.stdout
    assert "does not exist yet; the kiosk creates it at first start" in result.stdout
    assert "FAIL" not in result.stdout
    assert not (tmp_path / "queue.sqlite3").exists()
    assert not (tmp_path / "xdg_data_home" / "clinic-kiosk").exists()  # nor the default one
    assert list((tmp_path / "tmp").glob("kiosk-self-test-*")) == []  # its own is removed


def test_a_damaged_configured_queue_fails_and_is_left_as_it_was(
    tmp_path: Path, make_config
) -> None:
    import random

    queue = tmp_path / "queue.sqlite3"
    queue.write_bytes(random.Random(5).randbytes(8192))
    before = queue.read_bytes()
    config = make_config()
    result = run_self_test(tmp_path, "--config", str(config))

    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("FAIL database (configured): ")
    assert f"{config}: database.url: {queue} cannot be read" in lines[-1]
    assert queue.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("queue.sqlite3*")) == ["queue.sqlite3"]


def test_without_a_config_it_tests_the_bundled_demo(tmp_path: Path) -> None:
    result = run_self_test(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"ok  config: {DEMO}")
    assert "bundled demo config" in first


def test_a_bad_config_fails_first_and_names_the_key(tmp_path: Path, make_config) -> None:
    config = make_config(kiosk={"idle_timeout_s": 0})
    result = run_self_test(tmp_path, "--config", str(config))

    assert result.returncode == 1
    assert result.stdout.splitlines() == [result.stdout.splitlines()[0]]  # stops at once
    assert result.stdout.startswith("FAIL config: ")
    assert "kiosk.idle_timeout_s" in result.stdout and "below the minimum of 1" in result.stdout


def test_a_missing_config_is_not_replaced_by_the_demo(tmp_path: Path) -> None:
    result = run_self_test(tmp_path, "--config", str(tmp_path / "nowhere.toml"))

    assert result.returncode == 1
    assert result.stdout.startswith("FAIL config: ")
    assert "config file not found" in result.stdout


def test_a_real_kiosk_queue_needs_an_admin(tmp_path: Path, make_config) -> None:
    config = make_config(kiosk={"demo": False})
    result = run_self_test(tmp_path, "--config", str(config))

    assert result.returncode == 1
    assert "no admin staff account" in result.stdout


# --- the pieces, in process ---------------------------------------------------------------


def test_find_config_order(tmp_path: Path, monkeypatch) -> None:
    default = tmp_path / "default.toml"
    monkeypatch.setattr(self_test, "default_config_path", lambda: default)
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)

    assert find_config(None) == (DEMO, "no config found: the bundled demo config")
    default.write_text("", encoding="utf-8")
    assert find_config(None) == (default, "the config folder")
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "env.toml"))
    assert find_config(None) == (tmp_path / "env.toml", "$KIOSK_CONFIG")
    assert find_config(tmp_path / "cli.toml") == (tmp_path / "cli.toml", "--config")


def test_a_screen_that_paints_nothing_fails(qtbot) -> None:
    from PySide6.QtWidgets import QLabel, QWidget

    blank = QWidget()
    blank.setStyleSheet("background: white")
    qtbot.addWidget(blank)
    blank.resize(200, 100)
    blank.show()
    qtbot.waitExposed(blank)
    with pytest.raises(StepFailed, match="single flat colour"):
        self_test._check_painted("en/blank", blank)

    label = QLabel("Dry needling")
    qtbot.addWidget(label)
    label.resize(200, 100)
    label.show()
    qtbot.waitExposed(label)
    self_test._check_painted("en/label", label)

    hidden = QLabel("not shown")
    qtbot.addWidget(hidden)
    with pytest.raises(StepFailed, match="not visible"):
        self_test._check_painted("en/hidden", hidden)


def test_a_warning_is_not_called_ok_and_the_run_goes_on(tmp_path: Path, monkeypatch) -> None:
    """Speech nobody named that does not work: IT reads "warn", never "ok", and the steps
    after it still run (exit 0: patients are served without it)."""
    import io

    def no_speech(_run) -> str:
        raise self_test.StepWarning("speech unavailable: no engine; Read aloud is hidden")

    monkeypatch.setattr(self_test, "STEPS", (("speech", no_speech), ("queue", lambda _run: "sent")))
    out = io.StringIO()

    assert self_test.run_self_test(DEMO, out=out) == 0
    assert out.getvalue().splitlines() == [
        "warn speech: speech unavailable: no engine; Read aloud is hidden",
        "ok  queue: sent",
    ]
