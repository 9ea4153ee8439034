"""The clinic's opening hours in its own time zone: parsed from ``[clinic] hours``, DST-correct.

Qt-free. Hours are wall-clock hours: "mon-fri 08:00-18:00" means 08:00 on the clinic's
clocks, in winter and in summer alike. A moment is open when the clinic's clock, at that
moment, shows a day and time inside one of the entries (start included, end excluded).

``is_open(at)`` answers for one moment (the attract screen goes dark outside hours);
``next_opening(at)`` is the first moment at or after ``at`` when the clinic is open;
``open_periods(start)`` lists the open stretches as exact instants, which is what the
business-minutes arithmetic in ``kiosk.callback_queue.deadlines`` walks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: What ``[clinic] hours`` holds when the file does not say.
DEFAULT_HOURS = ("mon-fri 09:00-17:00",)
_ENTRY = re.compile(r"\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?"  # mon, or mon-fri
                    r"\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")  # 08:00-18:00
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)


class HoursError(ValueError):
    """An opening-hours entry (or time zone) that cannot be read; the message says why."""


def machine_time_zone_name() -> str:
    """The IANA name of this computer's time zone ("UTC" when it cannot be told)."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # noqa: BLE001 - any failure means "we cannot tell"
        name = None
    return name or "UTC"


def load_time_zone(name: str) -> ZoneInfo:
    """``name`` as a zone ("" is the machine's); HoursError naming the problem otherwise."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # a lookup's cost, paid when asked

    name = name.strip() or machine_time_zone_name()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise HoursError(
            f'"{name}" is not a time zone name this computer knows; use an IANA name such as '
            '"America/New_York", "America/Chicago", "Europe/Madrid" or "UTC"') from None


def parse_entry(entry: str) -> tuple[tuple[int, ...], int, int]:
    """``"mon-fri 08:00-18:00"`` → ((0, 1, 2, 3, 4), 480, 1080): weekdays and minutes."""
    if not isinstance(entry, str):
        raise HoursError(f"{entry!r} is not text; write each entry in quotes, "
                         'e.g. "mon-fri 08:00-18:00"')
    match = _ENTRY.fullmatch(entry.lower())
    if match is None:
        raise HoursError(f'"{entry}" is not of the form "DAYS HH:MM-HH:MM", '
                         'e.g. "mon-fri 08:00-18:00" or "sat 09:00-12:00"')
    first, last, h1, m1, h2, m2 = match.groups()
    for day in (first, last):
        if day is not None and day not in DAYS:
            raise HoursError(f'"{entry}": "{day}" is not a day; use mon, tue, wed, thu, fri, '
                             "sat or sun")
    start_day = DAYS.index(first)
    end_day = DAYS.index(last) if last else start_day
    # A range may run over the weekend ("sun-thu"): it goes on from sun to mon.
    days = tuple((start_day + i) % 7 for i in range((end_day - start_day) % 7 + 1))
    start = _minutes(entry, int(h1), int(m1))
    end = _minutes(entry, int(h2), int(m2))
    if end <= start:
        raise HoursError(f'"{entry}": the closing time must be after the opening time on the '
                         'same day (an overnight span is two entries, e.g. "fri 20:00-24:00" '
                         'and "sat 00:00-02:00")')
    return days, start, end


def _minutes(entry: str, hour: int, minute: int) -> int:
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise HoursError(f'"{entry}": {hour:02d}:{minute:02d} is not a time of day '
                         "(00:00 to 24:00)")
    return hour * 60 + minute


class OpeningHours:
    """When the clinic is open, as wall-clock spans per weekday in one time zone."""

    __slots__ = ("_spans", "tz", "entries")

    def __init__(self, spans: Sequence[Sequence[tuple[int, int]]] | Iterable[str],
                 tz: tzinfo | str = "", entries: Sequence[str] = ()) -> None:
        """From per-weekday spans (minutes, Monday first) and a zone; or, as a shorthand
        for ``OpeningHours.parse``, from ``[clinic] hours`` entries and a zone name."""
        if isinstance(tz, str):
            tz = load_time_zone(tz)
        spans = list(spans) if not isinstance(spans, str) else [spans]
        if not spans or any(isinstance(entry, str) for entry in spans):
            parsed = OpeningHours.parse(spans, tz)
            spans, entries = [parsed.spans(day) for day in range(7)], parsed.entries
        if len(spans) != 7:
            raise ValueError("spans needs one list per weekday, Monday first")
        #: Per weekday (0 = Monday): sorted, merged (start, end) in minutes since midnight.
        self._spans = tuple(_merge(day) for day in spans)
        self.tz = tz
        self.entries = tuple(entries)

    @classmethod
    def parse(cls, entries: Iterable[str], time_zone: str | tzinfo = "") -> OpeningHours:
        """Read ``[clinic] hours`` entries; HoursError names the first bad one."""
        tz = load_time_zone(time_zone) if isinstance(time_zone, str) else time_zone
        if isinstance(entries, str):
            raise HoursError('hours must be a list of entries, e.g. ["mon-fri 08:00-18:00"]')
        entries = list(entries)
        if not entries:
            raise HoursError('hours must list at least one opening, e.g. ["mon-fri 08:00-18:00"]')
        spans: list[list[tuple[int, int]]] = [[] for _ in DAYS]
        for entry in entries:
            days, start, end = parse_entry(entry)
            for day in days:
                spans[day].append((start, end))
        return cls(spans, tz, entries)

    @classmethod
    def from_config(cls, config: Any) -> OpeningHours:
        """``[clinic] hours`` in ``[clinic] time_zone`` of a loaded (validated) config."""
        return cls.parse(config.clinic.hours, config.clinic.time_zone)

    def __repr__(self) -> str:
        return f"OpeningHours({list(self.entries)!r}, {self.tz!s})"

    def spans(self, weekday: int) -> tuple[tuple[int, int], ...]:
        return self._spans[weekday]

    @property
    def ever_open(self) -> bool:
        return any(self._spans)

    def is_open(self, at: datetime) -> bool:
        """Whether the clinic's clock at ``at`` (an aware datetime) is inside its hours."""
        local = _aware(at).astimezone(self.tz)
        minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
        return any(start <= minute < end for start, end in self._spans[local.weekday()])

    def next_opening(self, at: datetime) -> datetime | None:
        """The first moment at or after ``at`` when the clinic is open (``at`` itself while
        it is open), in UTC (aware arithmetic in a local zone is wall-clock arithmetic,
        wrong across a DST change; ``.astimezone(hours.tz)`` to show it); None when the
        hours never open."""
        for opens, _closes in self.open_periods(at):
            return max(opens, _aware(at)).astimezone(UTC)
        return None

    def open_periods(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open stretches ``[opens, closes)`` that end after ``start``, in time order, as
        UTC instants (the first may have opened before ``start``). Endless unless the hours
        never open; a stretch longer than a week comes as adjacent pieces."""
        if not self.ever_open:
            return
        start = _aware(start).astimezone(UTC)
        cursor = start - _DAY
        pending: tuple[datetime, datetime] | None = None
        while True:
            for opens, closes in self._periods_between(cursor, cursor + _WEEK):
                # Joined across the windows' seams, but never past a week: a clinic open
                # around the clock still yields (adjacent) stretches one can count through.
                if pending is not None and opens <= pending[1] and \
                        pending[1] - pending[0] < _WEEK:
                    pending = (pending[0], max(pending[1], closes))
                    continue
                if pending is not None and pending[1] > start:
                    yield pending
                pending = (opens, closes)
            cursor += _WEEK

    def _periods_between(self, lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
        """Open stretches inside [lo, hi), exact to the second across DST changes.

        Openness only changes where the local clock crosses an entry's edge or jumps (a
        DST change), so it is constant between consecutive candidate instants: each edge
        on each local day read both ways an ambiguous time can be read, and each offset
        change found between them."""
        points = {lo, hi}
        first = (lo.astimezone(self.tz) - _DAY).date()
        last = (hi.astimezone(self.tz) + _DAY).date()
        day = first
        while day <= last:
            for start, end in self._spans[day.weekday()]:
                for minute in (start, end):
                    for moment in _instants(day, minute, self.tz):
                        if lo < moment < hi:
                            points.add(moment)
            day += _DAY
        ordered = sorted(points)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a.astimezone(self.tz).utcoffset() != b.astimezone(self.tz).utcoffset():
                points.add(_offset_change(a, b, self.tz))
        ordered = sorted(points)
        periods: list[tuple[datetime, datetime]] = []
        for a, b in zip(ordered, ordered[1:], strict=False):
            if not self.is_open(a):
                continue
            if periods and periods[-1][1] == a:
                periods[-1] = (periods[-1][0], b)
            else:
                periods.append((a, b))
        return periods


def _merge(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _instants(day: date, minute: int, tz: tzinfo) -> set[datetime]:
    """The UTC instants a wall-clock time may mean (two at a fall-back, two guesses in a gap)."""
    base = datetime.combine(day, time(), tzinfo=tz) if minute < 1440 else None
    if base is None:  # 24:00 is the next day's midnight
        return _instants(day + _DAY, 0, tz)
    wall = base.replace(hour=minute // 60, minute=minute % 60)
    return {wall.replace(fold=fold).astimezone(UTC) for fold in (0, 1)}


def _offset_change(a: datetime, b: datetime, tz: tzinfo) -> datetime:
    """The first second in (a, b] with b's UTC offset (a DST change between a and b)."""
    target = b.astimezone(tz).utcoffset()
    lo, hi = a, b
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if mid <= lo:
            break
        if mid.astimezone(tz).utcoffset() == target:
            hi = mid
        else:
            lo = mid
    return hi


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("pass an aware datetime; a naive one could mean any time zone")
    return at
