"""What makes rendering fast changes no byte: WeasyPrint's libraries found from one cached
``ldconfig -p`` (the same ones ctypes finds), fontTools' subsetter and instancer imported
only when used, one font configuration warmed up before the workers fork; and no
rendering with the slow fontTools subsetter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, PLANS

RECORD = """
import ctypes.util, json, sys
names = []
original = ctypes.util.find_library
def record(name):
    names.append(name)
    return original(name)
ctypes.util.find_library = record
import weasyprint
print(json.dumps(names))
"""


def test_the_cache_answers_every_lookup_weasyprint_makes_as_ctypes_does() -> None:
    from ctypes.util import find_library

    from planforge.render.libs import cached_find_library, usable

    names = json.loads(
        subprocess.run(
            [sys.executable, "-c", RECORD], capture_output=True, text=True, check=True
        ).stdout
    )
    assert len(names) >= 10  # the names cffi could not dlopen as given
    assert usable()
    for name in [*names, "c", "m", "no-such-library-anywhere"]:
        assert cached_find_library(name) == find_library(name), name


def test_the_cache_steps_aside_for_ld_library_path(monkeypatch) -> None:
    from planforge.render.libs import usable

    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/pango/lib")
    assert not usable()


def test_a_failed_import_falls_back_to_the_usual_lookup() -> None:
    script = (
        "import contextlib\n"
        "import planforge.render.libs as libs\n"
        "@contextlib.contextmanager\n"
        "def failing(find):\n"
        "    raise OSError('cannot load library pango-1.0')  # a stale cache\n"
        "    yield\n"
        "libs._lookups = failing\n"
        "libs.import_weasyprint()\n"
        "import weasyprint.text.ffi as ffi\n"
        "print(ffi.pango is not None)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout == "True\n"


DEFERRED = """
import sys
from planforge.render.libs import import_weasyprint
import_weasyprint()
loaded = sorted(m for m in sys.modules if m.startswith(("fontTools.subset", "fontTools.varLib")))
import weasyprint.pdf.fonts as fonts
from fontTools import subset
from fontTools.varLib import instancer
print(loaded, fonts.subset.Subsetter is subset.Subsetter, type(instancer).__name__)
"""


def test_weasyprint_is_imported_without_fonttools_subsetter_and_instancer() -> None:
    """They load when first used; a later import gets the real modules."""
    out = subprocess.run(
        [sys.executable, "-c", DEFERRED], capture_output=True, text=True, check=True
    ).stdout
    assert out == "[] True module\n"


VARIABLE = """
from planforge.render.libs import import_weasyprint
import_weasyprint()
import fontTools.varLib.instancer as instancer
import weasyprint.pdf.fonts as fonts
calls = []
instancer.instantiateVariableFont = lambda *a, **k: calls.append((a, k)) or "font"
print(fonts.instantiateVariableFont("ttfont", {"wght": 700}, static=True), calls)
"""


def test_a_variable_font_is_still_instantiated_by_fonttools() -> None:
    """WeasyPrint's ``instantiateVariableFont`` is a stand-in calling fontTools' own."""
    out = subprocess.run(
        [sys.executable, "-c", VARIABLE], capture_output=True, text=True, check=True
    ).stdout
    assert out == "font [(('ttfont', {'wght': 700}), {'static': True})]\n"


PDF_ONLY = ("--format", "pdf")


def run_script(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh Python, with ``args`` as its command line, as under CI."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "CI": "true"},
        check=False,
        timeout=300,
    )


def test_render_refuses_the_slow_subsetter_and_names_the_package(tmp_path: Path) -> None:
    script = (
        "import planforge.render.libs as libs\n"
        "libs.import_weasyprint()\n"
        "import weasyprint.text.ffi as ffi\n"
        "ffi.harfbuzz_subset = None  # as without libharfbuzz-subset0\n"
        "from planforge.cli import main\n"
        "main()\n"
    )
    result = run_script(script, "render", str(EXAMPLE), "-o", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert "libharfbuzz-subset0" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_batch_prints_the_same_bytes_as_one_plan_at_a_time(tmp_path: Path) -> None:
    def render(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "planforge", "render", *args, "--format", "pdf"],
            capture_output=True,
            cwd=tmp_path,
            env={**os.environ, "CI": "true"},
            check=True,
            timeout=300,
        )

    render(str(PLANS), "-o", "batch", "-j", "1")  # warmed up, one font configuration
    plans = sorted(PLANS.glob("*.yaml"))
    for plan in plans:
        render(str(plan), "-o", "single")
    batch = sorted((tmp_path / "batch").glob("*.pdf"))
    assert len(batch) == len(plans) >= 2
    for pdf in batch:
        assert pdf.read_bytes() == (tmp_path / "single" / pdf.name).read_bytes(), pdf.name


def test_a_failed_warm_up_only_fails_the_plans_that_need_what_is_missing(tmp_path: Path) -> None:
    script = (
        "import planforge.render.fonts as fonts\n"
        "fonts.cjk_fonts = lambda: ()  # as on a machine without a Chinese font\n"
        "from planforge.cli import main\n"
        "main()\n"
    )
    result = run_script(script, "render", str(PLANS), "-o", "out", *PDF_ONLY, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no Chinese font is installed" in result.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["key-accounts-care-2024h2.pdf"]


PARENT_IMPORTS = """
import sys
from planforge.cli import main
try:
    main()
except SystemExit as exit:
    print("weasyprint" in sys.modules, exit.code)
"""


@pytest.mark.slow
def test_one_plan_imports_weasyprint_in_its_printer_a_folder_in_the_parent(
    tmp_path: Path,
) -> None:
    def parent_imported(*paths: str) -> str:
        done = run_script(PARENT_IMPORTS, "render", *paths, "-o", "out", *PDF_ONLY, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[-1]

    # one plan: a printer process imports WeasyPrint while the plan is checked
    assert parent_imported(str(EXAMPLE)) == "False 0"
    one = (tmp_path / "out" / "reactivation-2024q2.pdf").read_bytes()
    # a folder: imported once in the parent, before the workers fork
    assert parent_imported(str(EXAMPLE), str(PLANS / "key-accounts-care-2024h2.yaml")) == "True 0"
    assert (tmp_path / "out" / "reactivation-2024q2.pdf").read_bytes() == one


PRINTER_LIMIT = """
import resource
import planforge.render.pdf as pdf
pdf.html_to_pdf = lambda *a, **k: str(resource.getrlimit(resource.RLIMIT_AS)[0]).encode()
from planforge.cli import main
main()
"""


def test_the_early_printer_prints_within_the_plans_memory_limit(tmp_path: Path) -> None:
    done = run_script(
        PRINTER_LIMIT,
        "render",
        str(EXAMPLE),
        "-o",
        "out",
        *PDF_ONLY,
        "--memory-limit",
        "3000",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    printed = (tmp_path / "out" / "reactivation-2024q2.pdf").read_text()
    assert printed == str(3000 * 1024 * 1024)  # what the printer process was limited to


def test_a_run_stopped_before_printing_ends_its_early_printer(tmp_path: Path) -> None:
    """The printer starts before the options are checked; a usage error still ends it."""
    import multiprocessing

    from click.testing import CliRunner

    from planforge.cli import main
    from planforge.render import printer

    result = CliRunner().invoke(
        main,
        ["render", str(EXAMPLE), "-o", str(tmp_path), "--format", "pdf"],
        env={"SOURCE_DATE_EPOCH": "not-a-time", "PLANFORGE_LANG": "en"},
    )
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH" in result.output
    assert printer.current() is None and multiprocessing.active_children() == []
    assert not list(tmp_path.iterdir())
