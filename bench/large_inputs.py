"""Hostile inputs of up to 16 MB: each must validate in under 2 s (issue #8).

Each shape is written just under the loader's 16 MB limit and validated as a whole
process (start-up included). The peer is PyYAML's C loader reading the same file
(``yaml.load(..., CSafeLoader)``), the least any YAML-reading validator does; the
ratio says how planforge's bounded checks compare with merely parsing the file.

Run alone (``.venv/bin/python bench/large_inputs.py``) it rewrites its own section of
``bench/RESULTS.md``; ``bench/run.py`` includes the same section.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

from harness import run_once

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "large"
LIMIT = 16 * 1024 * 1024 - 4096
START, END = "<!-- large-inputs -->", "<!-- /large-inputs -->"
#: The peer is stopped after this many seconds (shown as "> 30.00 s").
PEER_TIMEOUT = 30


def _cut(text: str, sep: str, tail: str = "\n") -> str:
    """``text`` cut at the last ``sep`` that keeps it under the size limit."""
    data = text.encode("utf-8")[: LIMIT - len(tail)].decode("utf-8", "ignore")
    return data.rsplit(sep, 1)[0] + tail


def _repeat(unit: Callable[[int], str], size: int = LIMIT) -> str:
    parts, total, i = [], 0, 0
    while total < size:
        part = unit(i)
        parts.append(part)
        total += len(part.encode("utf-8"))
        i += 1
    return "".join(parts)


SHAPES: dict[str, Callable[[], str]] = {
    "one 16 MB text value": lambda: "title: " + "长" * (LIMIT // 3 - 10) + "\n",
    "unknown keys on one line (a flow mapping)": lambda: _cut(
        "{" + _repeat(lambda i: f"unknown_key_{i}: 1, "), ", ", "}\n"
    ),
    "a list mixing numbers and text (uniqueItems)": lambda: _cut(
        "tasks:\n  - id: a\n    resources: [" + _repeat(lambda i: "1, " if i % 2 else '"a", '),
        ", ",
        "]\n",
    ),
    "numbers with too many decimals": lambda: _cut(
        "measures: {" + _repeat(lambda i: f"m{i}: 1e-{i % 20}, "), ", ", "}\n"
    ),
    "tasks full of errors": lambda: _cut(
        "tasks:\n"
        + _repeat(
            lambda i: (
                f"  - {{id: 'BAD {i}', start: 2024-02-30, end: x, depends_on: [n], owner: 3}}\n"
            )
        ),
        "\n  - ",
    ),
    "budget lines": lambda: _cut(
        "budget:\n  lines:\n"
        + _repeat(
            lambda i: f"    - {{category: c{i % 50}, item: i{i}, quantity: 3, unit_price: 0.5}}\n"
        ),
        "\n    - ",
    ),
    "a comment of 16 MB": lambda: "planforge: 1\n# " + "x" * (LIMIT - 20) + "\n",
    "one line of 16 MB (a plain scalar)": lambda: "note: " + "ab " * (LIMIT // 3 - 4) + "\n",
}


def measure(planforge: str, repeat: int = 1) -> list[str]:
    """Table rows: shape, size, planforge's time, the peer's, the ratio."""
    OUT.mkdir(parents=True, exist_ok=True)
    peer = [
        sys.executable,
        "-c",
        "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), yaml.CSafeLoader)",
    ]
    rows = []
    for name, make in SHAPES.items():
        path = OUT / (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".yaml")
        path.write_text(make(), encoding="utf-8")
        ours, theirs, peak = [], [], 0
        for _ in range(repeat):
            s = run_once([planforge, "validate", str(path)], ROOT)
            assert s.returncode in (0, 1), (name, s.returncode)
            ours.append(s.seconds)
            peak = max(peak, s.peak_kib)
            p = run_once([*peer, str(path)], ROOT)
            theirs.append(p.seconds if p.returncode == 0 else float(PEER_TIMEOUT))
        mine, other = statistics.median(ours), statistics.median(theirs)
        over = ">" if other >= PEER_TIMEOUT else ""
        size = path.stat().st_size / 1024 / 1024
        rows.append(
            f"| {name} | {size:.1f} MB | {mine:.2f} s ({peak / 1024:.0f} MiB) |"
            f" {over}{other:.2f} s | {over}{other / mine:.1f}× |"
        )
        print(rows[-1], file=sys.stderr)
    return rows


def section(planforge: str, repeat: int = 1) -> list[str]:
    """The RESULTS.md section, between its markers."""
    return [
        START,
        "## Hostile inputs up to 16 MB (validate)",
        "",
        "Each file is just under the 16 MB limit. planforge stops loading at the first value"
        " over its bounds (60,000 values, 10,000 characters a value; see the plan format's"
        " bounds in the docs), so every check after loading is bounded too. The peer parses the same"
        " file with PyYAML's C loader and does nothing else; the ratio is its time over"
        " planforge's (above 1×: planforge is faster than merely parsing the file).",
        "",
        "| input | size | planforge validate | PyYAML C loader only | ratio |",
        "|---|---|---|---|---|",
        *measure(planforge, repeat),
        "",
        END,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    planforge = str(Path(sys.executable).parent / "planforge")
    text = "\n".join(section(planforge, args.repeat))
    old = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    if START in old and END in old:
        new = old[: old.index(START)] + text + old[old.index(END) + len(END) :]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    args.output.write_text(new, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
