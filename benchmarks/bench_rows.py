"""The row every benchmark returns, the statistics they share, and the table `make bench` prints."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass

MISSES = "MISSES target"
MEETS = "meets"
FAILED = "FAILED: "


@dataclass(frozen=True)
class Row:
    """One measured figure, with its side-by-side baseline (if any) and its target.

    ``ok`` is None for rows that have no target (context only) or could not be measured;
    ``value`` is None only when the thing to measure does not exist yet, and ``note`` says why.
    """

    metric: str
    value: float | None
    baseline: float | None
    target: str
    ok: bool | None
    unit: str = ""
    ratio: float | None = None
    note: str = ""

    @property
    def failed(self) -> bool:
        return self.value is None and self.note.startswith(FAILED)

    @property
    def verdict(self) -> str:
        if self.failed:
            return "FAILED"
        if self.value is None:
            return "not measured"
        if self.ok is None:
            return "context"
        return MEETS if self.ok else MISSES

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "verdict": self.verdict}


def failed_note(exc: BaseException) -> str:
    return f"{FAILED}{type(exc).__name__}: {exc}".splitlines()[0]


def ratio_row(metric: str, value: float, baseline: float, max_ratio: float, unit: str,
              note: str = "") -> Row:
    """A row whose target is a ratio to the baseline measured in the same run."""
    ratio = value / baseline if baseline > 0 else math.inf
    return Row(metric, value, baseline, f"≤ {max_ratio:g}× baseline", ratio <= max_ratio,
               unit, ratio, note)


def limit_row(metric: str, value: float, limit: float, unit: str, *, baseline: float | None = None,
              inclusive: bool = False, note: str = "") -> Row:
    """A row whose target is an absolute limit; a baseline, when given, is context."""
    ok = value <= limit if inclusive else value < limit
    ratio = value / baseline if baseline else None
    sign = "≤" if inclusive else "<"
    return Row(metric, value, baseline, f"{sign} {limit:g} {unit}".rstrip(), ok, unit, ratio,
               note)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was really observed, never an interpolation."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".rstrip()


def _ratio_or_target(row: Row) -> str:
    if row.ratio is None:
        return row.target
    return f"{row.ratio:.2f}× ({row.target})"


def format_table(rows: Sequence[Row]) -> str:
    """A plain-text table: metric, kiosk value, baseline, ratio or target, verdict; notes below."""
    header = ("metric", "kiosk", "baseline", "ratio / target", "verdict")
    cells = [
        (
            row.metric,
            row.note if row.value is None else _number(row.value, row.unit),
            _number(row.baseline, row.unit),
            _ratio_or_target(row),
            row.verdict,
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in (header, *cells)) for i in range(len(header))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths]), *(line(c) for c in cells)]
    notes = [(i, row.note) for i, row in enumerate(rows, 1) if row.note and row.value is not None]
    if notes:
        out.append("")
        out += [f"  [{rows[i - 1].metric}] {note}" for i, note in notes]
    return "\n".join(out)
