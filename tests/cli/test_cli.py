"""The command line, through click's runner and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge import __version__
from planforge.cli import main
from tests.conftest import EXAMPLE, PLANS, ROOT

PY = sys.executable


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def proc(*args: str, cwd: Path = ROOT, **kw) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [PY, "-m", "planforge", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        **kw,
    )


def test_validate_default_is_plans_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert f"{len(list(PLANS.glob('*.yaml')))} plans checked: all valid" in result.output


def test_inside_the_plans_folder_validate_checks_its_plans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no plans/ folder here, the plan files of the current folder are checked;
    YAML that is not a plan (mkdocs.yml, a CI workflow) is left alone."""
    (tmp_path / "care.yaml").write_bytes((PLANS / "reactivation-2024q2.yaml").read_bytes())
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "1 plan checked: all valid" in result.output
    (tmp_path / "care.yaml").unlink()
    result = run("validate")
    assert result.exit_code == 2
    assert "no plans/ folder here and no plan files in ." in result.output


def test_exit_codes(tmp_path: Path) -> None:
    assert run("validate", str(EXAMPLE)).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text("utf-8").replace("status: review", "status: x"), "utf-8")
    assert run("validate", str(bad)).exit_code == 1
    missing = run("validate", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "no such file" in missing.output
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    assert run("validate", str(empty_dir)).exit_code == 2
    assert run("validate", "--format", "xml").exit_code == 2


def test_undecodable_and_unparsable_files_are_findings(tmp_path: Path) -> None:
    (tmp_path / "gbk.yaml").write_bytes("title: 老客户唤醒月\n".encode("gbk"))
    (tmp_path / "tabs.yml").write_text("a:\n\tb: 1\n", "utf-8")
    result = run("validate", "--format", "json", str(tmp_path))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [f["diagnostics"][0]["code"] for f in data["files"]] == ["PF001", "PF002"]


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    plan = tmp_path / "gap.yaml"
    plan.write_text(
        EXAMPLE.read_text("utf-8").replace("    end: 2024-06-30\n", "    end: 2024-06-28\n"),
        "utf-8",
    )
    assert run("validate", str(plan)).exit_code == 0
    strict = run("validate", "--strict", str(plan))
    assert strict.exit_code == 1 and "PF304" in strict.output


def test_an_unreadable_file_is_its_own_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "secret.yaml"
    plan.write_text("a: 1", "utf-8")
    real_open = os.open

    def deny(path, *args, **kwargs):
        if str(path) == str(plan):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("os.open", deny)  # root reads every file, so simulate it
    result = run("validate", str(plan))
    assert result.exit_code == 1 and "PF008" in result.output
    assert "Permission denied" in result.output


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "planforge.sarif"
    result = run("validate", "--format", "sarif", "-o", str(out), str(EXAMPLE))
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(out.read_text("utf-8"))["version"] == "2.1.0"


def test_export_refuses_invalid_plans(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text("utf-8").replace("  total: 10000", "  total: 9000"), "utf-8")
    result = CliRunner().invoke(main, ["export", str(bad)])
    assert result.exit_code == 1
    assert "PF403" in result.output and "{" not in result.output


def test_export_decimals_are_strings() -> None:
    data = json.loads(run("export", str(EXAMPLE)).output)
    assert data["budget"]["total"] == "10000.00"
    assert data["budget"]["lines"][0]["unit_price"] == "50"
    assert data["tiers"][0]["customers"] == 20
    assert data["kpis"][1]["status"] == "exceeded"
    assert data["review"]["due"] == "2024-07-03"


def test_schema_rules_explain() -> None:
    schema = run("schema")
    assert json.loads(schema.output)["title"] == "planforge campaign plan"
    rules = run("rules")
    assert "PF306" in rules.output and "starts-before-predecessor" in rules.output
    assert len(json.loads(run("rules", "--format", "json").output)) >= 30
    explain = run("explain", "pf306")
    assert explain.exit_code == 0 and "Example fix:" in explain.output
    assert run("explain", "dependency-cycle").output.startswith("PF307")
    unknown = run("explain", "PF399")
    assert unknown.exit_code == 2 and "did you mean" in unknown.output


def test_version_and_help() -> None:
    assert __version__ in run("--version").output
    assert "validate" in run("--help").output


def test_real_subprocess_text_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        EXAMPLE.read_text("utf-8").replace("owner: designer", "owner: desinger"), "utf-8"
    )
    result = proc("validate", str(bad))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert (
        first.startswith(f"{bad}:")
        and "error[PF203]" in first
        and "did you mean `designer`" in first
    )
    assert "^^^^^^^^" in result.stdout
    assert "Traceback" not in result.stderr


RENDERING = ("weasyprint", "jinja2", "pydyf", "fontTools", "PIL", "cffi", "icalendar", "ctypes")
CALENDAR = ("holidays",)  # only for a plan that names a calendar country
DATA = ("polars", "sqlglot", "fastexcel", "xlsxwriter")


#: Every plan in plans/ whose data are CSV files only.
CSV_PLANS = [
    "plans/crm-tiers-2024q2.yaml",
    "plans/key-accounts-care-2024h2.yaml",
    "plans/reactivation-2024q2.yaml",
]


@pytest.mark.parametrize(
    ("paths", "heavy"),
    [
        # Plans without segmentation: neither the rendering stack nor the data engine.
        (
            ["plans/reactivation-2024q2.yaml", "plans/key-accounts-care-2024h2.yaml"],
            RENDERING + DATA + CALENDAR,
        ),
        # A CSV source, --no-data: sqlglot parses the rules, the header is read without polars.
        (
            ["--no-data", *CSV_PLANS],
            (*RENDERING, *CALENDAR, "polars", "fastexcel", "xlsxwriter"),
        ),
        # Reading the data (the default) needs polars (which loads ctypes), but never the
        # rendering stack.
        (
            CSV_PLANS,
            (*(m for m in RENDERING if m != "ctypes"), *CALENDAR, "fastexcel", "xlsxwriter"),
        ),
        # An XLSX outcome source is read by fastexcel; still no rendering stack.
        (
            ["plans/winback-2024q2.yaml"],
            (*(m for m in RENDERING if m != "ctypes"), *CALENDAR, "xlsxwriter"),
        ),
    ],
    ids=["no-segmentation", "csv-segmentation-no-data", "csv-segmentation", "xlsx-outcomes"],
)
def test_validate_never_imports_the_rendering_stack(paths: list[str], heavy: tuple) -> None:
    code = (
        "import sys; from planforge.cli import main\n"
        f"try:\n    main(['validate', *{paths!r}])\nexcept SystemExit as e:\n    code = e.code\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {heavy!r} or m in ('planforge.atomic', 'planforge.render')]\n"
        "print(code, bad)\n"
    )
    result = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith("0 []"), result.stdout


def test_internal_error_has_no_traceback_without_debug(tmp_path: Path) -> None:
    script = (
        "import planforge.check as c\n"
        "def boom(*a, **k):\n    raise RuntimeError('kaboom')\n"
        "c.check_file = boom\n"
        "from planforge.cli import main\nmain()\n"
    )
    plain = subprocess.run(
        [PY, "-c", script, "validate", "plans"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert plain.returncode == 2
    assert (
        "internal error: RuntimeError: kaboom" in plain.stderr and "Traceback" not in plain.stderr
    )
    debug = subprocess.run(
        [PY, "-c", script, "--debug", "validate", "plans"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" in debug.stderr


@pytest.mark.parametrize("command", ["validate", "segment", "evaluate", "export"])
def test_a_plan_that_cannot_be_read_is_a_usage_error(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every command opens its plan through one door and says the same when it cannot."""
    from planforge.frontdoor import Session

    def refused(self: Session, path: str, **_: object) -> None:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(Session, "open", refused)
    args = [command, str(PLANS / "crm-tiers-2024q2.yaml")]
    if command == "segment":
        args += ["-o", str(tmp_path)]
    env = {"PLANFORGE_LANG": "en", "LANG": "C.UTF-8"}
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 2, result.output
    assert "crm-tiers-2024q2.yaml: cannot read: Permission denied" in result.stderr
    assert "Traceback" not in result.output
