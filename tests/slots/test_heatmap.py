"""The week as a PNG: real glyphs, and the same plan the .xlsx and .ics hold."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar
from PIL import Image, ImageDraw

from listingkit import load_rules
from listingkit.errors import OutputError
from listingkit.slots.heatmap import (
    CELL_HEIGHT,
    CELL_WIDTH,
    GRID_LEFT,
    GRID_TOP,
    MARGIN,
    demand_rgb,
    drawable,
    label_font,
    plan_picture,
    write_plan_png,
)
from listingkit.slots.plan import SlotPlan, plan_slots
from listingkit.slots.profile import HOURS, WEEK, ProductRow
from tests.slots.sheets import xlsx

ROOT = Path(__file__).resolve().parents[2]
TAOBAO = load_rules("taobao")
MONDAY = dt.date(2026, 12, 7)
BLUE = (0x1F, 0x4E, 0xA8)
RED = (0xC0, 0x00, 0x00)
MISSING = "\U000f0000"  # a private-use code point: drawn as the font's missing-glyph box


def ink(text: str, size: int) -> Image.Image:
    """``text`` drawn black on white, tightly cropped."""
    picture = Image.new("L", (size * (len(text) + 2), size * 2), 255)
    ImageDraw.Draw(picture).text((size, size // 2), text, font=label_font(size), fill=0)
    box = Image.eval(picture, lambda v: 255 - v).getbbox()
    assert box is not None, f"{text!r} left no ink"
    return picture.crop(box)


@pytest.mark.parametrize("label", ["周一", "周日", "需求", "竞品上架", "主推", "橱窗推荐"])
def test_labels_render_as_glyphs_not_the_missing_box(label: str) -> None:
    boxes = ink(MISSING * len(label), 15)
    drawn = ink(label, 15)
    assert drawn.tobytes() != boxes.tobytes()
    for character in label:
        assert ink(character, 15).tobytes() != ink(MISSING, 15).tobytes(), character
    assert drawable(label, 15) == label


def test_characters_the_font_lacks_are_drawn_as_question_marks() -> None:
    # U+20000 is in CJK extension B, outside GB 2312; a control character is never drawn.
    assert drawable("A\U00020000\x1b周\u202e", 14) == "A??周?"


def _plan(products: list[ProductRow], **kwargs: object) -> SlotPlan:
    return plan_slots(products, TAOBAO, start=MONDAY, **kwargs)  # type: ignore[arg-type]


def cell_centre(weekday: int, hour: int) -> tuple[int, int]:
    return GRID_LEFT + hour * CELL_WIDTH + CELL_WIDTH // 2, GRID_TOP + weekday * CELL_HEIGHT + 20


def test_the_weekday_labels_in_the_picture_are_the_fonts_glyphs() -> None:
    picture = plan_picture(_plan([ProductRow("A001", 2)]), title="淘宝")
    for weekday, label in enumerate(["周一", "周二", "周三"]):
        middle = GRID_TOP + weekday * CELL_HEIGHT + CELL_HEIGHT // 2
        strip = picture.crop((MARGIN - 2, middle - 12, MARGIN + 34, middle + 12)).convert("L")
        expected = Image.new("L", strip.size, 255)
        ImageDraw.Draw(expected).text((2, 12), label, font=label_font(15), fill=0x22, anchor="lm")
        assert strip.tobytes() == expected.tobytes(), label


def test_the_picture_frames_exactly_the_chosen_slots_and_marks_crowding() -> None:
    products = [ProductRow(f"A{n:03d}", n + 2, featured=n < 2) for n in range(12)]
    crowding_grid = [[0] * HOURS for _ in range(WEEK)]
    crowding_grid[0][20] = 6
    crowding_grid[3][15] = 2
    from listingkit.slots.profile import Crowding

    crowding = Crowding(tuple(tuple(row) for row in crowding_grid), rows=8)
    plan = _plan(products, crowding=crowding)
    picture = plan_picture(plan, title="淘宝")
    chosen = {(c.weekday, c.hour) for c in plan.choices}
    low = min(min(row) for row in plan.demand.grid)
    high = max(max(row) for row in plan.demand.grid)
    for weekday in range(WEEK):
        for hour in range(HOURS):
            left = GRID_LEFT + hour * CELL_WIDTH
            top = GRID_TOP + weekday * CELL_HEIGHT
            edge = picture.getpixel((left + 1, top + CELL_HEIGHT // 2))
            assert (edge == BLUE) == ((weekday, hour) in chosen), (weekday, hour)
            foot = picture.getpixel((left + 2, top + CELL_HEIGHT - 3))
            assert (foot == RED) == (crowding.at(weekday, hour) > 0), (weekday, hour)
            if (weekday, hour) not in chosen:
                inside = picture.getpixel((left + 4, top + 4))
                assert inside == demand_rgb(plan.demand.at(weekday, hour), low, high)

    # The busiest hour's bar spans the cell; a third as busy, about a third of it.
    def bar(weekday: int, hour: int) -> int:
        y = GRID_TOP + weekday * CELL_HEIGHT + CELL_HEIGHT - 3
        xs = range(GRID_LEFT + hour * CELL_WIDTH, GRID_LEFT + (hour + 1) * CELL_WIDTH)
        return sum(picture.getpixel((x, y)) == RED for x in xs)

    assert bar(0, 20) >= CELL_WIDTH - 4
    assert abs(bar(3, 15) - (CELL_WIDTH - 2) / 3) <= 2


def test_a_png_listingkit_wrote_is_replaced_and_a_foreign_one_is_not(tmp_path: Path) -> None:
    plan = _plan([ProductRow("A001", 2)])
    target = tmp_path / "week.png"
    write_plan_png(plan, target, title="淘宝")
    with Image.open(target) as written:
        assert written.format == "PNG" and written.info["Software"] == "listingkit slots"
    write_plan_png(plan, target, title="淘宝")  # its own file: replaced without asking
    foreign = tmp_path / "photo.png"
    Image.new("RGB", (8, 8), "red").save(foreign)
    before = foreign.read_bytes()
    with pytest.raises(OutputError, match=r"photo\.png"):
        write_plan_png(plan, foreign)
    assert foreign.read_bytes() == before
    write_plan_png(plan, foreign, overwrite=True)
    assert foreign.read_bytes() != before


@pytest.mark.parametrize("kind", ["device", "fifo", "folder", "suffix"])
def test_devices_fifos_folders_and_other_suffixes_are_refused(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "week.png"
    if kind == "device":
        target.symlink_to(os.devnull)
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target = tmp_path / "week.jpg"
    with pytest.raises(OutputError):
        write_plan_png(_plan([ProductRow("A001", 2)]), target)
    assert Path(os.devnull).is_char_device()
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if kind == "suffix" else ["week.png"])


def test_xlsx_ics_and_png_from_one_run_hold_the_same_plan(tmp_path: Path) -> None:
    products: list[list[object]] = [["货号", "主推"]]
    products += [[f"B{n:03d}", "是" if n == 1 else "否"] for n in range(1, 15)]
    xlsx(tmp_path / "商品.xlsx", products)
    competitors: list[list[object]] = [["上架时间"]]
    competitors += [[f"2026-11-{23 + d} 20:{m:02d}"] for d in range(7) for m in (5, 25, 45)]
    xlsx(tmp_path / "竞品.xlsx", competitors)
    argv = ["商品.xlsx", "--platform", "taobao", "--start", "2026-12-07", "--competitors"]
    argv += ["竞品.xlsx", "-o", "plan.xlsx", "--ics", "plan.ics", "--png", "week.png"]
    done = subprocess.run(
        [sys.executable, "-m", "listingkit", "slots", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "America/New_York"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr

    book = openpyxl.load_workbook(tmp_path / "plan.xlsx", read_only=True)
    rows = list(book["上架计划"].iter_rows(min_row=2, values_only=True))
    planned = {str(item): dt.datetime.strptime(str(at), "%Y-%m-%d %H:%M") for item, at, *_ in rows}
    assert len(planned) == 14

    calendar = Calendar.from_ical((tmp_path / "plan.ics").read_bytes())
    shanghai = dt.timezone(dt.timedelta(hours=8))
    listed = {
        str(event["SUMMARY"]).removeprefix("上架 "): event.decoded("DTSTART")
        .astimezone(shanghai)
        .replace(tzinfo=None)
        for event in calendar.walk("VEVENT")
        if str(event["SUMMARY"]).startswith("上架 ")
    }
    assert listed == planned

    with Image.open(tmp_path / "week.png") as opened:
        picture = opened.convert("RGB")
    framed = set()
    for weekday in range(WEEK):
        for hour in range(HOURS):
            left = GRID_LEFT + hour * CELL_WIDTH
            top = GRID_TOP + weekday * CELL_HEIGHT
            if picture.getpixel((left + 1, top + CELL_HEIGHT // 2)) == BLUE:
                framed.add((weekday, hour))
    assert framed == {(at.weekday(), at.hour) for at in planned.values()}
    assert Counter(hour for _, hour in framed)[20] == 0  # the packed hour is left alone


def test_the_shipped_font_draws_every_character_it_promises() -> None:
    from listingkit.dev.font import font_characters

    promised = "".join(sorted(ch for ch in font_characters() if not ch.isspace()))
    assert len(promised) > 3755  # GB 2312 level 1, and ASCII and punctuation
    assert drawable(promised, 12) == promised
    assert drawable("A\u3000B\nC", 12) == "A B C"
    assert (
        (ROOT / "src" / "listingkit" / "fonts" / "OFL.txt")
        .read_text(encoding="utf-8")
        .startswith("Copyright 2014-2021 Adobe")
    )
