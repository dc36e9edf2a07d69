"""SLOTxxx: what the slot sheets and the week's plan could not do as asked.

The readers in :mod:`listingkit.slots.profile` record each skipped row as a
:class:`~listingkit.slots.profile.SlotSheetProblem`; the planner records the
products it could not place and the fixed times it kept against a constraint on
the :class:`~listingkit.slots.plan.SlotPlan`. The checks here turn both into
findings, so a rule file's ``[checks]`` and ``--select``/``--ignore`` apply.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from listingkit.engine import active_checks, run_checks
from listingkit.findings import Finding, Hit, Location, Severity
from listingkit.printable import printable
from listingkit.registry import Selection, check
from listingkit.ruleset import Rules
from listingkit.slots.plan import FixedProblem, SlotPlan
from listingkit.slots.profile import HOURS, WEEK, WEEKDAY_NAMES, SlotSheetProblem

__all__ = [
    "PRODUCTS_PLACE",
    "SlotSheetSubject",
    "fixed_time_in_dead_hour",
    "fixed_time_outside_the_week",
    "fixed_times_clash",
    "more_products_than_slots",
    "slot_findings",
    "slot_sheet_row_skipped",
]

#: Where a plan's findings are when the caller names no products sheet.
PRODUCTS_PLACE = "<商品表>"


@dataclass(frozen=True, slots=True)
class SlotSheetSubject:
    """The rows one slot sheet (traffic, competitors or products) had to skip."""

    skipped_rows: Sequence[SlotSheetProblem] = ()


def slot_findings(
    source: SlotPlan | Sequence[SlotSheetProblem],
    rules: Rules,
    *,
    display: str | None = None,
    sheet: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[Finding]:
    """The SLOT findings of a plan, or of the problems a slot sheet reader returned.

    ``display`` is the path as reports show it (default: the path read; for a
    plan, which knows no file, :data:`PRODUCTS_PLACE`); ``sheet`` the worksheet
    a plan's products came from, for its findings' place.
    """
    selection = Selection(tuple(select), tuple(ignore))
    if isinstance(source, SlotPlan):
        specs = active_checks("slot_plan", rules, selection)
        return run_checks(specs, source, Location(display or PRODUCTS_PLACE, sheet), rules)
    specs = active_checks("slot_sheet", rules, selection)
    by_sheet: dict[tuple[str, str | None], list[SlotSheetProblem]] = {}
    for problem in source:
        by_sheet.setdefault((problem.path, problem.sheet), []).append(problem)
    findings: list[Finding] = []
    for (path, sheet), problems in by_sheet.items():
        place = Location(display or path, sheet)
        findings += run_checks(specs, SlotSheetSubject(problems), place, rules)
    return findings


@check("SLOT001", "slot-sheet-row-skipped", subject="slot_sheet", severity=Severity.WARNING)
def slot_sheet_row_skipped(subject: SlotSheetSubject, rules: Rules) -> Iterator[Hit]:
    """卡位用的表格有一行没有使用：时间、数字、货号或主推标记读不懂。

    ## 检查什么
    本店流量表（生意参谋按小时导出）、竞品上架时间表和要排期的商品表里，每一行需要的单元格
    能否读懂：小时、访客数、日期、上架/下架时间、星期、货号、主推（是/否）、优先级（整数）、
    指定的上架时间。读不懂的单元格所在的行不参与计算；重复的货号只保留第一行。

    ## 为什么
    被略过的流量行会让那个小时的需求偏低，被略过的竞品行会让那个时段看上去更空，被略过的
    商品不会排进计划：排出的上架时间就不是按整张表算的。

    ## 示例
    Okay: 竞品表 第 2 行 上架时间 2026-11-03 20:15
    SLOT001: 竞品表 第 3 行 上架时间 “下午八点”（不是能读懂的时间）
    """
    for problem in subject.skipped_rows:
        yield Hit(
            problem.message,
            hint=problem.hint,
            row=problem.row,
            column=problem.column,
            data={"value": problem.value},
        )


# The plan these checks report on is made from the [schedule] keys they declare:
# `rules show` then lists those values as read.
_PLAN_KEYS = (
    "schedule.profile",
    "schedule.levels",
    "schedule.lead_minutes",
    "schedule.cycle_days",
    "schedule.crowding_weight",
)


@check("SLOT010", "more-products-than-slots", subject="slot_plan", keys=_PLAN_KEYS)
def more_products_than_slots(subject: SlotPlan, rules: Rules) -> Iterator[Hit]:
    """商品比一周的位置多：有商品没有排上。

    ## 检查什么
    一周 7 天 × 24 小时共 168 个时段，每个时段最多排若干个商品（每个时段的上限）。商品数
    超过 168 × 上限时，按主推、优先级、表中顺序排在最后的商品没有上架时间。

    ## 为什么
    没有排上的商品不会出现在计划里，容易被当成已经排好；要么调大每个时段的上限，要么把它们
    排到下一周。

    ## 示例
    Okay: 每个时段最多 1 个，商品 168 个
    SLOT010: 每个时段最多 1 个，商品 170 个（第 170、171 行没有排上）
    """
    capacity = WEEK * HOURS * subject.per_slot
    for product in subject.unplaced:
        yield Hit(
            f"第 {product.row} 行 {printable(product.item)} 没有排上：一周 {WEEK * HOURS} 个"
            f"时段、每个时段最多 {subject.per_slot} 个，共 {capacity} 个位置，"
            f"商品有 {subject.products} 个",
            hint="调大每个时段的上限，或把这些商品排到下一周",
            row=product.row,
            data={"item": product.item, "row": product.row},
        )


@check(
    "SLOT011",
    "fixed-time-in-dead-hour",
    subject="slot_plan",
    severity=Severity.WARNING,
    keys=("schedule.profile", "schedule.levels", "schedule.lead_minutes"),
)
def fixed_time_in_dead_hour(subject: SlotPlan, rules: Rules) -> Iterator[Hit]:
    """指定的上架时间落在全周需求最低的时段。

    ## 检查什么
    商品表里指定了上架时间的商品，上架后到达的那个小时（上架时间加提前量）的需求是否是全周
    最低的一档（淘宝规则文件的时段形状里是 00–06 点的低谷；用本店流量表时是访客数最少的
    小时）。计划保留指定的时间，只提醒。

    ## 为什么
    计划把上架时间排在需求高的小时之前；指定在低谷时段上架与此相反，常常是笔误（把 20:00
    写成 02:00），或者有特别的原因，值得再确认一次。

    ## 示例
    Okay: 第 2 行 指定 2026-11-03 20:00 上架（21 点是“最高”）
    SLOT011: 第 2 行 指定 2026-11-03 03:00 上架（04 点是低谷）
    """
    for problem in subject.dead_fixed:
        yield Hit(
            f"{_fixed_where(problem)}上架后 {problem.reach:%H} 点是全周需求最低的时段",
            hint="如无特别原因，改到需求高的时段前上架，或去掉指定时间让 listingkit 安排",
            row=problem.product.row,
            data=_fixed_data(problem),
        )


@check("SLOT012", "fixed-times-clash", subject="slot_plan", severity=Severity.WARNING)
def fixed_times_clash(subject: SlotPlan, rules: Rules) -> Iterator[Hit]:
    """几个指定的上架时间挤在同一小时，超过每个时段的上限。

    ## 检查什么
    商品表里指定了上架时间的商品，落在同一个小时的个数是否超过每个时段的上限。第一个（或
    前几个，直到上限）不算，之后的每一个各报一次，并写出已经占了这个小时的行。计划保留
    指定的时间。

    ## 为什么
    每个时段的上限是为了把自家商品分散到不同的时段；几个指定时间挤在同一小时，这个上限就
    没有起作用，而计划不会改动指定的时间，只能提醒。

    ## 示例
    Okay: 每个时段最多 1 个，第 2 行和第 3 行指定 20:00 和 21:00
    SLOT012: 每个时段最多 1 个，第 2 行和第 3 行都指定 2026-11-03 20:00
    """
    for problem in subject.clashing_fixed:
        others = "、".join(f"第 {p.row} 行 {printable(p.item)}" for p in problem.others)
        yield Hit(
            f"{_fixed_where(problem)}与 {others} 在同一小时，超过每个时段最多 "
            f"{subject.per_slot} 个",
            hint="把其中一个改到别的时段，或调大每个时段的上限",
            row=problem.product.row,
            data={**_fixed_data(problem), "clashes_with": [p.item for p in problem.others]},
        )


@check("SLOT013", "fixed-time-outside-the-week", subject="slot_plan", severity=Severity.WARNING)
def fixed_time_outside_the_week(subject: SlotPlan, rules: Rules) -> Iterator[Hit]:
    """指定的上架时间不在排期的这一周里。

    ## 检查什么
    商品表里指定的上架时间，日期是否落在 ``--start`` 起的 7 天里。不在的也照用：计划按它的
    星期几和钟点，占住这一周里同一个时段，并在原因里写明指定的时间。

    ## 为什么
    排的是一周的计划；指定的日期在这一周之外，多半是表格里留着上一期的时间，或者 ``--start``
    给错了。它占着本周的一个时段，别的商品就排不进去。

    ## 示例
    Okay: 排 2026-11-02 起的一周，第 2 行指定 2026-11-03 20:00
    SLOT013: 排 2026-11-02 起的一周，第 2 行指定 2026-12-30 20:00
    """
    end = subject.start + timedelta(days=WEEK - 1)
    for problem in subject.outside_fixed:
        yield Hit(
            f"{_fixed_where(problem)}不在排期的这一周（{subject.start:%m-%d} 至 {end:%m-%d}）里，"
            f"按同一星期几、同一钟点占了本周的时段",
            hint="改成这一周里的时间，或删掉指定时间让 listingkit 安排；也可能是 --start 给错了",
            row=problem.product.row,
            data=_fixed_data(problem),
        )


def _fixed_where(problem: FixedProblem) -> str:
    moment, product = problem.list_at, problem.product
    day = WEEKDAY_NAMES[moment.weekday()]
    return f"第 {product.row} 行 {printable(product.item)} 指定的 {moment:%m-%d %H:%M}（{day}）"


def _fixed_data(problem: FixedProblem) -> dict[str, object]:
    return {
        "item": problem.product.item,
        "row": problem.product.row,
        "list_at": problem.list_at.isoformat(),
    }
