"""How planners write things (issue 16, item 7): response times, full-width slips,
PF310's own fix, and PF603 fixes that never swap one measure for another."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planforge.check import check_document
from planforge.loader import load_text
from planforge.present.formatting import duration_text
from planforge.quantities import parse_duration_hours
from planforge.schema import schema
from tests.cli.test_cli import proc

TRIAL = Path(__file__).parents[1] / "trial-plans" / "complaint-recovery-2025q1.yaml"


def test_fix_repairs_a_full_width_response_time(tmp_path: Path) -> None:
    original = TRIAL.read_text("utf-8")
    assert "respond_within: 24小时" in original
    path = tmp_path / "plan.yaml"
    path.write_text(original.replace("respond_within: 24小时", "respond_within: ２４小时"), "utf-8")
    broken = proc("validate", str(path))
    assert broken.returncode == 1 and "[PF034]" in broken.stdout + broken.stderr
    fixed = proc("validate", "--fix", "--strict", str(path))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "fixed [PF034]" in fixed.stderr
    assert path.read_text("utf-8") == original


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("48h", 48),
        ("2d", 48),
        ("1w", 168),
        ("2 days", 48),
        ("48 hours", 48),
        ("1 week", 168),
        ("1 Day", 24),
        ("1.5 hrs", Decimal("1.5")),
        ("2天", 48),
        ("24小时", 24),
        ("1周", 168),
        ("2个星期", 336),
    ],
)
def test_response_times_in_words_and_units(text: str, hours) -> None:
    assert parse_duration_hours(text) == hours
    plan = "monitoring:\n  - {kpi: a, when: '< 60%', respond_within: " + text + ", action: 致电}\n"
    found = [d.code for d in check_document(load_text(plan), debug=True).diagnostics]
    assert "PF702" not in found and "PF104" not in found, found


@pytest.mark.parametrize("text", ["two days", "2wd", "2", "2 months", "２天", "2日"])
def test_what_is_not_a_response_time(text: str) -> None:
    with pytest.raises(ValueError, match="not a response time"):
        parse_duration_hours(text)


def _schema_pattern() -> re.Pattern[str]:
    monitor = schema()["definitions"]["monitor"]["properties"]["respond_within"]
    return re.compile(monitor["pattern"])


ENGLISH = ["h", "hr", "hrs", "hour", "hours", "d", "day", "days", "w", "wk", "week", "weeks"]
CHINESE = ["小时", "个小时", "天", "周", "星期", "个星期", "日", "月", "分钟"]
WORDS = st.sampled_from([*ENGLISH, *CHINESE, "wd", "Days", "HOURS"])


@settings(max_examples=200)
@given(st.integers(0, 999), st.sampled_from(["", " ", "  "]), WORDS)
def test_the_schema_and_the_parser_accept_the_same_response_times(n, space, unit) -> None:
    text = f"{n}{space}{unit}"
    try:
        parse_duration_hours(text)
    except ValueError:
        accepted = False
    else:
        accepted = True
    assert accepted == bool(_schema_pattern().search(text)), text


def test_a_response_time_in_words_prints_in_the_plans_language() -> None:
    assert duration_text("2 days", "zh-CN") == "2天"
    assert duration_text("48 hours", "en") == "48 hours"
    assert duration_text("1 week", "en") == "1 week"
    assert duration_text("soon", "en") == "soon"


# -- PF310: following its own fix silences it ------------------------------------------

RUNS_INTO_2027 = """\
calendar:
  country: CN
period: {start: 2026-10-01, end: 2027-03-31}
tasks:
  - {id: t, start: 2027-02-01, duration: 10wd}
"""


def test_following_pf310s_fix_silences_it() -> None:
    result = check_document(load_text(RUNS_INTO_2027), debug=True)
    warning = next(d for d in result.diagnostics if d.code == "PF310")
    assert warning.fix is not None and "calendar.holidays" in warning.fix.message
    assert "2027" in warning.fix.message
    followed = RUNS_INTO_2027.replace(
        "  country: CN\n",
        "  country: CN\n"
        "  holidays: [2027-01-01, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09]\n"
        "  workdays: [2027-02-14]\n",
    )
    after = check_document(load_text(followed), debug=True)
    assert [d for d in after.diagnostics if d.code == "PF310"] == []
    assert after.plan is not None
    t = after.plan.tasks[0]  # the listed days are off, the listed make-up day worked
    assert after.plan.calendar.is_working_day(dt.date(2027, 2, 14))
    assert not after.plan.calendar.is_working_day(dt.date(2027, 2, 8))
    assert t.working_days == 10


# -- PF603 fixes never swap one measure for another ------------------------------------


def _pf603_fix(measures: list[str], term: str) -> str:
    text = (
        "measures: {" + ", ".join(f"{m}: 1" for m in measures) + "}\n"
        "kpis:\n  - id: k\n    target: '>= 1'\n    formula: " + term + " / " + measures[0] + "\n"
    )
    diags = check_document(load_text(text), debug=True).diagnostics
    found = [d for d in diags if d.code == "PF603"]
    assert len(found) == 1, [(d.code, d.message) for d in diags]
    assert found[0].fix is not None
    return found[0].fix.message


@pytest.mark.parametrize(
    ("measures", "term", "fix"),
    [
        (["participants", "repurchasers"], "participant", "write `participants`"),
        (["renewed_accounts", "at_risk"], "Renewed_Account", "write `renewed_accounts`"),
        (["participants", "repurchasers"], "repurchases", "declare it under `measures`"),
        (["renewed_accounts", "at_risk"], "renewed_arr", "declare it under `measures`"),
        (["renewals_q2", "at_risk"], "renewals_q1", "declare it under `measures`"),
        (["visitors", "orders"], "visits", "declare it under `measures`"),
    ],
)
def test_pf603_offers_only_the_same_measure_spelt_differently(measures, term, fix) -> None:
    assert fix in _pf603_fix(measures, term)


NAME = st.from_regex(r"[a-z]{1,6}(_[a-z0-9]{1,4}){0,2}", fullmatch=True)


@settings(max_examples=80, deadline=None)
@given(st.lists(NAME, min_size=1, max_size=4, unique=True), NAME)
def test_a_pf603_fix_names_no_other_measure(measures: list[str], term: str) -> None:
    reserved = {"customers", "budget_total", "actual_total"}
    if term in measures or term in reserved or set(measures) & reserved:
        return
    message = _pf603_fix(measures, term)
    named = re.findall(r"write `([^`]+)`", message)
    for name in named:  # only ever the term itself, spelt as the measure is

        def key(n: str) -> str:
            return "".join(w[:-1] if w.endswith("s") else w for w in n.lower().split("_"))

        assert key(name) == key(term), (term, name)
