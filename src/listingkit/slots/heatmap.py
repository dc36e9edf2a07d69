"""A listing-slot plan as a picture: the week's 7 × 24 hours at a glance.

Each cell is one clock hour (rows 周一…周日 with their dates in the plan's week,
columns 0–23, Asia/Shanghai). Its colour is the demand of that hour (light =
low, dark = high, the same ramp as the .xlsx grid); a red bar along its foot is
how many competitors list in that hour, as a share of the busiest hour (the
count is written beside it); a blue frame marks an hour the plan lists
products in, with the 货号 (or how many) and ★ for a 主推 product. A legend and
the scoring formula are drawn under the grid, so the picture explains itself.

Labels are drawn with the CJK font shipped in the package (a subset of Noto
Sans CJK SC, :mod:`listingkit.dev.font`); a character the subset lacks is drawn
as ``?``, never as an empty box.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from listingkit.errors import OutputError
from listingkit.fonts import font_bytes
from listingkit.printable import show_path
from listingkit.safeio import atomic_output, check_target, has_marker
from listingkit.slots.plan import SlotChoice, SlotPlan
from listingkit.slots.profile import HOURS, WEEK, WEEKDAY_NAMES

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "CELL_HEIGHT",
    "CELL_WIDTH",
    "DEMAND_DARK",
    "DEMAND_LIGHT",
    "GRID_LEFT",
    "GRID_TOP",
    "MARGIN",
    "check_png_target",
    "demand_rgb",
    "drawable",
    "label_font",
    "plan_picture",
    "write_plan_png",
]

# Demand shading, from the week's lowest to its highest demand: light enough at
# the top for black text to stay readable.
DEMAND_LIGHT = (0xFF, 0xF7, 0xEC)
DEMAND_DARK = (0xF0, 0x8A, 0x3C)
_CROWD = (0xC0, 0x00, 0x00)
_CHOSEN = (0x1F, 0x4E, 0xA8)
_INK = (0x22, 0x22, 0x22)
_GREY = (0x66, 0x66, 0x66)
_PAPER = (0xFF, 0xFF, 0xFF)

CELL_WIDTH = 46
CELL_HEIGHT = 40
GRID_LEFT = 96  # room for 周一 and its date
GRID_TOP = 84  # room for the title, the source line and the hour numbers
MARGIN = 16  # left edge of the weekday labels, and the right margin
_BAR = 5  # height of the crowding bar
_LEGEND_HEIGHT = 150

_SOFTWARE = "listingkit slots"
# A PNG listingkit wrote carries this text chunk near its start.
_MARKER = b"tEXtSoftware\x00" + _SOFTWARE.encode("ascii")
_ours_png = has_marker(_MARKER)


def demand_rgb(value: float, low: float, high: float) -> tuple[int, int, int]:
    """The shade of ``value`` between the week's lowest and highest demand."""
    share = 0.0 if high <= low else (value - low) / (high - low)
    red, green, blue = (
        round(a + (b - a) * share) for a, b in zip(DEMAND_LIGHT, DEMAND_DARK, strict=True)
    )
    return red, green, blue


@functools.cache
def label_font(size: int) -> ImageFont.FreeTypeFont:
    """The shipped CJK font at ``size`` pixels."""
    from PIL import ImageFont

    return ImageFont.truetype(io.BytesIO(font_bytes()), size)


@functools.cache
def _notdef(size: int) -> bytes:
    # U+F0000 is a private-use code point no font of ours maps: its mask is the missing-glyph box.
    return bytes(label_font(size).getmask("\U000f0000"))


@functools.cache
def _has_glyph(character: str, size: int) -> bool:
    return bytes(label_font(size).getmask(character)) != _notdef(size)


def drawable(text: str, size: int = 14) -> str:
    """``text`` with any space as a plain space, and any other character the font
    cannot draw (a control character, one outside the subset) as ``?``."""
    return "".join(
        " " if ch.isspace() else ch if ch.isprintable() and _has_glyph(ch, size) else "?"
        for ch in text
    )


def check_png_target(
    path: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    overwrite: bool = False,
    option: str = "--png",
) -> Path:
    """Refuse, before any work, a picture file that must not be written; return it as a Path."""
    if Path(path).suffix.lower() != ".png":
        raise OutputError(f"图片文件必须以 .png 结尾：{show_path(path)}；请改用 .png 文件名")
    return check_target(path, inputs=inputs, force=overwrite, ours=_ours_png, option=option)


def write_plan_png(
    plan: SlotPlan,
    path: str | os.PathLike[str],
    *,
    title: str = "",
    inputs: Sequence[str | os.PathLike[str]] = (),
    overwrite: bool = False,
) -> None:
    """Write ``plan`` as a PNG heatmap of its week (see the module text).

    ``title`` heads the picture (e.g. the platform's name). Written atomically;
    a device, FIFO, folder, input or someone else's file is refused.
    """
    from PIL import PngImagePlugin

    target = check_png_target(path, inputs=inputs, overwrite=overwrite)
    picture = plan_picture(plan, title=title)
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", _SOFTWARE)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", pnginfo=info, optimize=True)
    with atomic_output(
        target, binary=True, inputs=inputs, force=overwrite, ours=_ours_png, option="--png"
    ) as handle:
        handle.write(buffer.getvalue())


def plan_picture(plan: SlotPlan, *, title: str = "") -> Image.Image:
    """``plan`` drawn as an RGB picture (see the module text)."""
    from PIL import Image, ImageDraw

    width = GRID_LEFT + HOURS * CELL_WIDTH + MARGIN
    height = GRID_TOP + WEEK * CELL_HEIGHT + _LEGEND_HEIGHT
    picture = Image.new("RGB", (width, height), _PAPER)
    draw = ImageDraw.Draw(picture)
    _heading(draw, plan, title)
    _grid(draw, plan)
    _legend(draw, plan, GRID_TOP + WEEK * CELL_HEIGHT + 14)
    return picture


def _text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    size: int,
    fill: tuple[int, int, int] = _INK,
    anchor: str = "la",
) -> None:
    draw.text(xy, drawable(text, size), font=label_font(size), fill=fill, anchor=anchor)


def _heading(draw: ImageDraw.ImageDraw, plan: SlotPlan, title: str) -> None:
    end = plan.start + timedelta(days=WEEK - 1)
    head = f"{title} 一周上架时段" if title else "一周上架时段"
    _text(draw, (MARGIN, 10), f"{head}：{plan.start:%Y-%m-%d} 至 {end:%Y-%m-%d}", 20)
    placed = f"{len(plan.choices)} 个商品已排"
    if plan.unplaced:
        placed += f"，{len(plan.unplaced)} 个没有时段"
    _text(draw, (MARGIN, 38), f"{placed}；需求：{plan.demand.label}", 13, _GREY)
    for hour in range(HOURS):
        x = GRID_LEFT + hour * CELL_WIDTH + CELL_WIDTH / 2
        _text(draw, (x, GRID_TOP - 6), f"{hour:02d}", 13, _GREY, "ms")


def _grid(draw: ImageDraw.ImageDraw, plan: SlotPlan) -> None:
    values = [value for row in plan.demand.grid for value in row]
    low, high = min(values), max(values)
    busiest = max((max(row) for row in plan.crowding.grid), default=0) if plan.crowding else 0
    cells: dict[tuple[int, int], list[SlotChoice]] = {}
    for choice in plan.choices:
        cells.setdefault((choice.weekday, choice.hour), []).append(choice)
    for weekday in range(WEEK):
        top = GRID_TOP + weekday * CELL_HEIGHT
        day = plan.start + timedelta(days=(weekday - plan.start.weekday()) % WEEK)
        _text(draw, (MARGIN, top + CELL_HEIGHT / 2), WEEKDAY_NAMES[weekday], 15, anchor="lm")
        _text(draw, (MARGIN + 36, top + CELL_HEIGHT / 2), f"{day:%m-%d}", 12, _GREY, "lm")
        for hour in range(HOURS):
            left = GRID_LEFT + hour * CELL_WIDTH
            box = (left, top, left + CELL_WIDTH - 1, top + CELL_HEIGHT - 1)
            shade = demand_rgb(plan.demand.at(weekday, hour), low, high)
            draw.rectangle(box, fill=shade, outline=_PAPER)
            crowd = plan.crowding.at(weekday, hour) if plan.crowding else 0
            if crowd > 0 and busiest > 0:
                _crowding(draw, box, crowd, crowd / busiest)
            chosen = cells.get((weekday, hour))
            if chosen:
                _chosen(draw, box, chosen)


def _crowding(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], count: int, share: float
) -> None:
    left, _, right, bottom = box
    length = max(3, round((right - left - 2) * share))
    draw.rectangle((left + 1, bottom - _BAR, left + length, bottom - 1), fill=_CROWD)
    _text(draw, (right - 2, bottom - _BAR - 1), str(count), 10, _CROWD, "rd")


def _chosen(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], items: list[SlotChoice]
) -> None:
    left, top, right, bottom = box
    draw.rectangle(box, outline=_CHOSEN, width=3)
    if any(choice.featured for choice in items):
        _text(draw, (left + 4, bottom - _BAR - 2), "★", 11, _CHOSEN, "ld")
    room = right - left - 8
    label = items[0].item if len(items) == 1 else ""
    for size in (12, 11, 10):
        if label and label_font(size).getlength(drawable(label, size)) <= room:
            break
    else:
        label, size = f"{len(items)}件", 12
    _text(draw, ((left + right) / 2, top + 5), label, size, _CHOSEN, "mt")


def _legend(draw: ImageDraw.ImageDraw, plan: SlotPlan, top: int) -> None:
    x = GRID_LEFT
    values = [value for row in plan.demand.grid for value in row]
    low, high = min(values), max(values)
    _text(draw, (MARGIN, top + 9), "颜色 = 该小时的需求", 13, anchor="lm")
    x += 60
    for step, label in _demand_steps(plan, low, high):
        draw.rectangle((x, top, x + 26, top + 18), fill=demand_rgb(step, low, high), outline=_GREY)
        _text(draw, (x + 32, top + 9), label, 13, anchor="lm")
        x += 40 + round(label_font(13).getlength(drawable(label, 13)))
    row = top + 30
    draw.rectangle((GRID_LEFT, row + 12, GRID_LEFT + 26, row + 12 + _BAR), fill=_CROWD)
    crowd_words = (
        "竞品上架：条长 = 占最挤时段的比例，数字 = 竞品数"
        if plan.crowding is not None
        else "没有竞品表：各时段竞品数未知"
    )
    _text(draw, (GRID_LEFT + 32, row + 9), crowd_words, 13, anchor="lm")
    row += 26
    draw.rectangle((GRID_LEFT, row, GRID_LEFT + 26, row + 18), outline=_CHOSEN, width=3)
    _text(
        draw,
        (GRID_LEFT + 32, row + 9),
        "本计划的上架时段：写货号（放不下或一格多个时写件数），★ = 含主推商品",
        13,
        anchor="lm",
    )
    row += 30
    formula = (
        f"得分 = 需求占比 ÷ (1 + {plan.crowding_weight:g} × 拥挤占比)；"
        f"上架时间比到达的整点提前 {plan.lead_minutes} 分钟；"
        f"每个时段最多 {plan.per_slot} 个；时间均为北京时间（Asia/Shanghai）"
    )
    _text(draw, (MARGIN, row), formula, 12, _GREY)
    if plan.cycle_days:
        _text(
            draw,
            (MARGIN, row + 20),
            f"下架时间 = 上架时间 + {plan.cycle_days} 天（快下架的商品适合橱窗推荐）",
            12,
            _GREY,
        )


def _demand_steps(plan: SlotPlan, low: float, high: float) -> list[tuple[float, str]]:
    """Legend swatches: the profile's level words, or five steps of the store's traffic."""
    if plan.level_words is not None and not plan.demand.measured:
        words: dict[float, list[str]] = {}
        for hour, word in enumerate(plan.level_words):
            group = words.setdefault(plan.demand.at(0, hour), [])
            if word not in group:
                group.append(word)
        return [(value, "·".join(words[value])) for value in sorted(words)]
    steps = 5
    return [
        (low + (high - low) * k / (steps - 1), f"{low + (high - low) * k / (steps - 1):.0f}")
        for k in range(steps)
    ]
