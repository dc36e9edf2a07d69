"""The product sheet: 货号 and colour columns by name, preambles, merged 货号, unsafe rows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from listingkit.errors import SheetError
from listingkit.naming.products import ProductRow, read_products


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_below_a_preamble(tmp_path: Path) -> None:
    sheet = read_products(
        _csv(
            tmp_path / "商品表.csv",
            "春季上新商品表\n导出时间 2026-11-01\n\n货号,品名,颜色\nA001,连衣裙,红色\nA002,衬衫,\n",
        )
    )
    assert sheet.rows == [ProductRow("A001", "红色", 5), ProductRow("A002", None, 6)]
    assert sheet.problems == []
    assert sheet.items() == {"A001", "A002"}


def test_one_cell_listing_several_colours(tmp_path: Path) -> None:
    sheet = read_products(_csv(tmp_path / "表.csv", "款号,颜色分类\nA001,红色、黑色；白色\n"))
    assert sheet.colours("A001") == {"红色": 2, "黑色": 2, "白色": 2}


def test_xlsx_with_merged_item_over_its_colour_rows(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "商品"
    for row in (["商品编码", "规格"], ["A001", "红色"], [None, "黑色"], ["B002", "白色"]):
        ws.append(row)
    ws.merge_cells("A2:A3")
    book.save(tmp_path / "商品表.xlsx")
    sheet = read_products(tmp_path / "商品表.xlsx")
    assert sheet.rows == [
        ProductRow("A001", "红色", 2),
        ProductRow("A001", "黑色", 3),
        ProductRow("B002", "白色", 4),
    ]
    assert sheet.name == "商品"


def test_columns_mapping_wins(tmp_path: Path) -> None:
    path = _csv(tmp_path / "表.csv", "货号,内部编号,颜色\nX1,A001,红色\n")
    sheet = read_products(path, columns={"item": "内部编号"})
    assert [row.item for row in sheet.rows] == ["A001"]


def test_no_item_column_names_the_file_and_the_way_out(tmp_path: Path) -> None:
    path = _csv(tmp_path / "表.csv", "品名,颜色\n连衣裙,红色\n")
    with pytest.raises(SheetError) as caught:
        read_products(path)
    message = str(caught.value)
    assert "表.csv" in message and "货号" in message and "--columns" in message


def test_mapped_column_missing_is_an_error(tmp_path: Path) -> None:
    path = _csv(tmp_path / "表.csv", "货号,颜色\nA001,红色\n")
    with pytest.raises(SheetError, match="款式"):
        read_products(path, columns={"item": "款式"})


@pytest.mark.parametrize("item", ["../etc", "C:\\temp", "CON", "a/b", ".hidden"])
def test_unsafe_item_is_a_problem_naming_the_row(tmp_path: Path, item: str) -> None:
    path = tmp_path / "表.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for row in (["货号", "颜色"], ["A001", "红色"], [item, "黑色"]):
        ws.append(row)
    book.save(path)
    sheet = read_products(path)
    assert sheet.rows == [ProductRow("A001", "红色", 2)]
    (problem,) = sheet.problems
    assert problem.row == 3 and problem.column == "A"
    assert "第 3 行" in problem.message and "表.xlsx" in problem.message


def test_colour_without_item_is_a_problem(tmp_path: Path) -> None:
    sheet = read_products(_csv(tmp_path / "表.csv", "货号,颜色\nA001,红色\n,黑色\n"))
    (problem,) = sheet.problems
    assert problem.row == 3 and "没有货号" in problem.message
