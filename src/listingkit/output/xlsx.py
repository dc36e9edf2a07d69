"""The Excel report: a summary sheet, a findings sheet and an overview of the run.

- 汇总: for a shop (``options.shop``), one row per product -- 货号, folder,
  title and its length against the platform's limit, image counts, findings by
  severity and the codes that fired -- then a row 整店 for findings about no
  product; without a shop, one row per file checked.
- 问题: one row per finding, the file as a ``file://`` link when it is on disk,
  the rule's source and its evidence grade (A/B/C).
- 概况: the totals, and the count of each code.

Both tables have a bold, frozen header row, filters, columns as wide as their
text (Chinese counting two) and wrapped long text. Every string from the user
is escaped as for a terminal (:func:`~listingkit.output.safe.for_display`) and
written through :func:`~listingkit.sheets.writer.safe_cell`, so a title such as
``=HYPERLINK(…)`` stays text. A link's target is only ever a file path made
into a ``file://`` URI, never text from the user. The workbook carries
listingkit's creator mark, so a later run may replace it.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from listingkit.findings import Finding, Report, Severity, Subject
from listingkit.output.options import RenderOptions
from listingkit.output.safe import for_display, line
from listingkit.sheets.writer import column_widths, safe_cell, write_xlsx_stream

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from listingkit.shop.overview import ProductCard, ShopOverview

__all__ = ["FINDING_HEADERS", "evidence_grade", "file_uri", "render"]

SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "问题"
OVERVIEW_SHEET = "概况"
WHOLE_SHOP = "整店"

SHOP_HEADERS = (
    "货号",
    "商品文件夹",
    "标题",
    "标题长度",
    "主图数",
    "图片数",
    "错误",
    "警告",
    "提示",
    "主要问题",
)
FILE_HEADERS = ("文件", "错误", "警告", "提示", "主要问题")
FINDING_HEADERS = (
    "级别",
    "代码",
    "名称",
    "货号",
    "文件",
    "工作表",
    "行",
    "列",
    "说明",
    "建议",
    "依据",
    "证据等级",
)
# Columns whose text may run long: wrapped, so the width cap hides nothing.
_WRAPPED = frozenset({"商品文件夹", "标题", "文件", "说明", "建议", "依据", "主要问题"})
# Widths come from the header and this many first rows.
_WIDTH_SAMPLE = 500
# "淘宝发布页配置（…，2024-12，A 级）": the grade closes the citation.
_GRADE = re.compile(r"([ABC])\s*级\s*[）)]?\s*$")
# Excel ignores a link longer than this (its documented limit is 2,079 characters).
_URI_MAX = 2000
_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def render(report: Report, stream: IO[bytes], options: RenderOptions) -> None:
    """Write ``report`` to the binary ``stream`` as an .xlsx workbook."""
    shown = for_display(report)
    # for_display keeps the order: each shown finding next to the original,
    # whose raw path names the file on disk and the product it belongs to.
    pairs = list(zip(report.findings, shown.findings, strict=True))
    shop = options.shop
    disk = _DiskPaths(shop)
    items = [shop.product_of(raw.location) if shop else None for raw, _ in pairs]

    def fill(book: Workbook) -> None:
        styles = _Styles.make()
        if shop is not None:
            rows = _shop_rows(shop, shown.findings, items, disk)
            _table(book, SUMMARY_SHEET, SHOP_HEADERS, rows, styles)
        else:
            _table(
                book, SUMMARY_SHEET, FILE_HEADERS, _file_rows(report, shown.findings, disk), styles
            )
        _table(book, FINDINGS_SHEET, FINDING_HEADERS, _finding_rows(pairs, items, disk), styles)
        _overview(book, report, shop, styles)

    write_xlsx_stream(stream, fill)


def evidence_grade(source: str | None) -> str | None:
    """The evidence grade (A, B or C) a rule's source ends with, or None."""
    if not source:
        return None
    match = _GRADE.search(source)
    return match.group(1) if match else None


def file_uri(path: str | os.PathLike[str]) -> str | None:
    """A ``file://`` URI naming ``path`` absolutely, when it is a file or folder on disk.

    Built from the bytes of the name, so a name that is not UTF-8 still points
    at its file; None for anything else (missing, a device, a symbolic-link loop).
    """
    try:
        raw = os.fsencode(path)
        mode = os.stat(raw).st_mode
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return None
    # pathlib quotes the bytes of the name (os.fsencode) and writes a drive as file:///C:/.
    uri = Path(os.path.abspath(os.fsdecode(raw))).as_uri()
    return uri if len(uri) <= _URI_MAX else None


class _DiskPaths:
    """The file on disk behind a path as findings name it, each looked up once."""

    def __init__(self, shop: ShopOverview | None) -> None:
        # An image's display path is how findings name it; its path is the file.
        self._known: dict[str, str] = {}
        if shop is not None:
            for card in shop.products:
                for image in card.images:
                    self._known[image.display] = os.fspath(image.path)
        self._uris: dict[str, str | None] = {}

    def uri(self, display: str) -> str | None:
        if display not in self._uris:
            self._uris[display] = file_uri(self._known.get(display, display))
        return self._uris[display]


@dataclass(frozen=True)
class _Styles:
    bold: Font
    wrap: Alignment

    @classmethod
    def make(cls) -> _Styles:
        from openpyxl.styles import Alignment, Font

        return cls(Font(bold=True), Alignment(wrap_text=True, vertical="top"))


@dataclass(frozen=True)
class _Text:
    """A cell's value with the ``file://`` link it opens."""

    value: str
    link: str | None = None

    def __str__(self) -> str:  # what the column width is measured on
        return self.value


_Row = Sequence[object]


def _table(
    book: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[_Row],
    styles: _Styles,
) -> None:
    """A sheet holding one table: bold frozen header, filters, fitted and wrapped columns."""
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    rows = list(rows)
    # In write-only mode widths and panes must be set before the first row.
    widths = column_widths(headers, rows[:_WIDTH_SAMPLE])
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    # Column index → the characters that surely fit (Chinese counting two).
    wrapped = {
        index: int(widths[index] - 2) // 2
        for index, header in enumerate(headers)
        if header in _WRAPPED
    }
    header_cells = []
    for header in headers:
        cell = safe_cell(sheet, header)
        cell.font = styles.bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(
            [_cell(sheet, value, wrapped.get(index), styles) for index, value in enumerate(row)]
        )
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"


def _cell(sheet: WriteOnlyWorksheet, value: object, fits: int | None, styles: _Styles) -> object:
    """The cell for ``value``; text longer than ``fits`` characters (or of several
    lines) wraps, and text that surely fits is left unstyled (a style per cell is slow)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value)
    if not text:
        return None  # a blank cell, as Excel leaves one
    link = value.link if isinstance(value, _Text) else None
    cell: Cell = safe_cell(sheet, text)
    if link is not None:
        from openpyxl.worksheet.hyperlink import Hyperlink

        # Set as an object: the cell keeps the text it shows, and the reference
        # is filled in once the cell has its place in the row.
        cell.hyperlink = Hyperlink(ref="", target=link)
        cell.style = "Hyperlink"
    if fits is not None and (len(text) > fits or "\n" in text):
        cell.alignment = styles.wrap
    return cell


def _linked(raw: str | None, shown: str | None, disk: _DiskPaths) -> _Text | None:
    if raw is None or shown is None:
        return None
    return _Text(shown, disk.uri(raw))


def _counts(findings: Iterable[Finding]) -> tuple[int, int, int, str]:
    """Errors, warnings, notes and the codes (most frequent first, “IMG005×2、TITLE010”)."""
    by_severity: Counter[Severity] = Counter()
    codes: Counter[str] = Counter()
    worst: dict[str, int] = {}
    for finding in findings:
        by_severity[finding.severity] += 1
        codes[finding.code] += 1
        worst[finding.code] = max(worst.get(finding.code, 0), finding.severity.rank)
    order = sorted(codes, key=lambda code: (-worst[code], -codes[code], code))
    text = "、".join(code if codes[code] == 1 else f"{code}×{codes[code]}" for code in order)
    return (
        by_severity[Severity.ERROR],
        by_severity[Severity.WARNING],
        by_severity[Severity.INFO],
        text,
    )


def _shop_rows(
    shop: ShopOverview,
    findings: Sequence[Finding],
    items: Sequence[str | None],
    disk: _DiskPaths,
) -> list[_Row]:
    grouped: dict[str | None, list[Finding]] = {}
    for finding, item in zip(findings, items, strict=True):
        grouped.setdefault(item, []).append(finding)
    rows: list[_Row] = [
        _product_row(card, grouped.get(card.item, ()), disk) for card in shop.products
    ]
    no_product = grouped.get(None)
    if no_product:
        rows.append([WHOLE_SHOP, None, None, None, None, None, *_counts(no_product)])
    return rows


def _product_row(card: ProductCard, findings: Iterable[Finding], disk: _DiskPaths) -> _Row:
    folder = _linked(card.folder, line(card.folder) if card.folder else None, disk)
    title = line(card.title) if card.title else None
    if card.units is None:
        length = None
    elif card.limit is None:
        length = str(card.units)
    else:
        length = f"{card.units}/{card.limit}"
    return [
        line(card.item),
        folder,
        title,
        length,
        len(card.main_images()),
        len(card.images),
        *_counts(findings),
    ]


def _file_rows(report: Report, findings: Sequence[Finding], disk: _DiskPaths) -> list[_Row]:
    """One row per file: every file checked, and every file a finding names."""
    raw_paths = {Subject.of(subject).path for subject in report.subjects}
    raw_paths.update(finding.location.path for finding in report.findings)
    by_path: dict[str, list[Finding]] = {}
    for raw, shown in zip(report.findings, findings, strict=True):
        by_path.setdefault(raw.location.path, []).append(shown)
    return [
        [_linked(path, line(path), disk), *_counts(by_path.get(path, ()))]
        for path in sorted(raw_paths)
    ]


def _finding_rows(
    pairs: Sequence[tuple[Finding, Finding]],
    items: Sequence[str | None],
    disk: _DiskPaths,
) -> Iterable[_Row]:
    for (raw, shown), item in zip(pairs, items, strict=True):
        at = shown.location
        yield [
            shown.severity.label,
            shown.code,
            shown.name,
            line(item) if item is not None else None,
            _linked(raw.location.path, at.path, disk),
            at.sheet,
            at.row,
            at.column,
            shown.message,
            shown.hint,
            shown.source,
            evidence_grade(shown.source),
        ]


def _overview(book: Workbook, report: Report, shop: ShopOverview | None, styles: _Styles) -> None:
    """Totals, then the count of each code, each under a bold header."""
    from openpyxl.utils import get_column_letter

    totals: list[_Row] = [["平台", line(shop.platform if shop else report.platform)]]
    if shop is not None:
        totals.append(["店铺文件夹", line(shop.root)])
        if shop.sheet:
            totals.append(["商品表", line(shop.sheet)])
        totals.append(["商品", len(shop.products)])
        totals.append(["图片", sum(len(card.images) for card in shop.products)])
    else:
        totals.append(["检查的文件", len({Subject.of(s).path for s in report.subjects})])
    totals.append(["问题", len(report.findings)])
    totals.extend([severity.label, report.count(severity)] for severity in _SEVERITIES)
    codes = Counter(finding.code for finding in report.findings)
    names = {finding.code: finding.name for finding in report.findings}
    by_code: list[_Row] = [[line(code), line(names[code]), codes[code]] for code in sorted(codes)]
    totals_header, codes_header = ("项目", "数量"), ("代码", "名称", "数量")
    sheet = book.create_sheet(OVERVIEW_SHEET)
    widths = column_widths(codes_header, [*totals, totals_header, *by_code])
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    for header, rows in ((totals_header, totals), (codes_header, by_code)):
        cells = [safe_cell(sheet, text) for text in header]
        for cell in cells:
            cell.font = styles.bold
        sheet.append(cells)
        for row in rows:
            sheet.append([_cell(sheet, value, None, styles) for value in row])
        sheet.append([])
