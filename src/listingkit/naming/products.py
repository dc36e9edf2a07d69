"""The product sheet photo names are checked against: 货号, and the colours of each.

One row per 货号, or per 货号 and colour (颜色 / 颜色分类 / SKU / 规格 …); a colour
cell may list several (``红色、黑色``). A 货号 merged down over its colour rows is
read for each of them. A 货号 that could not be part of a file name (``../x``,
``CON``, a drive letter) is never used as one: its row becomes a problem that
names the row and says what to do, and the rest of the sheet is still read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from listingkit.errors import SheetError
from listingkit.naming.portable import unsafe_item
from listingkit.printable import printable, show_path
from listingkit.sheets.columns import PRODUCT_COLUMNS, find_columns
from listingkit.sheets.model import Sheet, SheetProblem, name_list, where
from listingkit.sheets.reader import read_sheet
from listingkit.sheets.text import split_list

__all__ = ["PRODUCT_LABELS", "PRODUCT_SHEET", "ProductRow", "ProductSheet", "read_products"]

#: What a check declares in ``reads`` when it needs the product sheet: without a
#: sheet such checks do not run.
PRODUCT_SHEET = "product_sheet"

#: Field → the words messages use for it.
PRODUCT_LABELS: Mapping[str, str] = {"item": "货号", "colour": "颜色"}


@dataclass(frozen=True, slots=True)
class ProductRow:
    """One 货号 (and one of its colours) as the sheet lists it, with its row as Excel shows it."""

    item: str
    colour: str | None
    row: int


@dataclass
class ProductSheet:
    """What a product sheet lists, and the rows that could not be used."""

    path: Path
    rows: list[ProductRow]
    problems: list[SheetProblem] = field(default_factory=list)
    #: The worksheet read (None for a CSV file).
    name: str | None = None

    @property
    def shown_path(self) -> str:
        """The sheet's path as reports show it: relative to the working folder when under it."""
        try:
            shown = self.path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except (OSError, ValueError):
            shown = os.fspath(self.path)
        return show_path(shown)

    @property
    def display(self) -> str:
        """The path, and the worksheet when there is one, in the words messages use."""
        return where(self.shown_path, self.name)

    def items(self) -> frozenset[str]:
        """Every 货号 the sheet lists."""
        return frozenset(row.item for row in self.rows)

    def colours(self, item: str) -> dict[str, int]:
        """The colours listed for ``item`` → the first row listing each, in sheet order."""
        found: dict[str, int] = {}
        for row in self.rows:
            if row.item == item and row.colour is not None:
                found.setdefault(row.colour, row.row)
        return found

    def first_row(self, item: str) -> int | None:
        return next((row.row for row in self.rows if row.item == item), None)


def read_products(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> ProductSheet:
    """Read a product sheet (.xlsx/.xlsm/.xls/.csv; report lines above the header are skipped).

    The 货号 column is found by its header (货号, 款号, 商品编码 …), the colour column
    (颜色, 颜色分类, SKU, 规格 …) when there is one; ``columns`` maps ``item`` and
    ``colour`` to headers as written and wins over the names listingkit knows.
    Raises :class:`SheetError` (naming the file) when no 货号 column is found.
    """
    groups = [PRODUCT_COLUMNS["item"]]
    if columns and "item" in columns:
        groups = [[columns["item"]]]
    table = read_sheet(path, sheet=sheet, header_names=groups)
    unknown = sorted(set(columns or {}) - set(PRODUCT_COLUMNS))
    if unknown:
        raise SheetError(
            f"{table.where}：--columns 里的“{printable(unknown[0])}”不是商品表的字段；"
            "只能指定 item（货号）和 colour（颜色）"
        )
    found = find_columns(table, PRODUCT_COLUMNS, columns, labels=PRODUCT_LABELS)
    if "item" not in found:
        raise SheetError(
            f"{table.where}：第 {table.header_row} 行的表头里没有货号列；表头有："
            f"{name_list(table.headers)}。请把货号所在列的表头改为“货号”，"
            "或用 --columns item=列名 指定"
        )
    return _products(table, found["item"], found.get("colour"))


def _products(table: Sheet, item_header: str, colour_header: str | None) -> ProductSheet:
    rows: list[ProductRow] = []
    problems: list[SheetProblem] = []
    item_letter = table.column_letter(item_header)
    merged_below = _merged_rows(table, item_letter)
    previous: str | None = None
    for line in table.rows:
        item = line.get(item_header).strip()
        colours = split_list(line.get(colour_header)) if colour_header else []
        if not item and line.row in merged_below and previous is not None:
            item = previous  # a 货号 merged down over its colour rows
        if not item:
            if colours:
                problems.append(
                    SheetProblem(
                        line.row,
                        item_letter,
                        f"{table.where} 第 {line.row} 行有颜色“{printable(colours[0])}”但没有货号",
                        "填上货号，这一行才会用来检查图片命名",
                    )
                )
            continue
        previous = item
        reason = unsafe_item(item)
        if reason is not None:
            problems.append(
                SheetProblem(
                    line.row,
                    item_letter,
                    f"{table.where} 第 {line.row} 行（{item_letter} 列）的货号"
                    f"“{printable(item)}”不能用在文件名里：{reason}",
                    "这一行没有用来检查",
                )
            )
            continue
        if not colours:
            rows.append(ProductRow(item, None, line.row))
        rows += [ProductRow(item, colour, line.row) for colour in colours]
    return ProductSheet(table.path, rows, problems, table.name)


def _merged_rows(table: Sheet, letter: str) -> frozenset[int]:
    """Rows (as Excel numbers them) below the first cell of a merged range in the column."""
    column = _column_index(letter)
    below: set[int] = set()
    for cells in table.merged:
        if cells.left <= column <= cells.right:
            below.update(range(cells.top + 2, cells.bottom + 2))
    return frozenset(below)


def _column_index(letter: str) -> int:
    """``"A"`` → 0, ``"AA"`` → 26: the inverse of :func:`column_name`."""
    number = 0
    for char in letter:
        number = number * 26 + ord(char) - ord("A") + 1
    return number - 1
