"""``listingkit rename DIR`` (a plan; ``--apply``, ``--resume``) and ``listingkit undo JOURNAL``.

Without ``--apply`` the plan is shown and nothing changes (exit 0; 1 when it
has conflicts). Output formats: text is a table old → new; json is the report
document (``schema_version``, ``platform``, ``findings`` …) plus ``rows`` (one
object per step), ``conflicts`` and ``journal``; sarif, junit and github carry
each step as an info finding and each conflict as an error finding, code
``RENAME`` (a plan is not a check, so the code is not in the check table).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from listingkit.cli.common import check_output, output_stream, parse_column_map
from listingkit.errors import InputError, UsageError
from listingkit.output import FORMATS, auto_format, render
from listingkit.printable import show_path
from listingkit.status import EXIT_FINDINGS, EXIT_OK

__all__ = ["add_parser"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "rename",
        help="按命名规则批量改名照片：先显示计划，--apply 才改名，可撤销",
        description="按 [naming] 命名规则批量改名照片。默认只显示改名计划，不动任何文件；"
        "加 --apply 才改名，并在文件夹里写一份日志，可用 listingkit undo 日志 撤销。",
    )
    parser.add_argument("dir", metavar="DIR", help="照片所在的文件夹")
    parser.add_argument(
        "--by",
        choices=("folder", "sheet", "exif"),
        help="货号从哪里来：folder 每个子文件夹一个货号（默认）；sheet 对照表；"
        "exif 按拍摄时间排序（一个货号的文件夹，配合 --item）",
    )
    parser.add_argument(
        "--sheet", metavar="FILE", help="对照表（原文件名、货号、颜色）；给出时默认 --by sheet"
    )
    parser.add_argument("--sheet-name", metavar="NAME", help="对照表里的工作表名（默认第一个）")
    parser.add_argument(
        "--columns",
        metavar="MAP",
        help="对照表的列名，如 “原文件名=图片,货号=款号,颜色=颜色分类”（表头与默认名称不同时用）",
    )
    parser.add_argument(
        "--item", metavar="货号", help="--by exif 时这个文件夹的货号；给出时默认 --by exif"
    )
    parser.add_argument(
        "--role", default="main", help="照片的角色，即 [naming.roles] 里的一项（默认 main）"
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--apply", action="store_true", help="按计划改名（有冲突时一个都不改）")
    action.add_argument(
        "--resume", action="store_true", help="完成文件夹里被打断的那次改名（按日志继续）"
    )
    _add_output_options(parser)
    parser.set_defaults(handler=_rename)

    undo = commands.add_parser(
        "undo",
        help="按改名日志撤销一次改名，恢复全部原文件名",
        description="按 listingkit rename --apply 写下的日志恢复全部原文件名；"
        "被打断的改名或被打断的撤销也可以撤销。",
    )
    undo.add_argument(
        "journal",
        metavar="JOURNAL",
        help="改名日志（.listingkit-rename-….jsonl）；给文件夹时撤销其中最近一次没撤销的改名",
    )
    undo.set_defaults(handler=_undo)


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("通用选项")
    group.add_argument(
        "--platform", metavar="NAME", help="平台（命名规则取自它或店铺的 listingkit.toml）"
    )
    group.add_argument(
        "--rules", metavar="FILE", help="规则文件（默认从文件夹向上找 listingkit.toml）"
    )
    group.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="输出格式；auto 在 GitHub Actions 中为 github，否则为 text",
    )
    group.add_argument("-o", "--output", metavar="FILE", help="把计划写入文件而不是标准输出")
    group.add_argument(
        "--force", action="store_true", help="允许替换已存在、但不是 listingkit 写的输出文件"
    )


def _columns(text: str | None) -> dict[str, str] | None:
    """``原文件名=图片,货号=款号`` → ``{"file": "图片", "item": "款号"}``."""
    labels = {"file": "原文件名", "item": "货号", "colour": "颜色"}
    aliases = {"文件名": "file", "color": "colour"}
    return parse_column_map(text, labels, aliases=aliases) or None


def _rename(args: argparse.Namespace) -> int:
    from listingkit.naming.journal import Journal, unfinished_journals
    from listingkit.naming.plan import plan_renames, refuse_unfinished
    from listingkit.ruleset import resolve_rules

    folder = Path(args.dir)
    if not folder.is_dir():
        raise InputError(f"{show_path(folder)} 不是文件夹；请给出放照片的文件夹")
    if args.resume:
        unfinished = unfinished_journals(folder)
        if not unfinished:
            raise InputError(f"{show_path(folder)} 里没有未完成的改名，不需要 --resume")
        if len(unfinished) > 1:
            names = "、".join(show_path(path.name) for path, _ in unfinished)
            raise UsageError(
                f"{show_path(folder)} 里有 {len(unfinished)} 份未完成的改名日志（{names}）；"
                "请用 listingkit undo 日志 逐份撤销"
            )
        cut_off = Journal.open(unfinished[0][0])
        cut_off.resume()
        shown = show_path(folder / cut_off.path.name)
        _say_out(f"已完成被打断的改名：{len(cut_off.steps)} 个文件。撤销：listingkit undo {shown}")
        return EXIT_OK
    if args.apply:
        refuse_unfinished(folder)  # before planning: a half-renamed folder gives a wrong plan
    elif unfinished_journals(folder):
        _say_err(
            f"注意：{show_path(folder)} 里有未完成的改名，下面的计划按现在的文件名算出；"
            "请先 --resume 或 listingkit undo 日志"
        )
    rules = resolve_rules(args.platform, args.rules, start=folder)
    by = args.by or ("sheet" if args.sheet else "exif" if args.item else "folder")
    inputs = [str(folder), *rules.paths, *([args.sheet] if args.sheet else [])]
    check_output(args.output, inputs, force=args.force)
    plan = plan_renames(
        folder,
        rules=rules,
        by=by,
        sheet=args.sheet,
        sheet_name=args.sheet_name,
        columns=_columns(args.columns),
        role=args.role,
        item=args.item,
    )
    journal: Journal | None = None
    if args.apply and not plan.conflicts and plan.steps:
        journal = plan.apply()
    fmt = auto_format(os.environ) if args.format == "auto" else args.format
    with output_stream(args.output, inputs, force=args.force) as stream:
        if fmt == "text":
            stream.write(plan.to_text())
            if journal is not None:
                stream.write(_applied(folder / journal.path.name, len(plan.steps)) + "\n")
        elif fmt == "json":
            from listingkit.output.json import document
            from listingkit.output.options import RenderOptions
            from listingkit.output.safe import json_text

            data = document(plan.report(rules.platform), RenderOptions(rows=plan.rows()))
            data["conflicts"] = [c.to_dict() for c in plan.conflicts]
            data["unchanged"] = plan.unchanged
            data["skipped"] = [{"path": p, "reason": r} for p, r in plan.skipped]
            data["applied"] = journal is not None
            data["journal"] = os.fspath(journal.path) if journal is not None else None
            stream.write(json_text(data) + "\n")
        else:
            render(plan.report(rules.platform), fmt, stream)
    if journal is not None and fmt != "text":
        _say_err(_applied(folder / journal.path.name, len(plan.steps)))
    if args.apply and plan.conflicts:
        _say_err("有冲突，没有改名任何文件；解决上面列出的冲突后再运行")
    return EXIT_FINDINGS if plan.conflicts else EXIT_OK


def _applied(journal: Path, count: int) -> str:
    shown = show_path(journal)
    return f"已改名 {count} 个文件。日志：{shown}；撤销：listingkit undo {shown}"


def _undo(args: argparse.Namespace) -> int:
    from listingkit.naming.journal import Journal

    target = Path(args.journal)
    journal = Journal.open(_latest_journal(target) if target.is_dir() else target)
    journal.undo()
    _say_out(f"已撤销：{show_path(journal.folder)} 里的文件都恢复了原名（日志已标记为已撤销）")
    return EXIT_OK


def _latest_journal(folder: Path) -> Path:
    """The newest journal in ``folder`` not undone yet (names sort by time)."""
    from listingkit.naming.journal import JOURNAL_GLOB, Journal

    for path in sorted(folder.glob(JOURNAL_GLOB), reverse=True):
        if Journal.open(path).status != "undone":
            return path
    raise InputError(f"{show_path(folder)} 里没有可以撤销的改名（没有改名日志，或都已撤销）")


def _say_out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _say_err(line: str) -> None:
    sys.stderr.write(line + "\n")
