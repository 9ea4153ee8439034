"""PySide6's classes made ahead, a turn's budget at a time (kiosk/shell/ui/qt_classes.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.shell.ui.qt_classes import QtClasses

ROOT = Path(__file__).resolve().parents[3]

# A fresh interpreter (this one has made most classes already): how many enum types the
# first wrap of an object of a Qt-private class makes, as a Python event filter meets one,
# with the kiosk's warm-up first or without it.
WALK = '''
import enum, json, sys, time
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QTextEdit
from kiosk.shell.ui.qt_classes import QtClasses
app = QApplication([])
if sys.argv[1] == "warm":
    QtClasses().make_all()
made = []
real_new = enum.EnumType.__new__
def counting(mcls, *args, **kwargs):
    made.append(args[0])
    return real_new(mcls, *args, **kwargs)
enum.EnumType.__new__ = counting
view = QTextEdit()
began = time.perf_counter()
kinds = [type(child).__name__ for child in QObject.children(view)]
print(json.dumps({"enums": len(made), "ms": (time.perf_counter() - began) * 1000,
                  "kinds": kinds}))
'''


def _first_walk(mode: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", WALK, mode], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_after_the_warm_up_a_private_qt_object_costs_no_new_classes() -> None:
    cold = _first_walk("cold")
    warm = _first_walk("warm")
    # The text view's children include Qt's private text control, wrapped as a QObject.
    assert "QObject" in cold["kinds"]
    assert cold["enums"] > 20, cold  # what a build step used to pay (84 enums, 50 ms here)
    assert warm["enums"] == 0, warm


def test_each_turn_stops_at_its_budget_and_says_when_all_are_made() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 0.001  # every look at the clock: a millisecond later
        return now[0]

    classes = QtClasses(("PySide6.QtCore",), budget_s=0.005, clock=clock)
    turns = 0
    while classes.make_some():
        turns += 1
        assert turns < 1000
    import PySide6.QtCore as core

    names = [name for name in dir(core) if name.startswith("Q")]
    # About four classes a turn: the budget, not the module, decides a turn's length.
    assert turns >= len(names) // 5
    assert not classes.make_some()  # finished stays finished


@pytest.mark.parametrize("modules", [(), ("PySide6.QtCore",)])
def test_make_all_leaves_nothing(modules) -> None:
    classes = QtClasses(modules)
    classes.make_all()
    assert not classes.make_some()
