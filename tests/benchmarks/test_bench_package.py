"""The package bench measures only a bundle built from the current source."""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks import bench_package


def test_a_bundle_older_than_the_source_is_not_measured(tmp_path: Path, monkeypatch) -> None:
    executable = tmp_path / "dist" / "kiosk" / "kiosk"
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\n")
    monkeypatch.setattr(bench_package, "EXECUTABLE", executable)
    monkeypatch.setattr(bench_package, "newest_source_change",
                        lambda: executable.stat().st_mtime + 60)

    rows = bench_package.run(quick=True, workdir=tmp_path)

    assert [row.value for row in rows] == [None, None]
    assert all(row.note == bench_package.STALE for row in rows)


def test_the_newest_source_change_ignores_bytecode(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "kiosk" / "__pycache__").mkdir(parents=True)
    source = tmp_path / "kiosk" / "app.py"
    source.write_text("")
    os.utime(source, (1_000, 1_000))
    cached = tmp_path / "kiosk" / "__pycache__" / "app.cpython-311.pyc"
    cached.write_text("")
    os.utime(cached, (5_000, 5_000))
    monkeypatch.setattr(bench_package, "ROOT", tmp_path)
    assert bench_package.newest_source_change() == 1_000
