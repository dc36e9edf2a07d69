"""The planner: one listing time per product, on real sheets, the same in every time zone."""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from listingkit import load_rules
from listingkit.errors import ArgumentError, UsageError
from listingkit.findings import Finding, Severity
from listingkit.ruleset import Rules
from listingkit.slots.checks import slot_findings
from listingkit.slots.plan import SlotChoice, SlotPlan, near_delist, plan_slots
from listingkit.slots.profile import (
    SHANGHAI,
    ProductRow,
    profile_levels,
    read_competitors,
    read_slot_products,
    read_traffic,
)
from tests.slots.sheets import xlsx

MONDAY = date(2026, 11, 2)
TAOBAO = load_rules("taobao")


def products_sheet(tmp_path: Path, rows: list[list[object]], name: str = "商品.xlsx") -> Path:
    return xlsx(tmp_path / name, [["货号", "主推", "优先级", "上架时间"], *rows])


def plan_sheet(path: Path, rules: Rules = TAOBAO, *, per_slot: int = 1) -> SlotPlan:
    products, problems = read_slot_products(path)
    assert problems == []
    return plan_slots(products, rules, start=MONDAY, per_slot=per_slot)


def findings_of(
    plan: SlotPlan, rules: Rules = TAOBAO, *, select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> list[Finding]:
    return slot_findings(plan, rules, display="商品.xlsx", select=select, ignore=ignore)


def plain(n: int) -> list[list[object]]:
    return [[f"A{i:03d}", "否", "", ""] for i in range(n)]


def reach(choice: SlotChoice, rules: Rules = TAOBAO) -> datetime:
    return choice.list_at + timedelta(minutes=rules.model.schedule.lead_minutes)


def per_day(plan: SlotPlan) -> Counter[date]:
    return Counter(c.list_at.date() for c in plan.choices)


# --- capacity and spread -----------------------------------------------------------------


@pytest.mark.parametrize(("count", "per_slot"), [(168, 1), (60, 2), (23, 1)])
def test_no_slot_holds_more_than_per_slot_and_days_stay_even(
    tmp_path: Path, count: int, per_slot: int
) -> None:
    plan = plan_sheet(products_sheet(tmp_path, plain(count)), per_slot=per_slot)
    assert len(plan.choices) == count and findings_of(plan) == []
    slots = Counter(c.list_at for c in plan.choices)
    assert max(slots.values()) <= per_slot
    assert max(per_day(plan).values()) <= math.ceil(count / 7)
    week = [MONDAY + timedelta(days=d) for d in range(7)]
    assert all(c.list_at.date() in week for c in plan.choices)


def test_every_chosen_time_leads_into_a_peak_hour(tmp_path: Path) -> None:
    plan = plan_sheet(products_sheet(tmp_path, plain(21)))
    words = profile_levels(TAOBAO)
    assert words is not None
    peaks = TAOBAO.model.schedule.peaks
    assert peaks == ["19:00-23:00"]
    for choice in plan.choices:
        assert choice.list_at.minute == 0
        # Listed 60 minutes (the default lead) before an hour of the 19–23 peak.
        assert reach(choice).hour in range(19, 23), choice
        assert words[reach(choice).hour] in {"高峰", "最高"}
        assert f"{reach(choice):%H} 点需求为「{words[reach(choice).hour]}」" in choice.reason
    # The seven 21:00 hours (the maximum) are taken first: one per day at 20:00.
    assert sorted(c.rank for c in plan.choices)[:7] == list(range(1, 8))
    assert sum(c.list_at.hour == 20 for c in plan.choices) == 7


def test_a_lead_set_by_the_store_moves_every_list_time(tmp_path: Path) -> None:
    store = tmp_path / "listingkit.toml"
    store.write_text('extends = "taobao"\n\n[schedule]\nlead_minutes = 30\n', encoding="utf-8")
    rules = load_rules(store)
    plan = plan_sheet(products_sheet(tmp_path, plain(7)), rules)
    assert plan.lead_minutes == 30
    for choice in plan.choices:
        assert (choice.list_at.hour, choice.list_at.minute) == (20, 30)
        assert reach(choice, rules).hour == 21 and reach(choice, rules).minute == 0


def test_the_day_spread_moves_products_off_a_day_that_fixed_times_fill(tmp_path: Path) -> None:
    fixed = [[f"F{h}", "否", "", f"2026-11-02 {h}:00"] for h in (18, 19, 21)]
    plan = plan_sheet(products_sheet(tmp_path, fixed + plain(7)))
    # 10 products: at most ceil(10 / 7) = 2 a day while another day has room.
    assert per_day(plan)[MONDAY] == 3  # the three fixed times, as given
    assert max(n for day, n in per_day(plan).items() if day != MONDAY) <= 2
    monday_best = [c for c in plan.choices if c.item.startswith("A") and c.list_at.date() == MONDAY]
    assert monday_best == []
    moved = [c for c in plan.choices if "为让 7 天均匀分布" in c.reason]
    assert moved and all("周一已排 3 个" in c.reason for c in moved)


# --- crowding ----------------------------------------------------------------------------


def test_a_competitor_file_packed_at_20_moves_products_to_an_equal_free_hour(
    tmp_path: Path,
) -> None:
    products = products_sheet(tmp_path, plain(7))
    alone = plan_sheet(products)
    assert {c.list_at.hour for c in alone.choices} == {20}
    rows = [[f"2026-10-{19 + d} 20:{m:02d}"] for d in range(7) for m in range(0, 60, 10)]
    crowding, problems = read_competitors(xlsx(tmp_path / "竞品.xlsx", [["上架时间"], *rows]))
    assert problems == [] and crowding.rows == 42
    plan = plan_slots(read_slot_products(products)[0], TAOBAO, start=MONDAY, crowding=crowding)
    assert all(c.list_at.hour != 20 for c in plan.choices)
    words = profile_levels(TAOBAO)
    assert words is not None
    for choice in plan.choices:
        assert choice.crowding == 0 and words[reach(choice).hour] == "高峰"
        assert "同一小时竞品上架 0 个" in choice.reason


def test_crowding_on_one_day_moves_only_that_day(tmp_path: Path) -> None:
    rows = [["周三 20:05"], ["星期三 20:40"], ["周三 20点"]]
    crowding, _ = read_competitors(xlsx(tmp_path / "竞品.xlsx", [["上架时间"], *rows]))
    plan = plan_slots(
        read_slot_products(products_sheet(tmp_path, plain(7)))[0],
        TAOBAO,
        start=MONDAY,
        crowding=crowding,
    )
    hours = {c.list_at.strftime("%a"): c.list_at.hour for c in plan.choices}
    assert hours == {"Mon": 20, "Tue": 20, "Wed": 18, "Thu": 20, "Fri": 20, "Sat": 20, "Sun": 20}


def competitors_where_demand_is(tmp_path: Path, per_level: int) -> Path:
    """A big export as competitors list in practice: more of them the busier the hour."""
    words = profile_levels(TAOBAO)
    assert words is not None
    levels = TAOBAO.model.schedule.levels
    lines = ["上架时间"]
    for day in range(7):
        for hour in range(24):
            for n in range(levels[words[hour]] * per_level):
                lines.append(f"2026-10-{19 + day} {hour:02d}:{n % 60:02d}")
    path = tmp_path / "竞品.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_big_competitor_export_keeps_products_in_busy_hours(tmp_path: Path) -> None:
    # 42,000 rows, 500 in the 最高 hour: counted raw, they would send products to
    # 05:00 (100 competitors, reaching an hour the source says nothing about).
    crowding, problems = read_competitors(competitors_where_demand_is(tmp_path, 100))
    assert problems == [] and crowding.rows == 42_000
    products = read_slot_products(products_sheet(tmp_path, plain(14)))[0]
    plan = plan_slots(products, TAOBAO, start=MONDAY, crowding=crowding)
    words = profile_levels(TAOBAO)
    assert words is not None
    assert {words[reach(c).hour] for c in plan.choices} <= {"高峰", "最高"}
    # 20:00 reaches 最高 past 400 of 500: 1 / (1 + 0.5 × 0.8) = 0.71; 18:00 reaches
    # 高峰 past 300: 0.8 / 1.3 = 0.62; 19:00 past 400: 0.8 / 1.4 = 0.57.
    assert Counter(c.list_at.hour for c in plan.choices) == {20: 7, 18: 7}
    assert all("最挤的时段 500 个" in c.reason for c in plan.choices)


# Weight 0: 20:00 (最高), then 18:00 and 19:00 (高峰, the earlier first). Weight 3:
# 20:00 scores 1 / 3.4 = 0.29, 18:00 0.8 / 2.8 = 0.29, and 09:00, reaching 小高峰
# past 200 of the busiest 500, 0.6 / 2.2 = 0.27 beats 19:00 at 0.8 / 3.4 = 0.24.
@pytest.mark.parametrize(("weight", "hours"), [(0, {18, 19, 20}), (3, {9, 18, 20})])
def test_the_store_sets_how_much_crowding_counts(
    tmp_path: Path, weight: float, hours: set[int]
) -> None:
    store = tmp_path / "listingkit.toml"
    store.write_text(
        f'extends = "taobao"\n\n[schedule]\ncrowding_weight = {weight}\n', encoding="utf-8"
    )
    rules = load_rules(store)
    crowding, _ = read_competitors(competitors_where_demand_is(tmp_path, 10))
    products = read_slot_products(products_sheet(tmp_path, plain(21)))[0]
    plan = plan_slots(products, rules, start=MONDAY, crowding=crowding)
    assert {c.list_at.hour for c in plan.choices} == hours


def test_a_crowding_weight_out_of_range_names_the_key(tmp_path: Path) -> None:
    store = tmp_path / "listingkit.toml"
    store.write_text('extends = "taobao"\n\n[schedule]\ncrowding_weight = -1\n', encoding="utf-8")
    with pytest.raises(Exception) as raised:
        load_rules(store)
    assert "crowding_weight" in str(raised.value) and "listingkit.toml" in str(raised.value)


# --- order -------------------------------------------------------------------------------


def test_featured_products_take_the_best_slots_then_priority_then_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["P1", "否", 1, ""],
        ["P5", "否", 5, ""],
        ["Q1", "否", 1, ""],
        ["M", "是", "", ""],
    ]
    plan = plan_sheet(products_sheet(tmp_path, rows), per_slot=1)
    ranks = {c.item: c.rank for c in plan.choices}
    assert ranks == {"M": 1, "P5": 2, "P1": 3, "Q1": 4}
    featured = next(c for c in plan.choices if c.item == "M")
    assert featured.featured and "主推商品先选时段" in featured.reason
    assert "是全周最好的时段" in featured.reason


def _mapping(plan: SlotPlan) -> dict[str, tuple[str, str | None, str]]:
    return {
        c.item: (c.list_at.isoformat(), c.delist_at and c.delist_at.isoformat(), c.reason)
        for c in plan.choices
    }


def test_same_input_gives_the_same_plan_in_any_row_order(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [f"B{i:02d}", "是" if i % 9 == 0 else "否", i, ""] for i in range(40)
    ]
    first = plan_sheet(products_sheet(tmp_path, rows), per_slot=2)
    again = plan_sheet(products_sheet(tmp_path, rows, "again.xlsx"), per_slot=2)
    assert first.choices == again.choices
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != rows
    other = plan_sheet(products_sheet(tmp_path, shuffled, "shuffled.xlsx"), per_slot=2)
    assert _mapping(other) == _mapping(first)
    products = read_slot_products(tmp_path / "商品.xlsx")[0]
    reordered = plan_slots(products[::-1], TAOBAO, start=MONDAY, per_slot=2)
    assert reordered.choices == first.choices


# --- cycle and delist --------------------------------------------------------------------


def test_delist_is_list_plus_the_cycle_in_shanghai_time(tmp_path: Path) -> None:
    plan = plan_sheet(products_sheet(tmp_path, plain(30)))
    assert plan.cycle_days == 7
    for choice in plan.choices:
        assert choice.delist_at == choice.list_at + timedelta(days=7)
        assert choice.list_at.tzinfo == SHANGHAI
        assert choice.list_at.utcoffset() == timedelta(hours=8)
        assert choice.delist_at is not None and choice.delist_at.utcoffset() == timedelta(hours=8)


def test_a_platform_without_a_cycle_plans_from_store_traffic_without_delist(
    tmp_path: Path,
) -> None:
    douyin = load_rules("douyin")
    products = read_slot_products(products_sheet(tmp_path, plain(3)))[0]
    with pytest.raises(UsageError, match="流量表"):
        plan_slots(products, douyin, start=MONDAY)
    traffic_rows = [[h, 100 + (900 if h == 12 else 10 * h)] for h in range(24)]
    demand, problems = read_traffic(
        xlsx(tmp_path / "流量.xlsx", [["小时", "访客数"], *traffic_rows])
    )
    assert problems == [] and demand.measured
    plan = plan_slots(products, douyin, start=MONDAY, demand=demand)
    assert plan.cycle_days is None
    assert all(c.delist_at is None and reach(c, douyin).hour == 12 for c in plan.choices)
    assert all("本店流量 1000.0" in c.reason for c in plan.choices)
    assert near_delist(plan, datetime(2026, 11, 9, 11, tzinfo=SHANGHAI)) == []


def _delists(choice: SlotChoice, cycle: timedelta) -> list[datetime]:
    return [choice.list_at + k * cycle for k in range(1, 20)]


def test_near_delist_finds_the_cycle_that_ends_in_the_window(tmp_path: Path) -> None:
    plan = plan_sheet(products_sheet(tmp_path, plain(30)))
    cycle = timedelta(days=7)
    # Three cycles later, given in New York time: the same instant as 2026-11-23 19:30 +08:00.
    at = datetime(2026, 11, 23, 6, 30, tzinfo=ZoneInfo("America/New_York"))
    assert at == datetime(2026, 11, 23, 19, 30, tzinfo=SHANGHAI)
    found = near_delist(plan, at, timedelta(hours=2))
    expected = sorted(
        (d, c.item)
        for c in plan.choices
        for d in _delists(c, cycle)
        if at <= d < at + timedelta(hours=2)
    )
    assert [(c.delist_at, c.item) for c in found] == expected
    assert [c.delist_at.hour for c in found if c.delist_at] == [20, 21]
    for choice in found:
        assert choice.delist_at is not None and choice.delist_at.tzinfo == SHANGHAI
        assert choice.delist_at - choice.list_at == cycle
    # A whole day from a delist time includes it and leaves out the next day's same hour.
    first = plan.choices[0]
    assert first.delist_at is not None
    day = near_delist(plan, first.delist_at)
    assert first.item in {c.item for c in day}
    assert all(
        first.delist_at <= c.delist_at < first.delist_at + timedelta(days=1)
        for c in day
        if c.delist_at
    )
    assert (
        near_delist(
            plan, first.delist_at - timedelta(days=7) - timedelta(hours=1), timedelta(hours=1)
        )
        == []
    )


# --- fixed times -------------------------------------------------------------------------


def test_fixed_times_are_kept_and_fill_their_slot(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["F1", "否", "", "2026-11-03 14:05"],
        ["F2", "否", "", "2026-11-02 20:00"],
        ["M", "是", "", ""],
    ]
    plan = plan_sheet(products_sheet(tmp_path, rows))
    by_item = {c.item: c for c in plan.choices}
    assert by_item["F1"].list_at == datetime(2026, 11, 3, 14, 5, tzinfo=SHANGHAI)
    assert by_item["F2"].list_at == datetime(2026, 11, 2, 20, 0, tzinfo=SHANGHAI)
    assert "按商品表指定的时间上架" in by_item["F1"].reason
    # The best slot (Monday 20:00) is held by F2, and Tuesday by F1 (one a day for three
    # products): the featured product takes Wednesday 20:00.
    assert by_item["F2"].rank == 1 and by_item["M"].rank == 3
    assert "排名更前的时段已排满" in by_item["M"].reason
    assert "更好的 周二 20:00（排第 2）所在的周二已排 1 个" in by_item["M"].reason
    # A fixed time given in another zone is the same instant, in Shanghai time.
    utc = ProductRow("U", 9, fixed=datetime(2026, 11, 4, 12, 0, tzinfo=UTC))
    choice = plan_slots([utc], TAOBAO, start=MONDAY).choices[0]
    assert choice.list_at.isoformat() == "2026-11-04T20:00:00+08:00"


def test_slot010_names_each_product_left_without_a_slot(tmp_path: Path) -> None:
    plan = plan_sheet(products_sheet(tmp_path, plain(170)))
    assert len(plan.choices) == 168
    assert [p.item for p in plan.unplaced] == ["A168", "A169"]
    findings = findings_of(plan)
    assert [(f.code, f.severity, f.location.row, f.data["item"]) for f in findings] == [
        ("SLOT010", Severity.ERROR, 170, "A168"),
        ("SLOT010", Severity.ERROR, 171, "A169"),
    ]
    assert {f.location.path for f in findings} == {"商品.xlsx"}
    assert findings[0].message == (
        "第 170 行 A168 没有排上：一周 168 个时段、每个时段最多 1 个，共 168 个位置，商品有 170 个"
    )
    planned = {c.item for c in plan.choices}
    assert "A168" not in planned and "A167" in planned


def test_slot011_warns_of_a_fixed_time_in_a_dead_hour(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["NIGHT", "否", "", "2026-11-04 03:00"],
        ["EVENING", "否", "", "2026-11-04 20:00"],
    ]
    plan = plan_sheet(products_sheet(tmp_path, rows))
    findings = findings_of(plan)
    assert [(f.code, f.severity, f.location.row) for f in findings] == [
        ("SLOT011", Severity.WARNING, 2)
    ]
    assert findings[0].message == (
        "第 2 行 NIGHT 指定的 11-04 03:00（周三）上架后 04 点是全周需求最低的时段"
    )
    assert {c.item for c in plan.choices} == {"NIGHT", "EVENING"}


def test_slot012_reports_fixed_times_beyond_the_slot_limit(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["X", "否", "", "2026-11-05 20:00"],
        ["Y", "否", "", "2026-11-05 20:45"],
        ["Z", "否", "", "2026-11-05 21:00"],
    ]
    path = products_sheet(tmp_path, rows)
    plan = plan_sheet(path)
    findings = findings_of(plan)
    assert [(f.code, f.severity, f.location.row) for f in findings] == [
        ("SLOT012", Severity.WARNING, 3)
    ]
    assert findings[0].message == (
        "第 3 行 Y 指定的 11-05 20:45（周四）与 第 2 行 X 在同一小时，超过每个时段最多 1 个"
    )
    assert findings[0].data["clashes_with"] == ["X"]
    assert sorted(c.item for c in plan.choices) == ["X", "Y", "Z"]
    assert findings_of(plan_sheet(path, per_slot=2)) == []


def test_a_rule_file_and_the_selection_set_what_the_plan_reports(tmp_path: Path) -> None:
    rows: list[list[object]] = [*plain(168), ["NIGHT", "否", "", "2026-11-04 03:00"]]
    plan = plan_sheet(products_sheet(tmp_path, rows))
    assert [(f.code, f.severity) for f in findings_of(plan)] == [
        ("SLOT010", Severity.ERROR),
        ("SLOT011", Severity.WARNING),
    ]
    store = tmp_path / "listingkit.toml"
    store.write_text(
        'extends = "taobao"\nstore = "测试店"\n\n[checks]\nSLOT010 = "warning"\n',
        encoding="utf-8",
    )
    relaxed = load_rules(store)
    assert [(f.code, f.severity) for f in findings_of(plan, relaxed)] == [
        ("SLOT010", Severity.WARNING),
        ("SLOT011", Severity.WARNING),
    ]
    assert [f.code for f in findings_of(plan, relaxed, ignore=["SLOT011"])] == ["SLOT010"]
    assert [f.code for f in findings_of(plan, select=["SLOT011"])] == ["SLOT011"]


def test_bad_arguments_say_which() -> None:
    with pytest.raises(ArgumentError, match="per_slot"):
        plan_slots([], TAOBAO, start=MONDAY, per_slot=0)
    plan = plan_slots([], TAOBAO, start=MONDAY)
    with pytest.raises(ArgumentError, match="within"):
        near_delist(plan, datetime(2026, 11, 9, tzinfo=SHANGHAI), timedelta(hours=-1))


# --- time zones --------------------------------------------------------------------------

_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    from datetime import date, datetime, timedelta
    from listingkit import load_rules
    from listingkit.slots.checks import slot_findings
    from listingkit.slots.plan import near_delist, plan_slots
    from listingkit.slots.profile import read_slot_products

    products, _ = read_slot_products(sys.argv[1])
    plan = plan_slots(products, load_rules("taobao"), start=date(2026, 10, 29))
    naive = datetime(2026, 11, 5, 21, 30)  # read as Shanghai time, never the machine's
    near = near_delist(plan, naive, timedelta(days=2))
    print(json.dumps({
        "zone": time.tzname[0],
        "plan": [[c.item, c.list_at.isoformat(), c.delist_at.isoformat(), c.reason]
                 for c in plan.choices],
        "near": [[c.item, c.delist_at.isoformat()] for c in near],
        "findings": [f.message for f in slot_findings(plan, load_rules("taobao"))],
    }, ensure_ascii=False))
    """
)


def _run_in_zone(zone: str, sheet: Path) -> dict[str, object]:
    env = {**os.environ, "TZ": zone}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(sheet)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_plan_is_the_same_in_new_york_across_a_dst_change(tmp_path: Path) -> None:
    # The week 2026-10-29 … 11-04 spans the US change on 2026-11-01.
    rows = [*plain(30), ["FX", "否", "", "2026-11-01 01:30"], ["FY", "否", "", "2026-11-01 20:00"]]
    sheet = products_sheet(tmp_path, rows)
    new_york = _run_in_zone("America/New_York", sheet)
    utc = _run_in_zone("UTC", sheet)
    assert new_york["zone"] == "EST" and utc["zone"] == "UTC"  # the zones did apply
    assert new_york["plan"] == utc["plan"] and new_york["near"] == utc["near"]
    assert new_york["findings"] == utc["findings"]
    plan = new_york["plan"]
    assert isinstance(plan, list) and len(plan) == 32
    times = {item: listed for item, listed, _, _ in plan}
    assert times["FX"] == "2026-11-01T01:30:00+08:00"
    assert all(listed.endswith("+08:00") for listed in times.values())
    assert all(
        listed[:10] >= "2026-10-29" and listed[:10] <= "2026-11-04" for listed in times.values()
    )
    assert sum(listed[11:16] == "20:00" for listed in times.values()) == 7
