"""`main.py report` in text, CSV and HTML on SQLite and PostgreSQL, as a user runs it."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from report_history import NAME, PHONE, seed

from kiosk.insights.formats import CSV_COLUMNS

ROOT = Path(__file__).resolve().parents[2]


def main_py(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=120, env=env, cwd=ROOT, encoding="utf-8")


@pytest.fixture
def report_config(make_config, store_url):
    days = seed(store_url)
    return str(make_config(database={"url": store_url})), days


def test_text(report_config) -> None:
    config, _days = report_config
    done = main_py("report", "--config", config, "--days", "7")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Requests: 6; called: 3" in out
    assert "Time to first call: median 35 min, 90th percentile 90 min" in out
    assert "Reached: 33% (2 of 6)" in out
    assert "Booked: 17% (1 of 6)" in out
    assert "Overdue now: 1" in out
    lines = {" ".join(line.split()) for line in out.splitlines()}
    assert "visit 9" in lines and "section_opened aftercare 3" in lines
    assert NAME not in out and PHONE not in out and "5550101" not in out


def test_csv(report_config) -> None:
    config, days = report_config
    done = main_py("report", "--config", config, "--days", "7", "--format", "csv")
    assert done.returncode == 0, done.stderr
    reader = csv.DictReader(io.StringIO(done.stdout))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = list(reader)
    summary = {r["figure"]: r["value"] for r in rows if r["kind"] == "summary"}
    assert summary == {"requests": "6", "called": "3", "reached": "2", "scheduled": "1",
                       "share_reached": "0.3333", "share_scheduled": "0.1667",
                       "first_call_median_min": "35", "first_call_p90_min": "90",
                       "overdue_now": "1"}
    usage = {(r["kiosk_id"], r["figure"], r["key"]): r["value"] for r in rows
             if r["kind"] == "usage"}
    assert usage == {("lobby", "visit", ""): "7", ("lobby", "section_opened", "aftercare"): "3",
                     ("upstairs", "visit", ""): "2"}
    requests = {(r["day"], r["kiosk_id"]): int(r["value"]) for r in rows
                if r["kind"] == "callbacks" and r["figure"] == "requests"}
    assert sum(requests.values()) == 6 and {d for d, _k in requests} == set(days)
    histogram = {r["key"]: int(r["value"]) for r in rows if r["kind"] == "first_call_histogram"}
    assert histogram["<15 min"] == 1 and histogram["30-60 min"] == 1 and histogram["1-2 h"] == 1
    assert sum(histogram.values()) == 3
    assert NAME not in done.stdout and PHONE not in done.stdout


def test_html_is_one_self_contained_page_with_two_charts(report_config) -> None:
    config, days = report_config
    done = main_py("report", "--config", config, "--days", "7", "--format", "html")
    assert done.returncode == 0, done.stderr
    page = done.stdout
    assert page.startswith("<!DOCTYPE html>")
    for outside in ("<script", "<link", "src=", "href=", "url("):
        assert outside not in page
    svgs = [ET.fromstring(part[:part.index("</svg>") + 6])
            for part in ("<svg" + p for p in page.split("<svg")[1:])]
    assert len(svgs) == 2
    ns = "{http://www.w3.org/2000/svg}"
    per_day = svgs[0].findall(f"{ns}rect")
    assert len(per_day) == 7  # one bar per day, empty days included
    heights = {r.find(f"{ns}title").text.split(": ")[0]: float(r.get("height"))
               for r in per_day}
    assert max(heights, key=heights.get) == max(days, key=days.count)[5:]
    assert sum(1 for h in heights.values() if h > 0) == len(set(days))
    bins = {r.find(f"{ns}title").text for r in svgs[1].findall(f"{ns}rect")}
    assert {"<15 min: 1", "30-60 min: 1", "1-2 h: 1", "2 d+: 0"} <= bins
    assert NAME not in page and PHONE not in page


def test_bad_arguments_and_an_unreachable_database(make_config, tmp_path) -> None:
    config = str(make_config())
    done = main_py("report", "--config", config, "--days", "0")
    assert done.returncode == 2 and "--days must be 1 to" in done.stderr
    done = main_py("report", "--config", config, "--format", "pdf")
    assert done.returncode == 2 and "invalid choice: 'pdf'" in done.stderr
    away = str(make_config(database={"url": "postgresql://kiosk@127.0.0.1:9/none"}))
    done = main_py("report", "--config", away)
    assert done.returncode == 1 and done.stderr.startswith("Cannot read the queue database:")
