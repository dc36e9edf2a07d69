"""``listingkit check PATH…``: run every selected check family over files and folders."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from listingkit.cli.common import (
    add_batch_options,
    add_cache_option,
    add_common_options,
    batch_options,
    cache_wanted,
    check_output,
    emit_report,
    selection_of,
)
from listingkit.findings import Report
from listingkit.printable import printable
from listingkit.ruleset import resolve_rules
from listingkit.shop.api import check_shop

__all__ = ["add_parser"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("check", help="检查商品文件夹或文件，上传前运行")
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="文件或文件夹（递归）：每个文件、图片，以及名字含“标题”或 title 的 .txt 标题文件",
    )
    parser.add_argument(
        "--changed-only",
        metavar="REF",
        help="只检查相对 git 提交 REF（如 origin/main）有文件改动的商品；商品表改了则检查整店",
    )
    add_common_options(parser)
    add_batch_options(parser)
    add_cache_option(parser)
    parser.set_defaults(handler=_check)


def _titles_read(target: str | None, paths: list[str]) -> list[str]:
    """The output, when it is a title file this run reads (one under a checked path)."""
    if target is None:
        return []
    from listingkit.title.family import is_title_file

    if not is_title_file(Path(target).name) or not os.path.isfile(target):
        return []
    shown = Path(target).resolve()
    for given in paths:
        root = Path(given).resolve()
        if shown == root or root in shown.parents:
            return [target]
    return []


def _check(args: argparse.Namespace) -> int:
    selection = selection_of(args)
    rules = resolve_rules(args.platform, args.rules, start=args.paths[0], cached=cache_wanted(args))
    sheet = rules.model.naming.products
    inputs = [*args.paths, *rules.paths, *_titles_read(args.output, args.paths)]
    if sheet is not None:
        inputs.append(sheet)
    check_output(args.output, inputs, force=args.force)
    paths = list(args.paths)
    if args.changed_only is not None:
        from listingkit.shop.changed import changed_only

        paths = changed_only(paths, args.changed_only, sheet, rules.paths)
        if not paths:
            print(
                f"相对 {printable(args.changed_only)} 没有改动的商品，没有要检查的", file=sys.stderr
            )
            return emit_report(Report(rules.platform), args, inputs)
    with batch_options(args) as batch:
        checked = check_shop(
            paths,
            rules,
            select=selection.select,
            ignore=selection.ignore,
            cache=cache_wanted(args),
            **batch,
        )
    return emit_report(checked.report, args, inputs, shop=checked.overview)
