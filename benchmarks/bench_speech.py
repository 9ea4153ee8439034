"""The GUI thread while the kiosk builds its screens after the first frame, with
speech-dispatcher installed and running (a private one playing into a null sink), against
the same kiosk with speech off (``speech_engine = "none"``) in the same run.

Opening Qt's ``speechd`` engine costs 1.2-6 s; when the first section was built on the GUI
thread it opened there, and every tap waited. Each run is a fresh kiosk process: a
``LagMonitor`` starts at the first paint and stops once the deferred build is done, the
queue (opened after it) has answered and the speaker has its answer (available or not),
plus a second. As main.py, the script collects no garbage until start-up is over.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row
from benchmarks.bench_startup import ROOT, bench_env, preflight, write_config

LIMIT_MS = 50.0
NOT_INSTALLED = ("not measured: speech-dispatcher, PulseAudio or parec is missing "
                 "(tools/system-deps.sh installs them)")
SETTLE_CAP_S = 25.0

SCRIPT = '''\
import gc, json, os, sys, time
gc.disable()  # as main.py: no collections while the kiosk starts
sys.path.insert(0, os.environ["KIOSK_ROOT"])
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([sys.argv[0]])
from benchmarks.lag_monitor import LagMonitor
from kiosk.app import build_kiosk
from kiosk.cli import collect_garbage_again, when_started
from kiosk.shell.ui.first_frame import after_first_paint
from kiosk.shell.ui.speech import Speaker

window = build_kiosk(sys.argv[1], windowed=True)
when_started(window, collect_garbage_again)  # as kiosk.cli
started = []
when_started(window, lambda: started.append(time.monotonic()))  # the queue opens after the build
monitor = LagMonitor(sample_stacks=True)
began = [0.0]
answered = [None]

def poll():
    # QObject.findChild: the window's own would build every screen at once.
    speaker = QObject.findChild(window, Speaker)
    now = time.monotonic()
    if answered[0] is None and speaker is not None and speaker.state() != "unknown":
        answered[0] = now
    if (answered[0] is not None and started and now - max(answered[0], started[0]) > 1.0
            or now - began[0] > {cap}):
        report = monitor.stop()
        worst = report.worst
        where = worst.innermost().strip().splitlines()[0] if worst and worst.stack else ""
        print(json.dumps({"worst_ms": report.worst_ms, "over_50": report.over[50.0],
                          "speech": speaker.state() if speaker is not None else "none built",
                          "where": where,
                          "answered_s": round(answered[0] - began[0], 2) if answered[0] else None}))
        sys.stdout.flush()
        app.quit()
        return
    QTimer.singleShot(100, window, poll)

def begin():
    began[0] = time.monotonic()
    monitor.start()
    QTimer.singleShot(100, window, poll)

after_first_paint(window, begin)
window.resize(1280, 800)
window.show()
app.exec()
'''.replace("{cap}", str(SETTLE_CAP_S))


# The speaker alone in a bare window, as the first section's build makes it (and asks
# available(), as the section does), so nothing but speech runs on the GUI thread.
BARE_SCRIPT = '''\
import json, os, sys, time
sys.path.insert(0, os.environ["KIOSK_ROOT"])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([sys.argv[0]])
from benchmarks.lag_monitor import LagMonitor
from kiosk.shell.ui.speech import Speaker

window = QWidget()
window.resize(400, 300)
window.show()
monitor = LagMonitor(sample_stacks=True)
state = {}

def poll():
    now = time.monotonic()
    speaker = state["speaker"]
    if "answered" not in state and speaker.state() != "unknown":
        state["answered"] = now
    if ("answered" in state and now - state["answered"] > 1.0) or now - state["began"] > CAP:
        report = monitor.stop()
        print(json.dumps({"worst_ms": report.worst_ms, "over_50": report.over[50.0],
                          "speech": speaker.state(), "where": "",
                          "answered_s": round(state.get("answered", now) - state["began"], 2)}))
        sys.stdout.flush()
        app.quit()
        return
    QTimer.singleShot(100, window, poll)

def begin():
    monitor.start()
    state["began"] = time.monotonic()
    state["speaker"] = Speaker(sys.argv[1], window)
    state["speaker"].available()
    QTimer.singleShot(100, window, poll)

QTimer.singleShot(200, window, begin)
app.exec()
'''.replace("CAP", str(SETTLE_CAP_S))


def _config(workdir: Path, engine: str) -> Path:
    base = write_config(workdir)
    text = base.read_text(encoding="utf-8")
    if "speech_engine" in text:
        import re

        text = re.sub(r"^speech_engine\s*=.*$", f'speech_engine = "{engine}"', text, flags=re.M)
    else:
        text = text.replace("[kiosk]", f'[kiosk]\nspeech_engine = "{engine}"', 1)
    path = workdir / f"bench-speech-{engine}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def measure(config: Path | str, env: dict[str, str], script: Path, root: Path = ROOT) -> dict:
    """One fresh kiosk (from ``root``'s code) through its deferred build; for the bare
    script ``config`` is the engine's name."""
    done = subprocess.run([sys.executable, str(script), str(config)], cwd=root,
                          env=dict(env, KIOSK_ROOT=str(root)), capture_output=True, text=True,
                          timeout=SETTLE_CAP_S + 60, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the kiosk run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])


def run(quick: bool, workdir: Path) -> list[Row]:
    from benchmarks.speech_servers import missing_tools, speech_server

    missing = missing_tools()
    if missing:
        return [Row("GUI stall in the deferred build, speech-dispatcher running", None, None,
                    f"< {LIMIT_MS:g} ms", None, "ms",
                    note=NOT_INSTALLED)]
    runs = 1 if quick else 3
    script = workdir / "deferred_build.py"
    script.write_text(SCRIPT, encoding="utf-8")
    configs = {engine: _config(workdir, engine) for engine in ("none", "speechd")}
    preflight(configs["speechd"])
    bare = workdir / "bare_speaker.py"
    bare.write_text(BARE_SCRIPT, encoding="utf-8")
    results: dict[str, list[dict]] = {"none": [], "speechd": []}
    alone: dict[str, list[dict]] = {"none": [], "speechd": []}
    with speech_server() as server:
        env = dict(bench_env(workdir), SPEECHD_ADDRESS=server.address)
        for i in range(runs):
            order = ("none", "speechd") if i % 2 == 0 else ("speechd", "none")
            for engine in order:
                results[engine].append(measure(configs[engine], env, script))
                alone[engine].append(measure(engine, env, bare))
    worst = max(r["worst_ms"] for r in results["speechd"])
    baseline = max(r["worst_ms"] for r in results["none"])
    states = sorted({r["speech"] for r in results["speechd"]})
    answered = [r["answered_s"] for r in results["speechd"] if r["answered_s"] is not None]
    where = max(results["speechd"], key=lambda r: r["worst_ms"])["where"]
    note = (f"worst of {runs} fresh kiosks each; speech {'/'.join(states)}"
            + (f", engine answered after {max(answered):.1f} s" if answered else "")
            + f"; baseline speech_engine = \"none\"; worst gap in: {where or 'no sample'}")
    alone_worst = max(r["worst_ms"] for r in alone["speechd"])
    alone_base = max(r["worst_ms"] for r in alone["none"])
    alone_states = "/".join(sorted({r["speech"] for r in alone["speechd"]}))
    return [limit_row("GUI stall in the deferred build, speech-dispatcher running", worst,
                      LIMIT_MS, "ms", baseline=baseline, note=note),
            limit_row("GUI stall while the speaker opens speechd, nothing else running",
                      alone_worst, LIMIT_MS, "ms", baseline=alone_base,
                      note=f"worst of {runs} fresh processes (a bare window and the speaker, "
                           f"until it answered and 1 s more); speech {alone_states}; "
                           f"baseline Speaker(\"none\")")]


if __name__ == "__main__":  # python -m benchmarks.bench_speech [ROOT]: one pair, printed
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-speech-") as tmp:
        for row in run(True, Path(tmp)):
            print(row)
