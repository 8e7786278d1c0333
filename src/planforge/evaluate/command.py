"""What ``planforge evaluate PLAN`` does, as a library call the CLI wraps.

Check the plan with its customer data read and its outcomes evaluated up to
``as_of``; on errors the findings are the output (exit 1); otherwise the report,
as text in the plan's language or as JSON, and exit 1 when a monitoring rule is
triggered (so a daily cron or CI job can alert).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from planforge.check import Result, check_document
from planforge.loader import Document
from planforge.messages import msg

EXIT_OK, EXIT_ALERT = 0, 1


@dataclass
class Evaluated:
    """The check's result, the report (None when the plan has errors) and the exit code."""

    result: Result
    report: str | None
    code: int


def evaluate_document(
    doc: Document,
    as_of: dt.date | None = None,
    fmt: str = "text",
    lang: str | None = None,
    *,
    debug: bool = False,
) -> Evaluated:
    """Evaluate a loaded plan up to ``as_of`` (default: today)."""
    day = as_of or dt.date.today()
    result = check_document(doc, debug=debug, read_data=True, as_of=day)
    return finish(result, fmt, lang)


def finish(result: Result, fmt: str = "text", lang: str | None = None) -> Evaluated:
    """The report for a plan checked with its data read and evaluated (``as_of`` given)."""
    from planforge.evaluate import report

    plan = result.plan
    if result.failed() or plan is None:
        return Evaluated(result, None, EXIT_ALERT)
    if plan.evaluation is None:
        from planforge.diagnostics import Diagnostic, Severity

        result.diagnostics.append(
            Diagnostic(
                "PF611",
                Severity.ERROR,
                msg(
                    "nothing to evaluate: the plan needs a `segmentation` block, `outcomes`"
                    " and at least one measure computed from them"
                ),
                result.path,
            )
        )
        return Evaluated(result, None, EXIT_ALERT)
    if fmt == "json":
        text = json.dumps(report.to_json(plan), ensure_ascii=False, indent=2) + "\n"
    else:
        text = report.text(plan, lang)
    triggered = any(m.triggered for m in plan.monitoring)
    return Evaluated(result, text, EXIT_ALERT if triggered else EXIT_OK)
