"""``listingkit images PATH…``: image spec checks, for designers and for CI."""

from __future__ import annotations

import argparse
import glob
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
from listingkit.errors import InputError
from listingkit.ruleset import resolve_rules
from listingkit.ruleset.rules import IMAGE_ROLES

__all__ = ["add_parser", "expand"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("images", help="检查图片：格式、尺寸、比例、大小、颜色模式、张数")
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="图片文件、文件夹（递归）或通配符（如 '主图/*.jpg'）",
    )
    parser.add_argument(
        "--role",
        choices=IMAGE_ROLES,
        help="把所有图片都当作这种图检查；默认按文件夹名和文件名判断（见 docs/images.md）",
    )
    add_common_options(parser)
    add_batch_options(parser)
    add_cache_option(parser)
    parser.set_defaults(handler=_images)


def expand(patterns: list[str]) -> list[str]:
    """Paths as given, with shell-style globs expanded (for shells that do not)."""
    paths: list[str] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            found = sorted(glob.glob(pattern, recursive=True))
            if not found:
                raise InputError(f"没有文件匹配 {pattern}")
            paths += found
        else:
            paths.append(pattern)
    return paths


def _images(args: argparse.Namespace) -> int:
    from listingkit.image.run import check_images

    selection = selection_of(args)
    paths = expand(args.paths)
    rules = resolve_rules(
        args.platform, args.rules, start=Path(paths[0]), cached=cache_wanted(args)
    )
    check_output(args.output, [*paths, *rules.paths], force=args.force)
    with batch_options(args) as batch:
        report = check_images(
            paths,
            rules,
            role=args.role,
            select=selection.select,
            ignore=selection.ignore,
            cache=cache_wanted(args),
            **batch,
        )
    return emit_report(report, args)
