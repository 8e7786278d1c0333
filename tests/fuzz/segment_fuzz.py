"""The campaign's segmentation targets: tier-rule grammar, data files, engine against SQL.

* **rules**: random rules from the rule grammar (comparisons, AND/OR/NOT, IN, BETWEEN
  [SYMMETRIC], LIKE, IS [NOT] NULL, ``days_since``, arithmetic; literals with huge
  integers, odd exponents, full-width digits, quotes, deep parentheses; then sometimes
  broken: a token dropped, doubled or swapped) put into the example CRM plan as a tier
  rule or its scope, opened as ``validate`` opens it (with its data, so the engine counts
  the tiers) and, when clean, printed as SQL and written as the tier list ``segment`` writes;
* **data**: CSV/XLSX shapes (ragged rows, BOMs, GBK/GB18030/Latin-1, CR/CRLF/mixed line
  ends, quoted line breaks, empty and header-only files, duplicate headers, long cells,
  NUL bytes, a far XLSX cell, a truncated zip) as the plan's ``segmentation.source``,
  through the same two steps; no message may carry a cell's text;
* **differential**: :func:`tests.segment.differential.random_case` counted by the engine
  and by the printed SQL in DuckDB; the counts must agree.

A finding is an exception (the checks run with ``debug=True``), a PF900, a rule or data
diagnostic without a line, a message carrying a cell's text, or differing counts.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from tests.fuzz.campaign import ROOT, Finding, Hang, _time_limit, _where

PLAN = (ROOT / "plans/crm-tiers-2024q2.yaml").read_text("utf-8")
HEADER = ["客户编号", "客户名称", "年消费", "合作年限", "投诉次数", "最近消费日期", "咨询次数"]
NUMERIC = ["年消费", "合作年限", "投诉次数", "咨询次数"]
#: Cell text planted in every data file: no message may carry it.
SECRET = "SECRETcell"

# -- the rule grammar ----------------------------------------------------------------------

_NUMBERS = ["0", "1", "-1", "2.5", "150000", "1e3", "1E-3", "1e400", "1e-999999", "1e",
            "9" * 40, "9" * 400, "0x1F", "00012", ".5", "5.", "１２３", "１e９", "1_000",
            "12e+", "NaN", "Infinity", "-0", "1e9999999999999999999", "0.1e-1"]  # fmt: skip
_STRINGS = ["'a'", "'深圳'", "''", "'it''s'", "'%'", "'_'", "'\\'", '"深圳"', "'2024-04-01'",
            "'2024-02-30'", "'9999-12-31'", "'" + "x" * 3000 + "'", "'\x00'", "'\u202e'", "'a"]  # fmt: skip
_COLUMNS = [*NUMERIC, "最近消费日期", "客户名称", "所在城市", "不存在", '"年消费"', "`合作年限`",
            "年消费x", "t.年消费", "年 消费"]  # fmt: skip
_OPS = ["=", "==", "<>", "!=", "<", "<=", ">", ">=", "=<", "≥"]
_FUNCS = ["days_since", "DAYS_SINCE", "abs", "lower", "upper", "now", "random", "len"]
_JUNK = ["(", ")", ",", "AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "IS", "NULL", "'", '"',
         ";", "--", "/*", "*", "+", "-", "/", "%", "SELECT 1", "DROP TABLE t", "\n", "（", "）"]  # fmt: skip


def _value(rng: random.Random, depth: int) -> str:
    pick = rng.randrange(10)
    if pick < 3:
        return rng.choice(_COLUMNS)
    if pick < 6:
        return rng.choice(_NUMBERS)
    if pick < 7:
        return rng.choice(_STRINGS)
    if pick < 8:
        arg = rng.choice(["最近消费日期", "年消费", "'2024-01-01'", "", "最近消费日期, 1"])
        return f"{rng.choice(_FUNCS)}({arg})"
    if pick < 9 and depth < 4:
        op = rng.choice(["+", "-", "*", "/", "%"])
        return f"{_value(rng, depth + 1)} {op} {_value(rng, depth + 1)}"
    return rng.choice(["NULL", "TRUE", "FALSE", "DATE '2024-01-01'", "-" + rng.choice(_NUMBERS)])


def _atom(rng: random.Random, depth: int) -> str:
    left = _value(rng, depth)
    kind = rng.randrange(7)
    if kind == 0:
        items = ", ".join(_value(rng, depth + 1) for _ in range(rng.choice((0, 1, 2, 3, 300))))
        return f"{left} {rng.choice(['IN', 'NOT IN'])} ({items})"
    if kind == 1:
        sym = rng.choice(["", "SYMMETRIC ", "NOT "])
        return f"{left} {sym}BETWEEN {_value(rng, depth)} AND {_value(rng, depth)}"
    if kind == 2:
        return f"{left} {rng.choice(['LIKE', 'NOT LIKE', 'ILIKE'])} {rng.choice(_STRINGS)}"
    if kind == 3:
        return f"{left} IS {rng.choice(['', 'NOT '])}{rng.choice(['NULL', 'TRUE', '1'])}"
    if kind == 4:
        return left  # a bare value: not a condition
    return f"{left} {rng.choice(_OPS)} {_value(rng, depth)}"


def _condition(rng: random.Random, depth: int = 0) -> str:
    if depth >= 4 or rng.random() < 0.45:
        return _atom(rng, depth)
    kind = rng.choice(["AND", "OR", "NOT", "paren"])
    if kind == "NOT":
        return f"NOT {_condition(rng, depth + 1)}"
    if kind == "paren":
        n = rng.choice((1, 1, 2, 60))
        return "(" * n + _condition(rng, depth + 1) + ")" * n
    return f"{_condition(rng, depth + 1)} {kind} {_condition(rng, depth + 1)}"


def _break(rng: random.Random, text: str) -> str:
    tokens = re.findall(r"'[^']*'|\w+|\S", text) or [""]
    op = rng.randrange(5)
    i = rng.randrange(len(tokens))
    if op == 0:
        del tokens[i]
    elif op == 1:
        tokens.insert(i, tokens[i])
    elif op == 2:
        tokens.insert(i, rng.choice(_JUNK))
    elif op == 3:
        j = rng.randrange(len(tokens))
        tokens[i], tokens[j] = tokens[j], tokens[i]
    else:
        return text[: rng.randrange(len(text) + 1)]
    return " ".join(tokens)


def random_rule(rng: random.Random) -> str:
    """A rule from the grammar; a third of them broken on purpose."""
    text = _condition(rng)
    if rng.random() < 0.33:
        text = _break(rng, text)
    return text


def plan_with_rule(rule: str, where: str) -> str:
    """The example plan with ``rule`` as the first tier's rule or as the scope."""
    quoted = '"' + rule.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if where == "scope":
        return re.sub(r"(?m)^  scope: .*$", lambda _m: f"  scope: {quoted}", PLAN, count=1)
    return re.sub(r"(?m)^    rule: .*$", lambda _m: f"    rule: {quoted}", PLAN, count=1)


# -- data files ----------------------------------------------------------------------------


def _rows(rng: random.Random) -> list[list[str]]:
    out = []
    for i in range(rng.choice((0, 1, 3, 12))):
        row = [f"C{i}", f"{SECRET}{i}公司", str(rng.choice([0, 150000, -1, 10**30])),
               rng.choice(["3", "", "1e400", "x", "３"]), rng.choice(["0", "2", " "]),
               rng.choice(["2024-01-01", "2024-02-30", "", "01/02/2024", "9999-12-31"]), "1"]  # fmt: skip
        out.append(row)
    return out


def _csv(rng: random.Random) -> bytes:
    header = list(HEADER)
    rows = _rows(rng)
    shape = rng.randrange(12)
    if shape == 0 and rows:
        rows[rng.randrange(len(rows))].extend(["extra", "more"])  # ragged: too long
    elif shape == 1 and rows:
        del rows[rng.randrange(len(rows))][-3:]  # ragged: too short
    elif shape == 2:
        header.append(header[rng.randrange(len(header))])  # duplicate header
        for r in rows:
            r.append("dup")
    elif shape == 3 and rows:
        rows[0][1] = f"{SECRET}\n多行\r\n公司"  # quoted line breaks
    elif shape == 4 and rows:
        rows[0][1] = SECRET + "长" * rng.choice((5000, 200_000))  # long cell
    elif shape == 5 and rows:
        rows[0][1] = SECRET + "\x00nul"
    elif shape == 6:
        rows = []  # header only
    elif shape == 7 and rows:
        rows[0][2] = f"{SECRET}1e9999"  # text in a number column
    out = io.StringIO()
    for r in [header, *rows]:
        out.write(
            ",".join('"' + c.replace('"', '""') + '"' if re.search('[",\r\n]', c) else c for c in r)
        )
        out.write("\n")
    text = out.getvalue()
    ends = rng.choice(["\n", "\r\n", "\r", "mixed"])
    if ends == "mixed":
        text = "".join(line + rng.choice(["\n", "\r\n", "\r"]) for line in text.split("\n"))
    elif ends != "\n":
        text = text.replace("\n", ends)
    enc = rng.choice(["utf-8", "utf-8-sig", "gbk", "gb18030", "gb18030-bom", "latin-1", "utf-16"])
    if enc == "gb18030-bom":
        data = b"\x84\x31\x95\x33" + text.encode("gb18030")
    else:
        data = text.encode(enc, "replace")
    cut = rng.randrange(20)
    if cut == 0:
        return b""
    if cut == 1:
        return data[: rng.randrange(len(data) + 1)]  # truncated, maybe inside a character
    if cut == 2:
        return data.replace(b",", b";")
    return data


def _xlsx(rng: random.Random) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = wb.add_worksheet("客户")
    shape = rng.randrange(6)
    header = HEADER + ([HEADER[0]] if shape == 0 else [])
    rows = _rows(rng)
    if shape != 1:
        sheet.write_row(0, 0, header)
    elif rows:
        rows[0][1] = "无表头公司"  # the first row is the header now: names may be quoted
    for r, row in enumerate(rows, 0 if shape == 1 else 1):
        for c, v in enumerate(row):
            if HEADER[c] in NUMERIC and v.lstrip("-").isdigit() and rng.random() < 0.7:
                sheet.write_number(r, c, float(v))
            else:
                sheet.write_string(r, c, v)
    if shape == 2:
        sheet.write_string(1_048_575, 16_383, SECRET + "far")  # the far corner
    if shape == 3:
        sheet.write_string(2, 1, SECRET + "x" * 32_000)
    wb.close()
    data = buf.getvalue()
    if shape == 4:
        return data[: rng.randrange(len(data))]  # truncated zip
    if shape == 5 and rng.random() < 0.5:
        return b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(200))
    return data


def random_data_file(rng: random.Random) -> tuple[bytes, str]:
    """A data file's bytes and its suffix (``.csv`` or ``.xlsx``)."""
    if rng.random() < 0.75:
        return _csv(rng), ".csv"
    return _xlsx(rng), ".xlsx"


# -- the targets ---------------------------------------------------------------------------


class Workspace:
    """A folder with the example plan's data, reused across inputs."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="pf-fuzz-"))
        shutil.copytree(ROOT / "plans/data", self.dir / "data")

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _leaks(text: str) -> bool:
    return SECRET in text


def _through_segment(ws: Workspace, plan_text: str, secret: bool) -> list[Finding]:
    """``validate`` (with the data) then, when clean, ``segment``'s SQL and tier list."""
    from planforge.diagnostics import Severity
    from planforge.frontdoor import Session
    from planforge.segment.command import NotWritten, TooBig, summary_text, write_tier_list
    from planforge.segment.sql import statement

    found: list[Finding] = []
    result = Session(debug=True, env={}).open_bytes(
        plan_text.encode("utf-8", "surrogatepass"), str(ws.dir / "plan.yaml")
    )
    for d in result.diagnostics:
        if d.code == "PF900":
            found.append(Finding("pf900", d.message.split("(")[0][:60], d.message))
        elif d.line < 1:
            found.append(Finding("unlocated", d.code, d.message))
        if secret and _leaks(d.message):
            found.append(Finding("leak", d.code, "a cell's text in the message"))
    if any(d.severity is Severity.ERROR for d in result.diagnostics) or result.plan is None:
        return found
    if result.plan.segmentation is not None and result.plan.segmentation.rules is not None:
        statement(result.plan, "duckdb")
    try:
        write_tier_list(result.plan, str(ws.dir / "out"), ("csv",))
    except (NotWritten, TooBig) as exc:
        if secret and _leaks(str(exc)):
            found.append(Finding("leak", "segment", "a cell's text in the message"))
    text = summary_text(result.plan, "en")
    if secret and _leaks(text):
        found.append(Finding("leak", "summary", "a cell's text in the summary"))
    return found


def _guarded(run: Callable[[], list[Finding]], time_limit: float) -> list[Finding]:
    try:
        with _time_limit(time_limit):
            return run()
    except Hang as exc:
        return [Finding("hang", "over the time limit", str(exc))]
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # PanicException derives from BaseException
        detail = "".join(traceback.format_exception(exc))
        return [Finding("exception", _where(exc), detail[-4000:])]


def run_rule(
    ws: Workspace, rule: str, where: str = "tier", time_limit: float = 2.0
) -> list[Finding]:
    """One rule, as a tier's rule or the scope, through ``validate`` and ``segment``."""
    return _guarded(lambda: _through_segment(ws, plan_with_rule(rule, where), False), time_limit)


def run_data(ws: Workspace, data: bytes, suffix: str, time_limit: float = 4.0) -> list[Finding]:
    """One data file as the plan's source, through ``validate`` and ``segment``."""
    name = f"fuzz{suffix}"
    (ws.dir / "data" / name).write_bytes(data)
    plan = PLAN.replace("source: data/customers.csv", f"source: data/{name}")
    return _guarded(lambda: _through_segment(ws, plan, True), time_limit)


def run_differential(rng: random.Random, time_limit: float = 2.0) -> list[Finding]:
    """One random case counted by the engine and by the printed SQL in DuckDB."""
    from tests.segment.differential import engine_counts, random_case, sql_counts

    rows, tiers, scope = random_case(rng)

    def run() -> list[Finding]:
        engine, sql = engine_counts(rows, tiers, scope), sql_counts(rows, tiers, scope)
        if engine != sql:
            return [Finding("differs", "engine and SQL counts", repr((tiers, scope, rows)))]
        return []

    return _guarded(run, time_limit)


# -- the campaign --------------------------------------------------------------------------


def campaign(kind: str, inputs: int, seed: int, out: Path | None = None) -> dict[str, object]:
    """``inputs`` inputs of one target (``rules``, ``data`` or ``differential``); a summary.
    Each first finding of a kind is saved to ``out`` with its input."""
    import time

    rng = random.Random(seed)
    ws = Workspace()
    findings: dict[tuple[str, str], int] = {}
    started = time.perf_counter()
    try:
        for n in range(inputs):
            if kind == "rules":
                text = random_rule(rng)
                found, sample = run_rule(ws, text, rng.choice(("tier", "scope"))), text.encode()
                suffix = ".rule.txt"
            elif kind == "data":
                sample, suffix = random_data_file(rng)
                found = run_data(ws, sample, suffix)
            else:
                found, sample, suffix = run_differential(rng), b"", ".txt"
            for f in found:
                key = (f.kind, f.signature)
                if key not in findings and out is not None:
                    out.mkdir(parents=True, exist_ok=True)
                    stem = f"{kind}-{f.kind}-{len(findings)}"
                    (out / f"{stem}{suffix}").write_bytes(sample)
                    (out / f"{stem}.txt").write_text(f"{f.kind}: {f.signature}\n\n{f.detail}\n")
                findings[key] = findings.get(key, 0) + 1
            if n % 1000 == 999:
                rate = (n + 1) / (time.perf_counter() - started)
                print(
                    f"{kind}: {n + 1:,} inputs, {rate:.0f}/s, {len(findings)} findings", flush=True
                )
    finally:
        ws.close()
    seconds = time.perf_counter() - started
    return {
        "target": kind,
        "seed": seed,
        "inputs": inputs,
        "seconds": round(seconds, 1),
        "findings": [{"kind": k, "signature": s, "inputs": c} for (k, s), c in findings.items()],
    }
