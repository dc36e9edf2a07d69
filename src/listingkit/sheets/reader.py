"""Read a worksheet (.xlsx/.xlsm via python-calamine) or a CSV file into a :class:`Sheet`.

python-calamine is imported only when a workbook is read, so importing
listingkit stays fast for runs that never touch a spreadsheet.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from listingkit.errors import InputError, SheetError
from listingkit.oserrors import os_reason
from listingkit.sheets.model import Sheet, SheetRow, column_name, did_you_mean, name_list, where
from listingkit.sheets.text import cell_text

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

__all__ = ["WORKBOOK_SUFFIXES", "read_sheet", "sheet_from_grid"]

#: Suffixes read with python-calamine.
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})

# Title and note lines above a header ("2024 春季参数表", "统计日期：…") fill one
# cell; this many of them are passed over to reach a header of two or more cells.
_MAX_TITLE_ROWS = 5
# Every .xls, and every password-protected .xlsx, is an OLE2 compound file.
_OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_CSV_DELIMITERS = (",", "\t", ";")
# The delimiter is guessed from the first lines only; a big file need not be split.
_SNIFF_CHARS = 64 * 1024
_SNIFF_LINES = 10

Grid = list[list[str]]


def read_sheet(
    path: str | os.PathLike[str], *, sheet: str | None = None, header_row: int | None = None
) -> Sheet:
    """Read one worksheet of an .xlsx/.xlsm file, or a .csv file, as text cells.

    ``sheet`` picks a worksheet by name (default: the first visible one; CSV files
    have one sheet and ignore it). ``header_row`` (as Excel numbers rows) overrides
    the guess: the first non-empty row, passing over up to five one-cell title
    lines when a wider row follows.

    Raises :class:`InputError` for a missing or unreadable path and
    :class:`SheetError` for a file that cannot be used as a sheet.
    """
    file = Path(path)
    _check_exists(file)
    suffix = file.suffix.lower()
    if suffix == ".xls":
        raise SheetError(
            f"不支持 .xls（Excel 97-2003）格式：{file}；请在 Excel 中另存为 .xlsx 或 .csv"
        )
    if suffix in WORKBOOK_SUFFIXES:
        name, grid = _read_workbook(file, sheet)
    elif suffix == ".csv":
        name, grid = None, _read_csv(file)
    else:
        raise SheetError(
            f"不支持的表格格式“{file.suffix or '（无扩展名）'}”：{file}；"
            "请使用 .xlsx、.xlsm 或 .csv 文件"
        )
    return sheet_from_grid(file, name, grid, header_row=header_row)


def _check_exists(file: Path) -> None:
    if not file.exists():
        raise InputError(f"文件不存在：{file}；请检查路径和文件名")
    if file.is_dir():
        raise InputError(f"{file} 是一个文件夹，不是表格文件；请给出 .xlsx 或 .csv 文件")


# --- workbooks ------------------------------------------------------------------------------


def _read_workbook(file: Path, wanted: str | None) -> tuple[str, Grid]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with CalamineWorkbook.from_path(file) as book:
            name = _pick_sheet(book, file, wanted)
            # skip_empty_area=False keeps row 1 / column A at index 0, so row numbers
            # and column letters match Excel. (iter_rows() starts at row 1 but at
            # the first used column, which would shift every letter.)
            cells = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except OSError as exc:
        raise InputError(f"无法读取 {file}：{os_reason(exc)}") from exc
    except CalamineError as exc:
        raise SheetError(_broken_workbook(file, exc)) from exc
    return name, [[cell_text(value) for value in row] for row in cells]


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
        raise SheetError(f"{file} 里没有工作表；请用 Excel 打开检查后重新保存")
    if wanted in names:
        return wanted
    # Excel itself treats sheet names case-insensitively.
    same = [name for name in names if _sheet_key(name) == _sheet_key(wanted)]
    if len(same) == 1:
        return same[0]
    raise SheetError(
        f"{file} 里没有名为“{wanted}”的工作表；有：{name_list(names)}。"
        f"{did_you_mean(wanted, names, _sheet_key)}"
    )


def _sheet_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _broken_workbook(file: Path, exc: Exception) -> str:
    try:
        with file.open("rb") as handle:
            head = handle.read(len(_OLE2_MAGIC))
    except OSError:
        head = b""
    if head == _OLE2_MAGIC:
        return (
            f"{file} 实际是 .xls（Excel 97-2003）格式或设置了打开密码，只是扩展名为"
            f" {file.suffix}：请在 Excel 中取消密码并另存为 .xlsx"
        )
    return (
        f"{file} 无法作为 {file.suffix} 读取：文件可能已损坏、没有下载完整，或是改了扩展名的"
        f"其他格式（{exc}）；请用 Excel 或 WPS 打开后另存为 .xlsx，或重新导出"
    )


# --- CSV -------------------------------------------------------------------------------------


def _read_csv(file: Path) -> Grid:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取 {file}：{os_reason(exc)}") from exc
    text = _decode(file, data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        # One record is one Excel row even when a quoted cell spans lines.
        return [[cell_text(value) for value in record] for record in reader]
    except csv.Error as exc:
        raise SheetError(
            f"{file} 第 {reader.line_num} 行无法按 CSV 读取（{exc}）；"
            "请用 Excel 打开后另存为“CSV UTF-8（逗号分隔）”"
        ) from exc


def _decode(file: Path, data: bytes) -> str:
    # Excel's "CSV UTF-8" writes a BOM; its plain "CSV" on a Chinese Windows writes
    # GBK, which GB18030 contains. Strict decoding: a wrong guess must fail, not
    # produce mojibake.
    if data.startswith(codecs.BOM_UTF8):
        encodings: Sequence[str] = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(
        f"无法识别 {file} 的文字编码（不是 UTF-8，也不是 GBK/GB18030）："
        "请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”"
    )


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
    file: Path, name: str | None, grid: Grid, *, header_row: int | None = None
) -> Sheet:
    """Build a :class:`Sheet` from text cells, ``grid[0]`` being row 1."""
    filled = [index for index, row in enumerate(grid) if any(row)]
    if not filled:
        raise SheetError(f"{where(file, name)}：工作表为空，没有任何内容；请确认选对了文件和工作表")
    head = _header_index(file, name, grid, filled, header_row)
    body = [index for index in filled if index > head]
    if not body:
        raise SheetError(
            f"{where(file, name)}：工作表为空：第 {head + 1} 行是表头，下面没有数据行；"
            "请确认选对了文件和工作表"
        )
    width = max(len(grid[index]) for index in (head, *body))
    columns = _name_columns(grid[head], [grid[index] for index in body], width)
    rows = [
        SheetRow(index + 1, {header: _cell(grid[index], column) for column, header in columns})
        for index in body
    ]
    return Sheet(
        path=file,
        name=name,
        headers=[header for _, header in columns],
        rows=rows,
        header_row=head + 1,
        letters={header: column_name(column) for column, header in columns},
    )


def _header_index(
    file: Path, name: str | None, grid: Grid, filled: list[int], header_row: int | None
) -> int:
    if header_row is not None:
        if header_row - 1 not in filled:
            raise SheetError(
                f"{where(file, name)}：指定的表头行第 {header_row} 行是空的；"
                "请指定表头所在的行号（与 Excel 左侧的行号一致）"
            )
        return header_row - 1
    for index in filled[: _MAX_TITLE_ROWS + 1]:
        if sum(1 for value in grid[index] if value) >= 2:
            return index
    return filled[0]


def _name_columns(header: list[str], body: list[list[str]], width: int) -> list[tuple[int, str]]:
    """(column index, unique header) for every column with a header or any data."""
    named: list[tuple[int, str]] = []
    for column in range(width):
        text = _cell(header, column)
        if not text:
            if not any(_cell(row, column) for row in body):
                continue  # no header, no data: formatting residue, not a column
            text = f"列{column_name(column)}"
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


def _cell(row: list[str], column: int) -> str:
    return row[column] if column < len(row) else ""
