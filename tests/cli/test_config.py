"""Suppressions, --select/--ignore, project settings and --stdin, as a user meets them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.config import ConfigError, find, selected
from planforge.suppress import suppressions
from tests.conftest import EXAMPLE

BROKEN = EXAMPLE.read_text("utf-8").replace("amount: 1000\n", "amount: 1200\n", 1)


def run(*args: str, cwd: Path | None = None, stdin: str | None = None):
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), input=stdin)
    finally:
        os.chdir(old)


def codes(output: str) -> list[str]:
    return sorted(set(re.findall(r"(?:error|warning)\[(PF[0-9]{3})\]", output)))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "x.yaml").write_text(BROKEN, "utf-8")
    return tmp_path


def test_broken_plan_findings(project: Path) -> None:
    result = run("validate", cwd=project)
    assert result.exit_code == 1 and codes(result.output) == ["PF401", "PF403", "PF404"]


def test_inline_suppression_and_unused_warning(project: Path) -> None:
    plan = project / "plans" / "x.yaml"
    text = plan.read_text("utf-8")
    text = text.replace(
        "      amount: 1200\n", "      amount: 1200  # planforge: ignore[PF401]\n", 1
    )
    text = text.replace("  cap: 10000\n", "  cap: 10000  # planforge: ignore[PF404, PF304]\n")
    plan.write_text(text, "utf-8")
    result = run("validate", cwd=project)
    assert codes(result.output) == ["PF212", "PF403"]
    assert "unused suppression of PF304: there is no PF304 finding on this line" in result.output
    assert result.exit_code == 1  # PF403 is still there


def test_select_and_ignore(project: Path) -> None:
    assert codes(run("validate", "--select", "PF40", cwd=project).output) == [
        "PF401",
        "PF403",
        "PF404",
    ]
    only = run("validate", "--select", "pf401", cwd=project)
    assert codes(only.output) == ["PF401"] and only.exit_code == 1
    clean = run("validate", "--ignore", "PF4", cwd=project)
    assert clean.exit_code == 0 and codes(clean.output) == []


def test_reading_errors_cannot_be_ignored(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("title: [open\n", "utf-8")
    result = run("validate", "--ignore", "PF0,PF002", str(tmp_path / "bad.yaml"))
    assert result.exit_code == 1 and "PF002" in result.output


def test_pyproject_settings_walk_up_from_the_plan(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "plans"\n\n[tool.planforge]\npaths = ["plans"]\nignore = ["PF403", "PF404"]\n'
        'output = "out/docs"\nlocale = "en"\n',
        "utf-8",
    )
    sub = project / "plans"
    assert codes(run("validate", "x.yaml", cwd=sub).output) == ["PF401"]
    assert codes(run("validate", "--ignore", "PF401", cwd=project).output) == []
    config = find(str(sub / "x.yaml"))
    assert config.source == str(project / "pyproject.toml") and config.locale == "en"
    assert os.path.abspath(config.output or "") == str(project / "out" / "docs")


def test_planforge_toml_wins_and_render_uses_its_output_and_locale(project: Path) -> None:
    (project / "plans" / "x.yaml").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    (project / "pyproject.toml").write_text('[tool.planforge]\noutput = "wrong"\n', "utf-8")
    (project / ".planforge.toml").write_text('output = "docs"\nlocale = "en"\n', "utf-8")
    result = run("render", "--format", "html", cwd=project)
    assert result.exit_code == 0, result.output
    html = (project / "docs" / "reactivation-2024q2.html").read_text("utf-8")
    assert '<html lang="en">' in html and not (project / "wrong").exists()


def test_a_pyproject_without_planforge_settings_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / ".planforge.toml").write_text('locale = "en"\n', "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    assert find(str(tmp_path / "sub")).locale == "en"
    assert find(str(tmp_path / "sub")).source == str(tmp_path / ".planforge.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lokale = 'en'\n", "unknown setting `lokale`"),
        ("locale = 'fr'\n", "`locale` is one of zh-CN, en"),
        ("ignore = 'PF304'\n", "`ignore` is a list of strings"),
        ("locale = \n", "not valid TOML"),
    ],
)
def test_bad_settings_are_usage_errors(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / ".planforge.toml").write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message.replace("`", ".").replace("(", ".")):
        find(str(tmp_path))
    (tmp_path / "x.yaml").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    result = run("validate", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2 and message in result.output


def test_stdin_reports_under_the_given_name(project: Path) -> None:
    result = run(
        "validate", "--stdin", "--stdin-filename", "plans/x.yaml", cwd=project, stdin=BROKEN
    )
    assert result.exit_code == 1
    assert "plans/x.yaml:" in result.output and "PF401" in result.output
    unnamed = run("validate", "--stdin", stdin=EXAMPLE.read_text("utf-8"))
    assert unnamed.exit_code == 0, unnamed.output
    assert run("validate", "--stdin", "plans/x.yaml").exit_code == 2
    assert run("validate", "--stdin-filename", "x.yaml").exit_code == 2


def test_stdin_as_a_subprocess_finds_the_config(project: Path) -> None:
    (project / ".planforge.toml").write_text('ignore = ["PF4"]\n', "utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "planforge",
            "validate",
            "--stdin",
            "--stdin-filename",
            "plans/x.yaml",
        ],
        cwd=project,
        input=BROKEN,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_helpers() -> None:
    assert suppressions("a: 1 # planforge: ignore[PF304,pf405]\nb: '#x'\n") == {
        1: (6, ["PF304", "PF405"])
    }
    assert suppressions("# planforge: ignore[PF304]\n") == {1: (1, ["PF304"])}
    assert selected("PF304", (), ("PF3",)) is False
    assert selected("PF001", ("PF4",), ()) is True
    assert selected("PF900", (), ("PF9",)) is True


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_as_the_readme_says(shell: str) -> None:
    env = {**os.environ, "_PLANFORGE_COMPLETE": f"{shell}_source"}
    script = Path(sys.executable).parent / "planforge"  # the installed command
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "_PLANFORGE_COMPLETE" in done.stdout


def test_init_takes_the_locale_from_the_settings(tmp_path: Path) -> None:
    (tmp_path / ".planforge.toml").write_text('locale = "en"\n', "utf-8")
    result = run("init", "--start", "2025-03-03", str(tmp_path / "new.plan.yaml"))
    assert result.exit_code == 0, result.output
    assert "\nlocale: en\n" in (tmp_path / "new.plan.yaml").read_text("utf-8")
