"""The slot sheets read from real .xlsx and .csv files: traffic, competitors, products."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from listingkit import load_rules
from listingkit.errors import SheetError
from listingkit.findings import Finding, Severity
from listingkit.slots.checks import slot_findings
from listingkit.slots.profile import (
    SHANGHAI,
    ProductRow,
    read_competitors,
    read_slot_products,
    read_traffic,
)
from tests.slots.sheets import xlsx

TUESDAY = 1
TAOBAO = load_rules("taobao")


def csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8-sig")
    return path


def where(findings: list[Finding]) -> list[tuple[int | None, str | None]]:
    return [(f.location.row, f.location.column) for f in findings]


# --- traffic ----------------------------------------------------------------------------------


def test_traffic_several_days_average_per_weekday_and_hour(tmp_path: Path) -> None:
    rows: list[list[object]] = [["生意参谋 流量 按小时"], ["统计日期：2026-11-02 ~ 2026-11-10"], []]
    rows.append(["日期", "小时", "访客数", "浏览量"])
    # Monday 2026-11-02 and 2026-11-09, Tuesday 2026-11-03 (an Excel date cell)
    for day, scale in ((dt.date(2026, 11, 2), 1), (dt.date(2026, 11, 9), 3)):
        rows += [[day.isoformat(), hour, scale * (hour + 1) * 10, 0] for hour in range(24)]
    rows += [[dt.datetime(2026, 11, 3), hour, 5, 0] for hour in range(24)]
    path = xlsx(tmp_path / "流量.xlsx", rows)

    demand, problems = read_traffic(path)

    assert problems == []
    assert demand.measured
    assert demand.at(0, 21) == (220 + 660) / 2  # both Mondays
    assert demand.at(TUESDAY, 21) == 5
    # Wednesday has no data: the average of all three days at that hour
    assert demand.at(2, 21) == pytest.approx((220 + 660 + 5) / 3)
    assert demand.at(6, 0) == pytest.approx((10 + 30 + 5) / 3)
    assert "访客数" in demand.label and "3 天平均" in demand.label


@pytest.mark.parametrize("hour", ["08:00-09:00", "8", "08:00", "8点", "8时"])
def test_traffic_hours_as_operators_write_them(tmp_path: Path, hour: str) -> None:
    path = csv(tmp_path / "流量.csv", f'时段,浏览量\n{hour},1234\n09:00-10:00,"2,000"\n')
    demand, problems = read_traffic(path)
    assert problems == []
    assert [demand.at(day, 8) for day in range(7)] == [1234.0] * 7  # no date: every weekday
    assert demand.at(4, 9) == 2000.0
    assert demand.at(4, 10) == 0.0
    assert "浏览量" in demand.label


def test_traffic_hours_as_excel_time_cells(tmp_path: Path) -> None:
    rows: list[list[object]] = [["小时", "流量"]]
    rows += [[dt.time(hour, 0), hour * 2] for hour in range(24)]
    demand, problems = read_traffic(xlsx(tmp_path / "流量.xlsx", rows))
    assert problems == []
    assert demand.at(5, 23) == 46 and demand.at(0, 0) == 0
    assert max(range(24), key=lambda hour: demand.at(2, hour)) == 23


def test_traffic_bad_rows_are_findings_with_rows_and_columns(tmp_path: Path) -> None:
    path = csv(
        tmp_path / "流量.csv",
        "日期,小时,访客数\n"
        "2026-11-03,20,100\n"
        "2026-11-03,25,100\n"
        "2026-11-03,21,很多\n"
        "昨天,22,100\n"
        "2026-11-03,23,-5\n",
    )
    demand, problems = read_traffic(path)
    findings = slot_findings(problems, TAOBAO)
    assert where(findings) == [(3, "小时"), (4, "访客数"), (5, "日期"), (6, "访客数")]
    assert {(f.code, f.severity) for f in findings} == {("SLOT001", Severity.WARNING)}
    assert {f.location.path for f in findings} == {str(path)}
    first = findings[0].message
    assert "流量.csv" in first and "第 3 行" in first and "B 列" in first and "“25”" in first
    assert demand.at(TUESDAY, 20) == 100 and demand.at(TUESDAY, 21) == 0


def test_traffic_without_a_visitor_column_names_the_headers(tmp_path: Path) -> None:
    path = csv(tmp_path / "流量.csv", "小时,支付金额\n8,100\n")
    with pytest.raises(SheetError) as caught:
        read_traffic(path)
    message = str(caught.value)
    assert "流量.csv" in message and "访客数" in message and "“支付金额”" in message


def test_traffic_with_no_usable_row_is_an_error(tmp_path: Path) -> None:
    path = csv(tmp_path / "流量.csv", "小时,访客数\n早上,100\n")
    with pytest.raises(SheetError, match="没有一行能读出小时"):
        read_traffic(path)


# --- competitors ------------------------------------------------------------------------------


def test_competitor_times_in_every_format_land_in_the_same_slot(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "竞品.xlsx",
        [
            ["竞品", "上架时间"],
            ["a", "2026-11-03 20:15"],
            ["b", "2026/11/3 20:15:00"],
            ["c", dt.datetime(2026, 11, 3, 20, 45)],  # an Excel date cell
            ["d", "周二 20:00"],
            ["e", "星期二 20:15"],
            ["f", "2026年11月10日 20:59"],
            ["g", "周日 09:30"],
        ],
    )
    crowding, problems = read_competitors(path)
    assert problems == []
    assert crowding.rows == 7
    assert crowding.at(TUESDAY, 20) == 6
    assert crowding.at(6, 9) == 1
    assert sum(map(sum, crowding.grid)) == 7


def test_a_delist_time_counts_at_its_own_weekday_and_hour(tmp_path: Path) -> None:
    path = csv(tmp_path / "竞品.csv", "宝贝,下架时间\nx,2026-11-10 20:15\ny,周二 20:40\n")
    crowding, problems = read_competitors(path)
    assert problems == [] and crowding.at(TUESDAY, 20) == 2


def test_competitor_weekday_and_time_in_two_columns(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "竞品.xlsx",
        [["星期", "时间"], ["周三", "20:00"], ["3", dt.time(20, 30)], ["星期三", "20点"]],
    )
    crowding, problems = read_competitors(path)
    assert problems == [] and crowding.at(2, 20) == 3


def test_unreadable_competitor_times_skip_their_rows(tmp_path: Path) -> None:
    path = csv(
        tmp_path / "竞品.csv",
        "店铺,上架时间\n"
        "a,2026-11-03 20:15\n"
        "b,晚上八点\n"
        "c,2026-02-30 20:00\n"
        "d,周八 20:00\n"
        "e,\n"
        "f,周二 25:00\n",
    )
    crowding, problems = read_competitors(path)
    findings = slot_findings(problems, TAOBAO, display="竞品.csv")
    assert crowding.rows == 1 and crowding.at(TUESDAY, 20) == 1
    assert {f.location.path for f in findings} == {"竞品.csv"}
    assert where(findings) == [
        (3, "上架时间"),
        (4, "上架时间"),
        (5, "上架时间"),
        (6, "上架时间"),
        (7, "上架时间"),
    ]
    assert [f.code for f in findings] == ["SLOT001"] * 5
    assert "竞品.csv 第 3 行 B 列（上架时间）：“晚上八点”" in findings[0].message
    assert "空白" in findings[3].message
    assert findings[0].hint is not None and "周二 20:00" in findings[0].hint


def test_competitors_without_a_time_column_name_the_headers(tmp_path: Path) -> None:
    path = csv(tmp_path / "竞品.csv", "店铺,销量\na,100\n")
    with pytest.raises(SheetError) as caught:
        read_competitors(path)
    message = str(caught.value)
    assert "上架时间或下架时间" in message and "“店铺”" in message and "“销量”" in message


# --- products ---------------------------------------------------------------------------------


def test_products_with_flags_priorities_and_fixed_times(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "商品.xlsx",
        [
            ["货号", "主推", "优先级", "上架时间"],
            ["A001", "是", 2, "2026-11-03 20:15"],
            ["A002", "否", None, None],
            ["A003", "Y", "1", dt.datetime(2026, 11, 4, 9, 0)],
            ["A004", 1, None, "2026/11/5 21:00:00"],
            ["A005", None, None, None],
        ],
    )
    products, problems = read_slot_products(path)
    assert problems == []
    assert products == [
        ProductRow("A001", 2, True, 2, dt.datetime(2026, 11, 3, 20, 15, tzinfo=SHANGHAI)),
        ProductRow("A002", 3, False, 0, None),
        ProductRow("A003", 4, True, 1, dt.datetime(2026, 11, 4, 9, 0, tzinfo=SHANGHAI)),
        ProductRow("A004", 5, True, 0, dt.datetime(2026, 11, 5, 21, 0, tzinfo=SHANGHAI)),
        ProductRow("A005", 6, False, 0, None),
    ]
    fixed = products[0].fixed
    assert fixed is not None and fixed.utcoffset() == dt.timedelta(hours=8)


def test_product_sheet_with_only_items(tmp_path: Path) -> None:
    products, problems = read_slot_products(csv(tmp_path / "商品.csv", "款号\nB1\nB2\n"))
    assert [(p.item, p.row, p.featured) for p in products] == [("B1", 2, False), ("B2", 3, False)]
    assert problems == []


def test_bad_product_rows_are_findings(tmp_path: Path) -> None:
    path = csv(
        tmp_path / "商品.csv",
        "货号,主推,优先级,上架时间\n"
        "A1,是,1,\n"
        "A2,也许,,\n"
        "A3,,高,\n"
        "A4,,,周二 20:00\n"
        ",是,,\n"
        "A1,否,,\n"
        "A5,,,2026-11-03 20:00\n",
    )
    products, problems = read_slot_products(path)
    findings = slot_findings(problems, TAOBAO)
    assert [p.item for p in products] == ["A1", "A5"]
    assert [f.code for f in findings] == ["SLOT001"] * 5
    assert where(findings) == [
        (3, "主推"),
        (4, "优先级"),
        (5, "上架时间"),
        (6, "货号"),
        (7, "货号"),
    ]
    assert "第 5 行 D 列（上架时间）：“周二 20:00”不是日期加时间" in findings[2].message
    assert findings[4].hint is not None and "第 2 行" in findings[4].hint


def test_products_without_an_item_column_name_the_headers(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "商品.xlsx", [["名称", "主推"], ["连衣裙", "是"]])
    with pytest.raises(SheetError) as caught:
        read_slot_products(path)
    message = str(caught.value)
    assert "商品.xlsx" in message and "货号" in message and "“名称”" in message
