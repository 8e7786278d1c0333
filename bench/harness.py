"""A small timing harness: run commands as subprocesses, measure wall time, CPU time and
peak memory.

Peak memory and CPU time come from ``os.wait4``'s rusage for that one child
(``ru_maxrss``, KiB on Linux; the CPU time includes the child's own workers), so
nothing outside Python is needed. Peers are measured interleaved in
the same run and compared as ratios, because absolute times on a shared machine
are noisy.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Sample:
    seconds: float
    peak_kib: int
    returncode: int
    #: User and system CPU time of the process and its children (every worker).
    cpu: float = 0.0


@dataclass
class Measure:
    name: str
    samples: list[Sample] = field(default_factory=list)
    #: The 1-minute load average just before each sample.
    loads: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu_median(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(s.peak_kib for s in self.samples) / 1024


def compile_sources(folder: Path) -> None:
    """Write the bytecode of every module under ``folder`` (as installing a wheel does).

    An editable install leaves planforge's modules uncompiled, and with
    ``PYTHONDONTWRITEBYTECODE`` set (as on some CI machines) every run would compile
    them again, about 0.2 s that no installed copy spends; its peers' modules were
    compiled when pip installed them.
    """
    import compileall

    compileall.compile_dir(str(folder), quiet=1)


def run_once(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run ``cmd`` to completion; its output is discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(elapsed, int(usage.ru_maxrss), proc.returncode, usage.ru_utime + usage.ru_stime)


def compare(
    commands: dict[str, list[str]], cwd: Path, repeat: int, warmup: bool = True
) -> dict[str, Measure]:
    """Run each command ``repeat`` times, interleaved, after one warm-up run each.

    Every run must exit 0: a benchmark of a failing command measures nothing.
    """
    measures = {name: Measure(name) for name in commands}
    if warmup:
        for name, cmd in commands.items():  # warm the page cache
            _checked(name, cmd, run_once(cmd, cwd))
    for _ in range(repeat):
        for name, cmd in commands.items():
            measures[name].loads.append(os.getloadavg()[0])
            measures[name].samples.append(_checked(name, cmd, run_once(cmd, cwd)))
    return measures


def load_range(*measures: Measure) -> str:
    """The load average while ``measures`` ran: ``load 0.4`` or ``load 0.4-1.2``."""
    loads = [x for m in measures for x in m.loads] or [os.getloadavg()[0]]
    low, high = f"{min(loads):.1f}", f"{max(loads):.1f}"
    return f"load {low}" if low == high else f"load {low}–{high}"


def conditions(*measures: Measure) -> str:
    """What a ratio was measured on: the load while its runs ran, and the machine."""
    return f"{load_range(*measures)}; {machine_line()}"


def chromium() -> str | None:
    """A headless Chromium that actually runs here (a snap stub does not), or None."""
    return _chromium()[0]


@functools.lru_cache(maxsize=1)
def _chromium() -> tuple[str | None, str | None]:
    """(the executable, its version) of a headless Chromium that runs, or (None, None)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if not found:
            continue
        try:
            probe = subprocess.run(
                [found, "--headless", "--no-sandbox", "--version"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            words = probe.stdout.split()
            version = next((w for w in words if w[:1].isdigit()), probe.stdout.strip())
            return found, version
    return None, None


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), or what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


@functools.lru_cache(maxsize=1)
def machine_line() -> str:
    """The machine in one line, printed next to every ratio: CPU, cores, Python, Chromium."""
    version = _chromium()[1]
    return f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, " + (
        f"Chromium {version}" if version else "no Chromium"
    )


def _checked(name: str, cmd: list[str], sample: Sample) -> Sample:
    if sample.returncode != 0:
        sys.exit(f"{name}: exit {sample.returncode}: {' '.join(cmd)}")
    return sample


def machine() -> list[str]:
    """A description of this machine for RESULTS.md."""
    cpu = cpu_model()
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"- CPU: {cpu} ({os.cpu_count()} cores{mem})",
        f"- OS: {platform.platform()}",
        f"- Python: {platform.python_version()} ({sys.executable})",
        f"- Chromium: {_chromium()[1] or 'not installed'}",
        "- Load average when the run started: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (1, 5, 15 minutes); each ratio below names the load while its runs ran",
    ]
