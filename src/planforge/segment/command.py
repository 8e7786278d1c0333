"""What ``planforge segment`` does after the check: write the tier list, print the summary."""

from __future__ import annotations

import os

from planforge.messages import msg
from planforge.model import Plan
from planforge.segment.groups import write_holdout_list
from planforge.segment.output import SUMMARY_HEADERS, tier_list, write_csv, write_xlsx
from planforge.segment.progress import stage

#: Rows an XLSX sheet holds below its header.
XLSX_ROWS = 1_048_575


class TooBig(Exception):
    """The tier list does not fit the asked format."""


def write_tier_list(plan: Plan, output: str, formats: tuple[str, ...]) -> list[str]:
    """Write ``<id>-tiers.xlsx`` and/or ``.csv`` into ``output``, and with a holdout
    ``<id>-holdout.csv`` (the suppression list); the paths written."""
    seg = plan.segmentation
    assert seg is not None
    written = []
    if "xlsx" in formats and (seg.customers or 0) > XLSX_ROWS:
        raise TooBig(
            f"{seg.customers:,} customers are more than an XLSX sheet holds ({XLSX_ROWS:,}):"
            " write the tier list with --format csv"
        )
    for fmt in formats:
        tl = tier_list(plan, seg.rules)
        path = os.path.join(output, f"{plan.id}-tiers.{fmt}")
        with stage(msg("writing `{file}`", file=os.path.basename(path)), tl.height) as progress:
            if fmt == "xlsx":
                write_xlsx(path, tl, plan, progress.advance)
            else:
                write_csv(path, tl, progress.advance)
        written.append(path)
    suppression = write_holdout_list(plan, output)
    if suppression:
        written.append(suppression)
    return written


def summary_text(plan: Plan) -> str:
    """The summary table as text for the terminal."""
    from planforge.segment.output import summary

    seg = plan.segmentation
    assert seg is not None
    rows = [[("" if v is None else str(v)) for v in row] for row in summary(plan)]
    table = [list(SUMMARY_HEADERS), *rows]
    widths = [max(_width(r[i]) for r in table) for i in range(len(SUMMARY_HEADERS))]
    lines = [
        f"{os.path.basename(seg.source or '')}: {seg.rows} rows, {seg.customers} in scope"
        f" (as of {seg.as_of})"
    ]
    for row in table:
        lines.append("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
