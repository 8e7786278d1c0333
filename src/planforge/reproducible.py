"""The one date stamped into generated files (PDF, XLSX, ICS), never the clock.

Rebuilding an approved plan from git gives the same bytes: every output that
needs a "created" or "stamp" time takes it from :func:`plan_date`.
"""

from __future__ import annotations

import datetime as dt
import os

from planforge.model import Plan


def plan_date(plan: Plan) -> dt.date:
    """The date printed as the version date and stamped into generated files.

    ``SOURCE_DATE_EPOCH`` wins when set; otherwise a date from the plan itself (the
    last approval, else the campaign start), never the clock, so rebuilding an
    approved plan from git gives the same bytes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    signed = [a.date for a in plan.approvals if a.date]
    if signed:
        return max(signed)
    return plan.period.start or dt.date(1970, 1, 1)


def plan_datetime(plan: Plan) -> dt.datetime:
    """:func:`plan_date` at midnight UTC (for timestamps: PDF, XLSX properties, ICS DTSTAMP)."""
    day = plan_date(plan)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
