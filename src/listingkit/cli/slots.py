"""``listingkit slots SHEET``: when to list each product of the week, and why there."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listingkit.cli.common import add_common_options, check_output, emit_report, selection_of
from listingkit.errors import UsageError
from listingkit.findings import Finding, Report
from listingkit.output import auto_format
from listingkit.printable import printable, show_path
from listingkit.ruleset import resolve_rules

if TYPE_CHECKING:
    from listingkit.slots.plan import SlotChoice, SlotPlan

__all__ = ["add_parser", "slot_rows"]

#: Plan files ``-o`` writes instead of the report, by suffix.
_PLAN_SUFFIXES = (".xlsx", ".csv")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "slots",
        help="排上架时间：按需求时段、竞品上架时间和淘宝 7 天周期为每个商品选一个时段，并写明原因",
    )
    parser.add_argument(
        "sheet",
        metavar="SHEET",
        help="商品表（.xlsx/.xls/.csv）：货号，可选 主推、优先级、上架时间",
    )
    parser.add_argument(
        "--start", required=True, metavar="DATE", help="计划的第一天，如 2026-12-07（北京时间）"
    )
    parser.add_argument(
        "--competitors", metavar="FILE", help="竞品的上架时间或下架时间表，每行一个竞品"
    )
    parser.add_argument(
        "--traffic",
        metavar="FILE",
        help="本店按小时的流量表（生意参谋导出），代替规则文件的需求曲线",
    )
    parser.add_argument(
        "--per-slot",
        type=int,
        default=1,
        metavar="K",
        help="每个时段（一小时）最多几个商品，默认 1",
    )
    parser.add_argument(
        "--window-at",
        metavar="TIME",
        help="再列出这一时刻起 24 小时内下架的商品（橱窗推荐），如 “2026-12-10 20:00”（北京时间）",
    )
    parser.add_argument(
        "--ics", metavar="FILE", help="另写一份日历文件（.ics），每次上架一个事件，带提醒"
    )
    parser.add_argument(
        "--png",
        metavar="FILE",
        help="另画一张一周热力图（.png）：颜色是需求，红条是竞品，蓝框是排好的上架时段",
    )
    parser.add_argument("--sheet-name", metavar="NAME", help="商品表的工作表名，默认第一个")
    add_common_options(parser)
    parser.description = (
        "-o 计划.xlsx 或 -o 计划.csv 写出计划文件（此时不另写报告文件）；"
        "-o 的其他文件名写报告，格式按 --format"
    )
    parser.set_defaults(handler=_slots)


def _start_date(value: str) -> dt.date:
    from listingkit.slots.profile import YEARS

    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"--start 不是日期：{printable(value)}；写成 2026-12-07 这样的 年-月-日"
        ) from None
    if day.year not in YEARS:
        raise UsageError(
            f"--start {printable(value)} 的年份不在 {YEARS[0]}–{YEARS[-1]} 之间；"
            "写成要排期那一周的第一天，如 2026-12-07"
        )
    return day


def _window_time(value: str) -> dt.datetime:
    from listingkit.slots.profile import SHANGHAI, YEARS

    try:
        moment = dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise UsageError(
            f"--window-at 不是时间：{printable(value)}；写成 “2026-12-10 20:00” 这样的日期加时间"
        ) from None
    if moment.year not in YEARS:
        raise UsageError(
            f"--window-at {printable(value)} 的年份不在 {YEARS[0]}–{YEARS[-1]} 之间；"
            "写成 “2026-12-10 20:00” 这样的日期加时间"
        )
    return moment.replace(tzinfo=SHANGHAI)


def _display(path: str) -> str:
    return Path(path).as_posix()


def _when(moment: dt.datetime | None) -> str:
    from listingkit.slots.profile import WEEKDAY_NAMES

    if moment is None:
        return ""
    return f"{WEEKDAY_NAMES[moment.weekday()]} {moment:%Y-%m-%d %H:%M}"


def _short_reason(choice: SlotChoice) -> str:
    # The first clause repeats the time, demand and crowding shown beside it.
    moved = choice.reason.rstrip("。").split("；")[1:]
    head = f"排第 {choice.rank}，竞品 {choice.crowding} 个"
    return "；".join([head, *moved])


def slot_rows(plan: SlotPlan) -> list[dict[str, Any]]:
    """One JSON-shaped object per planned product, in listing-time order (docs/cli.md)."""
    return [
        {
            "货号": choice.item,
            "list_at": choice.list_at.isoformat(),
            "delist_at": choice.delist_at.isoformat() if choice.delist_at else None,
            "reason": choice.reason,
            "demand": choice.demand,
            "crowding": choice.crowding,
            "rank": choice.rank,
            "featured": choice.featured,
        }
        for choice in plan.choices
    ]


def _plan_lines(plan: SlotPlan, window: dt.datetime | None) -> list[str]:
    from listingkit.slots.plan import near_delist

    lines = [
        f"{printable(c.item)}  {_when(c.list_at)} 上架  "
        f"{_when(c.delist_at) + ' 下架' if c.delist_at else '（平台无上下架周期）'}  "
        f"{_short_reason(c)}"
        for c in plan.choices
    ]
    if not plan.choices:
        lines.append("（没有排上的商品，原因见下方的问题）")
    if window is not None:
        lines.append("")
        near = near_delist(plan, window)
        lines.append(f"橱窗推荐：{_when(window)} 起 24 小时内下架的商品 {len(near)} 个")
        lines += [f"  {printable(c.item)}  {_when(c.delist_at)} 下架" for c in near]
    return [*lines, ""]


def _slots(args: argparse.Namespace) -> int:
    from listingkit.slots.checks import slot_findings
    from listingkit.slots.plan import plan_slots
    from listingkit.slots.profile import read_competitors, read_slot_products, read_traffic

    start = _start_date(args.start)
    window = _window_time(args.window_at) if args.window_at else None
    if args.per_slot < 1:
        raise UsageError("--per-slot 至少为 1")
    selection = selection_of(args)
    rules = resolve_rules(args.platform, args.rules, start=Path(args.sheet).parent)
    sheets = [args.sheet, *(f for f in (args.competitors, args.traffic) if f)]
    inputs: list[str | os.PathLike[str]] = [*sheets, *rules.paths]
    _check_targets(args, inputs)

    def findings_of(problems: Sequence[Any], path: str) -> list[Finding]:
        return slot_findings(
            problems,
            rules,
            display=_display(path),
            select=selection.select,
            ignore=selection.ignore,
        )

    products, problems = read_slot_products(args.sheet, sheet=args.sheet_name)
    findings = findings_of(problems, args.sheet)
    crowding = demand = None
    if args.competitors:
        crowding, problems = read_competitors(args.competitors)
        findings += findings_of(problems, args.competitors)
    if args.traffic:
        demand, problems = read_traffic(args.traffic)
        findings += findings_of(problems, args.traffic)
    plan = plan_slots(
        products, rules, start=start, demand=demand, crowding=crowding, per_slot=args.per_slot
    )
    findings += slot_findings(
        plan,
        rules,
        display=_display(args.sheet),
        select=selection.select,
        ignore=selection.ignore,
    )
    report = Report(rules.platform, findings, [_display(s) for s in sheets])
    _write_files(args, plan, inputs, title=rules.display_name)
    fmt = auto_format(os.environ) if args.format == "auto" else args.format
    if fmt == "json":
        return emit_report(report, args, inputs, rows=slot_rows(plan))
    if fmt == "text":
        sys.stdout.write("\n".join(_plan_lines(plan, window)) + "\n")
    return emit_report(report, args, inputs)


def _check_targets(args: argparse.Namespace, inputs: Sequence[Any]) -> None:
    """Refuse every output before any work: a plan file is recognised as ours by its kind."""
    from listingkit.slots.export import check_plan_target
    from listingkit.slots.heatmap import check_png_target

    named = [
        (o, f) for o, f in (("-o", args.output), ("--ics", args.ics), ("--png", args.png)) if f
    ]
    for index, (option, path) in enumerate(named):
        for other, earlier in named[:index]:
            if Path(path).resolve() == Path(earlier).resolve():
                raise UsageError(
                    f"{other} 和 {option} 是同一个文件 {show_path(path)}；请给不同的文件名"
                )
    if args.output and Path(args.output).suffix.lower() in _PLAN_SUFFIXES:
        check_plan_target(args.output, inputs=inputs, overwrite=args.force)
    else:
        check_output(args.output, inputs, force=args.force)
    if args.ics:
        check_plan_target(
            args.ics, inputs=inputs, overwrite=args.force, option="--ics", calendar=True
        )
    if args.png:
        check_png_target(args.png, inputs=inputs, overwrite=args.force)


def _write_files(
    args: argparse.Namespace, plan: SlotPlan, inputs: Sequence[Any], *, title: str
) -> None:
    """The plan files: ``-o`` with a plan suffix (then no report file), ``--ics`` and ``--png``."""
    if args.output and Path(args.output).suffix.lower() in _PLAN_SUFFIXES:
        from listingkit.slots import export

        write = (
            export.write_plan_xlsx
            if Path(args.output).suffix.lower() == ".xlsx"
            else export.write_plan_csv
        )
        write(plan, args.output, inputs=inputs, overwrite=args.force)
        print(f"已写入 {show_path(args.output)}（{len(plan.choices)} 个商品）", file=sys.stderr)
        args.output = None
    if args.ics:
        from listingkit.slots import export

        export.write_plan_ics(plan, args.ics, inputs=inputs, overwrite=args.force)
        events = len(plan.choices) * (2 if plan.cycle_days else 1)
        print(f"已写入 {show_path(args.ics)}（{events} 个事件：上架和下架）", file=sys.stderr)
    if args.png:
        from listingkit.slots.heatmap import write_plan_png

        write_plan_png(plan, args.png, title=title, inputs=inputs, overwrite=args.force)
        print(f"已写入 {show_path(args.png)}（一周热力图）", file=sys.stderr)
