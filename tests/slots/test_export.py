"""The plan as .xlsx, .csv and .ics: all three from one plan, read back as a user would."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from listingkit import load_rules
from listingkit.errors import ListingkitError, OutputError
from listingkit.slots.export import (
    PLAN_HEADERS,
    write_plan_csv,
    write_plan_ics,
    write_plan_xlsx,
)
from listingkit.slots.plan import SlotPlan, plan_slots
from listingkit.slots.profile import (
    WEEKDAY_NAMES,
    ProductRow,
    read_competitors,
    read_slot_products,
)
from tests.slots.sheets import xlsx

MONDAY = date(2026, 11, 2)
TAOBAO = load_rules("taobao")


@pytest.fixture
def plan(tmp_path: Path) -> SlotPlan:
    rows: list[list[object]] = [["=1+1", "是"], ["A002", "否"], ["B003", "否"]]
    rows += [[f"C{i:03d}", "否"] for i in range(9)]
    products, problems = read_slot_products(xlsx(tmp_path / "商品.xlsx", [["货号", "主推"], *rows]))
    assert problems == []
    competitors = [["2026-11-02 20:10"], ["2026-11-03 20:30"], ["2026-11-04 19:05"]]
    crowding, problems = read_competitors(
        xlsx(tmp_path / "竞品.xlsx", [["上架时间"], *competitors])
    )
    assert problems == []
    return plan_slots(products, TAOBAO, start=MONDAY, crowding=crowding)


def expected_rows(plan: SlotPlan) -> list[list[str]]:
    return [
        [
            c.item,
            f"{c.list_at:%Y-%m-%d %H:%M}",
            WEEKDAY_NAMES[c.weekday],
            "" if c.delist_at is None else f"{c.delist_at:%Y-%m-%d %H:%M}",
        ]
        for c in plan.choices
    ]


def test_xlsx_plan_sheet_has_one_row_per_choice_in_listing_order(
    plan: SlotPlan, tmp_path: Path
) -> None:
    target = tmp_path / "plan.xlsx"
    write_plan_xlsx(plan, target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["上架计划", "一周时段"]
    rows = list(book["上架计划"].iter_rows(values_only=True))
    assert rows[0] == PLAN_HEADERS
    assert [[str(v or "") for v in row[:4]] for row in rows[1:]] == expected_rows(plan)
    assert [row[8] for row in rows[1:]] == [c.reason for c in plan.choices]
    at = [c.item for c in plan.choices].index("=1+1")
    formula = book["上架计划"].cell(row=2 + at, column=1)
    assert formula.value == "=1+1" and formula.data_type == "s"
    assert formula.quotePrefix


def test_xlsx_week_grid_places_items_and_shades_by_demand(plan: SlotPlan, tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    write_plan_xlsx(plan, target)
    grid = openpyxl.load_workbook(target)["一周时段"]
    assert [grid.cell(row=r, column=1).value for r in range(2, 9)] == list(WEEKDAY_NAMES)
    assert [grid.cell(row=1, column=c).value for c in range(2, 26)] == list(range(24))
    for choice in plan.choices:
        text = grid.cell(row=2 + choice.weekday, column=2 + choice.hour).value
        assert isinstance(text, str) and choice.item in text.split("、")
    # Taobao's profile: 21:00 is 最高, 03:00 is 低谷.
    peak = grid.cell(row=2, column=2 + 21).fill.start_color.rgb
    trough = grid.cell(row=2, column=2 + 3).fill.start_color.rgb
    assert peak != trough
    crowded = grid.cell(row=2, column=2 + 20)  # Monday 20:00 has a competitor
    assert crowded.border.left.style == "medium"
    assert grid.cell(row=2, column=2 + 3).border.left.style is None


def test_csv_has_bom_same_rows_and_formula_text_kept(plan: SlotPlan, tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    write_plan_csv(plan, target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(PLAN_HEADERS)
    got = [row[:4] for row in rows[1:]]
    want = expected_rows(plan)
    want = [["'" + r[0] if r[0].startswith("=") else r[0], *r[1:]] for r in want]
    assert got == want
    assert "'=1+1" in [row[0] for row in rows[1:]]
    assert [row[8] for row in rows[1:]] == [c.reason for c in plan.choices]


def test_ics_has_one_listing_event_per_choice_at_the_same_moment(
    plan: SlotPlan, tmp_path: Path
) -> None:
    target = tmp_path / "plan.ics"
    write_plan_ics(plan, target)
    calendar = Calendar.from_ical(target.read_bytes())
    events = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("上架 ")]
    assert [str(e["SUMMARY"]) for e in events] == [f"上架 {c.item}" for c in plan.choices]
    for event, choice in zip(events, plan.choices, strict=True):
        start = event.decoded("DTSTART")
        assert start == choice.list_at  # the same absolute moment
        assert start.utcoffset() == choice.list_at.utcoffset()
        assert event.decoded("DURATION").total_seconds() == 15 * 60
        assert str(event["DESCRIPTION"]) == choice.reason
        alarms = event.walk("VALARM")
        assert len(alarms) == 1 and str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0].decoded("TRIGGER").total_seconds() == -10 * 60
    assert b"TZID=Asia/Shanghai" in target.read_bytes()
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    delists = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("下架 ")]
    assert [e.decoded("DTSTART") for e in delists] == [c.delist_at for c in plan.choices]


def test_ics_uids_are_stable_and_distinct(plan: SlotPlan, tmp_path: Path) -> None:
    write_plan_ics(plan, tmp_path / "a.ics")
    write_plan_ics(plan, tmp_path / "b.ics")
    uids = [
        [str(e["UID"]) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]
        for path in (tmp_path / "a.ics", tmp_path / "b.ics")
    ]
    assert uids[0] == uids[1]
    assert len(set(uids[0])) == len(uids[0])


WRITERS = {"xlsx": write_plan_xlsx, "csv": write_plan_csv, "ics": write_plan_ics}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_devices_and_fifos_are_refused(plan: SlotPlan, tmp_path: Path, kind: str) -> None:
    write = WRITERS[kind]
    with pytest.raises(ListingkitError, match="/dev/null"):
        write(plan, Path("/dev/null"), overwrite=True)
    fifo = tmp_path / f"pipe.{kind}"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="pipe"):
        write(plan, fifo)


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_foreign_file_is_replaced_only_with_overwrite(
    plan: SlotPlan, tmp_path: Path, kind: str
) -> None:
    write = WRITERS[kind]
    target = tmp_path / f"mine.{kind}"
    target.write_bytes(b"someone else's notes\n")
    with pytest.raises(OutputError):
        write(plan, target)
    assert target.read_bytes() == b"someone else's notes\n"
    write(plan, target, overwrite=True)
    assert target.read_bytes() != b"someone else's notes\n"
    write(plan, target)  # now listingkit's own: replaced without asking


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_an_input_is_never_the_output(plan: SlotPlan, tmp_path: Path, kind: str) -> None:
    target = tmp_path / f"in.{kind}"
    WRITERS[kind](plan, target)
    before = target.read_bytes()
    with pytest.raises(OutputError, match="读取"):
        WRITERS[kind](plan, target, inputs=[target], overwrite=True)
    assert target.read_bytes() == before


def test_ics_times_do_not_depend_on_the_machine_zone(tmp_path: Path) -> None:
    target = tmp_path / "ny.ics"
    # New York leaves daylight saving on 2026-11-01, inside the week of 2026-10-26.
    week = date(2026, 10, 26)
    script = textwrap.dedent(
        f"""
        import datetime
        from listingkit import load_rules
        from listingkit.slots.export import write_plan_ics
        from listingkit.slots.plan import plan_slots
        from listingkit.slots.profile import ProductRow
        products = [ProductRow(item, row) for row, item in {ITEMS!r}]
        plan = plan_slots(products, load_rules("taobao"), start={week!r})
        write_plan_ics(plan, {str(target)!r})
        """
    )
    env = {**os.environ, "TZ": "America/New_York"}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    here = plan_slots([ProductRow(item, row) for row, item in ITEMS], TAOBAO, start=week)
    assert {c.list_at.date() for c in here.choices} >= {date(2026, 10, 31), date(2026, 11, 1)}
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    starts = [e.decoded("DTSTART") for e in events if str(e["SUMMARY"]).startswith("上架 ")]
    assert starts == [c.list_at for c in here.choices]  # the same absolute moments


ITEMS = [(2 + i, f"N{i:02d}") for i in range(10)]
