"""Write a new .xlsx (candidate titles and the like) without ever clobbering an input.

openpyxl is imported only when a file is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import itertools
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING

from listingkit.errors import InputError, SheetError
from listingkit.sheets.model import column_name
from listingkit.sheets.text import display_width

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = ["write_xlsx"]

# Column widths come from the header and this many first rows, so the rest can
# stream straight to disk.
_WIDTH_SAMPLE = 200
_MIN_WIDTH, _MAX_WIDTH = 8, 60
# Excel re-reads a cell starting with one of these as a formula once it is edited;
# '#' covers the error literals (#N/A) that openpyxl would store as error cells.
_FORMULA_LEAD = ("=", "+", "-", "@")
_RISKY_LEAD = (*_FORMULA_LEAD, "#")
# Control characters pasted in from web pages: openpyxl refuses a cell holding one
# (the XML cannot carry them) and they are invisible anyway, so they go.
# Same set as openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31
_WRITE_REASONS = {
    errno.EACCES: "没有写入权限，或文件正在 Excel/WPS 中打开（请先关闭）",
    errno.EPERM: "没有写入权限，或文件正在 Excel/WPS 中打开（请先关闭）",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.ENOENT: "文件夹不存在",
}


def write_xlsx(
    path: str | os.PathLike[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    sheet_name: str = "标题",
    overwrite: bool = False,
) -> None:
    """Write ``headers`` and ``rows`` to a new .xlsx file at ``path``.

    Refuses (:class:`SheetError`) to write over any of ``inputs`` or, unless
    ``overwrite`` is true, over any existing file. The file appears complete or
    not at all: it is written beside the target and then renamed over it. Text
    that looks like a formula (``=SUM(…)``, ``+86 138``, ``-5%``, ``@home``) is
    stored as text.
    """
    target = Path(path)
    _check_target(target, inputs, overwrite)
    _check_sheet_name(target, sheet_name)
    rows = iter(rows)
    sample = [list(row) for row in itertools.islice(rows, _WIDTH_SAMPLE)]
    temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        # "xb" honours the umask (mkstemp would leave the result readable by the owner only).
        with temporary.open("xb") as handle:
            _save(handle, headers, itertools.chain(sample, rows), sample, sheet_name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        reason = _WRITE_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
        raise InputError(f"无法写入 {target}：{reason}") from exc
    except BaseException:  # also Ctrl-C: never leave the temporary file behind
        temporary.unlink(missing_ok=True)
        raise


def _check_target(target: Path, inputs: Sequence[str | os.PathLike[str]], overwrite: bool) -> None:
    if target.suffix.lower() != ".xlsx":
        raise SheetError(f"输出文件必须以 .xlsx 结尾：{target}；请改用 .xlsx 文件名")
    for given in inputs:
        if _same_file(target, Path(given)):
            raise SheetError(
                f"不能写到输入文件 {target}：它是这次读取的表格，写入会覆盖原始数据；"
                "请换一个输出文件名"
            )
    if target.is_dir():
        raise SheetError(f"{target} 是一个文件夹；请给出要新建的 .xlsx 文件名")
    if target.exists() and not overwrite:
        raise SheetError(f"{target} 已存在，没有覆盖；请换一个输出文件名，或明确选择覆盖已有文件")
    if not target.parent.is_dir():
        raise InputError(f"无法写入 {target}：文件夹 {target.parent} 不存在；请先创建它")


def _same_file(target: Path, given: Path) -> bool:
    if target.resolve() == given.resolve():
        return True
    try:  # hard links, and case-insensitive disks where A.xlsx is a.xlsx
        return target.exists() and given.exists() and os.path.samefile(target, given)
    except OSError:
        return False


def _check_sheet_name(target: Path, name: str) -> None:
    if not name or len(name) > _SHEET_NAME_MAX or _BAD_SHEET_NAME.search(name):
        raise SheetError(
            f"{target}：工作表名“{name}”不能用：Excel 要求 1 到 31 个字符，且不含 [ ] : * ? / \\"
        )


def _save(
    handle: IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    sample: Sequence[Sequence[object]],
    sheet_name: str,
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    # In write-only mode widths and panes must be set before the first row.
    for index, width in enumerate(_widths(headers, sample)):
        sheet.column_dimensions[column_name(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = [_cell(sheet, header) for header in headers]
    for cell in header_cells:
        cell.font = bold
    sheet.append(header_cells)
    try:
        for row in rows:
            sheet.append([_value(sheet, value) for value in row])
    except BaseException:
        # openpyxl spools the sheet to its own file in the system temp folder and
        # removes it only on save; save the half workbook (our caller deletes it)
        # so that spool file goes now and its XML stream is closed properly.
        with contextlib.suppress(Exception):
            book.save(handle)
        raise
    book.save(handle)


def _value(sheet: WriteOnlyWorksheet, value: object) -> object:
    if isinstance(value, str):
        if value.startswith(_RISKY_LEAD):
            return _cell(sheet, value)
        return _clean(value)
    if value is None or isinstance(value, int | float | Decimal | dt.date | dt.time | dt.timedelta):
        return value
    return str(value)


def _cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, _clean(text))
    # openpyxl would store "=…" as a formula and "#N/A" as an error value: force text.
    cell.data_type = "s"
    if text.startswith(_FORMULA_LEAD):
        # Excel's leading apostrophe: the cell stays text even after it is edited.
        cell.quotePrefix = True
    return cell


def _clean(text: str) -> str:
    return _ILLEGAL.sub("", text)


def _widths(headers: Sequence[str], sample: Sequence[Sequence[object]]) -> list[float]:
    count = max([len(headers), *(len(row) for row in sample)])
    widths = [0] * count
    for row in (headers, *sample):
        for index, value in enumerate(row):
            text = "" if value is None else str(value)
            longest = max((display_width(line) for line in text.splitlines()), default=0)
            widths[index] = max(widths[index], longest)
    return [float(min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)) for width in widths]
