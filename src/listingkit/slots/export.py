"""A listing-slot plan as files: an .xlsx workbook, a .csv table and an .ics calendar.

All three come from the same :class:`SlotPlan`, are written atomically through
:mod:`listingkit.safeio`, refuse a device, FIFO, folder or input as target, and
replace an existing file only if listingkit wrote it (or ``overwrite``).

The calendar has one event per listing (``上架 货号``, 15 minutes, a reminder
10 minutes before) and, when the platform has a listing cycle, one per delisting
(``下架 货号（可橱窗推荐）``): the products near 下架 are the ones to recommend in
the shop window, so the operator is reminded then too. The weekly relist is the
platform's own doing, so no event repeats. Times carry ``TZID=Asia/Shanghai``
with its VTIMEZONE in the file: Apple, Google and Outlook calendars import that
as the same absolute moment, and the file still reads in Shanghai wall-clock time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listingkit.errors import OutputError
from listingkit.printable import printable, show_path
from listingkit.safeio import atomic_output, check_target, has_marker
from listingkit.sheets.writer import formula_safe, is_our_workbook, safe_cell, write_xlsx_book
from listingkit.slots.heatmap import demand_rgb
from listingkit.slots.plan import SlotChoice, SlotPlan
from listingkit.slots.profile import HOURS, WEEK, WEEKDAY_NAMES

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "PLAN_HEADERS",
    "check_plan_target",
    "plan_rows",
    "write_plan_csv",
    "write_plan_ics",
    "write_plan_xlsx",
]

PLAN_HEADERS = ("货号", "上架时间", "星期", "下架时间", "需求", "竞品数", "排名", "主推", "原因")
_PLAN_SHEET = "上架计划"
_GRID_SHEET = "一周时段"
_TIME_FORMAT = "%Y-%m-%d %H:%M"
_CROWDED_BORDER = "C00000"
_EVENT_MINUTES = 15
_ALARM_MINUTES = 10
_PRODID = "-//listingkit//slots//ZH"
_CSV_HEAD = ("\ufeff" + ",".join(PLAN_HEADERS)).encode("utf-8")
_ours_csv = has_marker(_CSV_HEAD)
_ours_ics = has_marker(_PRODID.encode("ascii"))
_OURS = {".xlsx": is_our_workbook, ".csv": _ours_csv, ".ics": _ours_ics}


def check_plan_target(
    path: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    overwrite: bool = False,
    option: str = "--output",
    calendar: bool = False,
) -> Path:
    """Refuse, before any work, a plan file that must not be written; return it as a Path.

    The same refusals as the writers (device, FIFO, folder, input, someone
    else's file), with a plan file listingkit wrote recognised by its kind:
    ``calendar`` for the .ics, otherwise an .xlsx or .csv plan.
    """
    suffix = Path(path).suffix.lower()
    if calendar and suffix != ".ics":
        raise OutputError(f"日历文件必须以 .ics 结尾：{show_path(path)}；请改用 .ics 文件名")
    if not calendar and suffix not in (".xlsx", ".csv"):
        raise OutputError(
            f"计划文件必须以 .xlsx 或 .csv 结尾：{show_path(path)}；请改用 .xlsx 或 .csv 文件名"
        )
    return check_target(path, inputs=inputs, force=overwrite, ours=_OURS[suffix], option=option)


def plan_rows(plan: SlotPlan) -> list[list[object]]:
    """The plan as table rows under :data:`PLAN_HEADERS`, in listing order."""
    return [_row(choice) for choice in plan.choices]


def _row(choice: SlotChoice) -> list[object]:
    delist = "" if choice.delist_at is None else f"{choice.delist_at:{_TIME_FORMAT}}"
    return [
        choice.item,
        f"{choice.list_at:{_TIME_FORMAT}}",
        WEEKDAY_NAMES[choice.weekday],
        delist,
        choice.demand,
        choice.crowding,
        choice.rank,
        "是" if choice.featured else "否",
        choice.reason,
    ]


# --- .xlsx ------------------------------------------------------------------------------


def write_plan_xlsx(
    plan: SlotPlan,
    path: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    overwrite: bool = False,
) -> None:
    """Write ``plan`` as an .xlsx: the plan with reasons, and the week as a coloured grid.

    Sheet 上架计划 has one row per product; sheet 一周时段 has 周一…周日 × 0–23
    holding the 货号 chosen for each slot, shaded by demand, crowded slots (any
    competitor) framed in red, and below it the same grid with the competitor counts.
    """

    def fill(book: Workbook) -> None:
        _plan_sheet(book.create_sheet(_PLAN_SHEET), plan)
        _grid_sheet(book.create_sheet(_GRID_SHEET), plan)

    write_xlsx_book(path, fill, inputs=inputs, overwrite=overwrite)


def _plan_sheet(sheet: WriteOnlyWorksheet, plan: SlotPlan) -> None:
    from openpyxl.styles import Font

    for letter, width in zip("ABCDEFGHI", (14, 18, 6, 18, 8, 8, 6, 6, 70), strict=True):
        _columns(sheet)[letter].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = [safe_cell(sheet, text) for text in PLAN_HEADERS]
    for cell in header:
        cell.font = bold
    sheet.append(header)
    for row in plan_rows(plan):
        sheet.append([safe_cell(sheet, value) for value in row])


def _grid_sheet(sheet: WriteOnlyWorksheet, plan: SlotPlan) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    chosen: dict[tuple[int, int], list[str]] = {}
    for choice in plan.choices:
        chosen.setdefault((choice.weekday, choice.hour), []).append(choice.item)
    values = [value for row in plan.demand.grid for value in row]
    low, high = min(values), max(values)
    red = Side(style="medium", color=_CROWDED_BORDER)
    framed = Border(left=red, right=red, top=red, bottom=red)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    _columns(sheet)["A"].width = 8
    for hour in range(HOURS):
        _columns(sheet)[get_column_letter(hour + 2)].width = 10

    def header(title: str) -> None:
        cells = [safe_cell(sheet, title), *(safe_cell(sheet, hour) for hour in range(HOURS))]
        for cell in cells:
            cell.font = bold
        sheet.append(cells)

    header("需求 / 货号")
    for weekday in range(WEEK):
        row = [safe_cell(sheet, WEEKDAY_NAMES[weekday])]
        row[0].font = bold
        for hour in range(HOURS):
            cell = safe_cell(sheet, "、".join(chosen.get((weekday, hour), [])) or None)
            shade = _shade(plan.demand.at(weekday, hour), low, high)
            cell.fill = PatternFill(fill_type="solid", start_color=shade, end_color=shade)
            cell.alignment = wrap
            if plan.crowding is not None and plan.crowding.at(weekday, hour) > 0:
                cell.border = framed
            row.append(cell)
        sheet.append(row)
    sheet.append([])
    legend = f"颜色越深需求越高（{plan.demand.label}）；红框 = 有竞品在该时段上架"
    sheet.append([safe_cell(sheet, legend)])
    if plan.crowding is None:
        sheet.append([safe_cell(sheet, "没有竞品表：各时段竞品数未知")])
        return
    sheet.append([])
    header("竞品数")
    for weekday in range(WEEK):
        counts = [plan.crowding.at(weekday, hour) for hour in range(HOURS)]
        sheet.append(
            [safe_cell(sheet, WEEKDAY_NAMES[weekday]), *(safe_cell(sheet, n) for n in counts)]
        )


def _columns(sheet: WriteOnlyWorksheet) -> Any:
    # A write-only sheet has column_dimensions at run time; the type stubs miss it.
    return getattr(sheet, "column_dimensions")  # noqa: B009


def _shade(value: float, low: float, high: float) -> str:
    # The same ramp as the PNG heatmap, as an ARGB colour for openpyxl.
    return "FF" + "".join(f"{channel:02X}" for channel in demand_rgb(value, low, high))


# --- .csv -------------------------------------------------------------------------------


def write_plan_csv(
    plan: SlotPlan,
    path: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    overwrite: bool = False,
) -> None:
    """Write ``plan`` as a .csv (UTF-8 with BOM so Excel reads the Chinese right).

    Text Excel would take for a formula gets a leading apostrophe, as the .xlsx
    writer marks such a cell as text. A file is recognised as listingkit's by its
    first line (the BOM and these headers).
    """
    target = check_target(path, inputs=inputs, force=overwrite, ours=_ours_csv)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(PLAN_HEADERS)
    for row in plan_rows(plan):
        writer.writerow([formula_safe(value) if isinstance(value, str) else value for value in row])
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    with atomic_output(
        target, binary=True, inputs=inputs, force=overwrite, ours=_ours_csv
    ) as handle:
        handle.write(data)


# --- .ics -------------------------------------------------------------------------------


def write_plan_ics(
    plan: SlotPlan,
    path: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    overwrite: bool = False,
    delist_events: bool = True,
) -> None:
    """Write ``plan`` as an .ics calendar: an event with a reminder per listing.

    With ``delist_events`` and a listing cycle, also one event per delisting
    (橱窗推荐 candidates). UIDs are derived from the plan's week and the 货号, so
    importing a rewritten plan updates events instead of duplicating them.
    """
    target = check_plan_target(path, inputs=inputs, overwrite=overwrite, calendar=True)
    data = plan_calendar(plan, delist_events=delist_events)
    with atomic_output(
        target, binary=True, inputs=inputs, force=overwrite, ours=_ours_ics
    ) as handle:
        handle.write(data)


def plan_calendar(plan: SlotPlan, *, delist_events: bool = True) -> bytes:
    """``plan`` as the bytes of an iCalendar file (see :func:`write_plan_ics`)."""
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"上架计划 {plan.start:%Y-%m-%d}")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for choice in plan.choices:
        # RFC 5545 text allows no control character: a 货号 carrying one is shown escaped.
        item = printable(choice.item)
        moments = [("上架", f"上架 {item}", choice.list_at, choice.reason)]
        if delist_events and choice.delist_at is not None:
            note = f"{item} 即将下架，可放入橱窗推荐。"
            moments.append(("下架", f"下架 {item}（可橱窗推荐）", choice.delist_at, note))
        for kind, summary, moment, description in moments:
            event = Event()
            event.add("uid", _uid(plan, choice.item, kind))
            event.add("dtstamp", stamp)
            event.add("summary", summary)
            event.add("dtstart", moment)
            event.add("duration", timedelta(minutes=_EVENT_MINUTES))
            event.add("description", description)
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", timedelta(minutes=-_ALARM_MINUTES))
            event.add_component(alarm)
            calendar.add_component(event)
    calendar.add_missing_timezones()  # VTIMEZONE for Asia/Shanghai, for Outlook and older apps
    data: bytes = calendar.to_ical()
    return data


def _uid(plan: SlotPlan, item: str, kind: str) -> str:
    digest = hashlib.sha256(f"{plan.start.isoformat()}\0{item}\0{kind}".encode()).hexdigest()
    return f"{digest[:32]}@listingkit"
