"""``listingkit explain CODE|--all``: the operator's documentation of a check."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from listingkit.errors import UsageError
from listingkit.registry import CheckSpec, all_checks, describe
from listingkit.status import EXIT_OK

__all__ = ["add_parser", "check_page", "checks_document"]

_HEADER = """# 检查项

本页由 `listingkit explain --all` 生成，请勿手改。每项检查有一个英文代码和一个名称，
`--select`、`--ignore` 与规则文件的 `[checks]` 都可以用它们。级别：引用 A 级数值的检查默认报
错误，引用 B、C 级数值时最多报警告；`[checks]` 可以改级别或写 `"off"` 关闭。
"""


def check_page(spec: CheckSpec) -> str:
    """One check as Markdown: title, summary, what it reads, then its doc sections."""
    summary, _, body = spec.doc.partition("\n")
    keys = "、".join(f"`{k}`" for k in spec.keys) or "无"
    lines = [
        f"## {spec.code} {spec.name}",
        "",
        summary,
        "",
        f"- 默认级别：{spec.severity.label}（{spec.severity}）",
        f"- 读取的规则键：{keys}",
        "",
        body.strip().replace("\n## ", "\n### ").replace("## ", "### ", 1),
    ]
    return "\n".join(lines).rstrip() + "\n"


def checks_document() -> str:
    """``docs/checks.md``: every registered check."""
    return _HEADER + "".join("\n" + check_page(spec) for spec in all_checks())


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("explain", help="说明一项检查：查什么、为什么、示例")
    parser.add_argument("code", nargs="?", help="检查代码或名称，如 FILE001 或 file-empty")
    parser.add_argument("--all", action="store_true", help="输出全部检查（即 docs/checks.md）")
    parser.set_defaults(handler=_explain)


def _explain(args: argparse.Namespace) -> int:
    if args.all:
        sys.stdout.write(checks_document())
    elif args.code:
        sys.stdout.write(check_page(describe(args.code)))
    else:
        raise UsageError("请给出检查代码（如 FILE001），或用 --all 列出全部")
    return EXIT_OK
