"""`python -m benchmarks --quick` runs end to end, a number in every row; no timing asserts."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench_package import NOT_BUILT, STALE
from benchmarks.bench_speech import NOT_INSTALLED

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_benchmark_run_prints_every_row_with_a_number(tmp_path: Path) -> None:
    results = tmp_path / "latest.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(results)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=330, check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]

    rows = json.loads(results.read_text(encoding="utf-8"))["rows"]
    assert rows
    table = done.stdout
    for row in rows:
        assert row["metric"] in table
        if row["value"] is None:
            # The rows allowed to be empty: the bundle exists, up to date, after `make build`;
            # the speech row needs speech-dispatcher (tools/system-deps.sh installs it).
            assert row["note"] in (NOT_BUILT, STALE, NOT_INSTALLED), row
            continue
        assert isinstance(row["value"], int | float) and math.isfinite(row["value"]), row
        assert row["verdict"] in ("meets", "MISSES target", "context"), row
    metrics = " ".join(row["metric"] for row in rows)
    for expected in ("Cold start", "Peak memory", "Screen switch", "Idle CPU", "Durable submit",
                     "Staff view open", "Staff view filter", "Reading level", "Package size",
                     "Frozen cold start", "Patient session, worst GUI-thread stall",
                     "Objects kept per language switch", "Tap to next screen painted",
                     "Key to glyph", "Usage count on a tap", "Usage counts flush",
                     "GUI stall in the deferred build"):
        assert expected in metrics
