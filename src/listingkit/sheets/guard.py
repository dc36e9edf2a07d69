"""Look inside an .xlsx package before python-calamine does.

calamine trusts the file: it inflates each part it reads in full and lays the
cells that hold values out as one dense rectangle, so a 4.7 KB file with values
in A1 and XFD1048576 asks for 512 GiB and aborts the interpreter, and a few
megabytes of zip bomb take gigabytes. This module checks the package with
:mod:`zipfile` and streams the chosen worksheet through expat — counting its
cells, finding the rectangle calamine will allocate, collecting merged ranges —
so that calamine is handed only a file whose cost is known and bounded.

A declared ``<dimension ref>`` costs nothing: calamine sizes its rectangle by
the cells that hold values, and so does this guard. Where calamine finds a part
(a fixed ``xl/workbook.xml``, targets under ``xl/``, names compared without
case, the first sheet of a name) is mirrored here, so both read the same bytes.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree
from xml.parsers import expat

from listingkit.errors import SheetError
from listingkit.sheets.model import CellRange, column_name

__all__ = [
    "MAX_AREA",
    "MAX_CELLS",
    "MAX_MEMBERS",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_UNPACKED_BYTES",
    "Package",
    "SheetScan",
    "inspect_package",
    "scan_worksheet",
]

# Limits, each far above a real parameter or keyword sheet (10,000 rows × 15
# columns is 150,000 cells in a 10 MB worksheet part) and far below what would
# exhaust memory: calamine keeps about 32 bytes for every cell of its rectangle.
MAX_MEMBERS = 10_000
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
#: Parts other than worksheets and the shared-string table (workbook,
#: relationships, styles …) are small in every real file.
MAX_PART_BYTES = 32 * 1024 * 1024
#: Spreadsheet XML deflates 5 to 50 times; a zip bomb about 1,000 times.
MAX_RATIO = 200
_RATIO_FLOOR = 8 * 1024 * 1024  # a small part may compress as well as it likes
MAX_CELLS = 2_000_000
MAX_AREA = 5_000_000
# Excel's own grid: a reference beyond it comes from no spreadsheet program.
_MAX_ROW = 1_048_576
_MAX_COLUMN = 16_384
# Merged ranges kept for the findings; a sheet with more is counted, not listed.
_MAX_MERGES = 1_000

_SMALLEST_STRING = len("<si/>")
_CENTRAL_ENTRY = b"PK\x01\x02"
_CHUNK = 1024 * 1024
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_SHARED_STRINGS = "sharedstrings.xml"
_PLAIN_MEMBER = re.compile(r"[\w\-. /]+")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_RANGE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Za-z]{1,3})\$?([0-9]{1,7}))?")
_REL_IDS = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
_UNZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError)


def _broken(shown: str, detail: str) -> SheetError:
    return SheetError(
        f"{shown} 无法作为工作簿读取：{detail}；文件可能已损坏、没有下载完整，"
        "或不是 Excel 保存的；请用 Excel 或 WPS 打开后另存为 .xlsx，或重新导出"
    )


def _count(number: int) -> str:
    return f"{number:,}"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


# --- the package -----------------------------------------------------------------------------


@dataclass
class Package:
    """An .xlsx package that passed the checks: its sheets in order and their parts."""

    archive: zipfile.ZipFile
    names: list[str]
    parts: dict[str, str]


def inspect_package(data: bytes, shown: str) -> Package:
    """Check the package as a whole, before calamine opens it.

    calamine's opening reads the workbook, the styles and the whole shared-string
    table; worksheets are read one at a time, when asked for (see
    :func:`scan_worksheet`). Raises :class:`SheetError` naming the file.
    """
    archive = _open_archive(data, shown)
    names, parts, shared = _workbook(archive, shown)
    worksheets = set(parts.values())
    for info in archive.infolist():
        name = info.filename
        if name in shared or posixpath.basename(name).casefold() == _SHARED_STRINGS:
            _count_shared_strings(archive, name, shown)
        elif name not in worksheets and info.file_size > MAX_PART_BYTES:
            raise SheetError(
                f"{shown} 里的 {name} 有 {_megabytes(info.file_size)}，超过可读取的上限"
                f" {_megabytes(MAX_PART_BYTES)}；请在 Excel 中另存为新的 .xlsx"
            )
    return Package(archive, names, parts)


def _open_archive(data: bytes, shown: str) -> zipfile.ZipFile:
    # Every central-directory entry starts with this signature, so the count
    # bounds the entries zipfile would build objects for before it builds any.
    if data.count(_CENTRAL_ENTRY) > MAX_MEMBERS:
        raise SheetError(
            f"{shown} 里的文件超过 {_count(MAX_MEMBERS)} 个，不像是一个表格，没有读取；"
            "请确认选对了文件，或在 Excel 中另存为新的 .xlsx"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _broken(shown, f"不是有效的 zip 包（{exc}）") from None
    folded = [name.casefold() for name in archive.namelist()]
    if len(set(folded)) != len(folded):
        # Two members whose names differ at most in case: zipfile and calamine
        # could each read a different one.
        raise _broken(shown, "包里有重名的文件")
    # The declared sizes bind both readers: zipfile and calamine each stop with
    # an error when a part inflates beyond its declared size.
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise SheetError(
                f"{shown} 里的 {info.filename} 解压后有 {_megabytes(info.file_size)}，"
                f"是压缩后的 {ratio:,.0f} 倍，疑似压缩炸弹，没有读取；"
                "请确认文件来源，或在 Excel 中另存为新的 .xlsx"
            )
        if total > MAX_UNPACKED_BYTES:
            raise SheetError(
                f"{shown} 解压后超过 {_megabytes(MAX_UNPACKED_BYTES)}，超过可读取的上限，没有读取；"
                "请删掉不用的工作表、图片和空行，或拆成几个文件"
            )
    return archive


def _member(archive: zipfile.ZipFile, name: str) -> str | None:
    """The member called ``name``, compared without case as calamine does."""
    if name in archive.NameToInfo:
        return name
    folded = name.casefold()
    return next((n for n in archive.NameToInfo if n.casefold() == folded), None)


def _parse_part(archive: zipfile.ZipFile, name: str, shown: str) -> ElementTree.Element:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise SheetError(
            f"{shown} 里的 {name} 有 {_megabytes(info.file_size)}，超过可读取的上限"
            f" {_megabytes(MAX_PART_BYTES)}；请在 Excel 中另存为新的 .xlsx"
        )
    try:
        data = archive.read(info)
    except _UNZIP_ERRORS as exc:
        raise _broken(shown, f"{name} 无法解压（{exc}）") from None
    try:
        # expat refuses entity-expansion bombs and never fetches external entities.
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise _broken(shown, f"{name} 不是有效的 XML（{exc}）") from None


def _workbook(archive: zipfile.ZipFile, shown: str) -> tuple[list[str], dict[str, str], set[str]]:
    """Sheet names in order, sheet name → worksheet member, and shared-string members."""
    workbook, rels = _member(archive, _WORKBOOK), _member(archive, _WORKBOOK_RELS)
    if workbook is None or rels is None:
        raise _broken(shown, f"找不到 {_WORKBOOK if workbook is None else _WORKBOOK_RELS}")
    targets: dict[str, str] = {}
    shared: set[str] = set()
    for element in _parse_part(archive, rels, shown).iter():
        if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
            continue
        target = element.get("Target", "")
        # calamine takes "/x" as the member "x" and anything else as under "xl/",
        # resolving no "." or ".."; a target it might read otherwise is refused.
        member = target[1:] if target.startswith("/") else f"xl/{target}"
        if not _PLAIN_MEMBER.fullmatch(member) or {".", ".."} & set(member.split("/")):
            raise _broken(shown, f"部件位置“{target}”无法识别")
        found = _member(archive, member)
        if found is None:
            continue
        targets.setdefault(element.get("Id", ""), found)
        if element.get("Type", "").endswith("/sharedStrings"):
            shared.add(found)
    names: list[str] = []
    parts: dict[str, str] = {}
    for element in _parse_part(archive, workbook, shown).iter():
        if _local(element.tag) != "sheet" or element.get("name") is None:
            continue
        name = element.get("name", "")
        names.append(name)
        rid = next((element.get(key) for key in _REL_IDS if element.get(key)), "")
        if rid in targets:
            parts.setdefault(name, targets[rid])
    return names, parts, shared


def _count_shared_strings(archive: zipfile.ZipFile, name: str, shown: str) -> None:
    if archive.getinfo(name).file_size < _SMALLEST_STRING * MAX_CELLS:
        return  # too small to hold more strings than the limit
    count = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal count
        if tag == "si" or tag.endswith(":si"):
            count += 1
            if count > MAX_CELLS:
                raise _Stop

    if not _stream(archive, name, shown, start):
        raise SheetError(
            f"{shown} 的共享文字表有超过 {_count(MAX_CELLS)} 条文字，超过可读取的上限，没有读取；"
            "请删掉不用的工作表和行列，或拆成几个文件"
        )


class _Stop(Exception):
    """A limit was passed: stop parsing."""


def _stream(
    archive: zipfile.ZipFile,
    name: str,
    shown: str,
    start: Callable[[str, dict[str, str]], None],
) -> bool:
    """Feed one part to expat a chunk at a time; False when a handler stopped it early."""
    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        with archive.open(name) as handle:
            while chunk := handle.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop:
        return False
    except expat.ExpatError as exc:
        raise _broken(shown, f"{name} 不是有效的 XML（{expat.ErrorString(exc.code)}）") from None
    except _UNZIP_ERRORS as exc:
        raise _broken(shown, f"{name} 无法解压（{exc}）") from None
    return True


# --- the worksheet ---------------------------------------------------------------------------


@dataclass
class SheetScan:
    """What streaming one worksheet found.

    ``cells`` counts every ``<c>``; the box spans the cells that hold a value
    (a ``<v>`` or an inline string), 0-based, as calamine lays them out.
    """

    cells: int = 0
    top: int | None = None
    left: int = 0
    bottom: int = 0
    right: int = 0
    merged: list[CellRange] = field(default_factory=list)
    more_merged: int = 0

    @property
    def area(self) -> int:
        if self.top is None:
            return 0
        return (self.bottom - self.top + 1) * (self.right - self.left + 1)

    @property
    def box(self) -> str:
        """The box in Excel's words: ``A1:XFD1048576``."""
        if self.top is None:
            return ""
        first = f"{column_name(self.left)}{self.top + 1}"
        return f"{first}:{column_name(self.right)}{self.bottom + 1}"

    def add_value(self, row: int, column: int) -> None:
        if self.top is None:
            self.top, self.bottom, self.left, self.right = row, row, column, column
            return
        self.top, self.bottom = min(self.top, row), max(self.bottom, row)
        self.left, self.right = min(self.left, column), max(self.right, column)


class _Cursor:
    """Follows rows and cells as calamine places them: by ``r``, else one past the last.

    Only start tags are watched (this runs once per element of a sheet that may
    hold millions): a ``<v>`` or ``<is>`` marks the cell it is in as holding a
    value. Names are compared without their prefix, as calamine compares them.
    """

    def __init__(self, scan: SheetScan, where: str) -> None:
        self.scan = scan
        self.where = where
        self.row = -1
        self.column = -1
        self.cell: tuple[int, int] | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag if len(tag) <= 2 else tag[tag.rfind(":") + 1 :]
        if local == "v" or local == "is":
            if self.cell is not None:
                self.scan.add_value(*self.cell)
                self.cell = None
        elif local == "c":
            self._cell(attrs.get("r"))
        elif local == "row":
            number = attrs.get("r")
            self.row = self._row_number(number, number) - 1 if number else self.row + 1
            self.column = -1
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))

    def _cell(self, ref: str | None) -> None:
        scan = self.scan
        scan.cells += 1
        if scan.cells > MAX_CELLS:
            raise _Stop
        if ref:
            match = _REF.fullmatch(ref)
            if match is None:
                raise _broken(self.where, f"单元格地址“{ref}”无效")
            self.column = self._column_number(match[1], ref) - 1
            row = self._row_number(match[2], ref) - 1
        else:
            self.column += 1
            row = max(self.row, 0)
        self.cell = (row, self.column)

    def _row_number(self, text: str, ref: str) -> int:
        if not text.isdigit() or not 1 <= int(text) <= _MAX_ROW:
            raise _broken(self.where, f"“{ref}”超出 Excel 的行号范围（1 到 {_count(_MAX_ROW)}）")
        return int(text)

    def _column_number(self, letters: str, ref: str) -> int:
        number = 0
        for char in letters.upper():
            number = number * 26 + ord(char) - ord("A") + 1
        if number > _MAX_COLUMN:
            raise _broken(self.where, f"“{ref}”超出 Excel 的列范围（最后一列是 XFD）")
        return number

    def _merge(self, ref: str) -> None:
        match = _RANGE.fullmatch(ref.strip())
        if match is None:
            return  # not a range calamine or Excel could apply
        if len(self.scan.merged) >= _MAX_MERGES:
            self.scan.more_merged += 1
            return
        rows = [self._row_number(match[2], ref), self._row_number(match[4] or match[2], ref)]
        columns = [
            self._column_number(match[1], ref),
            self._column_number(match[3] or match[1], ref),
        ]
        self.scan.merged.append(
            CellRange(min(rows) - 1, min(columns) - 1, max(rows) - 1, max(columns) - 1)
        )


def scan_worksheet(package: Package, name: str, where: str) -> SheetScan:
    """Stream the worksheet ``name``; :class:`SheetError` when calamine could not bear it.

    ``where`` names the file and sheet in messages.
    """
    part = package.parts.get(name)
    if part is None:
        raise _broken(where, "找不到这个工作表的内容")
    scan = SheetScan()
    cursor = _Cursor(scan, where)
    if not _stream(package.archive, part, where, cursor.start):
        raise SheetError(
            f"{where}：单元格超过 {_count(MAX_CELLS)} 个，超过可读取的上限，没有读取；"
            "请删掉不用的行和列，或把表拆成几个文件"
        )
    if scan.area > MAX_AREA:
        raise SheetError(
            f"{where}：有内容的单元格分布在 {scan.box} 这么大的范围里"
            f"（{_count(scan.area)} 格，上限 {_count(MAX_AREA)} 格），没有读取；"
            "请删掉远处多余的单元格（Ctrl+End 跳到最远的一格），或把数据挪到一起"
        )
    return scan
