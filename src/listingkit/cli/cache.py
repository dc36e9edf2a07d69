"""``listingkit cache [clean]``: where image reads are kept between runs, and emptying it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from listingkit.printable import show_path
from listingkit.status import EXIT_ERROR, EXIT_OK

__all__ = ["add_parser", "size_text"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "cache",
        help="缓存：不带参数显示位置和大小；clean 清空"
        "（图片内容没变时，再次检查直接用上次读到的结果）",
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=("clean",),
        help="clean：删除缓存的全部结果和规则（下次检查会重新读取每张图和规则文件）",
    )
    parser.set_defaults(handler=_cache)


def size_text(size: int) -> str:
    """``1.5 MB``, ``12 KB``, ``300 字节``."""
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    if size >= 1 << 10:
        return f"{size / (1 << 10):.0f} KB"
    return f"{size} 字节"


def _cache(args: argparse.Namespace) -> int:
    from listingkit.cache import NO_CACHE_ENV, cache_enabled, clean, usage

    if args.action == "clean":
        removed = clean()
        where = show_path(removed.folder)
        if removed.files:
            sys.stdout.write(
                f"已删除 {where} 中的 {removed.files} 个缓存文件（{size_text(removed.bytes)}）\n"
            )
        else:
            sys.stdout.write(f"缓存是空的，没有要删除的文件（{where}）\n")
        for path in removed.failed:
            sys.stderr.write(f"listingkit: 无法删除 {show_path(path)}，请检查权限后重试\n")
        return EXIT_ERROR if removed.failed else EXIT_OK
    held = usage()
    sys.stdout.write(f"缓存位置：{show_path(held.folder)}\n")
    sys.stdout.write(f"缓存文件：{held.files} 个，共 {size_text(held.bytes)}\n")
    if not cache_enabled():
        sys.stdout.write(f"环境变量 {NO_CACHE_ENV} 已设置：检查时不读也不写缓存\n")
    return EXIT_OK
