"""planforge's fuzz campaign: mutated plans through validate, every reporter and export.

Each input goes through what ``planforge validate`` runs (load from bytes, schema, resolve,
every rule), then through every reporter (text, json, github, sarif, junit; JSON and
SARIF are parsed back with :mod:`json`, JUnit with ElementTree), then, when it has no
errors, through every export format. A finding is:

* ``exception``: anything raised (the checks run with ``debug=True``, so a rule's crash
  surfaces here instead of as PF900), including ``MemoryError`` under the memory limit;
* ``pf900``: a PF900 diagnostic all the same;
* ``hang``: an input over the time limit (2 s of CPU time; an alarm interrupts it);
* ``malformed``: a report that does not parse, does not encode as UTF-8, carries raw
  terminal controls, or is out of proportion to its input.

Mutations are byte-level (flips, inserts, deletions, splices), YAML-structural (lines
duplicated, dropped, re-indented; values replaced by extreme ones; values nested) and
Unicode (zero-width, bidi, combining, full-width, emoji, control characters, raw or as
YAML escapes). Seeds are the plans in ``plans/``, ``tests/trial-plans/`` and every plan in
the rule fixtures (``tests/rules/cases/``) and ``tests/fuzz/corpus/`` (fixed findings), so
new parsers' fixtures join the campaign as they land.

Each new finding is minimised (chunks of lines, then of bytes, removed while the same
finding reproduces) and saved as ``<out>/<kind>-<hash>.yaml`` with a ``.txt`` that says
what happened. ``python -m tests.fuzz.campaign --help`` (or ``./dev fuzz``) runs it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import random
import re
import signal
import sys
import time
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
REPORTERS = ("text", "json", "github", "sarif", "junit")
#: Raw characters no text report may carry (the terminal would act on them).
_OWN_COLOURS = re.compile("\x1b\\[[0-9;]*m")
_RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# -- seeds ---------------------------------------------------------------------------------


def whole_plans(root: Path = ROOT) -> list[bytes]:
    """The complete plans: examples, and every plan file among the tests' fixtures
    (trial plans, scheduling and layout plans, ...), so new ones join by themselves."""
    out = [p.read_bytes() for p in sorted((root / "plans").glob("**/*.y*ml"))]
    for path in sorted((root / "tests").glob("**/*.y*ml")):
        if {"cases", "corpus"} & set(path.parts):
            continue  # rule fixtures and past findings: see seeds()
        data = path.read_bytes()
        if data.startswith(b"planforge:") or b"\nplanforge:" in data:
            out.append(data)
    return out


def seeds(root: Path = ROOT) -> list[bytes]:
    """Every plan the project has: examples, trial plans, rule fixtures, past findings."""
    out = whole_plans(root)
    for path in sorted((root / "tests/rules/cases").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text("utf-8")) or {}
        for kind in ("fail", "pass"):
            for case in spec.get(kind) or []:
                if isinstance(case.get("plan"), str):
                    out.append(case["plan"].encode(case.get("encoding", "utf-8"), "replace"))
    corpus = root / "tests/fuzz/corpus"
    if corpus.is_dir():
        out += [p.read_bytes() for p in sorted(corpus.glob("*.yaml"))]
    return [s for s in out if s]


# -- mutations -----------------------------------------------------------------------------

_EXTREME = [
    "0",
    "-1",
    "1e-999999",
    "1e400",
    "0.000000000000000000000001",
    "999999999999999",
    "1000000000000000",
    "1e15",
    "-0",
    ".nan",
    ".inf",
    "-.inf",
    "0x" + "f" * 40,
    "1e9999999999999999999",
    "-1e-99999999999999999999",
    "0e9999999999999999999",
    "9" * 99,
    "0o" + "7" * 90,
    "１２３",
    "１e９９９９９９９９９９９９９９９９９９９９",
    '"1e9999999999999999999%"',
    "9" * 120,
    "1.0000000000000000000000000001",
    "9999-12-31",
    "0001-01-01",
    "2199-12-31",
    "1970-01-01",
    "2024-02-30",
    "2024-02-29",
    "''",
    "~",
    "[]",
    "{}",
    "null",
    "true",
    "no",
    "3000000",
    "60",
    '">= 1e-999999%"',
    '"1e-24%"',
    '"15.3846153846153846153846153846%"',
    '"<= 0%"',
    '"4.0..4.5"',
    '"9..1"',
    '"' + "(" * 40 + "a" + ")" * 40 + '"',
    '"a/0"',
    '"a' + "+a" * 300 + '"',
    '"' + "-" * 60 + '1"',
    "x" * 3000,
    "&a [1, 2]",
    "*a",
    "!!python/name:os.system",
    '"\\0\\x1b]0;t\\x07"',
    '"\\u202e\\u200b"',
    "[1, 1, '1', 1.0]",
    "[" + ", ".join(str(i) if i % 2 else f"t{i}" for i in range(300)) + "]",
    '"48h"',
    '"0.000000000001h"',
    '"99999999999999999w"',
    "'10%'",
    "'100%'",
    "'1000000000000000000%'",
]
_UNICODE = [
    "\u200b",
    "\ufeff",
    "\u2060",
    "\u200d",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u200f",
    "\u061c",
    "\u0301",
    "\u0301" * 30,
    "\u20dd",
    "😀",
    "👨\u200d👩\u200d👧",
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\x1b",
    "\x07",
    "\x00",
    "\x85",
    "\u2028",
    "\u2029",
    "\x7f",
    "\x1b]0;pwn\x07",
    "\x1b[2J",
    "\r",
    "\t",
    "老客户",
    "ｆｕｌｌ",
    "\ud7ff",
    "\ue000",
    "\uffff",
]
_ESCAPES = ["\\0", "\\x1b", "\\x07", "\\u202e", "\\u200b", "\\x85", "\\U0001F600", "\\e", "\\N"]
_BYTES = [b"\x00", b"\xff", b"\xfe", b"\xc3", b"\xe2\x80", b"\r", b"\n", b"\t", b":", b"- ",
          b"'", b'"', b"{", b"[", b"&a ", b"*a", b"!!", b"%", b"#", b"? ", b"|", b">", b"---\n"]  # fmt: skip
_VALUE = re.compile(rb"(:[ ]+|- )([^\n#]*)")
_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}


def _byte_mutation(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    b = bytearray(data)
    op = rng.randrange(6)
    pos = rng.randrange(len(b) + 1)
    if op == 0 and b:
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    elif op == 1:
        b[pos:pos] = rng.choice(_BYTES)
    elif op == 2 and b:
        b[pos : pos + rng.randint(1, 16)] = b""
    elif op == 3 and b:
        chunk = b[pos : pos + rng.randint(1, 64)]
        b[pos:pos] = bytes(chunk) * rng.randint(1, 4)
    elif op == 4:
        other = rng.choice(pool)
        start = rng.randrange(len(other) + 1)
        b[pos:pos] = other[start : start + rng.randint(1, 200)]
    else:
        b[pos:pos] = bytes([rng.randrange(256)])
    return bytes(b)


def _structural_mutation(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    lines = data.split(b"\n")
    op = rng.choice((0, 1, 2, 3, 4, 5, 5, 5, 5, 5, 6))  # mostly: a value replaced
    i = rng.randrange(len(lines))
    if op == 0:
        lines.insert(i, lines[i])
    elif op == 1 and len(lines) > 1:
        del lines[i]
    elif op == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 3:
        lines[i] = b" " * rng.choice((1, 2, 4)) + lines[i] if rng.random() < 0.5 else lines[i][2:]
    elif op == 4:
        other = rng.choice(pool).split(b"\n")
        lines.insert(i, rng.choice(other))
    else:
        m = list(_VALUE.finditer(lines[i]))
        if m:
            hit = rng.choice(m)
            new = rng.choice(_EXTREME).encode() if op == 5 else b"[" + hit.group(2) + b"]"
            lines[i] = lines[i][: hit.start(2)] + new + lines[i][hit.end(2) :]
        elif b":" in lines[i]:
            lines[i] = lines[i].rstrip() + b" " + rng.choice(_EXTREME).encode()
    return b"\n".join(lines)


def _unicode_mutation(rng: random.Random, data: bytes, _pool: list[bytes]) -> bytes:
    text = data.decode("utf-8", "replace")
    pos = rng.randrange(len(text) + 1)
    op = rng.randrange(4)
    if op == 0:
        insert = rng.choice(_UNICODE) * rng.choice((1, 1, 2, 50))
        text = text[:pos] + insert + text[pos:]
    elif op == 1:
        end = pos + rng.randint(1, 30)
        text = text[:pos] + "".join(_FULLWIDTH.get(c, c) for c in text[pos:end]) + text[end:]
    elif op == 2:  # as a YAML escape inside a double-quoted value
        line_start = text.rfind("\n", 0, pos) + 1
        colon = text.find(": ", line_start, pos + 200)
        if colon != -1:
            nl = text.find("\n", colon)
            nl = len(text) if nl == -1 else nl
            value = text[colon + 2 : nl].replace("\\", "").replace('"', "")
            value += rng.choice(_ESCAPES)
            text = text[: colon + 2] + '"' + value + '"' + text[nl:]
    else:
        text = text[:pos] + rng.choice(_UNICODE) + text[pos:]
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


MUTATORS = (_byte_mutation, _structural_mutation, _unicode_mutation)


#: How often each mutator is picked: most inputs should still parse as YAML, so that the
#: schema, the rules, the reporters and (for clean inputs) the exports all get exercised.
WEIGHTS = (2, 5, 3)


def mutate(rng: random.Random, seed: bytes, pool: list[bytes]) -> bytes:
    """``seed`` after one to three random mutations."""
    data = seed
    for _ in range(rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 2, 3))):
        data = rng.choices(MUTATORS, WEIGHTS)[0](rng, data, pool)
    return data


def pick_seed(rng: random.Random, pool: list[bytes], whole: list[bytes]) -> bytes:
    """A whole plan half of the time (fixtures are mostly fragments), else any seed."""
    return rng.choice(whole) if whole and rng.random() < 0.5 else rng.choice(pool)


# -- the target ----------------------------------------------------------------------------


class Hang(BaseException):
    """The input ran over the time limit."""


@dataclass(frozen=True)
class Finding:
    kind: str  # exception, pf900, hang, malformed
    signature: str
    detail: str


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of CPU time (the process's own: a busy shared
    machine slows the wall clock, not the work an input costs)."""

    def alarm(_signum: int, _frame: object) -> None:
        raise Hang(f"over {seconds} s of CPU time")

    previous = signal.signal(signal.SIGPROF, alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "planforge" in f.filename]
    last = frames[-1] if frames else None
    place = f"{Path(last.filename).name}:{last.lineno}" if last else "?"
    return f"{type(exc).__name__} at {place}"


def _check_report(fmt: str, out: str, size: int) -> str | None:
    """Why a report is malformed, or None."""
    try:
        out.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"does not encode as UTF-8: {exc}"
    if len(out) > 2_000_000 + 400 * size and fmt == "text":
        return f"{len(out):,} characters for a {size:,}-byte input"
    try:
        if fmt in ("json", "sarif"):
            json.loads(out)
        elif fmt == "junit":
            ET.fromstring(out.split("\n", 1)[1])
    except (ValueError, ET.ParseError) as exc:
        return f"does not parse: {exc}"
    if fmt in ("text", "github"):
        m = _RAW_CONTROLS.search(_OWN_COLOURS.sub("", out))
        if m:
            return f"carries the raw character U+{ord(m.group()):04X}"
    return None


def run_one(data: bytes, time_limit: float = 2.0) -> list[Finding]:
    """Everything ``validate`` does to ``data``, then every reporter and export; findings."""
    from planforge.check import check_document
    from planforge.diagnostics import Severity
    from planforge.export import FORMATS as EXPORTS
    from planforge.export import files
    from planforge.loader import load_bytes
    from planforge.reporters import get

    found: list[Finding] = []
    try:
        with _time_limit(time_limit):
            result = check_document(load_bytes(data, "fuzz.yaml"), debug=True)
            for d in result.diagnostics:
                if d.code == "PF900":
                    found.append(Finding("pf900", d.message.split("(")[0], d.message))
            for fmt in REPORTERS:
                out = get(fmt)([result], strict=False, color=fmt == "text")
                why = _check_report(fmt, out, len(data))
                if why:
                    found.append(Finding("malformed", f"{fmt} report {why[:40]}", why))
            clean = not any(d.severity is Severity.ERROR for d in result.diagnostics)
            if clean and result.plan is not None and result.plan.id:
                for fmt in EXPORTS:
                    made = files(result.plan, "fuzz.yaml", fmt)
                    if fmt == "json":
                        for body in made.values():
                            json.loads(body)
    except Hang as exc:
        found.append(Finding("hang", "over the time limit", str(exc)))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        detail = "".join(traceback.format_exception(exc))
        found.append(Finding("exception", _where(exc), detail[-4000:]))
    return found


# -- minimisation --------------------------------------------------------------------------


def minimise(data: bytes, same: Callable[[bytes], bool], budget: int = 300) -> bytes:
    """A smaller input for which ``same`` still holds: chunks of lines, then of bytes, removed."""
    tries = 0
    for unit in ("lines", "bytes"):
        parts: list[bytes] = data.split(b"\n") if unit == "lines" else [bytes([c]) for c in data]
        join = (lambda ps: b"\n".join(ps)) if unit == "lines" else (lambda ps: b"".join(ps))
        if unit == "bytes" and len(parts) > 4000:
            continue
        chunk = max(len(parts) // 2, 1)
        while chunk >= 1 and tries < budget:
            i, shrunk = 0, False
            while i < len(parts) and tries < budget:
                candidate = parts[:i] + parts[i + chunk :]
                tries += 1
                if candidate and same(join(candidate)):
                    parts, shrunk = candidate, True
                else:
                    i += chunk
            if not shrunk:
                chunk //= 2
        data = join(parts)
    return data


# -- the campaign --------------------------------------------------------------------------


@dataclass
class Campaign:
    seed: int
    inputs: int
    time_limit: float = 2.0
    out: Path | None = None
    minimise: bool = True
    ran: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    findings: dict[tuple[str, str], tuple[Finding, bytes, int]] = field(default_factory=dict)

    def run(self, progress: Callable[[Campaign], None] | None = None) -> Campaign:
        rng = random.Random(self.seed)
        pool, whole = seeds(), whole_plans()
        started = time.perf_counter()
        for n in range(self.inputs):
            data = mutate(rng, pick_seed(rng, pool, whole), pool)
            t0 = time.process_time()
            found = run_one(data, self.time_limit)
            self.slowest = max(self.slowest, time.process_time() - t0)
            self.ran += 1
            for f in found:
                key = (f.kind, f.signature)
                if key in self.findings:
                    prev = self.findings[key]
                    self.findings[key] = (prev[0], prev[1], prev[2] + 1)
                    continue
                small = self._minimise(data, key) if self.minimise else data
                self.findings[key] = (f, small, 1)
                self._save(f, small)
            if progress and n % 1000 == 999:
                self.seconds = time.perf_counter() - started
                progress(self)
        self.seconds = time.perf_counter() - started
        return self

    def _minimise(self, data: bytes, key: tuple[str, str]) -> bytes:
        def same(candidate: bytes) -> bool:
            return any((f.kind, f.signature) == key for f in run_one(candidate, self.time_limit))

        return minimise(data, same, budget=60 if key[0] == "hang" else 300)

    def _save(self, finding: Finding, data: bytes) -> None:
        if self.out is None:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(f"{finding.kind}{finding.signature}".encode()).hexdigest()[:10]
        (self.out / f"{finding.kind}-{digest}.yaml").write_bytes(data)
        (self.out / f"{finding.kind}-{digest}.txt").write_text(
            f"{finding.kind}: {finding.signature}\nseed {self.seed}\n\n{finding.detail}\n", "utf-8"
        )

    def summary(self) -> dict[str, object]:
        rate = self.ran / self.seconds if self.seconds else 0.0
        return {
            "seed": self.seed,
            "inputs": self.ran,
            "seconds": round(self.seconds, 1),
            "inputs_per_second": round(rate, 1),
            "slowest_input_cpu_seconds": round(self.slowest, 3),
            "findings": [
                {"kind": f.kind, "signature": f.signature, "inputs": count}
                for f, _data, count in self.findings.values()
            ],
        }


def _limit_memory(megabytes: int) -> None:
    import resource

    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=50_000, help="tier rules from the grammar")
    parser.add_argument("--data-files", type=int, default=10_000, help="CSV/XLSX data files")
    parser.add_argument(
        "--differential", type=int, default=10_000, help="engine-against-SQL random cases"
    )
    parser.add_argument("--time-limit", type=float, default=2.0, help="CPU seconds per input")
    parser.add_argument("--memory-limit", type=int, default=3072, help="MB for the process")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "fuzz")
    args = parser.parse_args(argv)
    _limit_memory(args.memory_limit)
    campaign = Campaign(args.seed, args.inputs, args.time_limit, args.out)

    def progress(c: Campaign) -> None:
        print(
            f"{c.ran:,} inputs, {c.ran / c.seconds:.0f}/s, {len(c.findings)} findings,"
            f" slowest {c.slowest:.2f} s",
            file=sys.stderr,
            flush=True,
        )

    campaign.run(progress)
    summary = campaign.summary()
    from tests.fuzz.segment_fuzz import campaign as segment_campaign

    targets = (
        ("rules", args.rules),
        ("data", args.data_files),
        ("differential", args.differential),
    )
    summary["segmentation"] = [
        segment_campaign(kind, n, args.seed, args.out) for kind, n in targets if n > 0
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    print(json.dumps(summary, indent=2))
    segmentation = summary["segmentation"]
    assert isinstance(segmentation, list)
    return 1 if campaign.findings or any(t["findings"] for t in segmentation) else 0


if __name__ == "__main__":
    sys.exit(main())
