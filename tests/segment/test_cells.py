"""The polars expressions of the tier list give exactly what the per-value rules give."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planforge.segment.cells import cell, column, csv_field, show_value
from planforge.segment.output import TierList, write_csv

NAMES = ("备注", "手机号")  # an ordinary column, and one named for personal data
TEXT = st.text(alphabet="0123456789@.-+= abcXx中\t\r\n\",'", max_size=30)
PHONEISH = st.from_regex(
    r"(\+86 ?)?1[3-9]\d{9}|\d{17}[\dX]|[a-z]{1,5}@[a-z]{1,5}\.cn", fullmatch=True
)
INTS = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-(10**12), 10**12),
    st.sampled_from([10**10, 10**10 - 1, -(10**10), 13800138000, -13900139000, 0, -5]),
)
FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e17, 1e17),
    st.sampled_from([1e16, 1e-4, 1e-5, -0.0, 0.0, 13800138000.0, 0.30000000000000004, 2.5e-7]),
)
DATETIMES = st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31))
CASES: list[tuple[Any, Any]] = [
    (pl.String, st.one_of(TEXT, PHONEISH)),
    (pl.Int64, INTS),
    (pl.Float64, FLOATS),
    (pl.Boolean, st.booleans()),
    (pl.Date, st.dates()),
    (pl.Datetime("us"), DATETIMES),
    (pl.Duration("us"), st.timedeltas(dt.timedelta(days=-999), dt.timedelta(days=999))),
    (pl.Decimal(20, 4), st.decimals(-(10**15), 10**15, places=4, allow_nan=False)),
]


def expected(name: str, value: Any, explicit: bool) -> tuple[str | None, str, str | None]:
    shown = cell(name, value, explicit)
    return csv_field(shown), show_value(shown), shown if isinstance(shown, str) else None


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(
    case=st.sampled_from(range(len(CASES))),
    data=st.data(),
    name=st.sampled_from(NAMES),
    explicit=st.booleans(),
)
def test_expressions_match_the_per_value_rules(
    case: int, data: st.DataObject, name: str, explicit: bool
) -> None:
    dtype, values = CASES[case]
    raw = data.draw(st.lists(st.one_of(st.none(), values), min_size=1, max_size=12))
    frame = pl.DataFrame({name: raw}, schema={name: dtype})
    col = column(name, dtype, explicit)
    got = frame.select(col.csv.alias("c"), col.basis.alias("b"), col.text.alias("t"))
    values_back = frame[name].to_list()  # what the source gives Python (e.g. Decimal places)
    for value, row in zip(values_back, got.iter_rows(), strict=True):
        assert row == expected(name, value, explicit), (value, row)


def test_the_streaming_engine_gives_the_same_as_eager() -> None:
    frame = pl.DataFrame({"备注": ["13912345678", "C1", None, "a@b.cn"] * 30_000})
    col = column("备注", pl.String, False)
    lazy = frame.lazy().select(col.csv)
    assert lazy.collect(engine="streaming").equals(frame.select(col.csv))
    assert frame.select(col.csv).to_series().to_list()[:4] == [
        "139****5678",
        "C1",
        None,
        "a***@b.cn",
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), TEXT), min_size=3, max_size=3), max_size=20))
def test_csv_is_written_as_pythons_csv_module_writes_it(tmp_path_factory, rows) -> None:
    path: Path = tmp_path_factory.mktemp("csv") / "t.csv"
    part = pl.LazyFrame(
        {f"__c{i}": [r[i] or None for r in rows] for i in range(3)},
        schema={f"__c{i}": pl.String for i in range(3)},
    )
    header = ["客户编号", "含,逗号", '含"引号']
    write_csv(str(path), TierList(header, [part], [], len(rows)))
    reference = io.StringIO()
    writer = csv.writer(reference, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    assert path.read_bytes() == ("\ufeff" + reference.getvalue()).encode("utf-8")


def test_decimal_and_duration_values_take_the_per_value_path() -> None:
    frame = pl.DataFrame(
        {"x": [Decimal("1234.5000")], "d": [dt.timedelta(days=2)]},
        schema={"x": pl.Decimal(10, 4), "d": pl.Duration("us")},
    )
    x, d = column("x", frame.schema["x"], False), column("d", frame.schema["d"], False)
    row = frame.select(
        *(e.alias(str(i)) for i, e in enumerate((x.csv, x.basis, d.csv, d.basis)))
    ).row(0)
    assert row == ("1234.5", "1,234.5000", "2 days, 0:00:00", "2 days, 0:00:00")
