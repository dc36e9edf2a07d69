"""``listingkit names PATH…``: photo file names against the naming rule and product sheet."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from listingkit.cli.common import (
    add_batch_options,
    add_common_options,
    batch_options,
    check_output,
    emit_report,
    parse_column_map,
    selection_of,
)
from listingkit.errors import UsageError
from listingkit.ruleset import resolve_rules

__all__ = ["add_parser", "parse_product_columns"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "names",
        help="检查图片文件名：命名规则、商品表里的货号和颜色、序号、在别的系统上能否使用",
        description=(
            "检查文件夹里每个图片文件（扩展名在 [naming] extensions 里）的名字：是否符合规则文件"
            " [naming] 的命名规则（SKU001）、在 Windows 等系统上能否使用（SKU010、SKU011）、"
            "序号是否连续（SKU004）、有没有同一张图存了两个名字（SKU030）。给出商品表"
            "（--sheet，或规则文件的 [naming] products）时，还检查货号和颜色是否在表里（SKU002）、"
            "表里的货号和颜色有没有图（SKU003）；没有商品表时这两项不运行。只读文件名，不改名"
            "（改名用 listingkit rename）。"
        ),
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="文件夹（递归）或文件；符号链接不跟随"
    )
    parser.add_argument(
        "--sheet",
        metavar="FILE",
        help="商品表（.xlsx、.xls、.csv），有货号列、可有颜色列；默认用规则文件 [naming] products"
        " 指定的表，都没有时不检查 SKU002、SKU003",
    )
    parser.add_argument("--sheet-name", metavar="NAME", help="商品表的工作表名，默认第一个")
    parser.add_argument(
        "--columns",
        metavar="MAP",
        help="列名对应，如 “货号=款号,颜色=颜色分类”（表头与默认名称不同时用）",
    )
    add_common_options(parser)
    add_batch_options(parser)
    parser.set_defaults(handler=_names)


def parse_product_columns(value: str | None) -> dict[str, str]:
    """``货号=款号,颜色=颜色分类`` → ``{"item": "款号", "colour": "颜色分类"}``."""
    return parse_column_map(value, {"item": "货号", "colour": "颜色"}, aliases={"color": "colour"})


def _names(args: argparse.Namespace) -> int:
    from listingkit.naming.api import check_names

    selection = selection_of(args)
    columns = parse_product_columns(args.columns)
    if args.sheet is None and (args.sheet_name or columns):
        raise UsageError("--sheet-name 和 --columns 要和 --sheet 一起用")
    rules = resolve_rules(args.platform, args.rules, start=Path(args.paths[0]))
    inputs = [*args.paths, *rules.paths, *([args.sheet] if args.sheet else [])]
    check_output(args.output, inputs, force=args.force)
    with batch_options(args) as batch:
        report = check_names(
            args.paths,
            rules=rules,
            sheet=args.sheet,
            sheet_name=args.sheet_name,
            columns=columns or None,
            select=selection.select,
            ignore=selection.ignore,
            **batch,
        )
    return emit_report(report, args, inputs)
