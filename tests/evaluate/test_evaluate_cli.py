"""``planforge evaluate`` as a command: exit codes, formats, and broken input as diagnostics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from tests.evaluate import synthetic


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    synthetic.generate(root, customers=800, seed=5)
    return root


def _run(*args: str, lang: str | None = "en") -> tuple[int, str, str]:
    env = {"PLANFORGE_LANG": lang, "LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
    result = CliRunner().invoke(main, ["evaluate", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_a_triggered_monitoring_rule_exits_1(folder: Path) -> None:
    code, out, _ = _run(str(folder / "plan.yaml"), "--as-of", "2024-04-20", lang=None)
    assert code == 1
    assert "已触发" in out and "2024-04-22" in out  # the plan's language (zh-CN)
    code, out, _ = _run(str(folder / "plan.yaml"), "--as-of", "2024-04-20", "--lang", "en")
    assert code == 1 and "TRIGGERED" in out  # unless told otherwise


def test_after_the_campaign_json_to_a_file(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "evaluation.json"
    code, out, err = _run(
        str(folder / "plan.yaml"), "--as-of", "2024-08-31", "--format", "json", "-o", str(target)
    )
    assert code == 0, err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert set(data) >= {"groups", "measures", "kpis", "monitoring", "ignored"}
    assert set(data["kpis"]["repurchase-rate"]["lift"]) >= {
        "treated",
        "holdout",
        "difference",
        "ci_low",
        "ci_high",
        "p_value",
    }
    assert out == f"wrote {target}\n"


@pytest.mark.parametrize("args", [["--as-of", "2024-13-01"], ["--format", "xml"]])
def test_usage_mistakes_exit_2(folder: Path, args: list[str]) -> None:
    code, _, err = _run(str(folder / "plan.yaml"), *args)
    assert code == 2 and "Traceback" not in err


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = _run(str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err


def test_broken_outcomes_are_located_diagnostics(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    for f in (folder / "data").iterdir():
        (tmp_path / "data" / f.name).write_bytes(f.read_bytes())
    with open(tmp_path / "data" / "checkins.csv", "a", encoding="utf-8") as fh:
        fh.write(",2024-04-20\nC000001,not a date\n")
    (tmp_path / "plan.yaml").write_text(synthetic.PLAN, encoding="utf-8")
    code, out, err = _run(str(tmp_path / "plan.yaml"), "--as-of", "2024-08-31")
    assert code == 1 and out == ""
    assert "plan.yaml:" in err and "PF610" in err
    assert "have an empty `客户编号`" in err and "are not dates" in err
    assert "Traceback" not in err


def test_sql_prints_the_measures_statement(folder: Path) -> None:
    code, out, _ = _run(str(folder / "plan.yaml"), "--sql", "spark", "--as-of", "2024-08-31")
    assert code == 0
    assert "SHA2(" in out and "`repurchasers`" not in out and "'repurchasers'" in out
    assert "UNION ALL" in out and out.rstrip().endswith(";")


def test_a_plan_without_outcomes_says_there_is_nothing_to_evaluate(
    folder: Path, tmp_path: Path
) -> None:
    kpi = "kpis:\n  - {id: repurchase-rate, name: 复购率, target: '>= 13%'}\n"
    text = synthetic.PLAN.split("outcomes:")[0] + kpi
    (folder / "bare.yaml").write_text(text, encoding="utf-8")
    code, out, err = _run(str(folder / "bare.yaml"))
    assert code == 1 and out == ""
    assert "nothing to evaluate" in err


@pytest.mark.parametrize("day", ["2024-04-20", "2024-08-31"])
def test_export_and_evaluate_agree_on_the_same_as_of_day(folder: Path, day: str) -> None:
    from decimal import Decimal

    code, out, err = _run(str(folder / "plan.yaml"), "--as-of", day, "--format", "json")
    assert code in (0, 1), err
    evaluated = json.loads(out)["kpis"]
    env = {"PLANFORGE_LANG": "en", "LANG": "C.UTF-8"}
    done = CliRunner().invoke(main, ["export", str(folder / "plan.yaml"), "--as-of", day], env=env)
    assert done.exit_code == 0, done.stderr
    exported = {k["id"]: k for k in json.loads(done.stdout)["kpis"]}
    shown = 0
    for kpi, figures in evaluated.items():
        value = exported[kpi]["value"]
        if figures["actual"] is None:
            assert value is None, kpi
            continue
        scale = 100 if value["percent"] else 1
        assert abs(Decimal(value["value"]) - Decimal(str(figures["actual"])) * scale) < Decimal(
            "0.001"
        ), kpi
        shown += 1
    assert shown >= 1
