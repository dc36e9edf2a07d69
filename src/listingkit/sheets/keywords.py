"""Keyword sheets exported from 生意参谋: one search term per row with its numbers."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from listingkit.errors import SheetError
from listingkit.sheets.columns import KEYWORD_COLUMNS, find_columns
from listingkit.sheets.model import (
    CellRange,
    DuplicateHeader,
    Sheet,
    SheetProblem,
    SheetRow,
    name_list,
)
from listingkit.sheets.reader import read_sheet

__all__ = ["KEYWORD_LABELS", "KeywordStat", "KeywordTable", "parse_number", "read_keywords"]

#: Fields a keyword sheet cannot do without.
_REQUIRED = ("keyword", "popularity")
#: The Chinese name of each keyword column, as operators write it in --keyword-columns.
KEYWORD_LABELS = {
    "keyword": "关键词",
    "popularity": "搜索人气",
    "click_rate": "点击率",
    "conversion": "支付转化率",
    "competition": "在线商品数",
}
# 生意参谋 writes "-" where it has no number; hand-edited sheets use dashes too.
_NO_DATA = frozenset({"", "-", "--", "—", "——", "/"})
# 1234 / 1,234 / 1,234.5 / .5 — a comma only as a thousands separator.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?")
_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_NUMBER_HINT = "请填写数字，例如 1,234、12.34% 或 1.2万；没有数据请填 -"


@dataclass(frozen=True, slots=True)
class KeywordStat:
    """One search term; rates are fractions (12.34% → 0.1234), None where there is no data."""

    keyword: str
    popularity: float
    click_rate: float | None
    conversion: float | None
    competition: float | None
    row: int


@dataclass(slots=True)
class KeywordTable:
    """The usable rows of a keyword sheet, and why the others were left out."""

    path: Path
    sheet: str | None
    stats: list[KeywordStat] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    #: What reading the sheet noticed, as on :class:`~listingkit.sheets.model.Sheet`.
    header_row: int = 1
    duplicate_headers: list[DuplicateHeader] = field(default_factory=list)
    merged: list[CellRange] = field(default_factory=list)
    more_merged: int = 0


def parse_number(text: str) -> float | None:
    """A number as 生意参谋 shows it: "1,234", "12.34%" (→ 0.1234), "1.2万"; "-" → None.

    Full-width digits and surrounding spaces are read too. A cell Excel stored as
    a number arrives as its plain value (a cell formatted 7.45% holds 0.0745) and
    is taken as it is, never divided again. Raises ValueError for anything else.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    if value in _NO_DATA:
        return None
    scale = Decimal(1)
    if value.endswith("%"):
        value, scale = value[:-1].strip(), Decimal("0.01")
    elif value[-1] in _UNITS:
        value, scale = value[:-1].strip(), _UNITS[value[-1]]
    if not re.fullmatch(_NUMBER, value) or not any(ch.isdigit() for ch in value):
        raise ValueError(text)
    try:
        # Decimal keeps 12.34% at exactly 0.1234 instead of 0.12340000000000001.
        return float(Decimal(value.replace(",", "")) * scale)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already vetted it
        raise ValueError(text) from exc


def read_keywords(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    mapping: Mapping[str, str] | None = None,
    header_row: int | None = None,
) -> KeywordTable:
    """Read a 生意参谋 keyword export; a row with an unreadable number becomes a problem.

    The keyword and 搜索人气 columns are required (:class:`SheetError` otherwise);
    点击率, 支付转化率 and 在线商品数 are used when present. ``mapping`` (field →
    header, e.g. ``{"keyword": "搜索词"}``) names columns whose headers differ.
    The header is the first row, within the first 30, that holds the keyword and
    搜索人气 columns, so the report lines 生意参谋 writes above it are passed over;
    ``header_row`` (as Excel numbers rows) overrides that. A keyword seen before
    is kept once, at its first row.
    """
    wanted = dict(mapping or {})
    names = [[wanted[f]] if f in wanted else list(KEYWORD_COLUMNS[f]) for f in _REQUIRED]
    table = read_sheet(path, sheet=sheet, header_row=header_row, header_names=names)
    columns = find_columns(table, KEYWORD_COLUMNS, mapping, labels=KEYWORD_LABELS)
    missing = [field for field in _REQUIRED if field not in columns]
    if missing:
        raise SheetError(
            f"{table.where}：找不到{'、'.join(KEYWORD_LABELS[f] for f in missing)}列"
            f"（第 {table.header_row} 行是表头，有：{name_list(table.headers)}）；"
            "请确认这是生意参谋导出的关键词表，或用 --keyword-columns 指定列名，"
            "如 --keyword-columns 关键词=搜索词,搜索人气=人气"
        )
    result = KeywordTable(
        path=table.path,
        sheet=table.name,
        columns=columns,
        header_row=table.header_row,
        duplicate_headers=table.duplicate_headers,
        merged=table.merged,
        more_merged=table.more_merged,
    )
    first_row: dict[str, int] = {}
    for row in table.rows:
        stat = _read_row(table, columns, row, result.problems)
        if stat is None:
            continue
        key = _keyword_key(stat.keyword)
        if key in first_row:
            result.problems.append(_duplicate(table, columns, stat, first_row[key]))
            continue
        first_row[key] = stat.row
        result.stats.append(stat)
    return result


def _read_row(
    table: Sheet, columns: Mapping[str, str], row: SheetRow, problems: list[SheetProblem]
) -> KeywordStat | None:
    keyword = row.get(columns["keyword"])
    if not keyword:
        problems.append(_problem(table, columns, row.row, "keyword", "关键词是空的", None))
        return None
    numbers: dict[str, float | None] = {}
    for name in ("popularity", "click_rate", "conversion", "competition"):
        header = columns.get(name)
        text = row.get(header) if header else ""
        try:
            numbers[name] = parse_number(text)
        except ValueError:
            problems.append(
                _problem(table, columns, row.row, name, f"“{text}”不是数字", _NUMBER_HINT)
            )
            return None
    popularity = numbers["popularity"]
    if popularity is None:
        problems.append(
            _problem(
                table,
                columns,
                row.row,
                "popularity",
                "搜索人气是空的",
                "搜索人气是排序的依据：请填上数字，或删掉这一行",
            )
        )
        return None
    return KeywordStat(
        keyword=keyword,
        popularity=popularity,
        click_rate=numbers["click_rate"],
        conversion=numbers["conversion"],
        competition=numbers["competition"],
        row=row.row,
    )


def _problem(
    table: Sheet,
    columns: Mapping[str, str],
    row: int,
    name: str,
    what: str,
    hint: str | None,
) -> SheetProblem:
    header = columns[name]
    letter = table.column_letter(header)
    return SheetProblem(
        row=row,
        column=letter,
        message=f"第 {row} 行 {letter} 列（{header}）：{what}，这一行没有使用",
        hint=hint,
    )


def _duplicate(
    table: Sheet, columns: Mapping[str, str], stat: KeywordStat, first: int
) -> SheetProblem:
    header = columns["keyword"]
    letter = table.column_letter(header)
    return SheetProblem(
        row=stat.row,
        column=letter,
        message=(
            f"第 {stat.row} 行 {letter} 列（{header}）：关键词“{stat.keyword}”与第 {first} 行重复，"
            f"只使用第 {first} 行"
        ),
        hint="删除重复的行，或确认两行是否来自不同时间段的导出",
    )


def _keyword_key(keyword: str) -> str:
    # Full-width letters, letter case and doubled spaces do not make a new search term.
    return " ".join(unicodedata.normalize("NFKC", keyword).casefold().split())
