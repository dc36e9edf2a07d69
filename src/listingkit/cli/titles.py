"""``listingkit titles SHEET``: candidate titles for every row of a parameter sheet."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from listingkit.cli.common import (
    add_common_options,
    check_output,
    emit_report,
    output_stream,
    selection_of,
)
from listingkit.errors import UsageError
from listingkit.findings import Severity
from listingkit.output import auto_format, render, use_color
from listingkit.output.safe import json_text
from listingkit.printable import printable, show_path
from listingkit.ruleset import resolve_rules
from listingkit.status import EXIT_OK

__all__ = ["add_parser", "parse_columns"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "titles",
        help="按公式 营销词+类目词+产品词+属性词+修饰词 为参数表的每一行生成候选标题",
    )
    parser.add_argument("sheet", metavar="SHEET", help="参数表：.xlsx 或 .csv")
    parser.add_argument("--keywords", metavar="FILE", help="生意参谋导出的关键词表（.xlsx/.csv）")
    parser.add_argument("-n", type=int, default=5, metavar="N", help="每行的候选数，默认 5")
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


def parse_columns(value: str | None) -> dict[str, str]:
    """``产品词=品名,货号=款号`` → ``{"product": "品名", "item": "款号"}``."""
    from listingkit.title.sheet import COLUMN_LABELS

    by_label = {label: name for name, label in COLUMN_LABELS.items()}
    mapping: dict[str, str] = {}
    for part in (value or "").replace("，", ",").split(","):
        if not part.strip():
            continue
        key, sep, header = part.partition("=")
        field = by_label.get(key.strip(), key.strip())
        if not sep or field not in COLUMN_LABELS or not header.strip():
            known = "、".join(COLUMN_LABELS.values())
            raise UsageError(
                f"--columns 的 “{part}” 看不懂：应写成 产品词=列名，可用的名称：{known}"
            )
        mapping[field] = header.strip()
    return mapping


def _print_rows(result: Any, stream: TextIO) -> None:
    for outcome in result.outcomes:
        # Titles and words come from the user's sheet: escaped like every report.
        item = f" 货号 {printable(outcome.item)}" if outcome.item else ""
        stream.write(f"第 {outcome.row} 行{item}\n")
        for index, candidate in enumerate(outcome.candidates, start=1):
            stream.write(f"  {index}. {printable(candidate.title)}（{candidate.units}）\n")
        if not outcome.candidates:
            stream.write("  （没有候选标题，原因见下方的问题）\n")
        if outcome.candidates and outcome.candidates[0].dropped:
            best = outcome.candidates[0]
            dropped = printable("；".join(f"{d.word}（{d.reason}）" for d in best.dropped))
            stream.write(f"     省略：{dropped}\n")
    stream.write("\n")


def _titles(args: argparse.Namespace) -> int:
    from listingkit.sheets import read_keywords, read_sheet, write_xlsx
    from listingkit.sheets.checks import sheet_findings
    from listingkit.title.score import KeywordScores
    from listingkit.title.sheet import compose_sheet, titles_workbook_rows

    if args.n < 1:
        raise UsageError("-n 至少为 1")
    selection = selection_of(args)
    rules = resolve_rules(args.platform, args.rules, start=Path(args.sheet).parent)
    inputs = [args.sheet, *([args.keywords] if args.keywords else []), *rules.paths]
    check_output(args.output, inputs, force=args.force)
    sheet = read_sheet(args.sheet, sheet=args.sheet_name)
    keywords, keyword_findings = None, []
    if args.keywords:
        table = read_keywords(args.keywords)
        # Rows left out, duplicate headers, merged cells: SHEET findings in the report.
        keyword_findings = sheet_findings(
            table,
            rules,
            display=Path(args.keywords).as_posix(),
            select=selection.select,
            ignore=selection.ignore,
        )
        keywords = KeywordScores.from_stats(table.stats)
    result = compose_sheet(
        sheet,
        rules,
        keywords=keywords,
        n=args.n,
        columns=parse_columns(args.columns),
        select=selection.select,
        ignore=selection.ignore,
        segmenter=args.segmenter,
        display=Path(args.sheet).as_posix(),
    )
    result.report.extend(keyword_findings)
    workbook = bool(args.output and args.output.lower().endswith(".xlsx"))
    if workbook:
        # The workbook holds the candidates; standard output gets only the findings.
        headers, rows = titles_workbook_rows(result, args.n)
        write_xlsx(args.output, headers, rows, inputs=inputs, overwrite=args.force)
        print(f"已写入 {show_path(args.output)}（{len(rows)} 行）", file=sys.stderr)
        args.output = None
    fmt = auto_format(os.environ) if args.format == "auto" else args.format
    if fmt == "json":
        with output_stream(args.output, inputs, force=args.force) as stream:
            data = [outcome.to_dict() for outcome in result.outcomes]
            stream.write(json_text(data) + "\n")
        return EXIT_OK if args.exit_zero else result.report.exit_code(Severity(args.fail_on))
    if fmt == "text" and not workbook:
        # The candidates and the findings together, on screen or in the --output file.
        with output_stream(args.output, inputs, force=args.force) as stream:
            _print_rows(result, stream)
            render(result.report, "text", stream, color=use_color(stream, os.environ))
        return EXIT_OK if args.exit_zero else result.report.exit_code(Severity(args.fail_on))
    return emit_report(result.report, args, inputs)
