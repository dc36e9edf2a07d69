"""A shop's product data: the shop sheet's rows, or a product folder's ``listing.toml``.

The shop sheet (``商品.xlsx``, as the store rule file's ``[naming] products``
names it) holds one row per product, or per product and colour: 货号, 标题 or
the title parameters (产品词, 类目词, 属性词, 营销词, 修饰词, 品牌), 颜色, and
optionally 主推 and 上架时间. A product folder may instead hold a
``listing.toml`` with the same fields (:data:`LISTING_KEYS`).

Nothing here raises for one bad row or key: a row or file that cannot be used
is a :class:`DataProblem` naming the file, row (or key) and what to do, and
the rest is still read.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from listingkit.errors import ListingkitError
from listingkit.naming.portable import unsafe_item
from listingkit.printable import printable, show_path
from listingkit.sheets.columns import PARAMETER_COLUMNS, PRODUCT_COLUMNS, find_columns
from listingkit.sheets.model import Sheet
from listingkit.sheets.reader import read_sheet
from listingkit.sheets.text import split_list
from listingkit.shop.layout import LISTING_FILE

__all__ = [
    "LISTING_FILE",
    "LISTING_KEYS",
    "TITLE_PARTS",
    "DataProblem",
    "ShopProduct",
    "ShopSheet",
    "read_listing_file",
    "read_shop_sheet",
]

#: The title formula's parts, as :class:`~listingkit.title.compose.TitleParams` names them.
TITLE_PARTS = ("marketing", "category", "brand", "product", "attribute", "modifier")

#: ``listing.toml`` keys → field; the Chinese headers of the shop sheet are accepted too.
LISTING_KEYS: Mapping[str, str] = {
    "item": "item",
    "货号": "item",
    "title": "title",
    "标题": "title",
    "colours": "colours",
    "colors": "colours",
    "颜色": "colours",
    "featured": "featured",
    "主推": "featured",
    "list_at": "list_at",
    "上架时间": "list_at",
    "params": "params",
    "参数": "params",
}

_SLOT_HEADERS = ("上架时间", "指定上架时间", "定时上架", "list_at")


@dataclass(frozen=True, slots=True)
class DataProblem:
    """A row, key or file of the product data that could not be used, and what to do."""

    path: str  # as reports show it
    message: str
    hint: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class ShopProduct:
    """One product as its data gives it."""

    item: str
    #: The sheet row (as Excel numbers rows) or None for a ``listing.toml``.
    row: int | None
    #: Where the data came from, as reports show it (the sheet or the listing.toml).
    source: str
    title: str | None = None
    #: The column letter of the title (for a finding's place), when from a sheet.
    title_column: str | None = None
    #: Title parameters by formula part (empty when none were given).
    params: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    colours: tuple[str, ...] = ()
    #: The worksheet name, when from a workbook.
    sheet: str | None = None

    @property
    def has_params(self) -> bool:
        return bool(self.params.get("product"))


@dataclass
class ShopSheet:
    """The products a shop sheet lists, in sheet order, and the rows it could not use."""

    path: Path
    display: str
    name: str | None
    products: list[ShopProduct]
    problems: list[DataProblem]
    #: Whether the sheet has a listing-time column (the slot checks then run).
    has_times: bool = False
    #: The table as read, for the other columns' readers (listing times).
    table: Sheet | None = None

    def items(self) -> dict[str, ShopProduct]:
        return {product.item: product for product in self.products}


def read_shop_sheet(path: str | os.PathLike[str], display: str | None = None) -> ShopSheet:
    """The products of a shop sheet. Raises :class:`ListingkitError` (naming the file) when
    it cannot be read at all or has no 货号 column; a bad row is a problem, not an error."""
    table = read_sheet(path, header_names=[PRODUCT_COLUMNS["item"]])
    shown = display if display is not None else show_path(table.path)
    items = find_columns(table, {"item": PRODUCT_COLUMNS["item"]}, None)
    if "item" not in items:
        headers = "、".join(printable(h) for h in table.headers[:12]) or "（空）"
        raise ListingkitError(
            f"{table.where}：第 {table.header_row} 行的表头里没有货号列；表头有：{headers}。"
            "请把货号所在列的表头改为“货号”"
        )
    colour = find_columns(table, {"colour": PRODUCT_COLUMNS["colour"]}, None).get("colour")
    wanted = {part: PARAMETER_COLUMNS[part] for part in (*TITLE_PARTS, "title")}
    found = find_columns(table, wanted, None)
    sheet = ShopSheet(table.path, shown, table.name, [], [], table=table)
    sheet.has_times = any(h in table.headers for h in _SLOT_HEADERS)
    _rows(table, sheet, items["item"], colour, found)
    return sheet


def _rows(
    table: Sheet, sheet: ShopSheet, item_header: str, colour: str | None, found: dict[str, str]
) -> None:
    letter = table.column_letter(item_header)
    place = f"{sheet.display}（工作表“{printable(table.name)}”）" if table.name else sheet.display
    title_header = found.get("title")
    title_letter = table.column_letter(title_header) if title_header else None
    by_item: dict[str, int] = {}
    for line in table.rows:
        item = line.get(item_header).strip()
        if not item:
            continue
        reason = unsafe_item(item)
        if reason is not None:
            sheet.problems.append(
                DataProblem(
                    sheet.display,
                    f"{place} 第 {line.row} 行（{letter} 列）的货号“{printable(item)}”"
                    f"不能用作文件夹名：{reason}",
                    "改成只含字母、数字、中文和 - _ 的货号；这一行的商品没有检查",
                    table.name,
                    line.row,
                    letter,
                )
            )
            continue
        colours = tuple(split_list(line.get(colour))) if colour else ()
        if item in by_item:  # one row per colour: the first row is the product's
            index = by_item[item]
            first = sheet.products[index]
            merged = tuple(dict.fromkeys((*first.colours, *colours)))
            sheet.products[index] = replace(first, colours=merged)
            continue
        params = {
            part: tuple(split_list(line.get(found[part])))
            for part in TITLE_PARTS
            if part in found and line.get(found[part]).strip()
        }
        title = line.get(title_header).strip() if title_header else ""
        by_item[item] = len(sheet.products)
        sheet.products.append(
            ShopProduct(
                item,
                line.row,
                sheet.display,
                title or None,
                title_letter,
                params,
                colours,
                table.name,
            )
        )


def read_listing_file(path: Path, display: str, folder_item: str) -> ShopProduct | DataProblem:
    """The product a folder's ``listing.toml`` describes, or the one problem that stops it.

    ``folder_item`` is the 货号 the folder's name gives, used when the file sets none.
    """
    from listingkit.safeio import read_input

    try:
        data = tomllib.loads(read_input(path, what="商品文件", limit=1 << 20).decode("utf-8"))
    except ListingkitError as exc:
        return DataProblem(display, str(exc), "检查文件是否存在、可读")
    except UnicodeDecodeError:
        return DataProblem(display, f"{display} 不是 UTF-8 文本", "用 UTF-8 编码另存这个文件")
    except tomllib.TOMLDecodeError as exc:
        return DataProblem(
            display, f"{display} 不是有效的 TOML：{exc}", "按 docs/check.md 的示例改正格式"
        )
    fields: dict[str, Any] = {}
    for key, value in data.items():
        name = LISTING_KEYS.get(key)
        if name is None:
            known = "、".join(k for k in LISTING_KEYS if k.isascii())
            return DataProblem(
                display,
                f"{display} 里的键“{printable(key)}”不认识",
                f"可用的键：{known}（也可写中文：货号、标题、颜色、主推、上架时间、参数）",
            )
        fields[name] = value
    return _listing_product(display, folder_item, fields)


def _listing_product(
    display: str, folder_item: str, fields: dict[str, Any]
) -> ShopProduct | DataProblem:
    def bad(key: str, what: str) -> DataProblem:
        return DataProblem(display, f"{display} 里的 {key} {what}", "按 docs/check.md 的示例改正")

    item = fields.get("item", folder_item)
    if not isinstance(item, str) or not item.strip():
        return bad("item", "应为非空文字（货号）")
    if unsafe_item(item.strip()) is not None:
        return bad("item", f"“{printable(item)}”不能用作文件夹名：{unsafe_item(item.strip())}")
    title = fields.get("title")
    if title is not None and not isinstance(title, str):
        return bad("title", "应为文字")
    colours = fields.get("colours", [])
    if isinstance(colours, str):
        colours = split_list(colours)
    if not isinstance(colours, list) or not all(isinstance(c, str) for c in colours):
        return bad("colours", '应为文字列表，如 ["红色", "黑色"]')
    if "featured" in fields and not isinstance(fields["featured"], bool):
        return bad("featured", "应为 true 或 false")
    list_at = fields.get("list_at")
    if list_at is not None and not isinstance(list_at, str | dt.datetime):
        return bad("list_at", "应为时间，如 2026-12-08T20:00:00+08:00")
    params_in = fields.get("params", {})
    if not isinstance(params_in, dict):
        return bad("params", '应为表，如 [params] 后写 product = ["连衣裙"]')
    params: dict[str, tuple[str, ...]] = {}
    for part, words in params_in.items():
        if part not in TITLE_PARTS:
            return bad(f"params.{printable(part)}", f"不认识；可用：{'、'.join(TITLE_PARTS)}")
        if isinstance(words, str):
            words = split_list(words)
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            return bad(f"params.{part}", "应为文字列表")
        if words:
            params[part] = tuple(words)
    return ShopProduct(
        item.strip(),
        None,
        display,
        (title or "").strip() or None,
        None,
        params,
        tuple(c.strip() for c in colours if c.strip()),
    )
