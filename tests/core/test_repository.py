"""A repository of plans: ids unique across files (PF211), partial renders beside full ones."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from planforge.cli import main
from tests.conftest import EXAMPLE, PLANS

EN_PLAN = PLANS / "key-accounts-care-2024h2.yaml"


def _two_with_one_id(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "plans"
    folder.mkdir()
    a = folder / "a.yaml"
    b = folder / "b.yaml"
    a.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    b.write_text("# a copy\n" + EXAMPLE.read_text("utf-8"), "utf-8")
    return a, b


def test_validate_names_both_files_at_each_id(tmp_path: Path) -> None:
    a, b = _two_with_one_id(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "plans")])
    assert result.exit_code == 1
    out = result.output
    line = next(
        i for i, t in enumerate(EXAMPLE.read_text("utf-8").splitlines(), 1) if t.startswith("id:")
    )
    assert (
        f"{a}:{line}:5: error[PF211] the plan id `reactivation-2024q2` is also used by {b}:{line + 1}"
        in out
    )
    assert (
        f"{b}:{line + 1}:5: error[PF211] the plan id `reactivation-2024q2` is also used by {a}:{line}"
        in out
    )


def test_the_same_file_twice_is_not_a_duplicate() -> None:
    result = CliRunner().invoke(
        main, ["validate", str(EXAMPLE), str(EXAMPLE.parent / ".." / "plans" / EXAMPLE.name)]
    )
    assert result.exit_code == 0, result.output


def test_render_refuses_both_and_renders_the_rest(tmp_path: Path) -> None:
    _two_with_one_id(tmp_path)
    (tmp_path / "plans" / "c.yaml").write_text(EN_PLAN.read_text("utf-8"), "utf-8")
    out = tmp_path / "build"
    result = CliRunner().invoke(
        main, ["render", str(tmp_path / "plans"), "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "a.yaml: not rendered: another plan has the same id" in result.output
    assert "b.yaml: not rendered: another plan has the same id" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["key-accounts-care-2024h2.html"]


def test_partial_render_keeps_the_full_document(tmp_path: Path) -> None:
    args = ["render", str(EXAMPLE), "--format", "html", "-o", str(tmp_path)]
    assert CliRunner().invoke(main, args).exit_code == 0
    full = (tmp_path / "reactivation-2024q2.html").read_bytes()
    assert CliRunner().invoke(main, [*args, "--only", "budget,cover"]).exit_code == 0
    assert (tmp_path / "reactivation-2024q2.html").read_bytes() == full
    assert (tmp_path / "reactivation-2024q2.cover-budget.html").exists()
