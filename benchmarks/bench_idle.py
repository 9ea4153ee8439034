"""Idle CPU on Home: the kiosk and a bare window left alone side by side, CPU read from /proc."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row
from benchmarks.bench_startup import (
    ROOT,
    bare_command,
    bare_window_script,
    bench_env,
    check_kiosk_started,
    kiosk_command,
    preflight,
    write_config,
)

SETTLE_S = 3.0
# Start-up work (the queue opens on a worker thread after the first frame) must not count as
# idle: after SETTLE_S, wait until the kiosk has used no CPU for a whole QUIET_S, or give up
# waiting after MAX_SETTLE_S and measure anyway.
QUIET_S = 1.0
MAX_SETTLE_S = 15.0
_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc/<pid>/stat (fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _settle(pid: int, launched: float) -> tuple[float, bool]:
    """Seconds from launch until ``pid`` went a whole QUIET_S without using CPU, and
    whether it did so before MAX_SETTLE_S."""
    while time.monotonic() - launched < MAX_SETTLE_S:
        before = cpu_seconds(pid)
        time.sleep(QUIET_S)
        if cpu_seconds(pid) == before:
            return time.monotonic() - launched, True
    return time.monotonic() - launched, False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(quick: bool, workdir: Path) -> list[Row]:
    idle_s = 3.0 if quick else 30.0
    env = bench_env(workdir)
    config = write_config(workdir)
    preflight(config)
    procs: list[subprocess.Popen[bytes]] = []
    launched = time.monotonic()
    commands = {"kiosk": kiosk_command(config, quit_after_first_frame=False),
                "bare": bare_command(bare_window_script(workdir), stay=True)}
    try:
        for name, command in commands.items():
            with open(workdir / f"{name}-stderr.txt", "wb") as err:
                procs.append(subprocess.Popen(command, env=env, cwd=ROOT,
                                              stdin=subprocess.DEVNULL,
                                              stdout=subprocess.DEVNULL, stderr=err))
        time.sleep(SETTLE_S)
        check_kiosk_started((workdir / "kiosk-stderr.txt").read_text(errors="replace"))
        settled_after, quiet = _settle(procs[0].pid, launched)
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args} exited {proc.returncode} before the idle test")
        start = time.monotonic()
        before = [cpu_seconds(p.pid) for p in procs]
        time.sleep(idle_s)
        after = [cpu_seconds(p.pid) for p in procs]
        elapsed = time.monotonic() - start
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args} exited {proc.returncode} while idle")
    finally:
        for proc in procs:
            _stop(proc)
    kiosk, bare = ((a - b) / elapsed * 100 for a, b in zip(after, before, strict=True))
    if elapsed > idle_s * 1.2:  # e.g. the machine stalled under memory pressure meanwhile
        why = f"WARNING: a {idle_s:g} s sleep took {elapsed:.0f} s (the machine stalled); rerun"
    elif quiet:
        why = f"once the kiosk had used no CPU for {QUIET_S:g} s"
    else:
        why = f"the kiosk never went {QUIET_S:g} s without CPU use; measured anyway"
    how = (f"utime+stime over {elapsed:.0f} s without input, starting {settled_after:.1f} s "
           f"after launch, {why}; bare window idle at the same time; "
           f"resolution {100 / _TICKS / elapsed:.3f} % core")
    return [limit_row("Idle CPU on Home", kiosk, 1.0, "% core", baseline=bare, note=how)]
