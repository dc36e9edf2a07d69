"""When to list each product: the week's slots, scored, and one slot per product.

A *slot* is one clock hour of the week that starts on ``start`` (7 days × 24
hours, Asia/Shanghai). A product listed in a slot goes live ``lead_minutes``
before the hour it is meant to reach (``[schedule] lead_minutes``, a
listingkit setting with a default of 60, no public source): the slot whose
clock hour is ``H`` lists at ``H:MM`` where ``H:MM + lead`` is the start of an
hour ``hh``, and that hour's demand is the slot's demand. With the default
lead, the slot 20:00 lists at 20:00 and reaches 21:00. Every list time falls
inside the week ``[start 00:00, start + 7 days)``: a slot that would reach
Monday 00:00 lists at the end of the week and reaches the next Monday 00:00,
which has the same weekday-and-hour demand.

Score of a slot::

    score = demand_share / (1 + crowding_weight × crowding_share)

``demand_share`` is the demand of the hour reached divided by the largest
demand of the week (0..1; the level profile's ordinal scores and a store's
visitor counts alike). ``crowding_share`` is how many competitor items list in
the slot's own clock hour (their listing times are compared with ours) divided
by the count of the week's busiest slot (0..1; 0 without competitor data).
Crowding is relative because a competitor export's size says nothing about
one slot: with raw counts, 100,000 rows would make every evening slot worth
less than a night one. ``crowding_weight`` is ``[schedule] crowding_weight``, a
listingkit setting (default 0.5, no public source): the busiest slot is then
worth 2/3 of a free slot of the same demand, so crowding moves a product to a
free hour of similar demand but not into a much quieter one.

Products take slots in this order: fixed times first (as given, counted in
their slot), then 主推 products, then higher priority, then sheet row order.
Each takes the best-scoring slot that has room (``per_slot``), unless its day
already holds ``ceil(N / 7)`` products while another day has room (the week is
spread evenly). Ties go to the earlier slot of the week. The same input always
gives the same plan, whatever the machine's time zone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from listingkit.errors import ArgumentError, UsageError
from listingkit.ruleset import Rules
from listingkit.slots.profile import (
    HOURS,
    SHANGHAI,
    WEEK,
    WEEKDAY_NAMES,
    YEARS,
    Crowding,
    Demand,
    ProductRow,
    demand_from_rules,
    profile_levels,
)

__all__ = [
    "FixedProblem",
    "SlotChoice",
    "SlotPlan",
    "near_delist",
    "plan_slots",
]


@dataclass(frozen=True)
class SlotChoice:
    """Where one product goes: when to list it, and why there."""

    item: str
    row: int
    list_at: datetime  # aware, Asia/Shanghai
    delist_at: datetime | None  # list_at + cycle_days, None without a cycle
    weekday: int  # of list_at, Monday = 0
    hour: int  # of list_at, 0..23 (the slot)
    demand: float  # of the hour reached (list_at + lead), as the profile gives it
    crowding: int  # competitor listings in the slot
    score: float
    rank: int  # the slot's place in the week by score; 1 = the best slot
    featured: bool
    reason: str  # Chinese, one sentence


@dataclass(frozen=True)
class FixedProblem:
    """A product's fixed time that the plan keeps, though it breaks a constraint."""

    product: ProductRow
    list_at: datetime  # the fixed time, Asia/Shanghai
    reach: datetime  # the hour the listing reaches (list_at + lead)
    #: For a clash: the products whose fixed times already fill the slot.
    others: tuple[ProductRow, ...] = ()


@dataclass
class SlotPlan:
    """The plan of one week: a choice per planned product, and what could not be done.

    ``choices`` are in listing-time order; a product left without a slot has no
    choice and is in ``unplaced``. ``dead_fixed`` holds the fixed times in the
    week's lowest-demand hours, ``clashing_fixed`` those in a slot that fixed
    times already fill (both are kept in the plan). :mod:`listingkit.slots.checks`
    reports them.
    """

    choices: list[SlotChoice]
    demand: Demand
    crowding: Crowding | None
    per_slot: int
    lead_minutes: int
    cycle_days: int | None
    start: date
    crowding_weight: float  # [schedule] crowding_weight, as the scores used it
    #: The level word of each hour 0..23 when the demand is the rule file's profile.
    level_words: tuple[str, ...] | None = None
    unplaced: list[ProductRow] = field(default_factory=list)
    dead_fixed: list[FixedProblem] = field(default_factory=list)
    clashing_fixed: list[FixedProblem] = field(default_factory=list)
    #: Fixed times on a date outside the planned week (kept: they take the slot
    #: of the same weekday and hour in this week).
    outside_fixed: list[FixedProblem] = field(default_factory=list)

    @property
    def products(self) -> int:
        """How many products were given to plan."""
        return len(self.choices) + len(self.unplaced)


@dataclass(frozen=True)
class _Slot:
    key: int  # day × 24 + hour, chronological within the week
    day: int  # 0..6 from start
    hour: int
    list_at: datetime
    reach: datetime
    demand: float
    crowding: int
    score: float


def _shanghai(moment: datetime) -> datetime:
    """``moment`` in Asia/Shanghai; a naive one is read as Shanghai wall-clock time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def _slot_name(moment: datetime) -> str:
    return f"{WEEKDAY_NAMES[moment.weekday()]} {moment:%H:%M}"


class _Week:
    """The week's 168 slots, scored and ordered best first."""

    def __init__(
        self,
        start: date,
        demand: Demand,
        crowding: Crowding | None,
        lead: int,
        crowding_weight: float,
        words: tuple[str, ...] | None = None,
    ) -> None:
        self.start = start
        self.crowding_weight = crowding_weight
        # The busiest slot's count: crowding counts as a share of it (see the module text).
        self.busiest = max(max(row) for row in crowding.grid) if crowding else 0
        self.demand = demand
        self.words = words  # the level word of each hour, for the rule file's profile
        self.crowding = crowding
        self.lead = timedelta(minutes=lead)
        self.begin = datetime.combine(start, time(0), tzinfo=SHANGHAI)
        values = [demand.at(d, h) for d in range(WEEK) for h in range(HOURS)]
        self.top = max(values)
        self.bottom = min(values)
        # Minutes past the hour at which every slot lists, so that it reaches a whole hour.
        offset = timedelta(minutes=-lead % 60)
        self.slots: list[_Slot] = []
        for day in range(WEEK):
            for hour in range(HOURS):
                list_at = self.begin + timedelta(days=day, hours=hour) + offset
                self.slots.append(self._slot(day * HOURS + hour, day, hour, list_at))
        self.order = sorted(self.slots, key=lambda s: (-s.score, s.key))
        self.rank = {s.key: place for place, s in enumerate(self.order, 1)}

    def _slot(self, key: int, day: int, hour: int, list_at: datetime) -> _Slot:
        # Shanghai keeps no daylight saving: wall-clock sums are exact here.
        reach = list_at + self.lead
        demand = self.demand.at(reach.weekday(), reach.hour)
        crowd = self.crowding.at(list_at.weekday(), list_at.hour) if self.crowding else 0
        return _Slot(key, day, hour, list_at, reach, demand, crowd, self.score(demand, crowd))

    def score(self, demand: float, crowd: int) -> float:
        share = demand / self.top if self.top > 0 else 0.0
        crowded = crowd / self.busiest if self.busiest > 0 else 0.0
        return share / (1 + self.crowding_weight * crowded)

    def fixed(self, moment: datetime) -> _Slot:
        """The slot a fixed time falls in, carrying the fixed time's own demand and score."""
        day = (moment.date() - self.start).days % WEEK
        key = day * HOURS + moment.hour
        return self._slot(key, day, moment.hour, moment)

    def dead(self, demand: float) -> bool:
        """Whether ``demand`` is the lowest level of the week (and the week is not flat)."""
        return self.top > self.bottom and math.isclose(demand, self.bottom)

    def _busiest_words(self) -> str:
        return f"（最挤的时段 {self.busiest} 个）" if self.busiest > 0 else ""

    def describe(self, slot: _Slot) -> str:
        """Demand and crowding of a slot, in words, for a reason."""
        if self.demand.measured:
            level = f"本店流量 {slot.demand:.1f}（全周最高 {self.top:.1f}）"
        elif self.words is not None:
            word = self.words[slot.reach.hour]
            level = f"需求为「{word}」（等级分 {slot.demand:g}，最高 {self.top:g}）"
        else:
            level = f"需求等级分 {slot.demand:g}（全周最高 {self.top:g}）"
        return (
            f"{_slot_name(slot.list_at)} 上架，{slot.reach:%H} 点{level}，"
            f"同一小时竞品上架 {slot.crowding} 个{self._busiest_words()}，"
            f"得分 {slot.score:.2f} 在全周 {len(self.slots)} 个时段中排第 {self.rank[slot.key]}"
        )


def plan_slots(
    products: Sequence[ProductRow],
    rules: Rules,
    *,
    start: date,
    demand: Demand | None = None,
    crowding: Crowding | None = None,
    per_slot: int = 1,
) -> SlotPlan:
    """Choose a listing time for each product in the week starting on ``start``.

    ``demand`` replaces the rule file's profile (a store's own traffic);
    without either, the platform gives no basis for a plan and
    :class:`UsageError` says so. ``per_slot`` caps the products per slot.
    What cannot be done is recorded on the plan: ``unplaced`` products left
    without a slot, ``dead_fixed`` fixed times in the week's lowest-demand
    hours, ``clashing_fixed`` fixed times in a slot that fixed times already
    fill (:func:`listingkit.slots.checks.slot_findings` reports them).
    """
    if isinstance(per_slot, bool) or not isinstance(per_slot, int) or per_slot < 1:
        raise ArgumentError(
            f"per_slot 必须是不小于 1 的整数（每个时段最多几个商品），收到 {per_slot!r}"
        )
    if isinstance(start, datetime):
        start = _shanghai(start).date()
    elif not isinstance(start, date):
        raise ArgumentError(f"start 必须是日期（datetime.date），收到 {type(start).__name__}")
    if start.year not in YEARS:
        raise ArgumentError(f"start 的年份必须在 {YEARS[0]}–{YEARS[-1]} 之间，收到 {start}")
    for product in products:
        if product.fixed is not None and _shanghai(product.fixed).year not in YEARS:
            raise ArgumentError(
                f"货号 {product.item} 的指定上架时间 {product.fixed} 年份不在 "
                f"{YEARS[0]}–{YEARS[-1]} 之间"
            )
    ruled = demand_from_rules(rules)
    profile = demand if demand is not None else ruled
    if profile is None:
        raise UsageError(
            f"{rules.display_name}的规则文件没有分时段的需求数据，无法排上架时间；"
            "请用 --traffic 给出本店按小时导出的访客数（如淘宝、天猫生意参谋的流量表）"
        )
    schedule = rules.model.schedule
    lead = schedule.lead_minutes
    cycle = schedule.cycle_days
    # Level words only when the demand is the rule file's own profile.
    words = profile_levels(rules) if profile == ruled else None
    week = _Week(start, profile, crowding, lead, schedule.crowding_weight, words)
    planner = _Planner(week, per_slot, cycle, len(products))
    indexed = list(enumerate(products))
    for _, product in indexed:
        if product.fixed is not None:
            planner.place_fixed(product, _shanghai(product.fixed))
    free = [(i, p) for i, p in indexed if p.fixed is None]
    free.sort(key=lambda ip: (not ip[1].featured, -ip[1].priority, ip[1].row, ip[0]))
    for _, product in free:
        planner.place(product)
    choices = sorted(planner.choices, key=lambda c: (c.list_at, c.row, c.item))
    return SlotPlan(
        choices=choices,
        demand=profile,
        crowding=crowding,
        per_slot=per_slot,
        lead_minutes=lead,
        cycle_days=cycle,
        start=start,
        crowding_weight=schedule.crowding_weight,
        level_words=words,
        unplaced=planner.unplaced,
        dead_fixed=planner.dead_fixed,
        clashing_fixed=planner.clashing_fixed,
        outside_fixed=planner.outside_fixed,
    )


class _Planner:
    """Hands out the week's slots to products, one at a time."""

    def __init__(self, week: _Week, per_slot: int, cycle: int | None, total: int) -> None:
        self.week = week
        self.per_slot = per_slot
        self.cycle = timedelta(days=cycle) if cycle else None
        self.day_cap = max(1, math.ceil(total / WEEK))
        self.total = total
        self.used = [0] * (WEEK * HOURS)
        self.fixed_in: dict[int, list[ProductRow]] = {}
        self.per_day = [0] * WEEK
        self.choices: list[SlotChoice] = []
        self.unplaced: list[ProductRow] = []
        self.dead_fixed: list[FixedProblem] = []
        self.clashing_fixed: list[FixedProblem] = []
        self.outside_fixed: list[FixedProblem] = []
        # Both only move forward: a slot or a day, once full, stays full.
        self._best = 0  # first slot in score order with room
        self._spread = 0  # first slot in score order with room on a day with room

    def _choose(self, product: ProductRow, slot: _Slot, reason: str) -> None:
        self.used[slot.key] += 1
        self.per_day[slot.day] += 1
        self.choices.append(
            SlotChoice(
                item=product.item,
                row=product.row,
                list_at=slot.list_at,
                delist_at=slot.list_at + self.cycle if self.cycle else None,
                weekday=slot.list_at.weekday(),
                hour=slot.list_at.hour,
                demand=slot.demand,
                crowding=slot.crowding,
                score=slot.score,
                rank=self.week.rank[slot.key],
                featured=product.featured,
                reason=reason,
            )
        )

    def place_fixed(self, product: ProductRow, moment: datetime) -> None:
        slot = self.week.fixed(moment)
        if not 0 <= (moment.date() - self.week.start).days < WEEK:
            self.outside_fixed.append(FixedProblem(product, slot.list_at, slot.reach))
        if self.week.dead(slot.demand):
            self.dead_fixed.append(FixedProblem(product, slot.list_at, slot.reach))
        before = self.fixed_in.setdefault(slot.key, [])
        if len(before) >= self.per_slot:
            self.clashing_fixed.append(
                FixedProblem(product, slot.list_at, slot.reach, tuple(before))
            )
        before.append(product)
        reason = f"{self.week.describe(slot)}；按商品表指定的时间上架"
        if self.used[slot.key] >= self.per_slot:
            reason += (
                f"（这一小时已有 {self.used[slot.key]} 个，加上它超过每个时段 {self.per_slot} 个）"
            )
        self._choose(product, slot, reason + "。")

    def place(self, product: ProductRow) -> None:
        order = self.week.order
        while self._best < len(order) and self.used[order[self._best].key] >= self.per_slot:
            self._best += 1
        if self._best == len(order):
            self._unplanned(product)
            return
        self._spread = max(self._spread, self._best)
        while self._spread < len(order) and (
            self.used[order[self._spread].key] >= self.per_slot
            or self.per_day[order[self._spread].day] >= self.day_cap
        ):
            self._spread += 1
        best = order[self._best]
        # When every day with room is at its share, the spread cannot hold: take the best.
        slot = order[self._spread] if self._spread < len(order) else best
        reason = self.week.describe(slot)
        if product.featured:
            reason += "；主推商品先选时段"
        if self._best > 0:
            reason += f"；排名更前的时段已排满（每个时段最多 {self.per_slot} 个）"
        if slot is not best:
            reason += (
                f"；更好的 {_slot_name(best.list_at)}（排第 {self.week.rank[best.key]}）所在的"
                f"{WEEKDAY_NAMES[best.list_at.weekday()]}已排 {self.per_day[best.day]} 个，"
                f"为让 7 天均匀分布（每天最多 {self.day_cap} 个）移到这里"
            )
        elif self._best == 0:
            reason += "；是全周最好的时段"
        self._choose(product, slot, reason + "。")

    def _unplanned(self, product: ProductRow) -> None:
        self.unplaced.append(product)


def near_delist(
    plan: SlotPlan, at: datetime, within: timedelta = timedelta(hours=24)
) -> list[SlotChoice]:
    """The products whose delist time falls in ``[at, at + within)``, soonest first.

    These are the 橱窗推荐 candidates at ``at``. A product listed at ``list_at``
    delists every ``cycle_days`` after it (it is relisted at once), so each
    returned choice carries the cycle that ends in the window: its
    ``delist_at`` is that delist time and its ``list_at`` the listing that
    starts the cycle. ``at`` in another zone is converted to Asia/Shanghai;
    a naive ``at`` is read as Shanghai time. A plan without a cycle has no
    delist times and gives an empty list.
    """
    if not isinstance(at, datetime):
        raise ArgumentError(f"at 必须是时间（datetime），收到 {type(at).__name__}")
    if not isinstance(within, timedelta) or within < timedelta(0):
        raise ArgumentError(f"within 必须是不小于 0 的时长（timedelta），收到 {within!r}")
    if plan.cycle_days is None:
        return []
    moment = _shanghai(at)
    if moment.year not in YEARS or within > timedelta(days=366):
        raise ArgumentError(
            f"at 的年份必须在 {YEARS[0]}–{YEARS[-1]} 之间、within 不超过 366 天，"
            f"收到 {at} 和 {within}"
        )
    cycle = timedelta(days=plan.cycle_days)
    found: list[SlotChoice] = []
    for choice in plan.choices:
        # The first delist at or after the moment: cycle k >= 1 after the listing.
        behind = moment - choice.list_at
        k = max(1, -((-behind) // cycle))
        delist = choice.list_at + k * cycle
        if delist < moment + within:
            listed = delist - cycle
            found.append(
                replace(choice, list_at=listed, delist_at=delist, weekday=listed.weekday())
            )
    found.sort(key=lambda c: (c.delist_at, c.row, c.item))
    return found
