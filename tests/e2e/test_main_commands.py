"""main.py run like a user runs it: first frame, check, and their exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, timeout: float = 60, input: str | None = None
        ) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT, input=input)


def test_windowed_quit_after_first_frame_exits_zero(make_config):
    result = run("--windowed", "--quit-after-first-frame", "--config", str(make_config()))
    assert result.returncode == 0, result.stderr


def test_check_passes_a_good_config_before_or_after_the_command(make_config):
    path = str(make_config())
    assert run("check", "--config", path).returncode == 0
    assert run("--config", path, "check").returncode == 0


def test_check_fails_with_file_line_and_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[kiosk]\nidle_timeout_s = 0\n", encoding="utf-8")
    result = run("check", "--config", str(path))
    assert result.returncode != 0
    assert f"{path}:2: kiosk.idle_timeout_s" in result.stderr


def test_check_fails_a_production_queue_without_an_admin(make_config, tmp_path):
    config = make_config(kiosk={"demo": False})
    result = run("check", "--config", str(config))
    assert result.returncode != 0
    assert "no admin staff account" in result.stderr and "staff-user add" in result.stderr
    # Plain staff are not enough; an admin is.
    added = run("staff-user", "add", "Ben", "--config", str(config), input="1470\n1470\n")
    assert added.returncode == 0, added.stderr
    assert run("check", "--config", str(config)).returncode != 0
    added = run("staff-user", "add", "Ana", "--admin", "--config", str(config),
                input="2580\n2580\n")
    assert added.returncode == 0, added.stderr
    result = run("check", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "staff: 1 admin account(s)" in result.stdout
    # The demo config needs none.
    assert run("check", "--config", str(make_config())).returncode == 0


def test_version():
    from kiosk import __version__

    result = run("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_check_fails_a_damaged_queue_file(make_config, tmp_path):
    import random

    (tmp_path / "queue.sqlite3").write_bytes(random.Random(1).randbytes(4096))
    path = make_config()
    result = run("check", "--config", str(path))
    assert result.returncode == 1
    assert f"{path}: database.url: " in result.stderr


def test_check_fails_a_database_url_with_file_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[kiosk]\ndemo = true\n\n[database]\nurl = "sqlite:////nonexistent-dir/x/q.db"\n',
                    encoding="utf-8")
    result = run("check", "--config", str(path))
    assert result.returncode == 1
    assert f"{path}:5: database.url: " in result.stderr
    assert not Path("/nonexistent-dir").exists()
