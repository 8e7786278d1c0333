"""``validate -j``: checking a folder in several processes reports exactly what one does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planforge.fanout import MIN_EACH
from tests.conftest import PLANS, ROOT

#: Run as the real command: a fresh process forks its workers before any thread starts
#: (pytest's own process may have started the data reader's threads; see fanout).
PATCHED = """import sys
from pathlib import Path
from planforge.frontdoor import Session
real = Session.open
def open_(self, path, **kw):
    if Path(path).name in {refused!r}:
        raise PermissionError(13, "Permission denied", path)
    return real(self, path, **kw)
Session.open = open_
from planforge.cli import main
main(sys.argv[1:])
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Valid and broken plans, input-method slips, files sharing an id (PF211, across the
    processes' shares), customer data, and more files than two processes start for."""
    root = tmp_path_factory.mktemp("corpus")
    # (not the winback example: reading its outcomes takes seconds, and adds nothing here)
    shutil.copytree(PLANS, root / "plans", ignore=shutil.ignore_patterns("winback-*"))
    for folder in ("tests/trial-plans", "tests/fuzz/corpus", "tests/layout"):
        for plan in sorted((ROOT / folder).glob("*.yaml")):
            shutil.copy(plan, root / f"{plan.parent.name}-{plan.name}")
    broken = (ROOT / "tests/golden/broken-plan.yaml").read_text("utf-8")
    for i in range(2 * MIN_EACH):
        ident = "shared-id" if i in (3, 4, 11) else f"broken-{i:02d}"
        text = broken.replace("id: reactivation-2024q2", f"id: {ident}")
        (root / f"broken-{i:02d}.yaml").write_text(text, "utf-8")
    return root


def _validate(corpus: Path, *args: str, script: str | None = None) -> tuple[int, bytes, bytes]:
    runner = ["-c", script] if script else ["-m", "planforge"]
    env = {**os.environ, "LANG": "C.UTF-8", "NO_COLOR": "1"}
    env.pop("PLANFORGE_LANG", None)
    done = subprocess.run(
        [sys.executable, *runner, "validate", *args, str(corpus)],
        cwd=corpus,
        env=env,
        capture_output=True,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--format", "json"],
        ["--format", "sarif", "--select", "PF2,PF3"],
        ["--format", "junit", "--lang", "en", "--strict"],
        ["--format", "github"],
        ["--no-data", "--lang", "zh-CN"],
    ],
)
def test_several_processes_report_what_one_does(corpus: Path, args: list[str]) -> None:
    one = _validate(corpus, "-j", "1", *args)
    assert one[0] == 1 and b"PF211" in one[1]  # the corpus has findings, across files too
    for jobs in ("2", "3") if not args else ("2",):
        assert _validate(corpus, "-j", jobs, *args) == one


def test_the_first_unreadable_plan_in_order_is_named(corpus: Path) -> None:
    """Whichever process meets it, the plan named is the first that cannot be read."""
    script = PATCHED.format(refused={"broken-05.yaml", "broken-02.yaml"})
    for jobs in ("1", "3"):
        code, _, err = _validate(corpus, "-j", jobs, "--lang", "en", script=script)
        assert code == 2, err
        assert b"broken-02.yaml: cannot read: Permission denied" in err, err


def test_the_plans_are_shared_among_the_processes(corpus: Path, tmp_path: Path) -> None:
    log = tmp_path / "pids.txt"
    script = (
        "import os, sys\nfrom planforge.frontdoor import Session\nreal = Session.open\n"
        "def open_(self, path, **kw):\n"
        f"    with open({str(log)!r}, 'a') as f: f.write(str(os.getpid()) + chr(10))\n"
        "    return real(self, path, **kw)\n"
        "Session.open = open_\nfrom planforge.cli import main\nmain(sys.argv[1:])\n"
    )
    code, out, _ = _validate(corpus, "-j", "3", "--no-data", script=script)
    assert code == 1 and out
    pids = log.read_text().split()
    plans = len(list(corpus.rglob("*.yaml")))
    assert len(pids) == plans and len(set(pids)) == 3  # every plan once, in 3 processes
