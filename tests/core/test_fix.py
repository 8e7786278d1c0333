"""``validate --fix``: safe edits applied in place, and the fixed plan validates."""

from __future__ import annotations

from pathlib import Path

from planforge.diagnostics import Diagnostic, Edit, Fix, Severity
from planforge.fixer import apply
from tests.cli.test_cli import proc
from tests.conftest import EXAMPLE

SLIPS = [
    ("title: 老客户唤醒月", "title：老客户唤醒月"),
    ("currency: CNY", "currency: cny"),
    ("  departments: [市场部, 销售部, 客服部]", "  departments: [市场部，销售部、客服部]"),
    ('    target: ">= 70%"', "    target: “>= 70%”"),
    ('    target: ">= 12%"', "    target: >= 12%"),
]


def _broken(tmp_path: Path, bom: bool = False) -> tuple[Path, str]:
    original = EXAMPLE.read_text(encoding="utf-8")
    text = original
    for good, bad in SLIPS:
        assert good in text
        text = text.replace(good, bad, 1)
    path = tmp_path / "plan.yaml"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path, original


def test_fix_repairs_every_slip_and_the_plan_validates(tmp_path: Path) -> None:
    path, original = _broken(tmp_path)
    assert proc("validate", str(path)).returncode == 1
    fixed = proc("validate", "--fix", str(path))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert path.read_text(encoding="utf-8") == original
    for code in ("PF030", "PF104", "PF031", "PF033", "PF036"):
        assert f"fixed [{code}]" in fixed.stderr
    assert proc("validate", str(path)).returncode == 0


def test_fix_keeps_a_byte_order_mark(tmp_path: Path) -> None:
    path, original = _broken(tmp_path, bom=True)
    assert proc("validate", "--fix", str(path)).returncode == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + original.encode("utf-8")


def test_fix_leaves_unsafe_suggestions_alone(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("amount: 1000", "amount: 1200", 1)
    path.write_text(text, encoding="utf-8")
    result = proc("validate", "--fix", str(path))
    assert result.returncode == 1 and "fixed" not in result.stderr
    assert path.read_text(encoding="utf-8") == text


def _diag(line: int, col: int, end: int, new: str, safe: bool = True) -> Diagnostic:
    fix = Fix("x", (Edit((line, col), (line, end), new),), safe)
    return Diagnostic("PF030", Severity.ERROR, "m", "p", fix=fix)


def test_overlapping_edits_apply_the_first_only() -> None:
    text, fixed = apply("ab：cd\n", [_diag(1, 3, 4, ": "), _diag(1, 2, 4, "X")])
    assert text == "ab: cd\n" and len(fixed) == 1


def test_edits_on_later_lines_use_the_original_positions() -> None:
    text, _ = apply("a：1\nb：2\n", [_diag(1, 2, 3, ": "), _diag(2, 2, 3, ": ")])
    assert text == "a: 1\nb: 2\n"
