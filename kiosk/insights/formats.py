"""`kiosk report` as plain text, CSV (columns documented in docs/deploy.md) or one HTML page.

Qt-free. The HTML page is self-contained: its two charts (requests per day, time to first
call) are inline SVG, its style inline; it loads nothing.
"""

from __future__ import annotations

import csv
import io
from html import escape

from kiosk.callback_queue.usage import DayFigures
from kiosk.insights.report import Report, percentile

#: The CSV's columns, in order (docs/deploy.md describes them).
CSV_COLUMNS = ("kind", "day", "kiosk_id", "figure", "key", "value")
FORMATS = ("text", "csv", "html")


def minutes_text(value: int | None) -> str:
    if value is None:
        return "-"
    if value < 120:
        return f"{value} min"
    if value < 2880:
        return f"{value / 60:.1f} h"
    return f"{value / 1440:.1f} d"


def percent_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _period(report: Report) -> str:
    days = len(report.day_list)
    return (f"{report.first_day} to {report.last_day} ({days} day{'s' * (days != 1)}, "
            f"clinic time: {report.time_zone})")


def _summary_lines(report: Report) -> list[str]:
    t = report.totals
    return [
        f"Requests: {t.requests}; called: {t.called}",
        f"Time to first call: median {minutes_text(report.median_first_call_min)}, "
        f"90th percentile {minutes_text(report.p90_first_call_min)}",
        f"Reached: {percent_text(report.share_reached)} ({t.reached} of {t.requests})",
        f"Booked: {percent_text(report.share_scheduled)} ({t.scheduled} of {t.requests})",
        f"Overdue now: {report.overdue}: {report.overdue_rule}",
    ]


def render_text(report: Report) -> str:
    lines = [f"Kiosk report: {_period(report)}", ""]
    lines += ["Callback requests"]
    lines += [f"  {line}" for line in _summary_lines(report)]
    lines += ["", "  day         kiosk             requests  called  reached  booked  "
                  "first call (median)"]
    for f in report.days:
        lines.append(f"  {f.day}  {f.kiosk_id[:16]:<16}  {f.requests:>8}  {f.called:>6}  "
                     f"{f.reached:>7}  {f.scheduled:>6}  "
                     f"{minutes_text(_median(f))}")
    if not report.days:
        lines.append("  (no requests in this period)")
    lines += ["", "Visitors (anonymous counts, every kiosk)"]
    totals = report.count_totals()
    for counter, key, n in totals:
        lines.append(f"  {counter:<18} {key:<28} {n:>8}")
    if not totals:
        lines.append("  (nothing counted in this period)")
    return "\n".join(lines) + "\n"


def _median(figures: DayFigures) -> int | None:
    return percentile(figures.first_call_min, 50)


def render_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in report.counts:
        writer.writerow(("usage", c.day, c.kiosk_id, c.counter, c.key, c.n))
    for f in report.days:
        for figure in ("requests", "called", "reached", "scheduled"):
            writer.writerow(("callbacks", f.day, f.kiosk_id, figure, "", getattr(f, figure)))
        for figure, p in (("first_call_median_min", 50), ("first_call_p90_min", 90)):
            value = percentile(f.first_call_min, p)
            writer.writerow(("callbacks", f.day, f.kiosk_id, figure, "",
                             "" if value is None else value))
    t = report.totals
    summary = [
        ("requests", "", t.requests), ("called", "", t.called), ("reached", "", t.reached),
        ("scheduled", "", t.scheduled),
        ("share_reached", "", _ratio(report.share_reached)),
        ("share_scheduled", "", _ratio(report.share_scheduled)),
        ("first_call_median_min", "", _blank(report.median_first_call_min)),
        ("first_call_p90_min", "", _blank(report.p90_first_call_min)),
        ("overdue_now", "", report.overdue),
    ]
    period = f"{report.first_day}/{report.last_day}"
    for figure, key, value in summary:
        writer.writerow(("summary", period, "", figure, key, value))
    for label, n in report.first_call_bins():
        writer.writerow(("first_call_histogram", period, "", "requests", label, n))
    return out.getvalue()


def _blank(value: int | None) -> object:
    return "" if value is None else value


# --- HTML ------------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2b36;background:#fff;max-width:60rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse}td,th{padding:.25rem .75rem;border-bottom:1px solid #d5dde3;
text-align:right}td:first-child,th:first-child,td.l,th.l{text-align:left}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:1rem}
.figure{border:1px solid #d5dde3;border-radius:8px;padding:.75rem}
.figure b{display:block;font-size:1.6rem}svg{max-width:100%;height:auto}
"""


def svg_bars(title: str, bars: list[tuple[str, int]], *, width: int = 720, height: int = 260,
             colour: str = "#1f6f8b", label_every: int = 1) -> str:
    """An inline SVG bar chart: one bar per (label, value), its value above it."""
    left, right, top, bottom = 36, 12, 44, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for _l, v in bars), default=0) or 1
    step = plot_w / max(len(bars), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}"'
             f' width="{width}" height="{height}" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>",
             f'<text x="{left}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"'
             ' stroke="#8a99a6"/>',
             f'<text x="{left - 6}" y="{top + 4}" font-size="11" text-anchor="end">{peak}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" font-size="11" text-anchor="end">0</text>']
    for i, (label, value) in enumerate(bars):
        bar_h = plot_h * value / peak
        x = left + i * step + step * 0.15
        w = step * 0.7
        y = top + plot_h - bar_h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h:.1f}"'
                     f' fill="{colour}"><title>{escape(label)}: {value}</title></rect>')
        if value:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{y - 4:.1f}" font-size="11"'
                         f' text-anchor="middle">{value}</text>')
        if i % label_every == 0:
            lx, ly = x + w / 2, top + plot_h + 14
            parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" text-anchor="end"'
                         f' transform="rotate(-35 {lx:.1f} {ly:.1f})">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: Report, clinic_name: str = "") -> str:
    t = report.totals
    per_day = report.requests_per_day()
    every = max(1, len(per_day) // 16)
    figures = [
        ("Requests", str(t.requests)),
        ("Median time to first call", minutes_text(report.median_first_call_min)),
        ("90th percentile", minutes_text(report.p90_first_call_min)),
        ("Reached", f"{percent_text(report.share_reached)} ({t.reached})"),
        ("Booked", f"{percent_text(report.share_scheduled)} ({t.scheduled})"),
        ("Overdue now", str(report.overdue)),
    ]
    title = f"{clinic_name} kiosk report" if clinic_name else "Kiosk report"
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
           f"<h1>{escape(title)}</h1><p>{escape(_period(report))}</p>",
           '<div class="figures">']
    out += [f'<div class="figure">{escape(name)}<b>{escape(value)}</b></div>'
            for name, value in figures]
    out += ["</div>", f"<p>Overdue now counts {escape(report.overdue_rule)}.</p>",
            "<h2>Requests per day</h2>",
            svg_bars("Requests per day", [(d[5:], n) for d, n in per_day], label_every=every),
            "<h2>Time from request to first call</h2>",
            svg_bars("Requests by time to first call", report.first_call_bins(),
                     colour="#b3541e"),
            "<h2>Requests by day and kiosk</h2><table><tr><th>Day</th><th class=l>Kiosk</th>"
            "<th>Requests</th><th>Called</th><th>Reached</th><th>Booked</th>"
            "<th>First call (median)</th></tr>"]
    for f in report.days:
        out.append(f"<tr><td>{f.day}</td><td class=l>{escape(f.kiosk_id)}</td>"
                   f"<td>{f.requests}</td><td>{f.called}</td><td>{f.reached}</td>"
                   f"<td>{f.scheduled}</td><td>{minutes_text(_median(f))}</td></tr>")
    out.append("</table><h2>Visitors (anonymous counts, every kiosk)</h2>"
               "<table><tr><th>Counter</th><th class=l>Key</th><th>Count</th></tr>")
    for counter, key, n in report.count_totals():
        out.append(f"<tr><td>{escape(counter)}</td><td class=l>{escape(key)}</td>"
                   f"<td>{n}</td></tr>")
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"


def render(report: Report, fmt: str, clinic_name: str = "") -> str:
    if fmt == "text":
        return render_text(report)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "html":
        return render_html(report, clinic_name)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
