"""What a screen reader finds: roles, names, a section's text and the best-time radio group,
through QAccessible offscreen, and once through AT-SPI under Xvfb as Orca would."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QWidget
from real_parts import needs

from kiosk.consult.ui.form import TIME_CHOICES

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
Role = QAccessible.Role
Name = QAccessible.Text.Name


def accessible(widget: QWidget):
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None and interface.isValid()
    return interface


def test_a_section_is_readable_text_with_its_headings_and_list_items(qtbot, kiosk):
    kiosk.show_screen("section-aftercare")
    body = kiosk.screens["section-aftercare"].findChild(QWidget, "section-body")
    node = accessible(body)
    assert node.role() == Role.StaticText and node.state().readOnly
    assert node.text(Name) == "What should I do after treatment?"  # not the whole section
    text = node.textInterface()
    assert text is not None
    lines = text.text(0, text.characterCount()).split("\n")
    # Headings and list items are lines of their own, without Markdown's markers.
    assert "Drink more water" in lines and "Take a hot soak" in lines
    assert "Massage the area." in lines and "Use a heating pad or ice." in lines
    assert not any(line.startswith(("#", "- ", "**")) for line in lines)


def test_the_best_times_are_one_exclusive_radio_group(qtbot, kiosk):
    kiosk.show_screen("consult")
    form = kiosk.screens["consult"]
    group = accessible(form.findChild(QWidget, "consult-times"))
    assert group.role() == Role.Grouping and group.text(Name) == "Best time to call"
    radios = [group.child(i) for i in range(group.childCount())]
    assert [r.role() for r in radios] == [Role.RadioButton] * len(TIME_CHOICES)
    assert [r.text(Name) for r in radios] == ["Morning", "Afternoon", "Evening", "Any time"]
    qtbot.mouseClick(form.findChild(QWidget, "consult-time-evening"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.findChild(QWidget, "consult-time-morning"), Qt.MouseButton.LeftButton)
    assert [r.state().checked for r in radios] == [1, 0, 0, 0]  # exclusive
    assert form.best_time() == "morning"


def test_the_current_error_is_the_error_labels_name(qtbot, kiosk):
    kiosk.show_screen("consult")
    form = kiosk.screens["consult"]
    assert accessible(form.error).text(Name) == "Error"
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    node = accessible(form.error)
    assert node.text(Name) == "Please enter your name."
    assert node.text(QAccessible.Text.Description) == "Please enter your name."


def test_the_staff_trigger_is_not_a_button_named_after_the_clinic(qtbot, kiosk):
    trigger = accessible(kiosk.findChild(QWidget, "staff-trigger"))
    assert trigger.text(Name) != "Test Clinic"
    assert trigger.text(Name) == "Staff only: press and hold"
    assert not kiosk.findChild(QWidget, "staff-trigger").focusPolicy() & Qt.FocusPolicy.TabFocus


def test_the_application_has_the_clinic_kiosks_name(qtbot, kiosk):
    app = accessible(QApplication.instance())
    assert app.role() == Role.Application
    assert app.text(Name) == "Test Clinic"
    assert QApplication.applicationDisplayName() == "Test Clinic"


def test_speech_controls_are_named_icon_buttons_of_touch_size(qtbot, kiosk):
    kiosk.ensure_built()
    qtbot.waitUntil(kiosk.speaker.available, timeout=5000)
    kiosk.toggle_speech_mode()
    QApplication.processEvents()
    for name, label in [("speech-mode", "Speech"), ("speech-louder", "Speak louder"),
                        ("speech-softer", "Speak softer"), ("speech-slower", "Speak slower"),
                        ("speech-faster", "Speak faster")]:
        button = kiosk.findChild(QWidget, name)
        assert button.isVisible(), name
        assert accessible(button).text(Name) == label
        assert button.width() >= 64 and button.height() >= 64, name


@pytest.mark.slow
@needs(None if shutil.which("Xvfb") and shutil.which("dbus-run-session")
       and Path("/usr/lib/python3/dist-packages/pyatspi").exists()
       else "needs xvfb, dbus and python3-pyatspi (tools/system-deps.sh)")
def test_orca_sees_the_name_a_section_and_the_radio_group_over_atspi(make_config, tmp_path):
    config = make_config(kiosk={"speech_engine": "none"})
    result = subprocess.run(
        ["dbus-run-session", "--", "/usr/bin/python3", str(HERE / "atspi_walk.py"),
         sys.executable, str(REPO), str(config)],
        capture_output=True, text=True, timeout=180, cwd=tmp_path)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "error" not in report, report
    assert report["application"] == "Test Clinic"
    nodes = report["nodes"]
    sections = [n for n in nodes if n["name"] == "What should I do after treatment?"
                and "text" in n]
    assert sections and "Drink more water\nDrink more water than usual" in sections[0]["text"]
    radios = [n["name"] for n in nodes if n["role"] == "radio button"]
    assert radios[:4] == ["Morning", "Afternoon", "Evening", "Any time"]
    assert not [n for n in nodes if n["role"] == "push button" and n["name"] == "Test Clinic"]
