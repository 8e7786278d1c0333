"""``planforge init``: every starter validates with --strict as written, in both locales."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.check import check_file
from planforge.cli import main
from planforge.scaffold import STARTERS, fresh_id, next_monday, plan_id_for, slug

START = "2025-03-03"


def init(*args: str):
    return CliRunner().invoke(main, ["init", *args])


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
@pytest.mark.parametrize("template", list(STARTERS))
def test_every_starter_validates_strictly(tmp_path: Path, template: str, locale: str) -> None:
    target = tmp_path / f"{template}.plan.yaml"
    result = init("--template", template, "--locale", locale, "--start", START, str(target))
    assert result.exit_code == 0, result.output
    checked = check_file(target)
    assert checked.diagnostics == [], [f"{d.line}: {d.message}" for d in checked.diagnostics]
    plan = checked.plan
    assert plan is not None and plan.id == template and plan.locale == locale
    assert plan.period.start == dt.date(2025, 3, 3)
    assert plan.tiers and plan.budget.categories and len(plan.kpis) >= 4
    text = target.read_text("utf-8")
    assert "«" not in text and "{{" not in text
    assert ("活动" in text or "客户" in text) == (locale == "zh-CN")


def test_starters_differ_in_tiers_tasks_budget_and_kpis(tmp_path: Path) -> None:
    plans = []
    for template in STARTERS:
        target = tmp_path / f"{template}.yaml"
        assert init("--template", template, "--start", START, str(target)).exit_code == 0
        plans.append(check_file(target).plan)
    for attr in ("tiers", "tasks", "kpis"):
        sets = [frozenset(x.id for x in getattr(p, attr)) for p in plans]
        assert len(set(sets)) == len(plans), attr
    categories = [frozenset(c.category for c in p.budget.categories) for p in plans]
    assert len(set(categories)) == len(plans)


def test_same_arguments_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "x.yaml", tmp_path / "b" / "x.yaml"
    for p in (a, b):
        p.parent.mkdir()
        assert init("--start", START, str(p)).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "x.yaml"
    target.write_text("mine\n", "utf-8")
    result = init(str(target))
    assert result.exit_code == 2 and "already exists" in result.output
    assert target.read_text("utf-8") == "mine\n"


def test_fresh_id_and_schema_line_inside_a_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "plan.schema.json").write_text("{}", "utf-8")
    plans = tmp_path / "plans" / "2025"
    plans.mkdir(parents=True)
    assert init("--start", START, str(plans / "Spring Winback.plan.yaml")).exit_code == 0
    result = init("--start", START, str(tmp_path / "plans" / "spring-winback.yaml"))
    assert result.exit_code == 0, result.output
    assert "id `spring-winback-2`" in result.output
    first = (plans / "Spring Winback.plan.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/plan.schema.json"
    assert "planforge schema >" not in result.output
    assert (
        CliRunner().invoke(main, ["validate", "--strict", str(tmp_path / "plans")]).exit_code == 0
    )


def test_outside_a_repository_next_steps_say_where_the_schema_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = init("--start", START, "new.yaml")
    assert result.exit_code == 0
    assert "planforge schema > plan.schema.json" in result.output
    assert "planforge validate new.yaml --strict" in result.output
    assert (
        Path("new.yaml")
        .read_text("utf-8")
        .startswith("# yaml-language-server: $schema=plan.schema.json\n")
    )


def test_usage_errors(tmp_path: Path) -> None:
    assert init(str(tmp_path / "x.txt")).exit_code == 2
    assert init("--start", "2025-02-30", str(tmp_path / "x.yaml")).exit_code == 2
    (tmp_path / "file").write_text("", "utf-8")
    result = init(str(tmp_path / "file" / "x.yaml"))  # a file where a folder should be
    assert result.exit_code == 2 and "cannot create the folder" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
@pytest.mark.parametrize("template", list(STARTERS))
def test_a_new_plan_in_new_folders_passes_validate_strict(
    tmp_path: Path, template: str, locale: str
) -> None:
    """``init`` makes the folders, turns a Chinese file name into an id YAML reads as text,
    and the plan passes ``validate --strict`` as the help promises."""
    target = tmp_path / "plans" / "2027" / "2027春节关怀.plan.yaml"
    result = init("--template", template, "--locale", locale, str(target))  # next Monday
    assert result.exit_code == 0, result.output
    assert f"id `{template}-2027`" in result.output
    checked = CliRunner().invoke(main, ["validate", "--strict", str(target)])
    assert checked.exit_code == 0, checked.output
    assert check_file(target).plan.id == f"{template}-2027"


def test_helpers() -> None:
    assert slug("plans/Q3 Winback.plan.yaml") == "q3-winback"
    assert slug("计划.yaml") == ""
    start = dt.date(2025, 3, 3)
    assert plan_id_for("计划.yaml", "brand-care", start) == "brand-care-2025-03-03"
    assert plan_id_for("2027春节关怀.plan.yaml", "brand-care", start) == "brand-care-2027"
    assert plan_id_for("True.yaml", "reactivation", start) == "reactivation-true"
    assert plan_id_for("1e3.yaml", "reactivation", start) == "reactivation-1e3"
    assert plan_id_for("2027-spring.yaml", "reactivation", start) == "2027-spring"
    assert fresh_id("a", {"a", "a-2"}) == "a-3"
    assert next_monday(dt.date(2026, 12, 1)) == dt.date(2026, 12, 7)
    assert next_monday(dt.date(2026, 12, 7)) == dt.date(2026, 12, 14)


def test_next_steps_in_the_planners_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--lang", "zh-CN", "init", "--start", START, "new.yaml"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("已写入 new.yaml（id `new`，模板 reactivation，")
    assert "下一步：" in result.output and "修改标有 TODO 的行" in result.output
    assert "Next steps" not in result.output
