"""What ``planforge segment`` does after the check: write the tier list, print the summary."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from planforge.evaluate.groups import has_holdout_list, write_holdout_list
from planforge.messages import msg
from planforge.model import Plan
from planforge.segment.engine import FAILURES
from planforge.segment.output import (
    SUMMARY_HEADERS,
    XLSX_CELL,
    tier_list,
    write_csv,
    write_xlsx,
)
from planforge.segment.progress import stage

#: Rows an XLSX sheet holds below its header.
XLSX_ROWS = 1_048_575


class NotWritten(Exception):
    """The tier list cannot be written as asked: too many rows for XLSX, a symlink
    where it would go, a full disk or a read-only folder (the message says which)."""


#: The name the command line knows (it predates the other reasons).
TooBig = NotWritten


def write_tier_list(plan: Plan, output: str, formats: tuple[str, ...]) -> list[str]:
    """Write ``<id>-tiers.xlsx`` and/or ``.csv`` into ``output``, and with a holdout
    ``<id>-holdout.csv`` (the suppression list), as one set; the paths written.

    Both files are written in full into a staging folder first and then replace the
    old ones together (:func:`planforge.atomic.staged_set`): two runs never mix their
    files, and a ``kill -9`` leaves nothing that the next run does not sweep. XLSX
    cells cut to fit are counted in ``plan.segmentation.xlsx_cut`` (see
    :func:`summary_text`).
    """
    from planforge.atomic import OutputError, resolve_target, staged_set

    seg = plan.segmentation
    assert seg is not None
    if "xlsx" in formats and (seg.customers or 0) > XLSX_ROWS:
        raise NotWritten(
            f"{seg.customers:,} customers are more than an XLSX sheet holds ({XLSX_ROWS:,}):"
            " write the tier list with --format csv"
        )
    names = [os.path.join(output, f"{plan.id}-tiers.{fmt}") for fmt in formats]
    try:
        targets = [resolve_target(name) for name in names]
        with staged_set(output) as reserve:
            for fmt, name, target in zip(formats, names, targets, strict=True):
                tl = tier_list(plan, seg.rules)
                label = msg("writing `{file}`", file=os.path.basename(name))
                with stage(label, tl.height) as progress, _writing(name):
                    if fmt == "xlsx":
                        seg.xlsx_cut = write_xlsx(reserve(target), tl, plan, progress.advance)
                    else:
                        write_csv(reserve(target), tl, progress.advance)
            if has_holdout_list(plan):
                name = os.path.join(output, f"{plan.id}-holdout.csv")
                with _writing(name):
                    write_holdout_list(plan, reserve(resolve_target(name)))
                names.append(name)
    except OutputError as exc:
        raise NotWritten(str(exc)) from None
    except FAILURES as exc:  # the engine, while streaming the rows out
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise NotWritten(f"the tier list could not be written: {first}") from None
    return names


@contextlib.contextmanager
def _writing(name: str) -> Iterator[None]:
    """An OSError while writing ``name`` (a full disk) as ``cannot write NAME: …``."""
    from planforge.atomic import OutputError

    try:
        yield
    except OSError as exc:
        raise OutputError(f"cannot write {name}: {exc.strerror or exc}") from None


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
    if seg.xlsx_cut:
        lines.append(
            msg(
                "warning: {count} cells were longer than an XLSX cell holds ({limit:,}"
                " characters) and were cut in the XLSX; the CSV (--format csv) has them whole",
                count=seg.xlsx_cut,
                limit=XLSX_CELL,
            )
        )
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
