"""A store that declares where its watermark goes: found there, and only there."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from listingkit import resolve_rules
from listingkit.image.watermark import Placement, Watermark
from tests.image.test_watermark import (
    busy,
    close,
    other_logo,
    paste,
    photo_like,
    store_logo,
    text_logo,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "images.md"


def docs_store_file() -> str:
    """The example store file of docs/images.md's section on declaring the place."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("### 声明水印的位置和大小", 1)[1]
    found = re.search(r"```toml\n(.*?)```", section, re.S)
    assert found, "docs/images.md: the section has no toml example"
    return found.group(1)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store folder with the documented listingkit.toml and its logo."""
    (tmp_path / "listingkit.toml").write_text(docs_store_file(), encoding="utf-8")
    store_logo().save(tmp_path / "logo.png")
    return tmp_path


def declared(store: Path) -> tuple[Watermark, Placement]:
    mark = resolve_rules(None, store / "listingkit.toml").model.images.watermark
    assert mark is not None
    placement = Placement.of_rules(mark)
    assert placement is not None
    return Watermark.load(store / mark.template), placement


def test_the_documented_store_file_finds_the_logo_in_its_corner(store):
    watermark, placement = declared(store)
    assert placement.region == (0.5, 0.5, 1.0, 1.0)
    assert placement.scale == (0.10, 0.20)
    image = busy((800, 800))
    truth = paste(image, store_logo(), 800 - 150, 800 - 70, 0.15, opacity=0.6)
    image.save(store / "主图.jpg", "JPEG", quality=85)
    match = watermark.find(store / "主图.jpg", placement=placement)
    assert match is not None
    assert close(match.box, truth, 4), (match.box, truth)
    # The same image searched everywhere gives the same place.
    anywhere = watermark.find(store / "主图.jpg")
    assert anywhere is not None and close(anywhere.box, match.box, 3)


def test_a_logo_outside_the_declared_place_or_size_is_not_the_stores(store):
    watermark, placement = declared(store)
    elsewhere = busy((800, 800))
    paste(elsewhere, store_logo(), 40, 40, 0.15)  # top left, not bottom right
    elsewhere.save(store / "左上.jpg", "JPEG", quality=90)
    too_small = busy((800, 800))
    paste(too_small, store_logo(), 800 - 80, 800 - 40, 0.06)  # below scale's 0.10
    too_small.save(store / "太小.jpg", "JPEG", quality=90)
    for name in ("左上.jpg", "太小.jpg"):
        assert watermark.find(store / name) is not None  # it is there
        assert watermark.find(store / name, placement=placement) is None, name


def test_another_shops_logo_in_the_declared_corner(store):
    watermark, placement = declared(store)
    image = busy((800, 800))
    paste(image, other_logo(), 800 - 160, 800 - 90, 0.15)
    image.save(store / "别家.jpg", "JPEG", quality=90)
    assert watermark.find(store / "别家.jpg", placement=placement) is None


def test_a_region_and_min_width_on_a_portrait_image(tmp_path):
    store_logo().save(tmp_path / "logo.png")
    watermark = Watermark.load(tmp_path / "logo.png")
    # A strip along the bottom; the logo at least 100 px wide in the original image.
    placement = Placement.of(region=[0.0, 0.8, 1.0, 1.0], min_width_px=100)
    assert placement is not None
    image = Image.new("RGB", (750, 1000), (236, 240, 232))
    truth = paste(image, store_logo(), 300, 1000 - 60, 0.16)
    image.save(tmp_path / "竖图.jpg", "JPEG", quality=80)
    match = watermark.find(tmp_path / "竖图.jpg", placement=placement)
    assert match is not None and close(match.box, truth, 4), (match, truth)
    narrow = Placement.of(region=[0.0, 0.8, 1.0, 1.0], min_width_px=200)
    assert watermark.find(tmp_path / "竖图.jpg", placement=narrow) is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("region = [0.6, 0.0, 0.4, 1.0]", "region 的 x0 0.6 应小于 x1 0.4"),
        ("region = [0.0, 0.9, 1.0, 0.5]", "region 的 y0 0.9 应小于 y1 0.5"),
        ("region = [0.0, 0.0, 1.5, 1.0]", "images.watermark.region.2: 取值 1.5 超出范围"),
        ("region = [0.0, 0.0, 1.0]", "region 应是 4 个数"),
        ("scale = [0.2, 0.1]", "scale 的最小值 0.2 大于最大值 0.1"),
        ("scale = [0.01, 0.1]", "images.watermark.scale.0: 取值 0.01 超出范围"),
        ('position = "left"', "images.watermark.position"),
        ('position = "center"\nregion = [0, 0, 1, 1]', "position 和 region 只能写一个"),
    ],
)
def test_bad_placement_is_named_in_chinese(tmp_path, line, message):
    store_logo().save(tmp_path / "logo.png")
    (tmp_path / "listingkit.toml").write_text(
        f'extends = "taobao"\n\n[images.watermark]\ntemplate = "logo.png"\n{line}\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "listingkit", "rules", "validate", "listingkit.toml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode != 0
    assert message in done.stdout + done.stderr, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "CONF003" in done.stdout + done.stderr


def test_placement_values_checked_in_python_too():
    with pytest.raises(ValueError, match="水印区域"):
        Placement.of(region=[0.5, 0.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="水印宽度范围"):
        Placement.of(scale=[0.2, 0.1])
    with pytest.raises(ValueError, match="水印位置 'left'"):
        Placement.of(position="left")
    assert Placement.of() is None
    assert Placement.of(position="top_left") == Placement((0.0, 0.0, 0.5, 0.5))


@pytest.mark.parametrize(
    ("position", "left", "top"),
    [("top_left", 0, 0), ("top_right", 800 - 120, 0), ("center", 340, 380)],
)
def test_a_logo_flush_with_the_declared_corner(tmp_path, position, left, top):
    store_logo().save(tmp_path / "logo.png")
    watermark = Watermark.load(tmp_path / "logo.png")
    image = Image.new("RGB", (800, 800), "white")
    truth = paste(image, store_logo(), left, top, 0.15)
    image.save(tmp_path / "a.jpg", "JPEG", quality=90)
    match = watermark.find(tmp_path / "a.jpg", placement=Placement.of(position=position))
    assert match is not None and close(match.box, truth, 3), (match, truth)


def test_listingkit_images_searches_only_where_the_store_declared(store):
    """The CLI hands the declaration to the search: a logo in the wrong corner counts as absent."""
    main = store / "商品" / "主图"
    main.mkdir(parents=True)
    right = busy((800, 800))
    paste(right, store_logo(), 800 - 150, 800 - 70, 0.15, opacity=0.8)
    right.save(main / "01.jpg", "JPEG", quality=90)
    wrong = busy((800, 800))
    paste(wrong, store_logo(), 40, 40, 0.15, opacity=0.8)  # top left, not bottom right
    wrong.save(main / "02.jpg", "JPEG", quality=90)
    argv = ["images", "商品", "--rules", "listingkit.toml", "--format", "json", "--no-cache"]
    done = subprocess.run(
        [sys.executable, "-m", "listingkit", *argv, "--select", "IMG040,IMG041"],
        cwd=store,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    flagged = {
        Path(f["location"]["path"]).name
        for f in json.loads(done.stdout)["findings"]
        if f["code"].startswith("IMG04")
    }
    assert flagged == {"02.jpg"}, done.stdout


def test_a_least_width_alone_searches_the_whole_image_only_at_that_width(tmp_path):
    # A store that sets only min_width_px: its logo may be anywhere, never narrower.
    store_logo().save(tmp_path / "logo.png")
    watermark = Watermark.load(tmp_path / "logo.png")
    placement = Placement.of(min_width_px=160)
    assert placement is not None
    assert min(placement.scales(800)) * 800 >= 160
    wide = busy((800, 800), seed=7)
    truth = paste(wide, store_logo(), 90, 520, 0.25)
    wide.save(tmp_path / "宽.jpg", "JPEG", quality=85)
    match = watermark.find(tmp_path / "宽.jpg", placement=placement)
    assert match is not None and close(match.box, truth, 4), (match, truth)
    narrow = busy((800, 800), seed=7)
    truth = paste(narrow, store_logo(), 90, 520, 0.12)
    narrow.save(tmp_path / "窄.jpg", "JPEG", quality=85)
    found = watermark.find(tmp_path / "窄.jpg")
    assert found is not None and close(found.box, truth, 4), (found, truth)
    assert watermark.find(tmp_path / "窄.jpg", placement=placement) is None


def test_a_least_width_keeps_a_small_piece_of_another_name_out(tmp_path):
    # Searching every size, part of 优品专营店 matched the store's name at 45 px
    # wide, where its characters are eight pixels high; the store says its name is
    # never under 80 px, and its own name is still found.
    text_logo("棉语旗舰店").save(tmp_path / "店名.png")
    watermark = Watermark.load(tmp_path / "店名.png")
    placement = Placement.of(min_width_px=80)
    other = photo_like(54, count=90)
    paste(other, text_logo("优品专营店"), 213, 39, 0.131, 0.75)
    other.save(tmp_path / "别家.jpg", "JPEG", quality=85)
    assert watermark.find(tmp_path / "别家.jpg", placement=placement) is None
    own = photo_like(54, count=90)
    truth = paste(own, text_logo("棉语旗舰店"), 213, 39, 0.131, 0.75)
    own.save(tmp_path / "自家.jpg", "JPEG", quality=85)
    match = watermark.find(tmp_path / "自家.jpg", placement=placement)
    assert match is not None and close(match.box, truth, 6), (match, truth)
