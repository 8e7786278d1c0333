"""A small timing harness: run commands as subprocesses, measure wall time and peak memory.

Peak memory comes from ``os.wait4``'s rusage for that one child (``ru_maxrss``, KiB
on Linux), so nothing outside Python is needed. Peers are measured interleaved in
the same run and compared as ratios, because absolute times on a shared machine
are noisy.
"""

from __future__ import annotations

import os
import platform
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


@dataclass
class Measure:
    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(s.peak_kib for s in self.samples) / 1024


def run_once(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run ``cmd`` to completion; its output is discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(elapsed, int(usage.ru_maxrss), proc.returncode)


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
            measures[name].samples.append(_checked(name, cmd, run_once(cmd, cwd)))
    return measures


def _checked(name: str, cmd: list[str], sample: Sample) -> Sample:
    if sample.returncode != 0:
        sys.exit(f"{name}: exit {sample.returncode}: {' '.join(cmd)}")
    return sample


def machine() -> list[str]:
    """A description of this machine for RESULTS.md."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
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
    ]
