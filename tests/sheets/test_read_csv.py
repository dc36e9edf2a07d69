"""read_sheet on .csv bytes: encodings, delimiters, quoting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit.errors import SheetError
from listingkit.sheets import read_sheet

MakeCsv = Callable[..., Path]

TEXT = "货号,产品词,品牌\nA001,连衣裙,某某\nA002,半身裙,某某\n"
EXPECTED = [
    {"货号": "A001", "产品词": "连衣裙", "品牌": "某某"},
    {"货号": "A002", "产品词": "半身裙", "品牌": "某某"},
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_are_detected(make_csv: MakeCsv, encoding: str) -> None:
    sheet = read_sheet(make_csv("参数.csv", TEXT, encoding=encoding))
    assert sheet.name is None
    assert sheet.headers == ["货号", "产品词", "品牌"]  # no BOM glued to the first header
    assert [row.values for row in sheet.rows] == EXPECTED
    assert [row.row for row in sheet.rows] == [2, 3]


def test_gb18030_only_characters(make_csv: MakeCsv) -> None:
    # 𠀀 (U+20000) is outside GBK; GB18030 encodes it in four bytes.
    sheet = read_sheet(make_csv("a.csv", "产品词,品牌\n𠀀裙,某\n", encoding="gb18030"))
    assert sheet.rows[0].get("产品词") == "𠀀裙"


def test_undecodable_bytes_name_the_file_and_say_utf8(tmp_path: Path) -> None:
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"\xff\xfe\xfd,abc\n\x80\x80,1\n")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert str(path) in message and "UTF-8" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(make_csv: MakeCsv, encoding: str) -> None:
    # Excel's "Unicode 文本" is UTF-16 with a BOM; the BOM says which byte order.
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff"}.get(encoding, "")
    path = make_csv("a.csv", bom + TEXT, encoding=encoding)
    sheet = read_sheet(path)
    assert sheet.headers == ["货号", "产品词", "品牌"]
    assert [row.values for row in sheet.rows] == EXPECTED


def test_utf16_without_a_byte_order_mark_is_not_guessed(make_csv: MakeCsv) -> None:
    path = make_csv("a.csv", TEXT, encoding="utf-16-le")
    with pytest.raises(SheetError, match="UTF-8") as caught:
        read_sheet(path)
    assert str(path) in str(caught.value)


def test_latin1_is_refused_not_read_as_mojibake(make_csv: MakeCsv) -> None:
    # GB18030 would decode these bytes as "cr鑝e br鹟閑".
    path = make_csv("甜品.csv", "name,note\ncrème brûlée,très bon\n", encoding="latin-1")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert str(path) in message and "UTF-8" in message and "鑝" not in message


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiter_is_sniffed(make_csv: MakeCsv, delimiter: str) -> None:
    text = TEXT.replace(",", delimiter)
    assert [row.values for row in read_sheet(make_csv("a.csv", text)).rows] == EXPECTED


def test_delimiter_sniffed_past_a_title_line(make_csv: MakeCsv) -> None:
    text = "生意参谋搜索分析\n\n关键词\t搜索人气\n连衣裙\t1,234\n"
    sheet = read_sheet(make_csv("a.csv", text))
    assert sheet.header_row == 3
    assert sheet.rows[0].values == {"关键词": "连衣裙", "搜索人气": "1,234"}
    assert sheet.rows[0].row == 4


def test_quoted_cells_with_commas_and_line_breaks(make_csv: MakeCsv) -> None:
    text = '关键词,搜索人气,备注\n"连衣裙,女","1,234","第一行\n第二行"\n半身裙,99,\n'
    sheet = read_sheet(make_csv("a.csv", text))
    assert sheet.rows[0].values == {
        "关键词": "连衣裙,女",
        "搜索人气": "1,234",
        "备注": "第一行\n第二行",
    }
    # A quoted line break stays inside one Excel row.
    assert [row.row for row in sheet.rows] == [2, 3]


def test_crlf_line_endings(make_csv: MakeCsv) -> None:
    sheet = read_sheet(make_csv("a.csv", TEXT.replace("\n", "\r\n")))
    assert [row.values for row in sheet.rows] == EXPECTED


def test_blank_lines_keep_row_numbers(make_csv: MakeCsv) -> None:
    sheet = read_sheet(make_csv("a.csv", "\n产品词,品牌\n,\n裙,某\n\n鞋,某\n"))
    assert sheet.header_row == 2
    assert [row.row for row in sheet.rows] == [4, 6]


def test_ragged_rows_are_padded(make_csv: MakeCsv) -> None:
    sheet = read_sheet(make_csv("a.csv", "产品词,品牌,属性词\n裙\n鞋,某,真皮,多余\n"))
    assert sheet.headers == ["产品词", "品牌", "属性词", "列D"]
    assert sheet.rows[0].values == {"产品词": "裙", "品牌": "", "属性词": "", "列D": ""}
    assert sheet.rows[1].get("列D") == "多余"


def test_sheet_argument_is_ignored_for_csv(make_csv: MakeCsv) -> None:
    assert read_sheet(make_csv("a.csv", TEXT), sheet="任何").name is None


def test_unparseable_csv_is_a_sheet_error_naming_file_and_line(tmp_path: Path) -> None:
    # A cell over the csv module's field limit (131,072 characters): no sheet has one.
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n3," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert str(path) in message and "第 3 行" in message
