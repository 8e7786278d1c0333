"""Issue 17.9: a rule the engine cannot run never reaches it, and a panic is still caught."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from planforge.check import check_file
from tests.segment.conftest import PLAN

RULE = '"年消费 >= 150000 AND 合作年限 >= 3 AND 投诉次数 = 0"'


@pytest.mark.parametrize(
    "rule",
    [
        "1 AND '2024-01-01'",
        "NOT 年消费",
        "年消费 IN ()",
        "年消费 = 1e",
        "年消费 > 170141183460469231731687303715884105728",
        "年消费 > 1e-99999999999999999999",
    ],
)
def test_validate_refuses_what_the_engine_cannot_run(tmp_path: Path, rule: str) -> None:
    plan = tmp_path / "plan.yaml"
    (tmp_path / "data").symlink_to(PLAN.parent / "data")
    plan.write_text(PLAN.read_text("utf-8").replace(RULE, f'"{rule}"'), "utf-8")
    for read_data in (False, True):  # validate reads the header, segment the rows
        result = check_file(str(plan), read_data=read_data)
        codes = {d.code for d in result.diagnostics}
        assert "PF503" in codes and "PF900" not in codes, result.diagnostics


def test_a_panic_in_the_engine_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planforge.segment.run as run

    def panic(*args, **kwargs):
        raise pl.exceptions.PanicException("index out of bounds")

    monkeypatch.setattr(run, "stage", panic)
    result = check_file(str(PLAN), read_data=True)
    found = [d for d in result.diagnostics if d.code == "PF502"]
    assert found and "index out of bounds" in found[0].message
    assert "PF900" not in {d.code for d in result.diagnostics}
