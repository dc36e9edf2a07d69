"""``python -m listingkit.dev``: the developer commands (see :mod:`listingkit.dev`).

Exit status: 0 done; 1 ``docs --check`` found stale pages; 2 could not run
(the message names the file and what to do).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from listingkit.dev import DOCS_COMMAND, source_root
from listingkit.errors import ListingkitError
from listingkit.printable import printable
from listingkit.status import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m listingkit.dev", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    new = commands.add_parser(
        "new-check", help="新检查：写入代码表的一行、一个检查函数的样板和一个用例文件"
    )
    new.add_argument("code", help="检查代码，如 TITLE099")
    new.add_argument("name", help="检查名称，小写英文用 - 连接，如 my-word")
    new.add_argument("--subject", help="检查读哪种对象（默认取本族最常用的一种，如 title）")
    new.add_argument("--root", help="仓库根目录（默认：本包所在的源码树）")
    docs = commands.add_parser(
        "docs", help="按检查的注册信息重新生成 docs/checks.md、docs/rules.md 和各页的检查表"
    )
    docs.add_argument("--root", help="仓库根目录（默认：本包所在的源码树）")
    docs.add_argument("--check", action="store_true", help="只检查是否过时，过时则以 1 退出")
    font = commands.add_parser(
        "font", help="从 Noto Sans CJK（fonts-noto-cjk 的 .ttc）生成包里画图用的中文字体子集"
    )
    font.add_argument("source", help="NotoSansCJK-Regular.ttc 的路径")
    font.add_argument("--root", help="仓库根目录（默认：本包所在的源码树）")
    commands.add_parser(
        "browser", help="找到（没有时用 apt-get 安装）HTML 报告测试用的 Chromium，打印它的路径"
    )
    return parser


def _new_check(args: argparse.Namespace) -> int:
    from listingkit.dev.new_check import plan_check, write_check

    plan = plan_check(source_root(args.root), args.code, args.name, args.subject)
    for line in write_check(plan):
        print(line)
    return EXIT_OK


def _font(args: argparse.Namespace) -> int:
    from pathlib import Path

    from listingkit.dev.font import FONT_FILE, make_font

    target = source_root(args.root) / "src" / "listingkit" / "fonts" / FONT_FILE
    print(f"已生成 {make_font(Path(args.source), target)}")
    return EXIT_OK


def _docs(args: argparse.Namespace) -> int:
    from listingkit.dev.docs import generated_docs, write_docs

    root = source_root(args.root)
    if args.check:
        stale = [doc.path.relative_to(root) for doc in generated_docs(root) if not doc.is_current()]
        for path in stale:
            print(f"{path} 已过时；运行 {DOCS_COMMAND}", file=sys.stderr)
        return EXIT_FINDINGS if stale else EXIT_OK
    for path in write_docs(root):
        print(f"已更新 {path.relative_to(root)}")
    return EXIT_OK


def _browser(args: argparse.Namespace) -> int:
    from listingkit.dev.browser import ensure_chromium

    print(f"Chromium：{ensure_chromium()}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        commands = {"new-check": _new_check, "docs": _docs, "font": _font, "browser": _browser}
        return commands[args.command](args)
    except ListingkitError as exc:
        print(f"python -m listingkit.dev: {printable(str(exc))}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
