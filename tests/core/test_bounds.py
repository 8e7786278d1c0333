"""The bounds of planforge.bounds, where they are enforced, and the reproducers of issue #8."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from planforge import bounds, formula
from planforge.check import check_document, check_file
from planforge.loader import load_text
from planforge.resolve import resolve
from planforge.schedule.calendar import OutOfCalendar, WorkCalendar
from tests.conftest import EXAMPLE


def _codes(text: str) -> list[str]:
    return [d.code for d in check_document(load_text(text), debug=True).diagnostics]


def test_number_bounds() -> None:
    assert bounds.number_problem(Decimal("0.0000000001")) is None
    assert bounds.number_problem(Decimal("999999999999999")) is None
    assert "11 decimal places" in (bounds.number_problem(Decimal("0.00000000001")) or "")
    assert "too large" in (bounds.number_problem(Decimal("1e15")) or "")
    assert bounds.number_problem(Decimal("NaN")) is None  # the schema explains `.nan`
    with pytest.raises(bounds.NumberOutOfBounds, match="too long"):
        bounds.read_number("1" * 101)


def test_the_context_traps_instead_of_rounding_silently() -> None:
    assert bounds.computed(lambda: Decimal(10) ** 200) is None  # Overflow
    assert bounds.computed(lambda: Decimal(1) / Decimal(0)) is None
    assert bounds.computed(lambda: Decimal(1) / Decimal("1e90") / Decimal("1e90")) is None
    assert bounds.computed(lambda: dt.date.max + dt.timedelta(days=1)) is None
    big = Decimal("999999999999999.9999999999")
    exact = Decimal("999999999999999999999999800000.00000000000000000001")
    assert bounds.computed(lambda: big * big) == exact  # 28 digits would round it
    assert bounds.shift(dt.date.max, 1) is None


def test_add_working_days_is_constant_time_and_never_overflows() -> None:
    cal = WorkCalendar()
    add_working_days = cal.add_working_days
    assert add_working_days(dt.date(2024, 6, 28), 1) == dt.date(2024, 7, 1)  # Friday -> Monday
    assert add_working_days(dt.date(2024, 6, 29), 5) == dt.date(2024, 7, 5)  # from a Saturday
    assert add_working_days(dt.date(2024, 1, 1), 260) == dt.date(2024, 12, 30)  # 52 weeks
    for start, days in ((dt.date(9999, 12, 31), 3), (dt.date(9999, 12, 24), 3_000_000)):
        with pytest.raises(OutOfCalendar):
            add_working_days(start, days)


def test_resolve_ignores_out_of_bounds_numbers_given_directly() -> None:
    """resolve.py raised decimal.Overflow on `respondents: 1e-999999`."""
    data = {
        "measures": {"respondents": Decimal("1e-999999"), "promoters": Decimal(12)},
        "kpis": [{"id": "nps", "target": ">= 50%", "formula": "promoters / respondents"}],
        "review": {"within_working_days": Decimal(3_000_000)},
        "period": {"start": "2024-01-01", "end": "2024-03-31"},
    }
    plan = resolve(data)
    assert "respondents" not in plan.measures
    assert plan.kpis[0].formula_value is None
    assert plan.review is not None and plan.review.due is None  # past date.max, no crash


def test_a_formula_too_large_to_compute_has_no_value() -> None:
    text = (
        "measures: {a: 99999999999999, b: 0.0000000001}\n"
        "kpis:\n  - {id: k, target: '>= 1', formula: a / b / b / b / b / b / b / b / b / b}\n"
    )
    result = check_document(load_text(text), debug=True)
    pf605 = [d for d in result.diagnostics if d.code == "PF605"]
    assert pf605 and "too large" in pf605[0].message


@pytest.mark.parametrize(
    "text",
    [
        "a" + "+a" * 4_000,  # left-deep: RecursionError in the evaluator before
        "(" * 3_000 + "a" + ")" * 3_000,
        "-" * 5_000 + "a",
    ],
    ids=["long chain", "deep parentheses", "many signs"],
)
def test_deep_or_long_formulas_are_formula_errors(text: str) -> None:
    with pytest.raises(formula.FormulaError):
        formula.parse(text)
    plan = f"measures: {{a: 1}}\nkpis:\n  - {{id: k, target: '>= 1', formula: '{text}'}}\n"
    assert "PF603" in _codes(plan)


def test_the_deepest_formula_within_bounds_evaluates() -> None:
    text = "(" * 31 + "a" + ")" * 31
    assert formula.evaluate(formula.parse(text), {"a": Decimal(2)}) == 2
    chain = "a" + "+a" * 249
    assert formula.evaluate(formula.parse(chain), {"a": Decimal(1)}) == 250


def test_a_value_over_the_text_bound() -> None:
    text = (
        "title: " + "长" * (bounds.MAX_TEXT + 1) + "\n? " + "x" * (bounds.MAX_TEXT + 1) + "\n: 1\n"
    )
    diags = check_document(load_text(text), debug=True).diagnostics
    long = [d for d in diags if d.code == "PF108"]
    assert [(d.line, d.col) for d in long] == [(1, 8), (2, 3)]
    assert "10,001 characters" in long[0].message
    assert not [d for d in diags if d.code == "PF103" and d.line == 1]  # said once


def test_a_fifo_is_a_diagnostic_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "inbox.yaml"
    os.mkfifo(fifo)
    result = check_file(fifo)
    assert [d.code for d in result.diagnostics] == ["PF007"]
    assert "named pipe" in result.diagnostics[0].message


def test_a_device_is_a_diagnostic(tmp_path: Path) -> None:
    if not os.path.exists("/dev/zero") or not stat.S_ISCHR(os.stat("/dev/zero").st_mode):
        pytest.skip("no /dev/zero character device here")
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    result = check_file(link)
    assert [d.code for d in result.diagnostics] == ["PF007"]
    assert "a device" in result.diagnostics[0].message


def test_a_dangling_symlink_is_that_files_diagnostic(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from planforge.cli import main

    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "good.yaml").write_bytes(EXAMPLE.read_bytes())
    (plans / "gone.yaml").symlink_to(tmp_path / "moved.yaml")
    os.mkfifo(plans / "pipe.yaml")
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        main, ["validate", str(plans), "--format", "json", "-o", str(report)]
    )
    assert result.exit_code == 1, result.output
    data = json.loads(report.read_text("utf-8"))
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    assert by_name["good.yaml"]["valid"] is True
    assert [d["code"] for d in by_name["gone.yaml"]["diagnostics"]] == ["PF008"]
    assert "does not exist" in by_name["gone.yaml"]["diagnostics"][0]["message"]
    assert [d["code"] for d in by_name["pipe.yaml"]["diagnostics"]] == ["PF007"]


def test_an_internal_failure_is_that_files_pf900(monkeypatch: pytest.MonkeyPatch) -> None:
    import planforge.check as check

    def boom(_data, **_options):
        raise RuntimeError("resolver broke")

    monkeypatch.setattr(check, "resolve", boom)
    result = check_document(load_text("planforge: 1\n"))
    assert [d.code for d in result.diagnostics] == ["PF900"]
    assert "resolver broke" in result.diagnostics[0].message


@pytest.mark.slow
def test_loading_stops_past_the_value_bound() -> None:
    text = "measures: {" + ", ".join(f"m{i}: 1" for i in range(bounds.MAX_VALUES)) + "}\n"
    diags = check_document(load_text(text), debug=True).diagnostics
    assert [d.code for d in diags] == ["PF009"]
    assert diags[0].line == 1 and diags[0].col > 100_000  # at the first value over
    ok = "measures: {" + ", ".join(f"m{i}: 1" for i in range(bounds.MAX_VALUES - 2)) + "}\n"
    assert "PF009" not in _codes(ok)


def test_a_loader_failure_is_that_files_pf900(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planforge.check as check

    def broken(_path):
        raise RuntimeError("loader broke")

    monkeypatch.setattr(check, "load_file", broken)
    result = check_file(tmp_path / "x.yaml")
    assert [d.code for d in result.diagnostics] == ["PF900"]
    assert "while loading" in result.diagnostics[0].message


@settings(max_examples=300, deadline=None)
@example("0E401")  # a zero with a far exponent: refused by both paths alike
@example("0.0E999")
@given(st.from_regex(r"\A[-+]?0{0,3}[0-9]{1,18}(\.[0-9]{0,13})?([eE][-+]?[0-9]{1,3})?\Z"))
def test_reading_a_number_agrees_with_its_bounds(text: str) -> None:
    """The loader's fast path for plain numbers accepts exactly what the bounds accept."""
    from planforge.scalars import parse_number

    value = Decimal(text)
    problem = bounds.number_problem(value)
    if problem is None:
        assert parse_number(text) == value
    else:
        with pytest.raises(bounds.NumberOutOfBounds):
            parse_number(text)
