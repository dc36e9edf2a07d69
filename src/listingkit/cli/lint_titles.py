"""``listingkit lint-titles INPUT…``: check titles from files or the command line."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listingkit.cli.common import (
    add_common_options,
    check_output,
    emit_report,
    progress_bar,
    selection_of,
)
from listingkit.cli.titles import parse_columns
from listingkit.errors import SheetError, UsageError
from listingkit.ruleset import resolve_rules

if TYPE_CHECKING:
    from listingkit.sheets import Sheet
    from listingkit.title.lint import TitleInput

__all__ = ["add_parser", "title_inputs"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("lint-titles", help="检查标题：长度、极限词、重复词、禁用字符")
    parser.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help=".txt（每行一个标题）、含“标题”列的 .csv/.xlsx，或 listingkit titles 写的结果表"
        "（检查每个候选标题）",
    )
    parser.add_argument("--text", action="append", default=[], help="直接给出一个标题，可重复")
    parser.add_argument(
        "--columns",
        metavar="MAP",
        help="列名对应，如 “标题=宝贝名称”；指定了标题列时只检查这一列",
    )
    parser.add_argument(
        "--segmenter", choices=("jieba", "rjieba"), default="jieba", help="分词器，默认 jieba"
    )
    add_common_options(parser)
    parser.set_defaults(handler=_lint_titles)


def _from_text_file(path: Path) -> Iterator[TitleInput]:
    from listingkit.title.lines import title_lines
    from listingkit.title.lint import TitleInput

    for number, line in title_lines(path):
        yield TitleInput(line, path.as_posix(), row=number)


# The candidate columns of the workbook `listingkit titles -o 结果.xlsx` writes
# (候选标题1 … 候选标题N, see titles_workbook_rows); found by name, not position.
_CANDIDATE = re.compile(r"候选标题(\d+)")


def _title_columns(sheet: Sheet, columns: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The columns holding titles, and the other parameter columns found.

    A title column given with --columns is the only one checked; otherwise the
    标题 column and every candidate column of a titles workbook.
    """
    from listingkit.sheets import PARAMETER_COLUMNS, find_columns

    found = find_columns(sheet, PARAMETER_COLUMNS, columns)
    if "title" in columns:
        return [found["title"]], found
    titles = [found["title"]] if "title" in found else []
    candidates = [h for h in sheet.headers if _CANDIDATE.fullmatch(h) and h not in titles]
    titles += sorted(candidates, key=lambda h: int(h.removeprefix("候选标题")))
    if not titles:
        raise SheetError(
            f"{sheet.where}：找不到标题列（表头有：{'、'.join(sheet.headers)}）；"
            "请把表头改为“标题”，或用 --columns 标题=列名 指定"
            "（listingkit titles 写的结果表按“候选标题1”等列检查）"
        )
    return titles, found


def _from_sheet(path: Path, columns: dict[str, str], sheets: list[Sheet]) -> Iterator[TitleInput]:
    from listingkit.sheets import read_sheet, split_list
    from listingkit.title.lint import TitleInput

    sheet = read_sheet(path)
    sheets.append(sheet)
    titles, found = _title_columns(sheet, columns)
    # An empty cell in the 标题 column is an empty title (TITLE002) when the column
    # holds titles at all; an empty candidate cell only means the row had fewer
    # candidates (the reason is in its 问题 column), so it is not checked.
    filled = {h for h in titles if any(row.get(h) for row in sheet.rows)}
    blank_counts = {h for h in filled if not _CANDIDATE.fullmatch(h) or "title" in columns}
    product = found.get("product")
    for row in sheet.rows:
        products = tuple(split_list(row.get(product))) if product else ()
        for header in titles:
            text = row.get(header) or ""
            if text or header in blank_counts:
                yield TitleInput(text, path.as_posix(), sheet.name, row.row, header, products)


def title_inputs(
    inputs: list[str],
    texts: list[str],
    columns: dict[str, str],
    sheets: list[Sheet] | None = None,
) -> Iterator[TitleInput]:
    """Every title the command line names, with its file and row.

    Each sheet read is appended to ``sheets``, for its own findings (SHEET0xx).
    """
    from listingkit.title.lint import TitleInput

    for text in texts:
        yield TitleInput(text, "--text")
    for given in inputs:
        path = Path(given)
        if path.suffix.lower() in {".xlsx", ".xlsm", ".csv", ".xls"}:
            yield from _from_sheet(path, columns, [] if sheets is None else sheets)
        else:
            yield from _from_text_file(path)


def _lint_titles(args: argparse.Namespace) -> int:
    from listingkit.sheets.checks import sheet_findings
    from listingkit.title.lint import lint_titles

    if not args.inputs and not args.text:
        raise UsageError("请给出标题文件，或用 --text 直接给出标题")
    selection = selection_of(args)
    start = Path(args.inputs[0]).parent if args.inputs else Path(".")
    rules = resolve_rules(args.platform, args.rules, start=start)
    inputs = [*args.inputs, *rules.paths]
    check_output(args.output, inputs, force=args.force)
    sheets: list[Sheet] = []
    items = list(title_inputs(args.inputs, args.text, parse_columns(args.columns), sheets))
    with progress_bar(args, "检查标题", "个") as progress:
        report = lint_titles(
            items,
            rules,
            select=selection.select,
            ignore=selection.ignore,
            segmenter=args.segmenter,
            progress=progress,
        )
    for sheet in sheets:
        report.extend(
            sheet_findings(
                sheet,
                rules,
                display=sheet.path.as_posix(),
                select=selection.select,
                ignore=selection.ignore,
            )
        )
    return emit_report(report, args, inputs)
