"""``listingkit lint-titles INPUT…``: check titles from files or the command line."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listingkit.cli.common import add_common_options, check_output, emit_report, selection_of
from listingkit.cli.titles import parse_columns
from listingkit.errors import InputError, SheetError, UsageError
from listingkit.ruleset import resolve_rules

if TYPE_CHECKING:
    from listingkit.title.lint import TitleInput

__all__ = ["add_parser", "title_inputs"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("lint-titles", help="检查标题：长度、极限词、重复词、禁用字符")
    parser.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help=".txt（每行一个标题）、含“标题”列的 .csv/.xlsx",
    )
    parser.add_argument("--text", action="append", default=[], help="直接给出一个标题，可重复")
    parser.add_argument("--columns", metavar="MAP", help="列名对应，如 “标题=宝贝名称”")
    parser.add_argument(
        "--segmenter", choices=("jieba", "rjieba"), default="jieba", help="分词器，默认 jieba"
    )
    add_common_options(parser)
    parser.set_defaults(handler=_lint_titles)


def _from_text_file(path: Path) -> Iterator[TitleInput]:
    from listingkit.title.lint import TitleInput

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}：无法读取（{exc.strerror}）") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"{path}：既不是 UTF-8 也不是 GB18030 编码；请另存为 UTF-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield TitleInput(line, path.as_posix(), row=number)


def _from_sheet(path: Path, columns: dict[str, str]) -> Iterator[TitleInput]:
    from listingkit.sheets import PARAMETER_COLUMNS, find_columns, read_sheet, split_list
    from listingkit.title.lint import TitleInput

    sheet = read_sheet(path)
    found = find_columns(sheet, PARAMETER_COLUMNS, columns)
    if "title" not in found:
        raise SheetError(
            f"{sheet.where}：找不到标题列（表头有：{'、'.join(sheet.headers)}）；"
            "请把表头改为“标题”，或用 --columns 标题=列名 指定"
        )
    product = found.get("product")
    for row in sheet.rows:
        text = row.get(found["title"])
        if text:
            products = tuple(split_list(row.get(product))) if product else ()
            yield TitleInput(text, path.as_posix(), sheet.name, row.row, found["title"], products)


def title_inputs(
    inputs: list[str], texts: list[str], columns: dict[str, str]
) -> Iterator[TitleInput]:
    """Every title the command line names, with its file and row."""
    from listingkit.title.lint import TitleInput

    for text in texts:
        yield TitleInput(text, "--text")
    for given in inputs:
        path = Path(given)
        if not path.exists():
            raise InputError(f"路径不存在：{given}；请检查拼写")
        if path.suffix.lower() in {".xlsx", ".xlsm", ".csv", ".xls"}:
            yield from _from_sheet(path, columns)
        else:
            yield from _from_text_file(path)


def _lint_titles(args: argparse.Namespace) -> int:
    from listingkit.title.lint import lint_titles

    if not args.inputs and not args.text:
        raise UsageError("请给出标题文件，或用 --text 直接给出标题")
    selection = selection_of(args)
    start = Path(args.inputs[0]).parent if args.inputs else Path(".")
    rules = resolve_rules(args.platform, args.rules, start=start)
    inputs = [*args.inputs, *rules.paths]
    check_output(args.output, inputs)
    items = list(title_inputs(args.inputs, args.text, parse_columns(args.columns)))
    report = lint_titles(
        items, rules, select=selection.select, ignore=selection.ignore, segmenter=args.segmenter
    )
    return emit_report(report, args, inputs)
