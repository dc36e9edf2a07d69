"""``listingkit titles SHEET``: candidate titles for every row of a parameter sheet."""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listingkit.cli.common import (
    add_common_options,
    check_output,
    emit_report,
    parse_column_map,
    progress_bar,
    selection_of,
)
from listingkit.errors import ListingkitError, UsageError
from listingkit.printable import show_path
from listingkit.ruleset import resolve_rules

if TYPE_CHECKING:
    from concurrent.futures import Future

    from listingkit.sheets import Sheet
    from listingkit.title.sheet import RowOutcome

__all__ = ["add_parser", "parse_columns"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "titles",
        help="按公式 营销词+类目词+产品词+属性词+修饰词 为参数表的每一行生成候选标题",
    )
    parser.add_argument("sheet", metavar="SHEET", help="参数表：.xlsx、.xls 或 .csv")
    parser.add_argument(
        "--keywords",
        metavar="FILE",
        help="生意参谋导出的关键词表（.xlsx/.xls/.csv），直接用导出的文件："
        "表头上方的报表说明行会跳过，千分位、万、亿、百分号和 - 都认得",
    )
    parser.add_argument(
        "--keyword-columns",
        metavar="MAP",
        help="关键词表的列名对应，如 “关键词=搜索词,搜索人气=人气”；"
        "可用的名称：关键词、搜索人气、点击率、支付转化率、在线商品数",
    )
    parser.add_argument(
        "-n", type=_whole_number, default=5, metavar="N", help="每行的候选数，默认 5"
    )
    parser.add_argument("--sheet-name", metavar="NAME", help="工作表名，默认第一个")
    parser.add_argument(
        "--columns",
        metavar="MAP",
        help="列名对应，如 “产品词=品名,货号=款号”（表头与默认名称不同时用）",
    )
    parser.add_argument(
        "--segmenter", choices=("jieba", "rjieba"), default="jieba", help="分词器，默认 jieba"
    )
    add_common_options(parser)  # includes --force, shared by every output
    parser.set_defaults(handler=_titles)


def _whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是整数：{value}") from None


def parse_columns(
    value: str | None, labels: dict[str, str] | None = None, option: str = "--columns"
) -> dict[str, str]:
    """``产品词=品名,货号=款号`` → ``{"product": "品名", "item": "款号"}``.

    ``labels`` (field → Chinese name) defaults to the parameter sheet's columns.
    """
    from listingkit.title.labels import COLUMN_LABELS

    names = labels or COLUMN_LABELS
    if "product" in names:  # the example operators see first
        names = {"product": names["product"], **names}
    return parse_column_map(value, names, option=option)


# From this size on a parameter sheet is read by a second process while this one
# resolves the rules, imports the composer and loads the segmenter's dictionary:
# both hold the GIL throughout, and each takes about half a second for 10,000 rows.
_READ_APART_BYTES = 256 * 1024


class _Reading:
    """The parameter sheet, read by a second process from the start of the run
    where workers are forked and the sheet is large; here otherwise.

    Use it in a ``with`` block around the steps before the sheet is needed:
    leaving the block by an error stops the reading at once.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args
        self._stack = contextlib.ExitStack()
        self._product: list[str] | None = None
        self._reading: Future[_SheetApart] | None = None
        # Only where workers are forked: a spawned one would import everything first.
        if multiprocessing.get_start_method() != "fork" or _size(args.sheet) < _READ_APART_BYTES:
            return
        try:
            product = _product_names(parse_columns(args.columns))
        except ListingkitError:
            return  # reported in its turn, after the rules' problems, as always
        from listingkit.workers import process_pool

        pool = self._stack.enter_context(process_pool(1))
        try:
            self._reading = pool.submit(_read_apart, _reader(args, product))
        except BaseException:
            self._stack.__exit__(*sys.exc_info())
            raise
        self._product = product

    def __enter__(self) -> _Reading:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.__exit__(*exc)

    def sheet(self, product: list[str], to_workbook: bool) -> Sheet:
        """The sheet, its header the row holding one of ``product``; the composer's
        modules imported meanwhile."""
        _import_composer()
        reading = self._reading
        if reading is None or product != self._product:
            return _reader(self._args, product)()
        from listingkit.text.segment import get_segmenter

        # A segmenter that cannot load says so again where it is used, after the
        # sheet's and the keyword file's problems, as it always has.
        with contextlib.suppress(ListingkitError):
            get_segmenter(self._args.segmenter)
        if to_workbook and not reading.done():
            # Still waiting: openpyxl is imported now rather than while the workers compose.
            import openpyxl.writer.excel  # noqa: F401
        from listingkit.sheets import SheetRow

        sheet, rows = reading.result()
        sheet.rows = [SheetRow(number, values) for number, values in rows]
        return sheet


def _reader(args: argparse.Namespace, product: list[str]) -> Callable[[], Sheet]:
    from listingkit.sheets import read_sheet

    return functools.partial(read_sheet, args.sheet, sheet=args.sheet_name, header_names=[product])


def _product_names(columns: dict[str, str]) -> list[str]:
    """The names the product column goes by: the header is the row holding one,
    below any title lines."""
    from listingkit.sheets import PARAMETER_COLUMNS

    return [columns["product"]] if "product" in columns else list(PARAMETER_COLUMNS["product"])


#: A sheet read by another process: the sheet without its rows, and each row's
#: number and cells.
_SheetApart = tuple["Sheet", list[tuple[int, dict[str, str]]]]


def _read_apart(read: Callable[[], Sheet]) -> _SheetApart:
    # A process that only reads and then ends: the cycle collector's passes over
    # the growing rows are pure cost there.
    gc.disable()
    sheet = read()
    # Sent as plain pairs, made into rows again over there: pickling 10,000 row
    # objects costs both processes three times as much.
    rows = [(row.row, row.values) for row in sheet.rows]
    sheet.rows = []
    return sheet, rows


def _import_composer() -> None:
    import listingkit.title.sheet  # noqa: F401  # and the composer with it


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except (OSError, ValueError):
        return 0  # read here, where the problem is reported


def _titles(args: argparse.Namespace) -> int:
    from listingkit.sheets import KEYWORD_LABELS, read_keywords, write_xlsx
    from listingkit.sheets.checks import sheet_findings

    if args.n < 1:
        raise UsageError("-n 至少为 1")
    selection = selection_of(args)
    with _Reading(args) as reading:
        rules = resolve_rules(args.platform, args.rules, start=Path(args.sheet).parent)
        inputs = [args.sheet, *([args.keywords] if args.keywords else []), *rules.paths]
        check_output(args.output, inputs, force=args.force)
        columns = parse_columns(args.columns)
        keyword_columns = parse_columns(args.keyword_columns, KEYWORD_LABELS, "--keyword-columns")
        to_workbook = bool(args.output and args.output.lower().endswith(".xlsx"))
        sheet = reading.sheet(_product_names(columns), to_workbook)
    from listingkit.title.score import KeywordScores
    from listingkit.title.sheet import stream_sheet

    keywords, keyword_findings = None, []
    if args.keywords:
        table = read_keywords(args.keywords, mapping=keyword_columns)
        # Rows left out, duplicate headers, merged cells: SHEET findings in the report.
        keyword_findings = sheet_findings(
            table,
            rules,
            display=Path(args.keywords).as_posix(),
            select=selection.select,
            ignore=selection.ignore,
        )
        keywords = KeywordScores.from_stats(table.stats)
    with progress_bar(args, "组标题", "行") as progress:
        stream = stream_sheet(
            sheet,
            rules,
            keywords=keywords,
            n=args.n,
            columns=columns,
            select=selection.select,
            ignore=selection.ignore,
            segmenter=args.segmenter,
            display=Path(args.sheet).as_posix(),
            progress=progress,
        )
        outcomes: list[RowOutcome] | None = None
        with stream:
            if to_workbook:
                # Each row is written as it is composed: writing overlaps composing.
                headers, cells = stream.workbook_headers(), stream.workbook_rows()
                write_xlsx(args.output, headers, cells, inputs=inputs, overwrite=args.force)
            else:
                outcomes = list(stream)
            report = stream.report()
    report.extend(keyword_findings)
    if outcomes is None:
        # The workbook holds the candidates; standard output gets only the report.
        print(f"已写入 {show_path(args.output)}（{len(sheet.rows)} 行）", file=sys.stderr)
        args.output = None
        return emit_report(report, args, inputs)
    # The candidates and the findings together, on screen or in the --output file.
    rows = [outcome.to_dict() for outcome in outcomes]
    return emit_report(report, args, inputs, rows=rows)
