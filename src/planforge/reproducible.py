"""The one date stamped into generated files (PDF, XLSX, ICS), never the clock.

Rebuilding an approved plan from git gives the same bytes: every output that
needs a "created" or "stamp" time takes it from :func:`plan_date`.
"""

from __future__ import annotations

import datetime as dt
import os

from planforge.model import Plan

#: The last second of 9999-12-31 UTC: dates stay four-digit years.
MAX_EPOCH = 253_402_300_799


class BadEpoch(ValueError):
    """``SOURCE_DATE_EPOCH`` is set but is not a usable timestamp."""


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as seconds, None when unset or empty, :class:`BadEpoch` if bad.

    As reproducible-builds.org specifies: a whole number of seconds since
    1970-01-01 UTC; a malformed value is an error rather than silently ignored.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_EPOCH:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise BadEpoch(
            f"SOURCE_DATE_EPOCH={shown!r} is not a timestamp: use whole seconds since"
            f" 1970-01-01 UTC, from 0 to {MAX_EPOCH} (9999-12-31), e.g."
            " SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or unset it"
        )
    return int(value)


def plan_date(plan: Plan) -> dt.date:
    """The date printed as the version date and stamped into generated files.

    ``SOURCE_DATE_EPOCH`` wins when set; otherwise a date from the plan itself (the
    last approval, else the campaign start), never the clock, so rebuilding an
    approved plan from git gives the same bytes.
    """
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()
    signed = [a.date for a in plan.approvals if a.date]
    if signed:
        return max(signed)
    return plan.period.start or dt.date(1970, 1, 1)


def plan_datetime(plan: Plan) -> dt.datetime:
    """:func:`plan_date` at midnight UTC (for timestamps: PDF, XLSX properties, ICS DTSTAMP)."""
    day = plan_date(plan)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
