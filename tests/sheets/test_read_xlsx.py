"""read_sheet on real .xlsx files: header, row numbers, cell text, sheet choice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit.errors import SheetError
from listingkit.sheets import read_sheet

MakeXlsx = Callable[..., Path]


def test_title_row_and_blank_rows_keep_excel_row_numbers(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(
        "参数表.xlsx",
        [
            ["2024 春季新品参数表"],  # 1: title line, one cell
            None,  # 2
            ["货号", "产品词", "品牌"],  # 3: header
            None,  # 4
            ["A001", "连衣裙", "某某"],  # 5
            None,  # 6
            None,  # 7
            ["A002", "半身裙", "某某"],  # 8
        ],
    )
    sheet = read_sheet(path)
    assert sheet.name == "Sheet1"
    assert sheet.header_row == 3
    assert sheet.headers == ["货号", "产品词", "品牌"]
    assert [row.row for row in sheet.rows] == [5, 8]
    assert sheet.rows[1].values == {"货号": "A002", "产品词": "半身裙", "品牌": "某某"}


def test_header_is_the_first_non_empty_row_without_a_title(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("a.xlsx", [None, ["产品词"], ["连衣裙"], ["半身裙"]])
    sheet = read_sheet(path)
    assert sheet.header_row == 2
    assert [(row.row, row.get("产品词")) for row in sheet.rows] == [(3, "连衣裙"), (4, "半身裙")]


def test_header_row_can_be_given(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("a.xlsx", [["说明", "随便写"], ["货号", "产品词"], ["A1", "裙"]])
    sheet = read_sheet(path, header_row=2)
    assert sheet.headers == ["货号", "产品词"]
    assert [row.row for row in sheet.rows] == [3]


def test_given_header_row_that_is_empty_is_refused(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("a.xlsx", [["货号", "产品词"], None, ["A1", "裙"]])
    with pytest.raises(SheetError) as caught:
        read_sheet(path, header_row=2)
    message = str(caught.value)
    assert str(path) in message and "Sheet1" in message and "第 2 行" in message


def test_columns_keep_their_excel_letters_when_data_starts_right(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("a.xlsx", [None, [None, None, "货号", "产品词"], [None, None, "A1", "裙"]])
    sheet = read_sheet(path)
    assert sheet.headers == ["货号", "产品词"]
    assert sheet.column_letter("货号") == "C"
    assert sheet.column_letter("产品词") == "D"
    with pytest.raises(KeyError):
        sheet.column_letter("品牌")


def test_numbers_dates_and_booleans_read_as_typed(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(
        "a.xlsx",
        [
            ["整数", "小数", "浮点", "日期", "时间点", "时刻", "布尔", "小值", "空"],
            [
                123,
                12.5,
                0.1 + 0.2,
                dt.date(2024, 5, 1),
                dt.datetime(2024, 5, 1, 10, 30),
                dt.time(9, 5),
                True,
                1e-7,
                None,
            ],
            [123.0, -4.25, 1234567.5, None, None, None, False, 0.5, "x"],
        ],
    )
    first, second = read_sheet(path).rows
    assert first.values == {
        "整数": "123",
        "小数": "12.5",
        "浮点": "0.3",
        "日期": "2024-05-01",
        "时间点": "2024-05-01T10:30:00",
        "时刻": "09:05:00",
        "布尔": "TRUE",
        "小值": "0.0000001",
        "空": "",
    }
    assert second.get("整数") == "123"
    assert second.get("小数") == "-4.25"
    assert second.get("浮点") == "1234567.5"
    assert second.get("布尔") == "FALSE"


def test_surrounding_whitespace_is_stripped(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("a.xlsx", [[" 产品词 ", "品牌"], ["  连衣裙\u3000", "\u200b某某 "]])
    sheet = read_sheet(path)
    assert sheet.headers == ["产品词", "品牌"]
    assert sheet.rows[0].values == {"产品词": "连衣裙", "品牌": "某某"}


def test_whitespace_only_rows_count_as_empty(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("a.xlsx", [["产品词", "品牌"], ["  ", "\u3000"], ["裙", "某"]])
    assert [row.row for row in read_sheet(path).rows] == [3]


def test_duplicate_and_empty_headers_get_names(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(
        "a.xlsx",
        [
            ["标题", "标题", None, "标题", None, "标题 (2)"],
            ["一", "二", "三", "四", None, "六"],
        ],
    )
    sheet = read_sheet(path)
    # E has neither header nor data: it is not a column at all.
    assert sheet.headers == ["标题", "标题 (3)", "列C", "标题 (4)", "标题 (2)"]
    assert sheet.rows[0].values == {
        "标题": "一",
        "标题 (3)": "二",
        "列C": "三",
        "标题 (4)": "四",
        "标题 (2)": "六",
    }
    assert sheet.column_letter("列C") == "C"
    assert sheet.column_letter("标题 (2)") == "F"


def test_data_beyond_the_header_gets_a_column(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("a.xlsx", [["产品词", "品牌"], ["裙", "某", "备注"]])
    sheet = read_sheet(path)
    assert sheet.headers == ["产品词", "品牌", "列C"]
    assert sheet.rows[0].get("列C") == "备注"


def test_every_row_has_every_header(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("a.xlsx", [["产品词", "品牌", "属性词"], ["裙"]])
    assert read_sheet(path).rows[0].values == {"产品词": "裙", "品牌": "", "属性词": ""}


def test_sheet_by_name_and_default_first_visible(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(
        "a.xlsx",
        sheets={
            "隐藏": [["x", "y"], ["1", "2"]],
            "参数": [["产品词", "品牌"], ["裙", "某"]],
            "关键词": [["关键词", "搜索人气"], ["连衣裙", 100]],
        },
        hidden=["隐藏"],
    )
    assert read_sheet(path).name == "参数"
    chosen = read_sheet(path, sheet="关键词")
    assert chosen.name == "关键词"
    assert chosen.rows[0].values == {"关键词": "连衣裙", "搜索人气": "100"}
    assert read_sheet(path, sheet="隐藏").headers == ["x", "y"]


def test_sheet_name_ignores_case_like_excel(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("a.xlsx", sheets={"Keywords": [["关键词", "搜索人气"], ["裙", 1]]})
    assert read_sheet(path, sheet="keywords").name == "Keywords"


def test_missing_sheet_lists_the_sheets_there_are(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(
        "a.xlsx",
        sheets={"参数表": [["产品词", "x"], ["裙", "y"]], "关键词": [["关键词", "x"], ["a", "b"]]},
    )
    with pytest.raises(SheetError) as caught:
        read_sheet(path, sheet="参数")
    message = str(caught.value)
    assert str(path) in message
    assert "“参数”" in message
    assert "“参数表”、“关键词”" in message
    assert "是不是“参数表”？" in message


def test_xlsm_is_read_like_xlsx(make_xlsx: MakeXlsx) -> None:
    # openpyxl writes the same package; calamine goes by content, the suffix only picks the reader.
    path = make_xlsx("a.xlsm", [["产品词", "品牌"], ["裙", "某"]])
    assert read_sheet(path).rows[0].values == {"产品词": "裙", "品牌": "某"}


def test_suffix_case_does_not_matter(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("A.XLSX", [["产品词", "品牌"], ["裙", "某"]])
    assert read_sheet(path).headers == ["产品词", "品牌"]


def test_accepts_str_paths(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("a.xlsx", [["产品词", "品牌"], ["裙", "某"]])
    sheet = read_sheet(str(path))
    assert sheet.path == path


def test_formula_without_cached_value_reads_empty(make_xlsx: MakeXlsx) -> None:
    # openpyxl stores no computed value; calamine reports what the file holds.
    path = make_xlsx("a.xlsx", [["产品词", "合计"], ["裙", "=1+2"]])
    assert read_sheet(path).rows[0].values == {"产品词": "裙", "合计": ""}
