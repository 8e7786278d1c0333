"""What ``planforge evaluate PLAN`` does once the front door has opened the plan with its
customer data read and its outcomes evaluated up to ``as_of``
(``Session(as_of=day).open(path)``, see :mod:`planforge.frontdoor`).

On errors the findings are the output (exit 1); otherwise the report, as text in
the plan's language or as JSON, and exit 1 when a monitoring rule is triggered (so a
daily cron or CI job can alert).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planforge.messages import msg

if TYPE_CHECKING:
    from planforge.check import Result

EXIT_OK, EXIT_ALERT = 0, 1


@dataclass
class Evaluated:
    """The check's result, the report (None when the plan has errors) and the exit code."""

    result: Result
    report: str | None
    code: int


def evaluated(result: Result, fmt: str = "text", lang: str | None = None) -> Evaluated:
    """The report for a plan opened with its outcomes evaluated, e.g.
    ``Session(as_of=day).open(path)`` (:mod:`planforge.frontdoor`)."""
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
