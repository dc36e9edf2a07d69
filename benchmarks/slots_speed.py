"""Time the listing-slot planner on 10,000 products and 100,000 competitor rows.

Run from the repository root::

    python3 benchmarks/slots_speed.py [--products 10000] [--competitors 100000]
                                      [--repeat 3] [--cache DIR]

The sheets are written once under ``--cache`` (default
``/tmp/listingkit-bench/slots-<products>-<competitors>``) and reused, from a
fixed seed:

* 商品.xlsx: 货号, 主推 (是 on about 5 %), 优先级 (on about a third),
  指定上架时间 (a fixed time in the planned week on about 1 %);
* 竞品.xlsx: 宝贝标题, 店铺, 价格, 月销量, 上架时间 — times spread over four
  weeks, most at the evening peaks; seven in ten are Excel date-time cells, the
  rest text (``2026-11-03 20:15:00``, ``2026/11/3 20:15``, a few ``周二 20:00``);
* 竞品.csv: the same rows as text, as a back office exports them.

Timed, best of ``--repeat`` runs, for the .xlsx pair and again with the .csv:

(a) reading the two sheets alone with ``listingkit.sheets.read_sheet`` (the row
    read the slot readers build on);
(b) the whole job through the API: ``read_slot_products`` + ``read_competitors``
    + ``plan_slots`` with the taobao rules and ``per_slot`` = ceil(products / 168);
(c) ``listingkit slots 商品.xlsx --competitors 竞品.xlsx -o plan.xlsx`` as a
    subprocess (once; for reference: start-up and the plan file included).

(a) and (b) run in turns, so that both see the same load on a shared machine.
The target is (b)/(a) ≤ 2.0: the slot work on top of reading the sheets costs at
most as much as the reading. Peak memory (ru_maxrss) is that of a fresh process
running (b) once.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from listingkit import load_rules
from listingkit.sheets import read_sheet
from listingkit.sheets.text import display_width
from listingkit.slots.plan import plan_slots
from listingkit.slots.profile import (
    COMPETITOR_COLUMNS,
    PRODUCT_COLUMNS,
    read_competitors,
    read_slot_products,
)

SEED = 20261130
START = dt.date(2026, 11, 30)  # a Monday: the planned week
TARGET = 2.0
SLOTS = 7 * 24
# Evening peaks carry most competitor listings, as operators chase the traffic.
PEAK_HOURS = (19, 20, 21, 22)
TITLE_WORDS = (
    "连衣裙",
    "女装",
    "秋冬",
    "新款",
    "显瘦",
    "百搭",
    "宽松",
    "韩版",
    "加绒",
    "针织",
    "毛衣",
    "外套",
    "羽绒服",
    "大码",
    "气质",
    "复古",
)
COMPETITOR_HEADER = ["宝贝标题", "店铺", "价格", "月销量", "上架时间"]
PRODUCT_HEADER = ["货号", "商品名称", "主推", "优先级", "指定上架时间"]


# -- the sheets ---------------------------------------------------------------------------


def product_rows(count: int) -> list[list[Any]]:
    rng = random.Random(SEED)
    rows: list[list[Any]] = []
    for index in range(count):
        featured = "是" if rng.random() < 0.05 else "否"
        priority: Any = rng.randint(1, 5) if rng.random() < 0.33 else None
        fixed = None
        if rng.random() < 0.01:
            day = START + dt.timedelta(days=rng.randrange(7))
            fixed = f"{day.isoformat()} {rng.choice(PEAK_HOURS):02d}:{rng.choice((0, 30)):02d}"
        title = "".join(rng.sample(TITLE_WORDS, 3))
        rows.append([f"K{index:05d}", title, featured, priority, fixed])
    return rows


def competitor_times(count: int) -> list[dt.datetime]:
    rng = random.Random(SEED + 1)
    first = dt.datetime.combine(START - dt.timedelta(days=28), dt.time(0))
    moments = []
    for _ in range(count):
        hour = rng.choice(PEAK_HOURS) if rng.random() < 0.7 else rng.randrange(24)
        moments.append(
            first
            + dt.timedelta(
                days=rng.randrange(28),
                hours=hour,
                minutes=rng.randrange(60),
                seconds=rng.randrange(60),
            )
        )
    return moments


def competitor_rows(count: int, *, cells: bool) -> list[list[Any]]:
    """Rows of the competitor sheet; with ``cells`` most times are Excel date-time cells."""
    rng = random.Random(SEED + 2)
    rows: list[list[Any]] = []
    for moment in competitor_times(count):
        title = "".join(rng.sample(TITLE_WORDS, 5))
        shop = f"店铺{rng.randrange(500):03d}"
        price = round(rng.uniform(39, 699), 2)
        sales = rng.randrange(20_000)
        pick = rng.random()
        listed: Any
        if pick < 0.01:
            listed = f"周{'一二三四五六日'[moment.weekday()]} {moment:%H:%M}"
        elif pick < 0.05:
            listed = f"{moment.year}/{moment.month}/{moment.day} {moment:%H:%M}"
        elif cells and pick < 0.75:
            listed = moment
        else:
            listed = f"{moment:%Y-%m-%d %H:%M:%S}"
        rows.append([title, shop, price, sales, listed])
    return rows


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(header)
    for row in rows:
        line: list[Any] = []
        for value in row:
            if isinstance(value, dt.datetime):
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
                line.append(cell)
            else:
                line.append(value)
        sheet.append(line)
    partial = path.with_suffix(".partial")
    book.save(partial)
    partial.replace(path)


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    partial.replace(path)


def build(folder: Path, products: int, competitors: int) -> dict[str, Path]:
    """The three sheets, made once; later runs reuse them."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "products": folder / "商品.xlsx",
        "xlsx": folder / "竞品.xlsx",
        "csv": folder / "竞品.csv",
    }
    if not files["products"].exists():
        write_xlsx(files["products"], PRODUCT_HEADER, product_rows(products))
    if not files["xlsx"].exists():
        write_xlsx(files["xlsx"], COMPETITOR_HEADER, competitor_rows(competitors, cells=True))
    if not files["csv"].exists():
        write_csv(files["csv"], COMPETITOR_HEADER, competitor_rows(competitors, cells=False))
    return files


# -- timing -------------------------------------------------------------------------------


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def best_pair(
    repeat: int, first: Callable[[], Any], second: Callable[[], Any]
) -> tuple[tuple[float, Any], tuple[float, Any]]:
    """Best of ``repeat`` for each, run in turns so that both see the same load."""
    times: tuple[list[float], list[float]] = ([], [])
    results: list[Any] = [None, None]
    for _ in range(repeat):
        for index, run in enumerate((first, second)):
            start = time.perf_counter()
            results[index] = run()
            times[index].append(time.perf_counter() - start)
    return (min(times[0]), results[0]), (min(times[1]), results[1])


def peak(products: Path, competitors: Path, per_slot: int) -> float:
    """Peak resident memory (MB) of a fresh process running (b) once."""
    code = (
        "import resource, sys; sys.path.insert(0, sys.argv[1]); import slots_speed as b; "
        "from pathlib import Path; "
        "b.whole_job(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    here = Path(__file__).resolve().parent
    args = [str(here), str(products), str(competitors), str(per_slot)]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1]) / 1024


def read_alone(products: Path, competitors: Path) -> int:
    """(a): both sheets through the sheet reader, with the header names the slot readers ask."""
    every = [name for names in COMPETITOR_COLUMNS.values() for name in names]
    goods = read_sheet(products, header_names=[PRODUCT_COLUMNS["item"]])
    rivals = read_sheet(competitors, header_names=[every])
    return len(goods.rows) + len(rivals.rows)


def whole_job(products: Path, competitors: Path, per_slot: int) -> tuple[int, int, int, int]:
    """(b): read both sheets as the slot readers do and plan the week."""
    rules = load_rules("taobao")
    goods, goods_problems = read_slot_products(products)
    crowding, rival_problems = read_competitors(competitors)
    plan = plan_slots(goods, rules, start=START, crowding=crowding, per_slot=per_slot)
    return (
        len(plan.choices),
        len(plan.unplaced),
        crowding.rows,
        len(goods_problems) + len(rival_problems),
    )


def cli(products: Path, competitors: Path, per_slot: int) -> tuple[float, str]:
    with tempfile.TemporaryDirectory(prefix="slots-bench-") as folder:
        output = Path(folder) / "plan.xlsx"
        command = [
            sys.executable,
            "-m",
            "listingkit",
            "slots",
            str(products),
            "--platform",
            "taobao",
            "--competitors",
            str(competitors),
            "--start",
            START.isoformat(),
            "--per-slot",
            str(per_slot),
            "--format",
            "json",
            "-o",
            str(output),
        ]
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        seconds = time.perf_counter() - start
        made = output.exists()
    status = f"exit {done.returncode}, plan.xlsx {'written' if made else 'missing'}"
    if done.returncode not in (0, 1) or not made:
        status += f": {done.stderr.decode('utf-8', 'replace').strip()[-300:]}"
    return seconds, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--competitors", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best counts")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--no-cli", action="store_true", help="skip the subprocess timing (c)")
    args = parser.parse_args()
    folder = args.cache or (
        Path("/tmp/listingkit-bench") / f"slots-{args.products}-{args.competitors}"
    )
    seconds, files = best_of(1, lambda: build(folder, args.products, args.competitors))
    print(f"sheets in {folder} ({seconds:.1f}s to find or make)")
    per_slot = math.ceil(args.products / SLOTS)
    print(
        f"{args.products:,} products, {args.competitors:,} competitor rows, "
        f"per_slot {per_slot}, best of {args.repeat}"
    )

    rows: list[tuple[str, ...]] = []
    verdicts: list[bool] = []
    for kind in ("xlsx", "csv"):
        rivals = files[kind]
        (read_s, read_rows), (job_s, job) = best_pair(
            args.repeat,
            partial(read_alone, files["products"], rivals),
            partial(whole_job, files["products"], rivals, per_slot),
        )
        placed, unplaced, counted, problems = job
        ratio = job_s / read_s
        verdicts.append(ratio <= TARGET)
        rows.append(
            (
                f"商品.xlsx + 竞品.{kind}",
                f"{read_s:.2f}s ({read_rows:,} rows)",
                f"{job_s:.2f}s ({placed:,} placed, {unplaced} unplaced, "
                f"{counted:,} counted, {problems} problems)",
                f"{ratio:.2f}",
                "met" if ratio <= TARGET else "not met",
                f"{peak(files['products'], rivals, per_slot):.0f} MB",
            )
        )

    header = (
        "sheets",
        "(a) read alone",
        "(b) read + plan (API)",
        "(b)/(a)",
        f"≤ {TARGET}",
        "(b) peak memory",
    )
    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, *rows]:
        cells = zip(row, widths, strict=True)
        print("  ".join(cell + " " * (width - display_width(cell)) for cell, width in cells))
    print("\n(b) peak memory: ru_maxrss of a fresh process that runs (b) once, imports included")
    if not args.no_cli:
        cli_s, status = cli(files["products"], files["xlsx"], per_slot)
        print(f"(c) listingkit slots … -o plan.xlsx (subprocess, once): {cli_s:.2f}s ({status})")
    print(f"target (b)/(a) ≤ {TARGET}: {'met' if all(verdicts) else 'not met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
