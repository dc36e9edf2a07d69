"""The ``listingkit`` command: parse, call one API function, render, exit.

``main(argv) -> int`` returns the exit status (see :mod:`listingkit.status`),
so tests call it directly. A user error is one line on stderr and status 2;
a traceback appears only with ``--debug``.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from listingkit import __version__
from listingkit.cli import check, explain, images, lint_titles, rules, titles
from listingkit.errors import ListingkitError, RuleFileError
from listingkit.status import EXIT_ERROR

__all__ = ["build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors returned as status 2 instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _ArgumentError(f"{self.prog}: 参数错误：{message}；用 --help 查看用法")


class _ArgumentError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="listingkit",
        description="电商上架素材检查：标题、图片、SKU 图命名与上架时间，按平台规则文件检查。",
    )
    parser.add_argument("--version", action="version", version=f"listingkit {__version__}")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的调用栈")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (check, images, titles, lint_titles, rules, explain):
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except _ArgumentError as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    try:
        status: int = args.handler(args)
    except RuleFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_ERROR
    except ListingkitError as exc:
        print(f"listingkit: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("listingkit: 已中断", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        else:
            print(
                f"listingkit: 内部错误 {type(exc).__name__}: {exc}；"
                "请加 --debug 重新运行并把输出报告给维护者",
                file=sys.stderr,
            )
        return EXIT_ERROR
    return status
