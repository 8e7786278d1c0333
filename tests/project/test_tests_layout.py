"""The tests mirror the packages: no test file sits loose in ``tests/``, and every folder
of tests is a package (so two folders may hold files of the same name)."""

from __future__ import annotations

from tests.conftest import ROOT

TESTS = ROOT / "tests"


def test_no_test_file_sits_loose_in_tests() -> None:
    loose = sorted(p.name for p in TESTS.glob("test_*.py"))
    assert loose == [], f"move these into the folder of the package they test: {loose}"


def test_every_folder_of_tests_is_a_package() -> None:
    folders = {p.parent for p in TESTS.rglob("test_*.py")}
    assert len(folders) >= 10
    missing = sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").exists())
    assert missing == []
