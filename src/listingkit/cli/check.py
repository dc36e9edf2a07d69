"""``listingkit check PATH…``: run the selected checks over files and folders."""

from __future__ import annotations

import argparse
from typing import Any

from listingkit.cli.common import (
    add_batch_options,
    add_common_options,
    batch_options,
    check_output,
    emit_report,
    selection_of,
)
from listingkit.engine import check_files
from listingkit.ruleset import resolve_rules

__all__ = ["add_parser"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("check", help="检查商品文件夹或文件，上传前运行")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹（递归）")
    add_common_options(parser)
    add_batch_options(parser)
    parser.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    selection = selection_of(args)
    rules = resolve_rules(args.platform, args.rules, start=args.paths[0])
    check_output(args.output, [*args.paths, *rules.paths], force=args.force)
    with batch_options(args) as batch:
        report = check_files(
            args.paths, rules, select=selection.select, ignore=selection.ignore, **batch
        )
    return emit_report(report, args)
