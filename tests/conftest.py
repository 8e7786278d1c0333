"""Shared fixtures and the ``--update-golden`` flag."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "plans"
EXAMPLE = PLANS / "reactivation-2024q2.yaml"

# Property tests judge what the code does, never how fast: no deadline per example and no
# health check on slow data generation, so a busy or slow machine cannot fail them.
settings.register_profile("planforge", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("planforge")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite golden files from the current output instead of comparing.",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden(path, actual)``: compare with the file, or rewrite it with --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(path: Path, actual: str) -> None:
        if update or not path.exists():
            if not update:
                pytest.fail(f"{path.name} is missing; run pytest --update-golden to create it")
            path.write_bytes(actual.encode("utf-8"))
            return
        expected = path.read_bytes().decode("utf-8")
        assert actual == expected, f"{path.name} differs; run pytest --update-golden if intended"

    return check


@pytest.fixture(scope="session")
def rendered_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both example plans rendered to HTML and PDF, once per session."""
    from planforge.render.document import RenderOptions, render_file

    out = tmp_path_factory.mktemp("render")
    for plan in (EXAMPLE, PLANS / "key-accounts-care-2024h2.yaml"):
        outcome = render_file(str(plan), RenderOptions(output=str(out)))
        assert outcome.ok and len(outcome.written) == 2, outcome.error
    return out


@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see planforge as a user at a terminal does, even when CI runs them in Actions
    (where `validate` would default to annotations and SARIF to GITHUB_WORKSPACE)."""
    for name in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "GITHUB_BASE_REF"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite reads planforge's messages in English: a plan's own locale would make a
    zh-CN plan speak Chinese (see planforge.frontdoor). Tests of the language precedence
    remove PLANFORGE_LANG from their environment."""
    monkeypatch.setenv("PLANFORGE_LANG", "en")
