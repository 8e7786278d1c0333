"""Measure windows (``during:``): which calendar days count, both ends inclusive.

* ``period``: the plan's period;
* a phase id: that phase's dates;
* ``Nd after period`` / ``Nd after <phase>``: the N calendar days after its end;
* ``[FROM, TO]``: two dates.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from planforge.dates import parse_date
from planforge.messages import msg
from planforge.model import Plan

_AFTER = re.compile(r"\s*([0-9]{1,4})\s*d\s+after\s+(\S+)\s*", re.IGNORECASE)
#: The longest window after a period or phase, in days.
MAX_AFTER = 3660


class WindowError(ValueError):
    """``during`` cannot be read; the message says how to write it."""


def window(during: Any, plan: Plan) -> tuple[dt.date, dt.date]:
    """The first and last day that ``during`` counts. Raises :class:`WindowError`."""
    if isinstance(during, list):
        return _dates(during)
    if not isinstance(during, str):
        raise WindowError(_HOW)
    text = during.strip()
    after = _AFTER.fullmatch(text)
    if after:
        days = int(after.group(1))
        if not 1 <= days <= MAX_AFTER:
            raise WindowError(
                msg("`{days}d after`: write between 1 and {most} days", days=days, most=MAX_AFTER)
            )
        _, end = _named(after.group(2), plan)
        return end + dt.timedelta(days=1), end + dt.timedelta(days=days)
    if text.startswith("["):
        parts = [p.strip() for p in text.strip("[]").split(",")]
        return _dates(parts)
    return _named(text, plan)


_HOW = msg(
    "write `period`, a phase id, `30d after period`, `14d after <phase>`"
    " or two dates `[2024-04-01, 2024-05-31]`"
)


def _named(name: str, plan: Plan) -> tuple[dt.date, dt.date]:
    if name == "period":
        start, end = plan.period.start, plan.period.end
        if start is None or end is None:
            raise WindowError(msg("the plan's `period` has no start and end dates to count from"))
        return start, end
    for phase in plan.phases:
        if phase.id == name:
            if phase.start is None or phase.end is None:
                raise WindowError(
                    msg("phase `{phase}` has no start and end dates to count from", phase=name)
                )
            return phase.start, phase.end
    known = ", ".join(["period", *(p.id for p in plan.phases if p.id)])
    raise WindowError(
        msg("`{name}` is not `period` or a phase id (known: {known})", name=name, known=known)
    )


def _dates(parts: list[Any]) -> tuple[dt.date, dt.date]:
    if len(parts) != 2:
        raise WindowError(_HOW)
    start, end = (parse_date(p) for p in parts)
    if start is None or end is None:
        raise WindowError(msg("write both dates as YYYY-MM-DD, e.g. `[2024-04-01, 2024-05-31]`"))
    if end < start:
        raise WindowError(
            msg("the window ends ({end}) before it starts ({start})", start=start, end=end)
        )
    return start, end
