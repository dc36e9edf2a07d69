"""read_keywords on 生意参谋-style exports: %, thousands separators, dashes, problems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit.errors import SheetError
from listingkit.sheets import KeywordStat, parse_number, read_keywords

MakeXlsx = Callable[..., Path]
MakeCsv = Callable[..., Path]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("12.34%", 0.1234),
        ("12.34 %", 0.1234),
        ("１２．５％", 0.125),
        ("0.5", 0.5),
        ("-3", -3.0),
        (".5", 0.5),
        ("1.2万", 12000.0),
        ("3亿", 300000000.0),
        ("-", None),
        ("--", None),
        ("—", None),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_number(text: str, number: float | None) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["abc", "12,34", "1.2.3", "%", "1,2345", "十二", "1e5", "12%%"])
def test_parse_number_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_percent_is_exact() -> None:
    assert parse_number("12.34%") == 0.1234  # not 0.12340000000000001


def test_keyword_sheet_with_percent_and_thousands(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(
        "搜索词.xlsx",
        [
            ["统计日期：2024-05-01 ~ 2024-05-07"],
            None,
            ["搜索词", "搜索人气", "点击率", "支付转化率", "在线商品数"],
            ["连衣裙", "12,345", "45.67%", "3.21%", "1,234,567"],
            ["半身裙", 9876, 0.5, "-", None],
        ],
    )
    table = read_keywords(path)
    assert table.problems == []
    assert table.path == path and table.sheet == "Sheet1"
    assert table.stats == [
        KeywordStat("连衣裙", 12345.0, 0.4567, 0.0321, 1234567.0, row=4),
        KeywordStat("半身裙", 9876.0, 0.5, None, None, row=5),
    ]


def test_keyword_csv_in_gb18030(make_csv: MakeCsv) -> None:
    text = '关键词,搜索人气,点击率\n连衣裙,"1,234",12.5%\n'
    table = read_keywords(make_csv("词.csv", text, encoding="gb18030"))
    assert table.stats == [KeywordStat("连衣裙", 1234.0, 0.125, None, None, row=2)]
    assert table.columns == {"keyword": "关键词", "popularity": "搜索人气", "click_rate": "点击率"}


def test_bad_number_skips_the_row_and_records_a_problem(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(
        "词.xlsx",
        [
            ["关键词", "搜索人气", "点击率"],
            ["连衣裙", 100, "5%"],
            ["半身裙", 200, "很高"],
            ["", 300, "1%"],
            ["短裙", "-", "1%"],
            ["长裙", "1,000-2,000", "1%"],
        ],
    )
    table = read_keywords(path)
    assert [stat.keyword for stat in table.stats] == ["连衣裙"]
    rows = [(problem.row, problem.column) for problem in table.problems]
    assert rows == [(3, "C"), (4, "A"), (5, "B"), (6, "B")]
    bad = table.problems[0]
    assert bad.message.startswith("第 3 行 C 列（点击率）")
    assert "“很高”不是数字" in bad.message
    assert bad.hint is not None and "12.34%" in bad.hint
    assert "关键词是空的" in table.problems[1].message
    assert "搜索人气是空的" in table.problems[2].message
    assert str(bad) == f"{bad.message}；{bad.hint}"


def test_duplicate_keyword_keeps_the_first(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(
        "词.xlsx",
        [
            ["关键词", "搜索人气"],
            ["连衣裙", 100],
            ["半身裙", 50],
            ["连衣裙", 80],
            ["ＡＢ 裙", 1],
            ["ab  裙", 2],
        ],
    )
    table = read_keywords(path)
    assert [(stat.keyword, stat.popularity) for stat in table.stats] == [
        ("连衣裙", 100.0),
        ("半身裙", 50.0),
        ("ＡＢ 裙", 1.0),
    ]
    assert [(problem.row, problem.column) for problem in table.problems] == [(4, "A"), (6, "A")]
    message = table.problems[0].message
    assert "第 4 行" in message and "与第 2 行重复" in message and "“连衣裙”" in message


def test_missing_required_columns_name_file_and_headers(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("词.xlsx", sheets={"数据": [["词", "人气", "点击率"], ["裙", 1, "1%"]]})
    with pytest.raises(SheetError) as caught:
        read_keywords(path)
    message = str(caught.value)
    assert str(path) in message and "数据" in message
    assert "关键词、搜索人气" in message
    assert "“词”、“人气”、“点击率”" in message


def test_mapping_rescues_unusual_headers(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("词.xlsx", [["词", "人气"], ["裙", "1,000"]])
    table = read_keywords(path, mapping={"keyword": "词", "popularity": "人气"})
    assert table.stats == [KeywordStat("裙", 1000.0, None, None, None, row=2)]


def test_sheet_is_passed_through(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(
        "词.xlsx",
        sheets={
            "说明": [["随便", "写点"], ["a", "b"]],
            "关键词": [["关键词", "搜索人气"], ["裙", 3]],
        },
    )
    assert [stat.keyword for stat in read_keywords(path, sheet="关键词").stats] == ["裙"]
