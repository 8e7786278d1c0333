"""Gantt geometry: the time grid (days, weeks or months) and where each bar goes.

Wide grids are split into chunks of at most :data:`MAX_UNITS` columns; each chunk
prints as its own table, with the task column and the header row repeated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from planforge.render.formatting import short_date

MAX_UNITS = {"day": 31, "week": 53, "month": 24}


@dataclass
class Unit:
    start: dt.date
    end: dt.date  # inclusive
    label: str


@dataclass
class Bar:
    x: float  # percent of the chunk width
    width: float


@dataclass
class Chunk:
    start: dt.date
    end: dt.date
    units: list[Unit]
    boundaries: list[float] = field(default_factory=list)  # phase starts, percent

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def position(self, day: dt.date) -> float:
        return round(100 * (day - self.start).days / self.days, 3)

    def bar(self, start: dt.date | None, end: dt.date | None) -> Bar | None:
        """The bar for ``start``..``end`` clipped to this chunk, or None outside it."""
        if start is None or end is None or end < self.start or start > self.end:
            return None
        lo, hi = max(start, self.start), min(end, self.end)
        x = self.position(lo)
        return Bar(x, round(self.position(hi + dt.timedelta(days=1)) - x, 3))


def unit_kind(days: int) -> str:
    """Days for up to six weeks, weeks for up to a year and a half, months beyond."""
    if days <= 45:
        return "day"
    if days <= 550:
        return "week"
    return "month"


def _units(start: dt.date, end: dt.date, kind: str, locale: str) -> list[Unit]:
    units: list[Unit] = []
    day = start
    while day <= end:
        new_month = not units or units[-1].start.month != day.month
        if kind in ("day", "week"):
            nxt = day + dt.timedelta(days=1 if kind == "day" else 7)
            label = short_date(day, locale) if new_month else str(day.day)
        else:
            nxt = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            label = f"{day.year}-{day.month:02d}"
        units.append(Unit(day, min(nxt - dt.timedelta(days=1), end), label))
        day = nxt
    return units


def chunks(
    start: dt.date, end: dt.date, phase_starts: list[dt.date], locale: str
) -> tuple[str, list[Chunk]]:
    """The unit kind and the grid chunks covering ``start``..``end``."""
    kind = unit_kind((end - start).days + 1)
    units = _units(start, end, kind, locale)
    size = MAX_UNITS[kind]
    out = []
    for i in range(0, len(units), size):
        part = units[i : i + size]
        chunk = Chunk(part[0].start, part[-1].end, part)
        chunk.boundaries = [chunk.position(d) for d in phase_starts if chunk.start < d <= chunk.end]
        out.append(chunk)
    return kind, out
