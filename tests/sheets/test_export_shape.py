"""Sheets as 生意参谋 and operators export them: report lines above the header, .xls files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from listingkit.errors import SheetError
from listingkit.sheets import KeywordStat, _xls_child, parse_number, read_keywords, read_sheet
from listingkit.sheets.guard import MAX_AREA

MakeBook = Callable[..., Path]

HEADER = [
    "关键词",
    "搜索人气",
    "搜索热度",
    "点击率",
    "点击人气",
    "交易指数",
    "支付转化率",
    "在线商品数",
    "商城点击占比",
    "直通车参考价",
]


def export_rows(preamble: Sequence[Sequence[object] | None]) -> list[Sequence[object] | None]:
    """A 搜索分析 export: the report lines, the header, numbers as text and as numbers."""
    return [
        *preamble,
        HEADER,
        [
            "连衣裙",
            "52,100",
            "1.2万",
            "7.45%",
            "3,000",
            "12,345",
            "2.10%",
            "1,234,567",
            "45%",
            "1.2",
        ],
        ["碎花连衣裙", 40000, "-", 0.0745, "-", "-", "-", "-", "-", "-"],
        ["雪纺连衣裙", "１，２００", "-", " 3.5% ", "-", "-", "1.2亿", "-", "-", "-"],
    ]


ONE_CELL_LINES = [
    ["【生意参谋平台】搜索分析-相关搜索词"],
    ["统计时间：2026-11-01~2026-11-07"],
    ["终端：所有终端"],
    None,
]
# Some exports split "统计时间：" and its value into two cells.
TWO_CELL_LINES = [
    ["【生意参谋平台】搜索分析-相关搜索词"],
    ["统计时间：", "2026-11-01~2026-11-07"],
    ["终端：", "所有终端"],
    None,
]
# More report lines than the old one-cell heuristic passed over.
LONG_PREAMBLE = [
    ["【生意参谋平台】搜索分析-相关搜索词"],
    *[[f"说明 {n}", "见官网"] for n in range(8)],
]

EXPECTED = [
    KeywordStat("连衣裙", 52100.0, 0.0745, 0.021, 1234567.0, row=0),
    KeywordStat("碎花连衣裙", 40000.0, 0.0745, None, None, row=0),
    KeywordStat("雪纺连衣裙", 1200.0, 0.035, 120000000.0, None, row=0),
]


def _rows_at(header_row: int) -> list[KeywordStat]:
    return [
        KeywordStat(s.keyword, s.popularity, s.click_rate, s.conversion, s.competition, row=n)
        for n, s in enumerate(EXPECTED, start=header_row + 1)
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
@pytest.mark.parametrize(
    ("preamble", "header_row"),
    [(ONE_CELL_LINES, 5), (TWO_CELL_LINES, 5), (LONG_PREAMBLE, 10), ([], 1)],
    ids=["one-cell-lines", "two-cell-lines", "nine-lines", "no-preamble"],
)
def test_export_is_read_below_its_report_lines(
    make_xlsx: MakeBook,
    make_xls: MakeBook,
    suffix: str,
    preamble: list[Sequence[object] | None],
    header_row: int,
) -> None:
    rows = export_rows(preamble)
    if suffix == ".xls":
        path = make_xls("相关搜索词.xls", rows, percent=[3])
    else:
        path = make_xlsx("相关搜索词.xlsx", rows)
    table = read_keywords(path)
    assert table.header_row == header_row
    assert table.problems == []  # report lines are neither data nor findings
    assert table.stats == _rows_at(header_row)


def test_percent_formatted_number_cell_is_not_divided_again(make_xlsx: MakeBook) -> None:
    path = make_xlsx("词.xlsx", [HEADER[:4], ["连衣裙", 100, "-", 0.0745]])
    assert read_keywords(path).stats[0].click_rate == 0.0745


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("１２，３４５", 12345.0),
        ("\u3000 52,100 \u3000", 52100.0),
        ("1.2 亿", 120000000.0),
        ("0.0745", 0.0745),
        ("40000", 40000.0),
        ("7.45％", 0.0745),
    ],
)
def test_numbers_as_exported(text: str, number: float) -> None:
    assert parse_number(text) == number


def test_a_bad_value_skips_its_row_with_one_problem_naming_cell_and_fix(
    make_xlsx: MakeBook,
) -> None:
    rows = export_rows(ONE_CELL_LINES)
    rows[5] = ["连衣裙", "约五万", *["-"] * 8]
    table = read_keywords(make_xlsx("词.xlsx", rows))
    assert [s.keyword for s in table.stats] == ["碎花连衣裙", "雪纺连衣裙"]
    [problem] = table.problems
    assert (problem.row, problem.column) == (6, "B")
    assert "第 6 行 B 列（搜索人气）：“约五万”不是数字" in str(problem)
    assert "请填写数字" in str(problem)


def test_header_row_overrides_the_search(make_xlsx: MakeBook) -> None:
    rows = [["关键词", "搜索人气"], ["连衣裙", "10"], ["关键词", "搜索人气"], ["半身裙", "20"]]
    path = make_xlsx("词.xlsx", rows)
    found = read_keywords(path)
    assert found.header_row == 1 and [s.keyword for s in found.stats] == ["连衣裙", "半身裙"]
    table = read_keywords(path, header_row=3)
    assert table.header_row == 3 and [s.keyword for s in table.stats] == ["半身裙"]


def test_mapped_names_find_the_header_below_the_report_lines(make_xlsx: MakeBook) -> None:
    rows = [
        ["【生意参谋平台】选词助手"],
        ["统计时间：", "2026-11-01"],
        ["搜索词", "人气", "转化"],
        ["连衣裙", "1,000", "2%"],
    ]
    path = make_xlsx("选词.xlsx", rows)
    table = read_keywords(path, mapping={"keyword": "搜索词", "popularity": "人气"})
    assert table.header_row == 3
    assert table.stats == [KeywordStat("连衣裙", 1000.0, None, None, None, row=4)]


def test_mapped_column_that_is_not_there_names_the_headers(make_xlsx: MakeBook) -> None:
    path = make_xlsx("词.xlsx", export_rows(ONE_CELL_LINES))
    with pytest.raises(SheetError) as caught:
        read_keywords(path, mapping={"popularity": "人气值"})
    message = str(caught.value)
    assert str(path) in message and "“人气值”" in message and "指定给 搜索人气" in message
    assert "“关键词”、“搜索人气”" in message  # the header row of the export, found anyway


def test_export_without_the_columns_says_which_and_how_to_map(make_xlsx: MakeBook) -> None:
    path = make_xlsx("别的表.xlsx", [["【报表】"], ["词", "热度"], ["连衣裙", "10"]])
    with pytest.raises(SheetError) as caught:
        read_keywords(path)
    message = str(caught.value)
    assert "找不到关键词、搜索人气列" in message and "“词”、“热度”" in message
    assert "--keyword-columns" in message


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_parameter_sheet_below_a_title_block(
    make_xlsx: MakeBook, make_xls: MakeBook, suffix: str
) -> None:
    rows = [
        ["2026 秋冬参数表", "运营部"],
        ["更新：", "2026-11-01"],
        None,
        ["货号", "产品词", "属性词"],
        ["A001", "连衣裙", "碎花,雪纺"],
    ]
    path = (make_xls if suffix == ".xls" else make_xlsx)(f"参数表{suffix}", rows)
    sheet = read_sheet(path, header_names=[["产品词"]])
    assert sheet.header_row == 4 and sheet.headers == ["货号", "产品词", "属性词"]
    assert [(r.row, r.get("产品词")) for r in sheet.rows] == [(5, "连衣裙")]
    # Without being told, two known column names make the header too.
    assert read_sheet(path).header_row == 4


def test_xls_numbers_dates_and_sheet_choice(make_xls: MakeBook) -> None:
    path = make_xls(
        "两张表.xls",
        sheets={
            "说明": [["这张表只是说明"], ["第二行"]],
            "参数": [
                ["货号", "产品词", "价格", "上架"],
                [1001, "连衣裙", 99.5, dt.datetime(2026, 11, 1, 9, 30)],
                ["A2", "半身裙", 120, True],
            ],
        },
    )
    assert read_sheet(path).name == "说明"
    sheet = read_sheet(path, sheet="参数")
    assert sheet.name == "参数" and sheet.where.endswith("（工作表“参数”）")
    assert [r.values for r in sheet.rows] == [
        {"货号": "1001", "产品词": "连衣裙", "价格": "99.5", "上架": "2026-11-01T09:30:00"},
        {"货号": "A2", "产品词": "半身裙", "价格": "120", "上架": "TRUE"},
    ]
    with pytest.raises(SheetError) as caught:
        read_sheet(path, sheet="参 数表")
    assert "“说明”、“参数”" in str(caught.value) and str(path) in str(caught.value)


def test_xls_bytes_named_xlsx_are_read_as_xls(make_xls: MakeBook, tmp_path: Path) -> None:
    path = tmp_path / "导出.xlsx"
    path.write_bytes(make_xls("导出.xls", export_rows(ONE_CELL_LINES), percent=[3]).read_bytes())
    assert read_keywords(path).stats == _rows_at(5)


def encrypted_package(xls: bytes) -> bytes:
    """An OLE2 file whose stream is named EncryptedPackage, as Excel writes a
    password-protected .xlsx: the Workbook directory entry renamed in place."""
    old = "Workbook".encode("utf-16-le") + b"\0\0"
    at = xls.index(old)
    name = "EncryptedPackage".encode("utf-16-le") + b"\0\0"
    entry = bytearray(xls)
    entry[at : at + 64] = name.ljust(64, b"\0")
    entry[at + 64 : at + 66] = len(name).to_bytes(2, "little")
    return bytes(entry)


@pytest.mark.parametrize("name", ["加密.xlsx", "加密.xls"])
def test_password_protected_xlsx_is_refused_clearly(
    make_xls: MakeBook, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(encrypted_package(make_xls("x.xls", [["a"]]).read_bytes()))
    with pytest.raises(SheetError) as caught:
        read_keywords(path)
    message = str(caught.value)
    assert message.startswith(f"{path} 设置了打开密码") and "取消密码" in message


def test_the_xls_child_refuses_the_same_area_as_the_xlsx_guard() -> None:
    assert _xls_child.MAX_AREA == MAX_AREA
