"""How long the GUI thread went without returning to its event loop, and what it was doing.

A PreciseTimer ticks every ``interval_ms``; a gap between two ticks much longer than the
interval is a stall: some task (a tap's handler, a restyle, a paint, a screen build) held
the GUI thread for about that long, and a tap landing then would have waited as long.
``mark(label)`` names the scripted step about to run, so each stall names the steps that ran
during it (or, when none started in it, the step whose aftermath it was: its deferred
layout or paint). With ``sample_stacks`` a watchdog thread takes a Python stack sample of
the GUI thread whenever a tick is more than ``sample_after_ms`` overdue.

It is a measuring instrument for the benchmarks and the slow tests, not part of the kiosk.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.bench_rows import percentile

INTERVAL_MS = 2
SAMPLE_AFTER_MS = 50.0
#: Gaps at least this long are kept with their labels (the rest only count in the p99).
KEEP_OVER_MS = 20.0
_KEEP_WORST = 20


@dataclass
class Stall:
    """One gap between ticks: its length, the steps that ran in it, a stack sample if taken."""

    ms: float
    at_s: float  # seconds after the monitor started
    labels: list[str]
    stack: list[str] = field(default_factory=list)
    #: CPU time the GUI thread itself spent in the gap: less than ``ms`` when the thread
    #: waited (for the interpreter lock, or for a core another process had).
    cpu_ms: float = 0.0
    #: The part of the gap the kiosk's process itself was running, on any of its threads
    #: (the GUI thread, or a worker holding the interpreter lock it waits for): the gap
    #: without the time other processes on the machine held every core.
    own_ms: float = 0.0

    def where(self) -> str:
        return " + ".join(dict.fromkeys(self.labels)) or "(no step)"

    def innermost(self, prefix: str = "kiosk") -> str:
        """The innermost frame of the stack sample that lies in ``prefix`` (the kiosk's own
        code), else the innermost frame at all."""
        for line in reversed(self.stack):
            if f"/{prefix}/" in line:
                return line
        return self.stack[-1] if self.stack else ""


@dataclass(frozen=True)
class LagReport:
    ticks: int
    seconds: float
    worst_ms: float  # the longest gap of all
    worst: Stall | None  # the longest gap, with its labels, if it was over KEEP_OVER_MS
    p99_ms: float
    p999_ms: float
    over: dict[float, int]  # limit (ms) -> how many gaps were longer
    stalls: list[Stall]  # the longest gaps, longest first
    #: The most CPU time the GUI thread spent in one gap: the longest task itself, without
    #: the time it waited for a core that other processes on the machine held.
    worst_cpu_ms: float = 0.0
    #: The longest stall the kiosk's process caused itself (``Stall.own_ms``): a wait for
    #: the interpreter lock counts, a wait for another process's core does not.
    worst_own_ms: float = 0.0

    def describe(self, limit: int = 5) -> str:
        lines = [f"{self.ticks} ticks over {self.seconds:.1f} s; worst gap {self.worst_ms:.1f} ms, "
                 f"p99 {self.p99_ms:.1f} ms, p99.9 {self.p999_ms:.1f} ms; "
                 + ", ".join(f"{n} over {ms:g} ms" for ms, n in self.over.items())
                 + f"; longest task {self.worst_cpu_ms:.1f} ms of GUI-thread CPU, "
                 f"longest stall of its own {self.worst_own_ms:.1f} ms"]
        for stall in self.stalls[:limit]:
            lines.append(f"  {stall.ms:7.1f} ms ({stall.cpu_ms:.1f} ms GUI CPU, {stall.own_ms:.1f}"
                         f" ms own) at {stall.at_s:6.1f} s during {stall.where()}")
            if stall.stack:
                lines.append("           in " + stall.innermost().strip().replace("\n", " | "))
        return "\n".join(lines)


class LagMonitor:
    """Start it on the GUI thread once the event loop runs; ``report()`` at the end."""

    def __init__(self, interval_ms: int = INTERVAL_MS, *, sample_stacks: bool = True,
                 sample_after_ms: float = SAMPLE_AFTER_MS,
                 limits: tuple[float, ...] = (16.7, 50.0, 100.0)) -> None:
        from PySide6.QtCore import QObject, Qt, QTimer

        self._holder = QObject()
        self._timer = QTimer(self._holder)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._sample_stacks = sample_stacks
        self._sample_after = sample_after_ms / 1000
        self._limits = limits
        self._gaps: list[float] = []
        self._kept: list[Stall] = []
        self._label = "start"
        self._started_in_gap: list[str] = []
        self._start = 0.0
        self._last = 0.0
        self._last_cpu = 0.0
        self._worst_cpu = 0.0
        self._last_process = 0.0
        self._worst_own = 0.0
        self._sample: list[str] | None = None
        self._gui_thread = threading.get_ident()
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None

    # --- the script's side -----------------------------------------------------------------
    def mark(self, label: str) -> None:
        """The step called ``label`` starts now (on the GUI thread)."""
        self._label = label
        self._started_in_gap.append(label)

    def start(self) -> None:
        self._gaps.clear()
        self._kept.clear()
        self._start = self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._worst_cpu = 0.0
        self._last_process = time.process_time()
        self._worst_own = 0.0
        self._started_in_gap = []
        self._timer.start()
        if self._sample_stacks and self._watchdog is None:
            self._stop.clear()
            self._watchdog = threading.Thread(target=self._watch, name="lag-watchdog",
                                              daemon=True)
            self._watchdog.start()

    def stop(self) -> LagReport:
        self._timer.stop()
        self._stop.set()
        if self._watchdog is not None:
            self._watchdog.join(timeout=2)
            self._watchdog = None
        return self.report()

    # --- measuring --------------------------------------------------------------------------
    def _tick(self) -> None:
        now = time.perf_counter()
        cpu = time.thread_time()
        process = time.process_time()
        gap = (now - self._last) * 1000
        cpu_gap = (cpu - self._last_cpu) * 1000
        # Two threads busy at once count twice in process time: never more than the gap.
        own_gap = min(gap, (process - self._last_process) * 1000)
        self._last = now
        self._last_cpu = cpu
        self._last_process = process
        self._worst_cpu = max(self._worst_cpu, cpu_gap)
        self._worst_own = max(self._worst_own, own_gap)
        self._gaps.append(gap)
        if gap >= KEEP_OVER_MS:
            # The steps that started during the gap; if none, the one whose aftermath it was.
            labels = self._started_in_gap or [self._label]
            stall = Stall(round(gap, 2), round(now - self._start, 2), list(labels),
                          self._sample or [], round(cpu_gap, 2), round(own_gap, 2))
            self._kept.append(stall)
            if len(self._kept) > 4 * _KEEP_WORST:
                self._kept = sorted(self._kept, key=lambda s: -s.ms)[:_KEEP_WORST]
        self._started_in_gap = []
        self._sample = None

    def _watch(self) -> None:
        """On its own thread: one stack sample of the GUI thread per overdue tick."""
        sampled_for = -1.0
        while not self._stop.wait(0.01):
            last = self._last
            if last == sampled_for or time.perf_counter() - last < self._sample_after:
                continue
            frame = sys._current_frames().get(self._gui_thread)
            if frame is not None and self._last == last:
                self._sample = traceback.format_stack(frame)
                sampled_for = last

    def report(self) -> LagReport:
        gaps = self._gaps or [0.0]
        stalls = sorted(self._kept, key=lambda s: -s.ms)[:_KEEP_WORST]
        return LagReport(
            ticks=len(self._gaps),
            seconds=round(self._last - self._start, 2),
            worst_ms=round(max(gaps), 2),
            worst=stalls[0] if stalls else None,
            p99_ms=round(percentile(gaps, 99), 2),
            p999_ms=round(percentile(gaps, 99.9), 2),
            over={ms: sum(1 for g in gaps if g > ms) for ms in self._limits},
            stalls=stalls,
            worst_cpu_ms=round(self._worst_cpu, 2),
            worst_own_ms=round(self._worst_own, 2),
        )


def stall_sites(stalls: list[Stall]) -> Counter[str]:
    """How often each step label was running during the kept stalls."""
    return Counter(stall.where() for stall in stalls)
