"""A small real shop folder: a sheet, product folders with real images, the rule file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from PIL import Image, ImageDraw

SHEET_HEADER = ["货号", "标题", "产品词", "类目词", "颜色", "上架时间"]


def photo(
    path: Path, size: tuple[int, int] = (800, 800), colour: str = "#c0392b", shape: int = 0
) -> Path:
    """A product shot: a shape on pure white, well inside the frame (``shape`` picks one of
    three, so photos of different colours are different pictures)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, "white")
    width, height = size
    box = (width // 8, height // 8, 7 * width // 8, 7 * height // 8)
    draw = ImageDraw.Draw(image)
    if shape % 3 == 0:
        draw.rectangle(box, fill=colour)
    elif shape % 3 == 1:
        draw.ellipse(box, fill=colour)
    else:
        draw.polygon([(width // 2, box[1]), (box[2], box[3]), (box[0], box[3])], fill=colour)
    image.save(path, "JPEG", quality=85)
    return path


def product(root: Path, folder: str, item: str, colours: list[str]) -> Path:
    """A product folder the image and photo checks pass: 5 main, 1 white, 1 detail, SKU shots."""
    base = root / folder
    for slot in range(1, 6):
        photo(base / "主图" / f"0{slot}.jpg")
    photo(base / "白底" / "01.jpg")
    photo(base / "详情" / "01.jpg", (790, 1000))
    for n, colour in enumerate(colours):
        photo(base / "SKU" / f"{item}_{colour}_01.jpg", colour=f"#{40 * n:02x}3050", shape=n + 1)
    return base


def workbook(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "商品"
    for row in [SHEET_HEADER, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def rule_file(root: Path, sheet: str = "商品.xlsx") -> Path:
    path = root / "listingkit.toml"
    path.write_text(
        f'extends = "taobao"\nstore = "测试店"\n\n[naming]\nproducts = "{sheet}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """Two clean products (A101 in 红色、蓝色; 连衣裙-A102 in 黑色) and their sheet."""
    root = tmp_path / "店铺"
    product(root, "A101", "A101", ["红色", "蓝色"])
    product(root, "连衣裙-A102", "A102", ["黑色"])
    workbook(
        root / "商品.xlsx",
        [
            ["A101", "纯棉短袖T恤男夏季宽松圆领", "", "", "红色、蓝色", ""],
            ["A102", "碎花雪纺连衣裙女夏收腰显瘦", "", "", "黑色", ""],
        ],
    )
    rule_file(root)
    return root


def run_cli(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``listingkit`` as a real process, as a shell or CI runs it."""
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
