"""Demand and crowding per weekday × hour, and the sheets they are read from.

* :func:`demand_from_rules`: the rule file's ``[schedule].profile`` (hour windows
  with a level word from the source) scored by ``[schedule].levels`` — ordinal
  scores by listingkit's convention, not measurements; the same for every weekday.
* :func:`read_traffic`: a store's 生意参谋 hourly export (小时/时段 and
  访客数/浏览量/流量, optional 日期), averaged per weekday × hour.
* :func:`read_competitors`: one row per competitor item, its 上架时间 or 下架时间
  (a date-time, or 星期 + 时间), counted per weekday × hour. A 下架时间 counts at
  its own weekday and hour: with a 7-day cycle it is the slot the item was listed in.
* :func:`read_slot_products`: the products to plan (货号, 主推, 优先级, 上架时间).

A cell that cannot be read is one :class:`SlotSheetProblem` naming file, row and
column, and its row is skipped (:mod:`listingkit.slots.checks` reports it); a sheet
without a required column is a :class:`SheetError`.
Times are wall-clock times in Asia/Shanghai, whatever the machine's zone.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from zoneinfo import ZoneInfo

from listingkit.errors import SheetError
from listingkit.printable import printable
from listingkit.ruleset import Rules
from listingkit.sheets import Sheet, SheetRow, find_columns, read_sheet
from listingkit.sheets.model import name_list

__all__ = [
    "COMPETITOR_COLUMNS",
    "HOURS",
    "PRODUCT_COLUMNS",
    "SHANGHAI",
    "TRAFFIC_COLUMNS",
    "WEEK",
    "WEEKDAY_NAMES",
    "YEARS",
    "Crowding",
    "Demand",
    "ProductRow",
    "SlotSheetProblem",
    "demand_from_rules",
    "profile_levels",
    "read_competitors",
    "read_slot_products",
    "read_traffic",
]

WEEK = 7
HOURS = 24
SHANGHAI = ZoneInfo("Asia/Shanghai")

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
#: Years a slot sheet or a plan may name. Others are typos or placeholder dates
#: (0001-01-01, 9999-12-31, an empty Excel date cell's 1899-12-30), and near
#: 9999 a week plus a listing cycle no longer fits in a date.
YEARS = range(2000, 2100)
_YEAR_HINT = f"年份在 {YEARS[0]}–{YEARS[-1]} 之间"

#: 生意参谋 hourly traffic export. Earlier aliases win.
TRAFFIC_COLUMNS: Mapping[str, Sequence[str]] = MappingProxyType(
    {
        "hour": ("小时", "时段"),
        "value": ("访客数", "浏览量", "流量"),
        "date": ("日期", "统计日期"),
    }
)
#: Competitors' listing times: one row per competitor item.
COMPETITOR_COLUMNS: Mapping[str, Sequence[str]] = MappingProxyType(
    {
        "listed": ("上架时间",),
        "delisted": ("下架时间",),
        "weekday": ("星期", "周几"),
        "time": ("时间", "时刻"),
    }
)
#: Products to place: 货号 required; 主推, 优先级 and a fixed 上架时间 optional.
PRODUCT_COLUMNS: Mapping[str, Sequence[str]] = MappingProxyType(
    {
        "item": ("货号", "款号", "商品编码", "商家编码"),
        "featured": ("主推", "是否主推"),
        "priority": ("优先级",),
        "fixed": ("上架时间", "指定上架时间"),
    }
)


# --- shapes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Demand:
    """Demand per slot: ``grid[weekday][hour]``, Monday = 0; larger = more demand."""

    grid: tuple[tuple[float, ...], ...]
    label: str  # where the numbers come from, in the words operators read
    measured: bool  # True for a store's own numbers, False for the ordinal level profile

    def at(self, weekday: int, hour: int) -> float:
        return self.grid[weekday][hour]


@dataclass(frozen=True)
class Crowding:
    """Competitor listings per slot: ``grid[weekday][hour]``, Monday = 0."""

    grid: tuple[tuple[int, ...], ...]
    rows: int  # rows read (counted), not counting skipped ones

    def at(self, weekday: int, hour: int) -> int:
        return self.grid[weekday][hour]


@dataclass(frozen=True)
class ProductRow:
    """One product to place, as its row of the product sheet gives it."""

    item: str
    row: int
    featured: bool = False
    priority: int = 0
    fixed: dt.datetime | None = None  # aware, Asia/Shanghai


@dataclass(frozen=True)
class SlotSheetProblem:
    """A cell of a slot sheet that could not be read: its row was skipped."""

    path: str
    sheet: str | None
    row: int
    column: str
    message: str  # Chinese, names the file, row and column
    hint: str
    value: str  # the cell as read ("" for a blank cell)


# --- the rule file's profile ----------------------------------------------------------------


def profile_levels(rules: Rules) -> tuple[str, ...] | None:
    """The level word of each hour 0..23 from ``[schedule].profile``, or None without one."""
    profile = rules.model.schedule.profile
    if profile is None:
        return None
    words: list[str] = []
    for window in profile:
        start, stop = (int(part[:2]) for part in window["hours"].split("-"))
        words += [window["level"]] * (stop - start)
    return tuple(words)


def demand_from_rules(rules: Rules) -> Demand | None:
    """The rule file's hourly profile as demand, the same every weekday; None without one."""
    words = profile_levels(rules)
    if words is None:
        return None
    levels = rules.model.schedule.levels
    day = tuple(float(levels[word]) for word in words)
    fact = rules.fact("schedule.profile")
    if fact.is_store_choice:
        origin = f"店铺规则文件 {printable(fact.origin.file)}" if fact.origin else "店铺规则文件"
        label = f"{origin} 的时段等级，等级分见 [schedule].levels"
    else:
        source = fact.source
        about = [f"出处 {fact.source_name}"]
        if source is not None and source.seen:
            about.append(source.seen)
        if fact.grade:
            about.append(f"{fact.grade} 级")
        label = (
            f"{rules.display_name}规则文件的时段形状（{'，'.join(about)}），"
            "按 listingkit 约定的等级分"
        )
    return Demand(grid=tuple(day for _ in range(WEEK)), label=label, measured=False)


# --- cell readers ---------------------------------------------------------------------------

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_WEEKDAY_TIME = re.compile(r"^(?:周|星期|礼拜)([一二三四五六日天七])\s*(.*)$")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?|\s*[点时](?:(\d{1,2})分?)?)$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_TIME = re.compile(r"^(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)(?:[T\s]+(.+))?$")
_HOUR_RANGE = re.compile(r"^(\d{1,2})(?::00)?\s*[-~～至]\s*(\d{1,2})(?::00)?$")
# The shape nearly every exported time has (an Excel date-time cell reads as
# 2026-11-03T20:15:00): ASCII only, so cleaning it would change nothing. It only
# answers a time it can build; anything else goes to the general reading.
_ISO_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?", re.ASCII
)


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def parse_clock(text: str) -> dt.time | None:
    """``20:15``, ``20:15:00``, ``20点``, ``20时15分`` → a time; None when unreadable."""
    match = _CLOCK.match(_clean(text))
    if match is None:
        return None
    hour = int(match[1])
    minute = int(match[2] or match[4] or 0)
    second = int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


def parse_date(text: str) -> dt.date | None:
    """``2026-11-03``, ``2026/11/3``, ``2026年11月3日`` (or an Excel date cell) → a date."""
    text = _clean(text)
    if text.endswith("T00:00:00"):  # an Excel date cell read as a date-time
        text = text[: -len("T00:00:00")]
    match = _DATE.match(text)
    if match is None or int(match[1]) not in YEARS:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_date_time(text: str) -> dt.datetime | None:
    """``2026-11-03 20:15``, ``2026/11/3 20:15:00``, ``2026-11-03T20:15:00`` → naive wall time."""
    quick = _ISO_DATE_TIME.fullmatch(text)
    if quick is not None and int(quick[1]) in YEARS:
        y, mo, d, h, mi, s = map(int, quick.groups("0"))
        try:
            return dt.datetime(y, mo, d, h, mi, s)
        except ValueError:
            pass  # no such day, or 24:00: the general reading below decides
    match = _DATE_TIME.match(_clean(text))
    if match is None or match[2] is None:
        return None
    day, clock = parse_date(match[1]), parse_clock(match[2])
    if day is None or clock is None:
        return None
    return dt.datetime.combine(day, clock)


def parse_slot(text: str) -> tuple[int, int] | None:
    """A cell's weekday and hour: a date-time, or ``周二 20:00`` / ``星期二 20:15``."""
    moment = parse_date_time(text)
    if moment is not None:
        return moment.weekday(), moment.hour
    match = _WEEKDAY_TIME.match(_clean(text))
    if match is None:
        return None
    clock = parse_clock(match[2])
    return (_WEEKDAYS[match[1]], clock.hour) if clock is not None else None


def parse_weekday(text: str) -> int | None:
    """``周二``, ``星期二``, ``二`` or 1–7 (Monday = 1) → 0..6."""
    text = _clean(text)
    match = _WEEKDAY_TIME.match(text)
    if match is not None and not match[2]:
        return _WEEKDAYS[match[1]]
    if text in _WEEKDAYS:
        return _WEEKDAYS[text]
    if text.isdigit() and 1 <= int(text) <= WEEK:
        return int(text) - 1
    return None


def parse_hour(text: str) -> int | None:
    """The hour of a 生意参谋 row: ``8``, ``08:00``, ``08:00-09:00``, ``8点``, ``8时`` → 8."""
    text = _clean(text)
    if text.isdigit():
        return int(text) if int(text) < HOURS else None
    ranged = _HOUR_RANGE.match(text)
    if ranged is not None:
        start, stop = int(ranged[1]), int(ranged[2])
        return start if start < HOURS and stop == start + 1 else None
    clock = parse_clock(text)
    return clock.hour if clock is not None and clock.minute == 0 else None


def parse_number(text: str) -> float | None:
    """A count such as ``1,234`` or ``1234.0``; None for anything else or a negative."""
    text = _clean(text).replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None


_YES = {"是", "y", "yes", "1", "true", "√", "✓", "主推"}
_NO = {"否", "n", "no", "0", "false", ""}


def parse_flag(text: str) -> bool | None:
    """``是/否``, ``Y/N``, ``1/0``, ``TRUE/FALSE`` (an empty cell is 否); None otherwise."""
    text = _clean(text).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


# --- problems and columns -------------------------------------------------------------------


def _unreadable(table: Sheet, row: SheetRow, header: str, what: str, hint: str) -> SlotSheetProblem:
    text = row.get(header)
    shown = f"“{printable(text)}”" if text else "空白"
    return SlotSheetProblem(
        path=os.fspath(table.path),
        sheet=table.name,
        row=row.row,
        column=header,
        message=(
            f"{table.where} 第 {row.row} 行 {table.column_letter(header)} 列（{header}）："
            f"{shown}不是{what}，这一行没有使用"
        ),
        hint=hint,
        value=text,
    )


def _columns(
    path: str | os.PathLike[str] | Sheet,
    sheet: str | None,
    aliases: Mapping[str, Sequence[str]],
    header_names: Sequence[Sequence[str]],
) -> tuple[Sheet, dict[str, str]]:
    """The sheet at ``path`` (or ``path`` itself, already read) and its columns by field."""
    if isinstance(path, Sheet):
        return path, find_columns(path, aliases)
    table = read_sheet(path, sheet=sheet, header_names=header_names)
    return table, find_columns(table, aliases)


def _missing(table: Sheet, wanted: str, advice: str) -> SheetError:
    return SheetError(
        f"{table.where}：找不到{wanted}列（第 {table.header_row} 行是表头，"
        f"有：{name_list(table.headers)}）；{advice}"
    )


# --- traffic --------------------------------------------------------------------------------

_HOUR_HINT = "小时写成 0–23 的整数，或 08:00、08:00-09:00、8点"


def read_traffic(
    path: str | os.PathLike[str], *, sheet: str | None = None
) -> tuple[Demand, list[SlotSheetProblem]]:
    """A 生意参谋 hourly export as demand, averaged per weekday × hour.

    Several days are averaged per weekday and hour; a weekday (or a weekday's hour)
    without data takes the average of all days at that hour; an hour with no data
    on any day is 0. Without a 日期 column every row counts for every weekday.
    """
    table, columns = _columns(
        path, sheet, TRAFFIC_COLUMNS, [TRAFFIC_COLUMNS["hour"], TRAFFIC_COLUMNS["value"]]
    )
    missing = [
        label for field, label in (("hour", "小时"), ("value", "访客数")) if field not in columns
    ]
    if missing:
        raise _missing(
            table,
            "、".join(missing),
            "请用生意参谋导出的按小时流量表：一列小时（或时段），一列访客数（或浏览量、流量）",
        )
    hour_column, value_column = columns["hour"], columns["value"]
    date_column = columns.get("date")
    problems: list[SlotSheetProblem] = []
    sums = [[0.0] * HOURS for _ in range(WEEK)]
    counts = [[0] * HOURS for _ in range(WEEK)]
    days: set[dt.date] = set()
    for row in table.rows:
        hour = parse_hour(row.get(hour_column))
        if hour is None:
            problems.append(_unreadable(table, row, hour_column, "一个小时", _HOUR_HINT))
            continue
        value = parse_number(row.get(value_column))
        if value is None:
            hint = "写成不小于 0 的数，如 1234"
            problems.append(_unreadable(table, row, value_column, "一个数", hint))
            continue
        weekdays: Sequence[int] = range(WEEK)
        if date_column is not None:
            day = parse_date(row.get(date_column))
            if day is None:
                hint = f"日期写成 2026-11-03 或 2026/11/3，{_YEAR_HINT}"
                problems.append(_unreadable(table, row, date_column, "一个日期", hint))
                continue
            days.add(day)
            weekdays = (day.weekday(),)
        for weekday in weekdays:
            sums[weekday][hour] += value
            counts[weekday][hour] += 1
    if not any(any(day) for day in counts):
        raise SheetError(
            f"{table.where}：没有一行能读出小时和{value_column}，无法用作本店流量；"
            "请检查表格内容，或不用这张表"
        )
    grid = tuple(
        tuple(_hour_average(sums, counts, w, h) for h in range(HOURS)) for w in range(WEEK)
    )
    span = f"{len(days)} 天平均" if days else "无日期列，各小时平均"
    label = f"本店 生意参谋 {value_column}，{span}"
    return Demand(grid=grid, label=label, measured=True), problems


def _hour_average(
    sums: list[list[float]], counts: list[list[int]], weekday: int, hour: int
) -> float:
    if counts[weekday][hour]:
        return sums[weekday][hour] / counts[weekday][hour]
    total = sum(sums[w][hour] for w in range(WEEK))
    seen = sum(counts[w][hour] for w in range(WEEK))
    return total / seen if seen else 0.0


# --- competitors ----------------------------------------------------------------------------

_SLOT_HINT = (
    f"写成 2026-11-03 20:15、2026/11/3 20:15:00（{_YEAR_HINT}），或 周二 20:00、星期二 20:15"
)


def read_competitors(
    path: str | os.PathLike[str], *, sheet: str | None = None
) -> tuple[Crowding, list[SlotSheetProblem]]:
    """Competitors' 上架时间/下架时间 (or 星期 + 时间) as a count per weekday × hour.

    A row with both 上架时间 and 下架时间 counts once, at its 上架时间.
    """
    every = [name for names in COMPETITOR_COLUMNS.values() for name in names]
    table, columns = _columns(path, sheet, COMPETITOR_COLUMNS, [every])
    stamped = [columns[f] for f in ("listed", "delisted") if f in columns]
    split = "weekday" in columns and "time" in columns
    if not stamped and not split:
        raise _missing(
            table,
            "上架时间或下架时间",
            "每行一个竞品，一列上架时间或下架时间（如 2026-11-03 20:15 或 周二 20:00），"
            "或者一列星期加一列时间",
        )
    problems: list[SlotSheetProblem] = []
    grid = [[0] * HOURS for _ in range(WEEK)]
    read = 0
    for row in table.rows:
        slot = _competitor_slot(table, row, stamped, columns if split else None, problems)
        if slot is not None:
            grid[slot[0]][slot[1]] += 1
            read += 1
    return Crowding(grid=tuple(tuple(day) for day in grid), rows=read), problems


def _competitor_slot(
    table: Sheet,
    row: SheetRow,
    stamped: Sequence[str],
    split: Mapping[str, str] | None,
    problems: list[SlotSheetProblem],
) -> tuple[int, int] | None:
    for header in stamped:
        text = row.get(header)
        if text:
            slot = parse_slot(text)
            if slot is None:
                problems.append(_unreadable(table, row, header, "能读懂的时间", _SLOT_HINT))
            return slot
    if split is not None:
        weekday = parse_weekday(row.get(split["weekday"]))
        if weekday is None:
            hint = "星期写成 周二、星期二 或 1–7（周一是 1）"
            problems.append(_unreadable(table, row, split["weekday"], "星期几", hint))
            return None
        clock = parse_clock(row.get(split["time"]))
        if clock is None:
            hint = "时间写成 20:15 或 20点"
            problems.append(_unreadable(table, row, split["time"], "能读懂的时间", hint))
            return None
        return weekday, clock.hour
    header = stamped[0]
    problems.append(_unreadable(table, row, header, "能读懂的时间", _SLOT_HINT))
    return None


# --- products -------------------------------------------------------------------------------


def read_slot_products(
    path: str | os.PathLike[str] | Sheet, *, sheet: str | None = None
) -> tuple[list[ProductRow], list[SlotSheetProblem]]:
    """The products to place: 货号, and optionally 主推, 优先级 and a fixed 上架时间.

    A 货号 seen before is kept once, at its first row (the later row is a finding).
    ``path`` may be a :class:`Sheet` already read (its header row found by the
    货号 column, as here), so a caller reading it for other columns reads it once.
    """
    table, columns = _columns(path, sheet, PRODUCT_COLUMNS, [PRODUCT_COLUMNS["item"]])
    if "item" not in columns:
        raise _missing(
            table, "货号", "商品表每行一个商品，要有一列货号（或款号、商品编码、商家编码）"
        )
    problems: list[SlotSheetProblem] = []
    products: list[ProductRow] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        product = _product(table, row, columns, problems)
        if product is None:
            continue
        if product.item in seen:
            hint = f"这个货号在第 {seen[product.item]} 行已经有了；删掉重复的一行"
            problems.append(_unreadable(table, row, columns["item"], "新的货号", hint))
            continue
        seen[product.item] = row.row
        products.append(product)
    return products, problems


def _product(
    table: Sheet, row: SheetRow, columns: Mapping[str, str], problems: list[SlotSheetProblem]
) -> ProductRow | None:
    item = row.get(columns["item"])
    if not item:
        problems.append(_unreadable(table, row, columns["item"], "货号", "填上货号，或删掉这一行"))
        return None
    featured = False
    if "featured" in columns:
        flag = parse_flag(row.get(columns["featured"]))
        if flag is None:
            hint = "主推写 是 或 否（也可以写 Y/N、1/0）"
            problems.append(_unreadable(table, row, columns["featured"], "是或否", hint))
            return None
        featured = flag
    priority = 0
    if "priority" in columns and row.get(columns["priority"]):
        number = parse_number(row.get(columns["priority"]))
        if number is None or not number.is_integer():
            hint = "优先级写成整数，如 1、2、3"
            problems.append(_unreadable(table, row, columns["priority"], "整数", hint))
            return None
        priority = int(number)
    fixed = None
    if "fixed" in columns and row.get(columns["fixed"]):
        moment = parse_date_time(row.get(columns["fixed"]))
        if moment is None:
            hint = f"指定的上架时间写成 2026-11-03 20:15 这样的日期加时间（北京时间），{_YEAR_HINT}"
            problems.append(_unreadable(table, row, columns["fixed"], "日期加时间", hint))
            return None
        fixed = moment.replace(tzinfo=SHANGHAI)
    return ProductRow(item=item, row=row.row, featured=featured, priority=priority, fixed=fixed)
