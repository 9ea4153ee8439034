"""The PyInstaller bundle from `make build`: its size on disk and its start against the source."""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row, median, ratio_row
from benchmarks.bench_startup import (
    ROOT,
    bench_env,
    interleaved,
    kiosk_command,
    preflight,
    write_config,
)

BUNDLE = ROOT / "dist" / "kiosk"
EXECUTABLE = BUNDLE / "kiosk"
MAX_MB = 120.0
NOT_BUILT = "not built (run make build)"
STALE = "built before the latest source change (run make build)"
# What the bundle is made from: a change to any of these after the build makes it stale.
SOURCES = ("kiosk", "resources", "main.py", "build.spec")


def newest_source_change() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


def disk_usage(folder: Path) -> int:
    """Bytes on disk, as `du` counts them (allocated blocks, each hard link once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            st = os.lstat(os.path.join(parent, name))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total


def run(quick: bool, workdir: Path) -> list[Row]:
    why_not = None
    if not EXECUTABLE.exists():
        why_not = NOT_BUILT
    elif EXECUTABLE.stat().st_mtime < newest_source_change():
        why_not = STALE  # old code against new would measure neither
    if why_not:
        return [Row("Package size (dist/kiosk)", None, None, f"< {MAX_MB:g} MB", None, "MB",
                    note=why_not),
                Row("Frozen cold start vs source", None, None, "≤ 1.2× source", None, "ms",
                    note=why_not)]
    runs = 3 if quick else 7  # fewer than bench_startup's 21: keeps `make bench` short
    config = write_config(workdir)
    preflight(config)
    source = kiosk_command(config)
    frozen = [str(EXECUTABLE), *source[2:]]  # the same arguments, minus python and main.py
    size = disk_usage(BUNDLE)
    frozen_runs, source_runs = interleaved(frozen, source, runs, bench_env(workdir), workdir)
    return [
        limit_row("Package size (dist/kiosk)", size / 1e6, MAX_MB, "MB",
                  note=f"allocated size on disk, like du; {size / 2**20:.1f} MiB"),
        ratio_row("Frozen cold start vs source", median([r.seconds for r in frozen_runs]) * 1000,
                  median([r.seconds for r in source_runs]) * 1000, 1.2, "ms",
                  note=f"dist/kiosk/kiosk against python main.py, median of {runs} "
                       "interleaved runs each"),
    ]
