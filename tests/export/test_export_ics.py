"""ICS export: parsed back with icalendar; stable UIDs, all-day events, no clock."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from planforge.export import files
from planforge.export.ics import export_ics
from planforge.export.tables import clean_text
from planforge.model import Occurrence
from tests.conftest import PLANS
from tests.export.test_export_csv import resolved


def events(data: bytes) -> dict[str, dict]:
    cal = Calendar.from_ical(data)
    out = {}
    for ev in cal.walk("VEVENT"):
        out[str(ev["uid"])] = {
            "summary": str(ev["summary"]),
            "description": str(ev["description"]),
            "start": ev.decoded("dtstart"),
            "end": ev.decoded("dtend"),
            "stamp": ev.decoded("dtstamp"),
        }
    return out


def test_an_all_day_event_per_task_and_the_review() -> None:
    plan = resolved()
    got = events(export_ics(plan))
    assert len(got) == len(plan.tasks) + 1
    segment = got["reactivation-2024q2.segment@planforge"]
    assert segment["summary"] == "客户数据筛选与分层"
    assert segment["start"] == dt.date(2024, 4, 1)
    assert segment["end"] == dt.date(2024, 4, 6)  # exclusive: the day after 04-05
    assert "负责人：张经理" in segment["description"]
    assert "阶段：预热期" in segment["description"]
    assert "交付标准：输出《客户分层清单》" in segment["description"]
    review = got["reactivation-2024q2.review@planforge"]
    assert review["start"] == plan.review.due == dt.date(2024, 7, 3)
    assert review["end"] == dt.date(2024, 7, 4)
    assert review["summary"].startswith("复盘截止日期")


def test_stamp_is_the_plan_date_not_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = resolved()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    stamps = {e["stamp"] for e in events(export_ics(plan)).values()}
    assert stamps == {dt.datetime(2024, 4, 1, tzinfo=dt.timezone.utc)}  # the campaign start
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")  # 2024-06-01
    stamps = {e["stamp"] for e in events(export_ics(plan)).values()}
    assert stamps == {dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)}


def test_byte_identical_on_rerun() -> None:
    assert export_ics(resolved()) == export_ics(resolved())


def test_occurrences_and_milestones_have_their_own_events() -> None:
    plan = resolved()
    visit, launch = plan.tasks[0], plan.tasks[1]
    visit.occurrences = [
        Occurrence(dt.date(2024, 4, 1), dt.date(2024, 4, 1)),
        Occurrence(dt.date(2024, 5, 6), dt.date(2024, 5, 7)),
        Occurrence(dt.date(2024, 6, 3), dt.date(2024, 6, 3)),
    ]
    launch.milestone, launch.start, launch.end = True, dt.date(2024, 4, 10), dt.date(2024, 4, 10)
    got = events(export_ics(plan))
    assert len(got) == len(plan.tasks) - 1 + 3 + 1
    assert f"{plan.id}.{visit.id}@planforge" not in got
    second = got[f"{plan.id}.{visit.id}.2@planforge"]
    assert (second["start"], second["end"]) == (dt.date(2024, 5, 6), dt.date(2024, 5, 8))
    assert second["summary"] == f"{visit.name} (2/3)"
    milestone = got[f"{plan.id}.{launch.id}@planforge"]
    assert milestone["summary"] == f"◆ {launch.name}"
    assert (milestone["start"], milestone["end"]) == (dt.date(2024, 4, 10), dt.date(2024, 4, 11))


def test_uids_do_not_depend_on_names_or_dates() -> None:
    plan = resolved()
    before = set(events(export_ics(plan)))
    plan.tasks[0].name = "改名"
    plan.tasks[0].start = dt.date(2024, 4, 2)
    assert set(events(export_ics(plan))) == before


def test_english_plan_and_file_name() -> None:
    plan = resolved(PLANS / "key-accounts-care-2024h2.yaml")
    out = files(plan, "x", "ics")
    assert list(out) == [f"{plan.id}.ics"]
    described = [e["description"] for e in events(out[f"{plan.id}.ics"]).values()]
    assert any("Owner: " in d for d in described)


def test_lines_are_crlf_and_folded_at_75_octets() -> None:
    plan = resolved()
    plan.tasks[0].name = "长" * 100
    data = export_ics(plan)
    lines = data.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\r\nb\rc\x85d\u2028e", "a\nb\nc\nd\ne"),
        ("tab\tok", "tab\tok"),
        ("bell\x07\x00\x1b\x7f", "bell    "),
        ("客户,“引号”;", "客户,“引号”;"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_a_recurring_milestone_is_a_diamond_per_occurrence() -> None:
    plan = resolved()
    task = plan.tasks[2]
    task.milestone = True
    task.occurrences = [Occurrence(dt.date(2024, 4, 12), dt.date(2024, 4, 12))] * 2
    got = events(export_ics(plan))
    assert got[f"{plan.id}.{task.id}.1@planforge"]["summary"] == f"◆ {task.name} (1/2)"


def test_a_typed_backslash_n_stays_as_typed() -> None:
    """icalendar's escaping turns a typed ``\\N`` into a line break; ours keeps it."""
    from icalendar import Calendar

    from tests.export.test_export_properties import files, with_names

    plan = with_names(["见附件\\N号", "a;b,c\\"])
    data = files(plan, "x", "ics")[f"{plan.id}.ics"]
    assert b"SUMMARY:\xe8\xa7\x81\xe9\x99\x84\xe4\xbb\xb6\\\\N\xe5\x8f\xb7\r\n" in data
    summaries = [str(ev["summary"]) for ev in Calendar.from_ical(data).walk("VEVENT")]
    assert "见附件\\N号" in summaries
    assert "a;b,c\\" in summaries
