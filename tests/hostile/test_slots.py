"""``listingkit slots`` against sheets, times and targets built to break it.

Every case runs the real command in a real process and checks what an operator
would: exit 2 and one Chinese line naming the file for what cannot be used, a
SLOT001 finding with row and column for a row that cannot be read (the rest of
the plan still made), no traceback, no plan file where none should be, and no
temporary file left behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import stat
import time
from collections.abc import Callable
from pathlib import Path

import icalendar
import openpyxl
import pytest

from listingkit import load_rules
from listingkit.slots.plan import near_delist, plan_slots
from listingkit.slots.profile import ProductRow
from tests.hostile.conftest import AS_ROOT, Proc, leftovers
from tests.hostile.test_output_formula import EVIL, INVISIBLE
from tests.hostile.test_sheets_hostile import (
    _bomb_body,
    capped,  # noqa: F401  (a fixture, used by name)
    far_cell_workbook,
)
from tests.hostile.test_signals import _finish, _start, _wait_until
from tests.slots.sheets import xlsx

Run = Callable[..., Proc]
START = ("--platform", "taobao", "--start", "2026-12-07")  # a Monday
#: Bytes no iCalendar text may hold (RFC 5545 CONTROL); CR and LF only as CRLF line ends.
ICS_CONTROLS = {bytes([c]) for c in (*range(0x09), *range(0x0B, 0x0D), *range(0x0E, 0x20), 0x7F)}


def _products(folder: Path, name: str = "商品.csv") -> Path:
    path = folder / name
    path.write_text("货号,主推\nA1,是\nA2,否\nA3,否\n", encoding="utf-8")
    return path


def _competitors(folder: Path, name: str = "竞品.csv") -> Path:
    path = folder / name
    path.write_text("竞品,上架时间\nC1,2026-11-03 20:15\n", encoding="utf-8")
    return path


def _traffic(folder: Path, name: str = "流量.csv") -> Path:
    path = folder / name
    path.write_text("小时,访客数\n" + "".join(f"{h},{h * 10}\n" for h in range(24)), "utf-8")
    return path


def _json(run: Proc) -> dict[str, object]:
    assert run.status in (0, 1), run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    data: dict[str, object] = json.loads(run.stdout)
    return data


def _findings(run: Proc, code: str = "SLOT001") -> list[dict[str, object]]:
    found = _json(run)["findings"]
    assert isinstance(found, list)
    return [f for f in found if f["code"] == code]


# --- what cannot be read as a sheet ---------------------------------------------------------


def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return "管道"


def _zero(path: Path) -> str:
    path.symlink_to("/dev/zero")
    return "设备"


def _folder(path: Path) -> str:
    path.mkdir()
    return "文件夹"


def _missing(path: Path) -> str:
    return "不存在"


def _empty(path: Path) -> str:
    path.write_bytes(b"")
    return "为空"


def _latin1(path: Path) -> str:
    path.write_bytes("货号,Notiz\n".encode() + "Café,crème brûlée\n".encode("latin-1"))
    return "编码"


UNREADABLE = {
    "fifo": _fifo,
    "zero": _zero,
    "folder": _folder,
    "missing": _missing,
    "empty": _empty,
    "latin1": _latin1,
}


@pytest.mark.parametrize("role", ["sheet", "--competitors", "--traffic"])
@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_a_sheet_that_is_not_a_readable_file_is_one_line(
    listingkit: Run, tmp_path: Path, role: str, kind: str
) -> None:
    bad = tmp_path / "坏表.csv"
    said = UNREADABLE[kind](bad)
    products = bad if role == "sheet" else _products(tmp_path)
    extra = () if role == "sheet" else (role, bad)
    started = time.monotonic()
    run = listingkit("slots", products, *START, *extra, "-o", "plan.xlsx", timeout=60)
    assert time.monotonic() - started < 30  # a FIFO or /dev/zero is never read
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1, run.stderr
    assert "坏表.csv" in run.stderr and said in run.stderr, run.stderr
    assert not (tmp_path / "plan.xlsx").exists()
    assert leftovers(tmp_path) == []


def test_a_non_utf8_file_name_is_read_and_shown_escaped(listingkit: Run, tmp_path: Path) -> None:
    # Relative names, as an operator types them in the folder the command runs in.
    products = Path(os.fsdecode(b"\xff\xfe\xb9\xba.csv"))
    _products(tmp_path, products.name)
    competitors = Path(os.fsdecode(b"\xc0c.csv"))
    (tmp_path / competitors).write_text("竞品,上架时间\nC1,明晚八点\n", encoding="utf-8")
    run = listingkit(
        "slots", products, *START, "--competitors", competitors, "--format", "json", "-o", "p.csv"
    )
    (finding,) = _findings(run)
    assert finding["location"] == {
        "path": "\\xc0c.csv",
        "sheet": None,
        "row": 2,
        "column": "上架时间",
        "span": None,
    }
    rows = list(csv.reader((tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [row[0] for row in rows[1:]] == ["A1", "A2", "A3"]
    missing = listingkit("slots", Path(os.fsdecode(b"\xff.csv")), *START)
    missing.assert_clean_failure(2)
    assert "\\xff.csv" in missing.stderr and "不存在" in missing.stderr


@pytest.mark.parametrize("role", ["sheet", "--competitors", "--traffic"])
def test_far_cell_and_zip_bomb_workbooks_are_refused(
    capped: Run,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    role: str,
) -> None:
    from tests.hostile.test_sheets_hostile import workbook

    bombs = [
        far_cell_workbook(tmp_path / "远处一格.xlsx"),
        workbook(tmp_path / "炸弹.xlsx", _bomb_body(100 * 1024 * 1024)),
    ]
    for bomb in bombs:
        products = bomb if role == "sheet" else _products(tmp_path)
        extra = () if role == "sheet" else (role, bomb)
        started = time.monotonic()
        run = capped("slots", products, *START, *extra, "-o", "plan.xlsx")
        assert time.monotonic() - started < 60
        run.assert_clean_failure(2)
        assert len(run.err_lines) == 1 and bomb.name in run.err_lines[0], run.stderr
        assert not (tmp_path / "plan.xlsx").exists()
        assert leftovers(tmp_path) == []


# --- a 货号 that carries control characters and formulas --------------------------------------

HOSTILE_ITEMS = ["\x01" + EVIL, "\x1b[31m+1+2", "A\r\nB;C,D\\E", "X\u2028Y\x85Z", "\x00@SUM(1)"]


@pytest.fixture
def hostile_sheet(tmp_path: Path) -> Path:
    path = tmp_path / "商品.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["货号", "主推"], *([item, "否"] for item in HOSTILE_ITEMS)])
    return path


def test_hostile_items_stay_text_in_the_xlsx_plan(
    listingkit: Run, tmp_path: Path, hostile_sheet: Path
) -> None:
    run = listingkit("slots", hostile_sheet, *START, "-o", "plan.xlsx")
    assert run.status == 0, run.stderr
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    risky = [
        c
        for c in cells
        if isinstance(c.value, str) and c.value.lstrip(INVISIBLE).startswith(("=", "+", "@"))
    ]
    assert len(risky) >= 4, [c.value for c in risky]  # two items, on both sheets
    for cell in risky:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
        assert not any(char in cell.value for char in "\x00\x01\x1b"), cell.value
    items = [row[0].value for row in book["上架计划"].iter_rows(min_row=2)]
    assert EVIL in items and len(items) == len(HOSTILE_ITEMS)
    assert leftovers(tmp_path) == []


def test_hostile_items_stay_text_in_the_csv_plan(
    listingkit: Run, tmp_path: Path, hostile_sheet: Path
) -> None:
    run = listingkit("slots", hostile_sheet, *START, "-o", "plan.csv")
    assert run.status == 0, run.stderr
    with (tmp_path / "plan.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + len(HOSTILE_ITEMS)  # a CR or LF inside a 货号 stays in its cell
    for row in rows[1:]:
        shown = row[0].lstrip(INVISIBLE + "\x00\x01\x1b")
        assert not shown.startswith(("=", "+", "-", "@")), row[0]
    assert "'" + EVIL in [row[0] for row in rows]
    assert leftovers(tmp_path) == []


def test_hostile_items_keep_the_calendar_well_formed(
    listingkit: Run, tmp_path: Path, hostile_sheet: Path
) -> None:
    run = listingkit("slots", hostile_sheet, *START, "--ics", "plan.ics")
    assert run.status == 0, run.stderr
    data = (tmp_path / "plan.ics").read_bytes()
    lines = data.split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in lines)
    assert {bytes([b]) for b in data} & ICS_CONTROLS == set()
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 2 * len(HOSTILE_ITEMS)  # a listing and a delisting each
    summaries = {str(event["summary"]) for event in events}
    assert f"上架 \\x01{EVIL}" in summaries
    assert "上架 A\\x0d\\x0aB;C,D\\E" in summaries  # ; , and \ come back as written
    assert all(str(event["dtstart"].dt.tzinfo) == "Asia/Shanghai" for event in events)


# --- targets that must not be written -------------------------------------------------------

TARGETS = [("-o", "plan.xlsx"), ("-o", "plan.csv"), ("--ics", "plan.ics")]


@pytest.mark.skipif(not AS_ROOT, reason="only root can replace /dev/null; as a user the OS refuses")
@pytest.mark.parametrize(("option", "name"), TARGETS)
def test_dev_null_is_refused_and_stays_a_device(
    listingkit: Run, tmp_path: Path, option: str, name: str
) -> None:
    run = listingkit("slots", _products(tmp_path), *START, option, "/dev/null")
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1 and "/dev/null" in run.stderr
    # A calendar must end in .ics: /dev/null is refused for its name before its kind.
    assert ("设备" if option == "-o" else ".ics") in run.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(("option", "name"), TARGETS)
def test_fifo_folder_input_and_foreign_targets_are_refused(
    listingkit: Run, tmp_path: Path, option: str, name: str
) -> None:
    products = _products(tmp_path)
    before = products.read_bytes()
    target = tmp_path / name
    shown = "--output" if option == "-o" else option
    os.mkfifo(target)
    fifo = listingkit("slots", products, *START, option, name, timeout=30)
    fifo.assert_clean_failure(2)
    assert (
        f"{shown} {name}" in fifo.stderr
        and "管道" in fifo.stderr
        and stat.S_ISFIFO(target.lstat().st_mode)
    )
    target.unlink()
    target.mkdir()
    folder = listingkit("slots", products, *START, option, name)
    folder.assert_clean_failure(2)
    assert "文件夹" in folder.stderr and list(target.iterdir()) == []
    target.rmdir()
    own = listingkit("slots", products, *START, option, products.name, "--force")
    own.assert_clean_failure(2)
    assert ("本次读取的文件" if option == "-o" else ".ics") in own.stderr
    assert products.read_bytes() == before
    target.write_bytes(b"not a plan\n")
    foreign = listingkit("slots", products, *START, option, name)
    foreign.assert_clean_failure(2)
    assert f"{shown} {name}" in foreign.stderr and "--force" in foreign.stderr
    assert target.read_bytes() == b"not a plan\n"
    for run in (fifo, folder, own, foreign):
        assert len(run.err_lines) == 1, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".git", products.name, name])
    forced = listingkit("slots", products, *START, option, name, "--force")
    assert forced.status == 0, forced.stderr
    assert target.read_bytes() != b"not a plan\n"


def test_plan_files_it_wrote_are_replaced_without_force(listingkit: Run, tmp_path: Path) -> None:
    products = _products(tmp_path)
    outputs = ("-o", "plan.csv", "--ics", "plan.ics")
    assert listingkit("slots", products, *START, *outputs).status == 0
    again = listingkit("slots", products, "--platform", "taobao", "--start", "2026-12-14", *outputs)
    assert again.status == 0, again.stderr
    assert "2026-12-14" in (tmp_path / "plan.csv").read_text(encoding="utf-8-sig")
    calendar = (tmp_path / "plan.ics").read_bytes()
    assert b":20261214T" in calendar and b":20261207T" not in calendar
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (("--ics", "plan.txt"), ".ics"),
        (("--ics", "same.ics", "-o", "same.ics"), "同一个文件"),
        (("--ics", "foreign.ics"), "--ics foreign.ics"),
    ],
)
def test_a_bad_calendar_target_stops_the_run_before_the_plan_is_written(
    listingkit: Run, tmp_path: Path, extra: tuple[str, ...], said: str
) -> None:
    (tmp_path / "foreign.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    products = _products(tmp_path)
    run = listingkit("slots", products, *START, "-o", "plan.xlsx", *extra)
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1 and said in run.stderr, run.stderr
    assert not (tmp_path / "plan.xlsx").exists() and not (tmp_path / "same.ics").exists()
    assert (tmp_path / "foreign.ics").read_bytes() == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


# --- times no one can list at ---------------------------------------------------------------

BAD_TIMES = [
    "明晚八点",
    "0001-01-01 00:00",
    "9999-12-31 23:59",
    "2026-11-03 24:00",
    "2026-02-30 10:00",
    "2026-13-01 10:00",
    "1899-12-30 00:00",
    "周八 20:00",
    "2026-11-03 20:61",
]


def test_competitor_times_that_are_nonsense_are_slot001_with_row_and_column(
    listingkit: Run, tmp_path: Path
) -> None:
    competitors = tmp_path / "竞品.csv"
    body = "".join(f"C{n},{value}\n" for n, value in enumerate(BAD_TIMES))
    competitors.write_text(f"竞品,上架时间\nOK,2026-11-03 20:15\n{body}", encoding="utf-8")
    run = listingkit(
        "slots", _products(tmp_path), *START, "--competitors", competitors, "--format", "json"
    )
    found = _findings(run)
    assert [(f["location"]["row"], f["location"]["column"]) for f in found] == [
        (row, "上架时间") for row in range(3, 3 + len(BAD_TIMES))
    ]
    assert all("竞品.csv" in str(f["message"]) and "B 列" in str(f["message"]) for f in found)
    assert [f["data"]["value"] for f in found] == BAD_TIMES
    rows = _json(run)["rows"]
    assert isinstance(rows, list) and len(rows) == 3  # the plan is still made


def test_excel_date_cells_out_of_range_are_slot001(listingkit: Run, tmp_path: Path) -> None:
    # Numbers in date-formatted cells, as a back-office export writes them.
    path = tmp_path / "竞品.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["竞品", "上架时间"])
    serials = [46000.85, 1e20, 2958466, 2958465.99999, -1, 0, 1e308]
    for n, serial in enumerate(serials):
        sheet.append([f"C{n}", serial])
        sheet.cell(row=n + 2, column=2).number_format = "yyyy-mm-dd hh:mm"
    book.save(path)
    run = listingkit(
        "slots", _products(tmp_path), *START, "--competitors", path, "--format", "json"
    )
    found = _findings(run)
    assert [(f["location"]["row"], f["location"]["column"]) for f in found] == [
        (row, "上架时间") for row in range(3, 2 + len(serials))
    ]
    rows = _json(run)["rows"]
    assert isinstance(rows, list) and len(rows) == 3


@pytest.mark.parametrize("fixed", ["9999-12-31 23:30", "0001-01-01 00:10", "2026-12-09 24:00"])
def test_a_fixed_time_out_of_range_is_slot001_not_a_crash(
    listingkit: Run, tmp_path: Path, fixed: str
) -> None:
    products = tmp_path / "商品.csv"
    products.write_text(f"货号,上架时间\nA1,{fixed}\nA2,\n", encoding="utf-8")
    run = listingkit("slots", products, *START, "--format", "json", "-o", "plan.xlsx")
    (finding,) = _findings(run)
    assert finding["location"]["row"] == 2 and finding["location"]["column"] == "上架时间"
    assert "2000–2099" in str(finding["hint"])
    rows = _json(run)["rows"]
    assert isinstance(rows, list) and [r["货号"] for r in rows] == ["A2"]


def test_traffic_dates_out_of_range_are_slot001(listingkit: Run, tmp_path: Path) -> None:
    traffic = tmp_path / "流量.csv"
    traffic.write_text(
        "日期,小时,访客数\n2026-11-02,20,500\n9999-12-31,21,900\n0001-01-01,22,900\n",
        encoding="utf-8",
    )
    run = listingkit("slots", _products(tmp_path), *START, "--traffic", traffic, "--format", "json")
    assert [(f["location"]["row"], f["location"]["column"]) for f in _findings(run)] == [
        (3, "日期"),
        (4, "日期"),
    ]


# --- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("--start", "9999-12-31"), "--start"),
        (("--start", "9999-12-25"), "--start"),
        (("--start", "0001-01-01"), "--start"),
        (("--start", "2026-02-30"), "--start"),
        (("--start", "下周一"), "--start"),
        (("--per-slot", "0"), "--per-slot"),
        (("--per-slot", "-1"), "--per-slot"),
        (("--per-slot", "abc"), "--per-slot"),
        (("--per-slot", "1.5"), "--per-slot"),
        (("--window-at", "garbage"), "--window-at"),
        (("--window-at", "2026-02-30 10:00"), "--window-at"),
        (("--window-at", "2026-12-10 24:00"), "--window-at"),
        (("--window-at", "9999-12-31 23:00"), "--window-at"),
        (("--window-at", "0001-01-01 00:00"), "--window-at"),
    ],
)
def test_bad_arguments_are_one_line_and_nothing_is_written(
    listingkit: Run, tmp_path: Path, argv: tuple[str, ...], said: str
) -> None:
    options = (
        "--platform",
        "taobao",
        *(("--start", "2026-12-07") if "--start" not in argv else ()),
    )
    run = listingkit(
        "slots", _products(tmp_path), *options, *argv, "-o", "plan.xlsx", "--ics", "plan.ics"
    )
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1 and said in run.stderr, run.stderr
    assert not (tmp_path / "plan.xlsx").exists() and not (tmp_path / "plan.ics").exists()


def test_a_huge_per_slot_plans_every_product(listingkit: Run, tmp_path: Path) -> None:
    run = listingkit(
        "slots", _products(tmp_path), *START, "--per-slot", "9" * 30, "--format", "json"
    )
    rows = _json(run)["rows"]
    assert isinstance(rows, list) and [r["货号"] for r in rows] == ["A1", "A2", "A3"]


# --- the library at the edge of the calendar ------------------------------------------------


def test_plan_slots_refuses_a_week_past_the_calendar() -> None:
    from listingkit.errors import ArgumentError

    with pytest.raises(ArgumentError):
        plan_slots([ProductRow("A1", 2)], load_rules("taobao"), start=dt.date(9999, 12, 28))


def test_plan_slots_records_a_fixed_time_past_the_calendar() -> None:
    from listingkit.errors import ArgumentError

    fixed = dt.datetime(9999, 12, 31, 23, 30)
    product = ProductRow("A1", 2, fixed=fixed)
    with pytest.raises(ArgumentError):
        plan_slots([product], load_rules("taobao"), start=dt.date(2026, 12, 7))


def test_near_delist_at_the_end_of_the_calendar_is_an_argument_error() -> None:
    from listingkit.errors import ArgumentError

    plan = plan_slots([ProductRow("A1", 2)], load_rules("taobao"), start=dt.date(2026, 12, 7))
    with pytest.raises(ArgumentError):
        near_delist(plan, dt.datetime(9999, 12, 31, 23))
    with pytest.raises(ArgumentError):
        near_delist(plan, dt.datetime(2026, 12, 10), within=dt.timedelta.max)


# --- signals --------------------------------------------------------------------------------


def test_sigterm_while_the_plan_is_written_leaves_nothing(tmp_path: Path) -> None:
    xlsx(
        tmp_path / "商品.xlsx",
        [["货号", "优先级"], *([f"A{n:06d}", n % 5] for n in range(20000))],
    )
    spool = tmp_path / "spool"
    spool.mkdir()
    argv = ("slots", "商品.xlsx", *START, "--per-slot", "200", "-o", "plan.xlsx")
    process = _start(tmp_path, *argv, "--ics", "plan.ics", tmpdir=spool)

    def writing() -> bool:
        return bool(list(tmp_path.glob(".plan.xlsx.*.tmp")))

    assert _wait_until(lambda: writing() or process.poll() is not None, 300)
    assert process.poll() is None, f"ended before it wrote: {_finish(process).stderr}"
    process.send_signal(signal.SIGTERM)
    run = _finish(process)
    run.assert_clean_failure(143)
    assert "Exception ignored" not in run.stderr
    assert not (tmp_path / "plan.xlsx").exists() and not (tmp_path / "plan.ics").exists()
    assert leftovers(tmp_path) == []
    assert list(spool.glob("openpyxl.*")) == []  # the workbook's spool file is gone too
