"""Read a worksheet (.xlsx/.xlsm/.xls via python-calamine) or a CSV file into a :class:`Sheet`.

The file is read once, through :func:`listingkit.safeio.read_input` (regular
files only, bounded), and a workbook is checked by :mod:`listingkit.sheets.guard`
before calamine sees it; an .xls is read in a capped child process
(:mod:`listingkit.sheets.legacy`). python-calamine is imported only when a workbook is
read, so importing listingkit stays fast for runs that never touch a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from listingkit.errors import InputError, SheetError
from listingkit.printable import printable, show_path
from listingkit.safeio import MAX_SHEET_BYTES, MAX_TEXT_FILE_BYTES, decode_text, read_input
from listingkit.sheets.columns import KEYWORD_COLUMNS, PARAMETER_COLUMNS, normalise_header
from listingkit.sheets.guard import MAX_CELLS, inspect_package, scan_worksheet
from listingkit.sheets.legacy import ENCRYPTED_PACKAGE, read_xls
from listingkit.sheets.model import (
    CellRange,
    DuplicateHeader,
    Sheet,
    SheetRow,
    column_name,
    did_you_mean,
    name_list,
    where,
)
from listingkit.sheets.text import cell_text

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

__all__ = ["WORKBOOK_SUFFIXES", "Grid", "read_sheet", "sheet_from_grid"]

#: Suffixes read with python-calamine.
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})

# A report preamble above the header (生意参谋: platform, 统计时间, 终端 …) is a
# few lines; the header is looked for this far down.
HEADER_SEARCH_ROWS = 30
# Title and note lines above a header ("2024 春季参数表", "统计日期：…") fill one
# cell; when no row holds known column names, this many of them are passed over
# to reach a header of two or more cells.
_MAX_TITLE_ROWS = 5
# Every header listingkit knows, for a header found without being told what to expect.
_KNOWN_HEADERS = {
    normalise_header(alias): field
    for table in (PARAMETER_COLUMNS, KEYWORD_COLUMNS)
    for field, aliases in table.items()
    for alias in aliases
}
_ZIP_MAGIC = b"PK"
# Every .xls, and every password-protected .xlsx, is an OLE2 compound file.
_OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_CSV_DELIMITERS = (",", "\t", ";")
# The delimiter is guessed from the first lines only; a big file need not be split.
_SNIFF_CHARS = 64 * 1024
_SNIFF_LINES = 10


@dataclass
class Grid:
    """Cell text as a reader found it.

    ``rows`` holds (0-based row, cells) in order; the cells of every row start at
    column ``first_column`` (0 is A), so a sheet whose data sits far down or far
    right is not padded out to A1. ``merged`` lists the merged ranges.
    """

    rows: list[tuple[int, list[str]]]
    first_column: int = 0
    merged: Sequence[CellRange] = ()
    more_merged: int = 0


def read_sheet(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    header_names: Sequence[Sequence[str]] = (),
) -> Sheet:
    """Read one worksheet of an .xlsx/.xlsm/.xls file, or a .csv file, as text cells.

    ``sheet`` picks a worksheet by name (default: the first visible one; CSV files
    have one sheet and ignore it). ``header_row`` (as Excel numbers rows) overrides
    the guess. The guess, within the first 30 non-empty rows: with
    ``header_names`` (groups of names, e.g. ``[["关键词", "搜索词"], ["搜索人气"]]``)
    the first row holding a name of every group; without, the first row holding
    two column names listingkit knows (also the fallback when no row holds
    ``header_names``). Rows above it (a report preamble) are neither data nor
    findings. When no row fits: the first non-empty row, passing over up to
    five one-cell title lines when a wider row follows.

    Raises :class:`InputError` for a missing or unreadable path (a folder, a pipe,
    a device) and :class:`SheetError` for a file that cannot be used as a sheet.
    """
    file = Path(path)
    shown = show_path(file)
    suffix = file.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        data = read_input(file, what="表格", limit=MAX_SHEET_BYTES)
        name, grid = _read_workbook(file, data, sheet)
    elif suffix == ".csv":
        data = read_input(file, what="表格", limit=MAX_TEXT_FILE_BYTES)
        name, grid = None, _read_csv(file, data)
    else:
        raise SheetError(
            f"不支持的表格格式“{printable(file.suffix) or '（无扩展名）'}”：{shown}；"
            "请使用 .xlsx、.xlsm、.xls 或 .csv 文件"
        )
    return sheet_from_grid(file, name, grid, header_row=header_row, header_names=header_names)


# --- workbooks ------------------------------------------------------------------------------


def _read_workbook(file: Path, data: bytes, wanted: str | None) -> tuple[str, Grid]:
    shown = show_path(file)
    if data.startswith(_OLE2_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            raise SheetError(
                f"{shown} 设置了打开密码，无法读取；请在 Excel 中取消密码"
                "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx"
            )
        # An .xls saved under an .xlsx name is still an .xls: read it as one.
        name, top, left, texts = read_xls(file, data, wanted)
        return name, Grid([(top + index, row) for index, row in enumerate(texts)], left)
    if file.suffix.lower() == ".xls" and not data.startswith(_ZIP_MAGIC):
        raise SheetError(_broken_workbook(file, "不是 Excel 97-2003 工作簿，也不是 .xlsx"))
    package = inspect_package(data, shown)
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            if list(book.sheet_names) != package.names:
                raise SheetError(_broken_workbook(file, "工作表目录前后不一致"))
            name = _pick_sheet(book, file, wanted)
            scan = scan_worksheet(package, name, where(file, name))
            sheet = book.get_sheet_by_name(name)
            start = sheet.start
            # skip_empty_area=True: rows from the first cell that holds a value,
            # never a rectangle padded out to A1; ``start`` puts them back in place.
            cells = sheet.to_python(skip_empty_area=True) if start is not None else []
    except CalamineError as exc:
        raise SheetError(_broken_workbook(file, printable(str(exc)))) from None
    top, left = start if start is not None else (0, 0)
    rows = [(top + index, [cell_text(value) for value in row]) for index, row in enumerate(cells)]
    return name, Grid(rows, left, scan.merged, scan.more_merged)


def _pick_sheet(book: CalamineWorkbook, file: Path, wanted: str | None) -> str:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    names = list(book.sheet_names)
    if wanted is None:
        # The first tab the operator sees: a hidden helper sheet or a chart sheet
        # stored first is not "the sheet".
        for meta in book.sheets_metadata:
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet:
                return meta.name
        if names:
            return names[0]
        raise SheetError(f"{show_path(file)} 里没有工作表；请用 Excel 打开检查后重新保存")
    if wanted in names:
        return wanted
    # Excel itself treats sheet names case-insensitively.
    same = [name for name in names if _sheet_key(name) == _sheet_key(wanted)]
    if len(same) == 1:
        return same[0]
    raise SheetError(
        f"{show_path(file)} 里没有名为“{printable(wanted)}”的工作表；有：{name_list(names)}。"
        f"{did_you_mean(wanted, names, _sheet_key)}"
    )


def _sheet_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _broken_workbook(file: Path, detail: str) -> str:
    return (
        f"{show_path(file)} 无法作为 {printable(file.suffix)} 读取：文件可能已损坏、没有下载完整，"
        f"或是改了扩展名的其他格式（{detail}）；请用 Excel 或 WPS 打开后另存为 .xlsx，或重新导出"
    )


# --- CSV -------------------------------------------------------------------------------------


def _read_csv(file: Path, data: bytes) -> Grid:
    shown = show_path(file)
    try:
        # Excel's "CSV UTF-8" writes a BOM, its "Unicode 文本" UTF-16, and its plain
        # "CSV" on a Chinese Windows GBK; anything else is refused, never guessed.
        text = decode_text(data, shown=shown, what="表格")
    except InputError as exc:
        raise SheetError(str(exc)) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    rows: list[tuple[int, list[str]]] = []
    cells = 0
    try:
        # One record is one Excel row even when a quoted cell spans lines.
        for index, record in enumerate(reader):
            cells += len(record)
            if cells > MAX_CELLS:
                raise SheetError(
                    f"{shown}：单元格超过 {MAX_CELLS:,} 个，超过可读取的上限，没有读取；"
                    "请删掉不用的行和列，或把表拆成几个文件"
                )
            rows.append((index, [cell_text(value) for value in record]))
    except csv.Error as exc:
        raise SheetError(
            f"{shown} 第 {reader.line_num} 行无法按 CSV 读取（{exc}）；"
            "请用 Excel 打开后另存为“CSV UTF-8（逗号分隔）”"
        ) from None
    return Grid(rows)


def _sniff_delimiter(text: str) -> str:
    # The first line that has any candidate decides (a title line above the
    # header may have none); csv.Sniffer guesses wrong on short Chinese rows.
    for line in text[:_SNIFF_CHARS].splitlines()[:_SNIFF_LINES]:
        counts = {delimiter: line.count(delimiter) for delimiter in _CSV_DELIMITERS}
        best = max(_CSV_DELIMITERS, key=lambda delimiter: counts[delimiter])
        if counts[best]:
            return best
    return ","


# --- grid → sheet ----------------------------------------------------------------------------


def sheet_from_grid(
    file: Path,
    name: str | None,
    grid: Grid,
    *,
    header_row: int | None = None,
    header_names: Sequence[Sequence[str]] = (),
) -> Sheet:
    """Build a :class:`Sheet` from a reader's :class:`Grid` (see :func:`read_sheet`)."""
    filled = [(index, cells) for index, cells in grid.rows if any(cells)]
    if not filled:
        raise SheetError(f"{where(file, name)}：工作表为空，没有任何内容；请确认选对了文件和工作表")
    head = _header_position(file, name, filled, header_row, header_names)
    header_index, header = filled[head]
    body = filled[head + 1 :]
    if not body:
        raise SheetError(
            f"{where(file, name)}：工作表为空：第 {header_index + 1} 行是表头，下面没有数据行；"
            "请确认选对了文件和工作表"
        )
    width = max(len(cells) for _, cells in (filled[head], *body))
    columns = _name_columns(header, [cells for _, cells in body], width, grid.first_column)
    letters = {label: column_name(grid.first_column + column) for column, label in columns}
    rows = [
        SheetRow(index + 1, {label: _cell(cells, column) for column, label in columns})
        for index, cells in body
    ]
    return Sheet(
        path=file,
        name=name,
        headers=[label for _, label in columns],
        rows=rows,
        header_row=header_index + 1,
        letters=letters,
        duplicate_headers=_duplicates(header, header_index, grid.first_column),
        # Merges above the header are title lines: nothing is lost there.
        merged=[merge for merge in grid.merged if merge.bottom >= header_index],
        more_merged=grid.more_merged,
    )


def _header_position(
    file: Path,
    name: str | None,
    filled: list[tuple[int, list[str]]],
    header_row: int | None,
    header_names: Sequence[Sequence[str]] = (),
) -> int:
    """The position in ``filled`` of the header row."""
    if header_row is not None:
        for position, (index, _) in enumerate(filled):
            if index == header_row - 1:
                return position
        raise SheetError(
            f"{where(file, name)}：指定的表头行第 {header_row} 行是空的；"
            "请指定表头所在的行号（与 Excel 左侧的行号一致）"
        )
    groups = [{normalise_header(text) for text in group} for group in header_names]
    # Only the rows the header is looked for in: the rest of a large sheet is never normalised.
    rows = [
        {normalise_header(value) for value in cells if value}
        for _, cells in filled[:HEADER_SEARCH_ROWS]
    ]
    if groups:
        for position, keys in enumerate(rows):
            if all(keys & group for group in groups):
                return position
    # Without the names asked for, a row of known names is still the header, so
    # that "column not found" lists the headers the operator sees.
    for position, keys in enumerate(rows):
        if len({_KNOWN_HEADERS[key] for key in keys if key in _KNOWN_HEADERS}) >= 2:
            return position
    for position, (_, cells) in enumerate(filled[: _MAX_TITLE_ROWS + 1]):
        if sum(1 for value in cells if value) >= 2:
            return position
    return 0


def _name_columns(
    header: list[str], body: list[list[str]], width: int, first_column: int
) -> list[tuple[int, str]]:
    """(column position, unique header) for every column with a header or any data."""
    named: list[tuple[int, str]] = []
    for column in range(width):
        text = _cell(header, column)
        if not text:
            if not any(_cell(row, column) for row in body):
                continue  # no header, no data: formatting residue, not a column
            text = f"列{column_name(first_column + column)}"
        named.append((column, text))
    written = {text for _, text in named}
    used: set[str] = set()
    unique: list[tuple[int, str]] = []
    for column, text in named:
        label, number = text, 2
        # The first keeps its name; later copies become "标题 (2)", never a name
        # that is also written in the header.
        while label in used or (label != text and label in written):
            label, number = f"{text} ({number})", number + 1
        used.add(label)
        unique.append((column, label))
    return unique


def _duplicates(header: list[str], index: int, first_column: int) -> list[DuplicateHeader]:
    """Header cells that name the same column, as the column finder compares them."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for column, text in enumerate(header):
        if text:
            cell = f"{column_name(first_column + column)}{index + 1}"
            groups.setdefault(normalise_header(text), []).append((cell, text))
    return [
        DuplicateHeader(tuple(cell for cell, _ in group), tuple(text for _, text in group))
        for group in groups.values()
        if len(group) > 1
    ]


def _cell(row: list[str], column: int) -> str:
    return row[column] if column < len(row) else ""
