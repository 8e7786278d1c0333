"""Gantt geometry: one time scale per chart, in millimetres of the printed page.

The unit (day, week or month) is the finest whose columns still hold their labels
when the whole span fits the landscape grid width (:data:`GRID_MM`). Weeks start on
Monday and months on the 1st. A span too long even for months continues in further
grids with the same column width, each with its own labels.

Header labels are placed so that they never overlap: a label that does not fit
its segment falls back to a shorter form, and is left out when even that does not fit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from planforge.present.formatting import MONTHS

#: The grid's width beside the task column on a landscape A4 page (269 mm of text width).
GRID_MM = 206.0
#: The narrowest column whose labels still fit, per unit (mm).
MIN_COLUMN = {"day": 4.2, "week": 3.6, "month": 7.0}
#: Label font size in mm (about 6.5 pt) and the gap kept around a label.
FONT_MM = 2.3
PAD_MM = 0.5
DAY = dt.timedelta(days=1)


def text_width(text: str, size: float = FONT_MM) -> float:
    """A generous estimate of a label's printed width: CJK full width, others 0.62 em."""
    return sum(size if ord(c) >= 0x2E80 else 0.62 * size for c in text)


@dataclass
class Label:
    x: float
    text: str


@dataclass
class Grid:
    """One chart: the units it shows, and where any date falls on it."""

    kind: str  # day | week | month
    start: dt.date  # first day shown (a Monday for weeks, the 1st for months)
    end: dt.date  # last day shown, inclusive
    column: float  # mm per unit
    units: list[dt.date] = field(default_factory=list)  # each unit's first day

    @property
    def width(self) -> float:
        return round(self.column * len(self.units), 2)

    def x(self, day: dt.date) -> float:
        """The left edge of ``day`` (clamped to the grid)."""
        if day <= self.start:
            return 0.0
        if day > self.end:
            return self.width
        if self.kind == "month":
            months = (day.year - self.start.year) * 12 + day.month - self.start.month
            length = (_next_month(day) - day.replace(day=1)).days
            return round(self.column * (months + (day.day - 1) / length), 3)
        per_day = self.column / (7 if self.kind == "week" else 1)
        return round(per_day * (day - self.start).days, 3)

    def span(self, start: dt.date, end: dt.date) -> tuple[float, float] | None:
        """``(x, width)`` of the days ``start``..``end`` on this grid, or None outside it."""
        if end < self.start or start > self.end:
            return None
        x = self.x(start)
        return x, round(self.x(end + DAY) - x, 3)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def unit_labels(self, locale: str) -> list[Label]:
        """The lower header row: day of month, the Monday's day of month, or the month."""
        out = []
        for u in self.units:
            if self.kind == "month":
                text = f"{u.month}月" if locale == "zh-CN" else MONTHS[u.month - 1]
            else:
                text = str(u.day)
            out.extend(_fit([(self.x(u), self.column, [text])]))
        return out

    def band_labels(self, locale: str) -> tuple[list[Label], list[float]]:
        """The upper header row (months, or years for a month grid) and its dividers."""
        segments = []
        day = self.start
        while day <= self.end:
            nxt = day.replace(year=day.year + 1, month=1, day=1) if self.kind == "month" else None
            nxt = min(nxt or _next_month(day), self.end + DAY)
            x0, x1 = self.x(day), self.x(nxt)
            if self.kind == "month":
                forms = [f"{day.year}年" if locale == "zh-CN" else str(day.year)]
            elif locale == "zh-CN":
                forms = [f"{day.year}年{day.month}月", f"{day.month}月"]
            else:
                forms = [f"{MONTHS[day.month - 1]} {day.year}", MONTHS[day.month - 1]]
            segments.append((x0, x1 - x0, forms))
            day = nxt
        dividers = [s[0] for s in segments[1:]]
        return _fit(segments), dividers


def _fit(segments: list[tuple[float, float, list[str]]]) -> list[Label]:
    """The longest form of each segment's label that fits inside it, if any does."""
    out = []
    for x, width, forms in segments:
        for text in forms:
            if text_width(text) + 2 * PAD_MM <= width + 1e-6:
                out.append(Label(round(x + PAD_MM, 2), text))
                break
    return out


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _units(start: dt.date, end: dt.date, kind: str) -> list[dt.date]:
    if kind == "day":
        day = start
    elif kind == "week":
        day = start - dt.timedelta(days=start.weekday())
    else:
        day = start.replace(day=1)
    out = []
    while day <= end:
        out.append(day)
        day = (
            _next_month(day) if kind == "month" else day + dt.timedelta(7 if kind == "week" else 1)
        )
    return out


def _unit_end(day: dt.date, kind: str) -> dt.date:
    if kind == "month":
        return _next_month(day) - DAY
    return day + dt.timedelta(days=6 if kind == "week" else 0)


def grids(start: dt.date, end: dt.date, width: float = GRID_MM) -> list[Grid]:
    """The charts for ``start``..``end``: one when it fits, else equal-column continuations."""
    for kind in ("day", "week", "month"):
        units = _units(start, end, kind)
        if len(units) * MIN_COLUMN[kind] <= width:
            return [Grid(kind, units[0], _unit_end(units[-1], kind), width / len(units), units)]
    per = int(width // MIN_COLUMN["month"])
    column = width / per
    return [
        Grid("month", part[0], _unit_end(part[-1], "month"), column, part)
        for part in (units[i : i + per] for i in range(0, len(units), per))
    ]


def closed_runs(grid: Grid, is_closed) -> list[tuple[dt.date, dt.date]]:
    """Runs of consecutive days on ``grid`` for which ``is_closed(day)`` is true."""
    runs: list[tuple[dt.date, dt.date]] = []
    day = grid.start
    while day <= grid.end:
        if is_closed(day):
            if runs and runs[-1][1] + DAY == day:
                runs[-1] = (runs[-1][0], day)
            else:
                runs.append((day, day))
        day += DAY
    return runs
