"""`make bench`: runs every benchmark, prints one table and writes benchmarks/results/latest.json.

Each row compares the kiosk with a baseline measured side by side in the same run, or with
an absolute target; nothing here asserts, so a slow machine gives a worse table, not a
failure. The exit status is non-zero only when a benchmark could not run at all.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import (
    bench_attract,
    bench_content,
    bench_counts,
    bench_delivery,
    bench_heartbeat,
    bench_idle,
    bench_interactions,
    bench_memory,
    bench_package,
    bench_queue,
    bench_session,
    bench_speech,
    bench_staff,
    bench_startup,
    bench_ui,
)
from benchmarks.bench_rows import Row, failed_note, format_table

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"

# Cheap ones first so a broken checkout fails fast; the bundle last, it is often absent.
BENCHMARKS: dict[str, Callable[[bool, Path], list[Row]]] = {
    "content": bench_content.run,
    "queue": bench_queue.run,
    "heartbeat": bench_heartbeat.run,
    "counts": bench_counts.run,
    "delivery": bench_delivery.run,
    "staff": bench_staff.run,
    "ui": bench_ui.run,
    "interactions": bench_interactions.run,
    "startup": bench_startup.run,
    "idle": bench_idle.run,
    "attract": bench_attract.run,
    "memory": bench_memory.run,
    "speech": bench_speech.run,
    # The one long row: a 10-minute patient session (20 s with --quick).
    "session": bench_session.run,
    "package": bench_package.run,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="few repetitions, a 3 s idle test, a 20 s patient session (not"
                             " 10 min): a smoke run, not a measurement")
    parser.add_argument("--json", type=Path, default=RESULTS, metavar="PATH",
                        help=f"where to write the results (default {RESULTS})")
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), metavar="NAME",
                        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}")
    return parser


def _machine() -> dict[str, object]:
    from importlib.metadata import version

    return {"python": platform.python_version(), "pyside6": version("PySide6-Essentials"),
            "cpus": os.cpu_count(), "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    chosen = args.only or list(BENCHMARKS)
    rows: list[Row] = []
    seconds: dict[str, float] = {}
    failed = False
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        for name in chosen:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            workdir = Path(tmp) / name
            workdir.mkdir()
            start = time.perf_counter()
            try:
                rows += BENCHMARKS[name](args.quick, workdir)
            except Exception as exc:
                failed = True
                traceback.print_exc()
                rows.append(Row(f"{name} benchmark", None, None, "—", None,
                                note=failed_note(exc)))
            seconds[name] = round(time.perf_counter() - start, 1)
    total = sum(seconds.values())
    machine = _machine()  # after the run: the load average covers it
    mode = "quick smoke run (not a measurement)" if args.quick else "full run"
    print(f"\nKiosk benchmarks, {mode}: {machine['cpus']} CPUs, Python {machine['python']}, "
          f"PySide6 {machine['pyside6']}, {total:.0f} s "
          f"({', '.join(f'{k} {v:g} s' for k, v in seconds.items())})")
    print("load average 1/5/15 min: " + " ".join(f"{x:.2f}" for x in machine["load_average"])
          + " (other work on the machine skews timings; ratios to the side-by-side baselines"
          " less so)\n")
    print(format_table(rows))
    misses = [r.metric for r in rows if r.ok is False]
    print(f"\n{len(rows)} rows; {len(misses)} miss their target"
          + (f": {', '.join(misses)}" if misses else ""))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "started": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine,
        "seconds": seconds,
        "rows": [r.as_dict() for r in rows],
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results written to {args.json}")
    return 1 if failed or any(row.failed for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
