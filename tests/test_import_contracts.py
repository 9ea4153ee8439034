"""The seams between the folders hold: import-linter's contracts pass, and a wrong import fails."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT), "--no-cache"], cwd=tree, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the package and its contracts, to break on purpose."""
    shutil.copytree(ROOT / "kiosk", tmp_path / "kiosk",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_contracts_are_kept() -> None:
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("kiosk/callback_queue/model.py", "from PySide6.QtCore import QObject",
     "The core imports no Qt"),
    ("kiosk/education/content.py", "import kiosk.education.ui.home",
     "The core imports no Qt"),
    ("kiosk/shell/ui/window.py", "import kiosk.education.ui.home",
     "The shell knows no feature"),
    ("kiosk/staff/ui/queue_view.py", "import kiosk.consult.ui.form",
     "Features do not reach into each other's widgets"),
    ("kiosk/config/loading.py", "import kiosk.ops.paths",
     "Config and the queue stand alone"),
    ("kiosk/insights/report.py", "from PySide6.QtCore import QObject",
     "The core imports no Qt"),
    ("kiosk/insights/ui/counting.py", "import kiosk.education.ui.home",
     "Features do not reach into each other's widgets"),
    ("kiosk/shell/ui/bar_chart.py", "import kiosk.insights.tally",
     "The shell knows no feature"),
    ("kiosk/callback_queue/usage.py", "import kiosk.insights.tally",
     "Config and the queue stand alone"),
])
def test_a_wrong_import_breaks_its_contract(tree: Path, module: str, line: str,
                                             contract: str) -> None:
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    done = lint(tree)
    assert done.returncode == 1
    broken = done.stdout.split("Broken contracts", 1)[1]
    assert contract in broken
