"""The watermark detector on images drawn in the test: found where it is, not where it is not."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from listingkit.image import watermark as watermark_module
from listingkit.image.decode import Wanted, open_image
from listingkit.image.watermark import Watermark, WatermarkMatch


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def star(cx: float, cy: float, outer: float, inner: float) -> list[float]:
    points: list[float] = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = math.pi * k / 5 - math.pi / 2
        points += [cx + radius * math.cos(angle), cy + radius * math.sin(angle)]
    return points


def store_logo(name: str = "YOUPIN", emblem: str = "star", framed: bool = True) -> Image.Image:
    """A framed red emblem and a name on transparency, as a store's watermark PNG."""
    logo = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    if framed:
        draw.rounded_rectangle(
            (4, 4, 395, 145),
            radius=28,
            outline=(214, 40, 40, 255),
            width=7,
            fill=(255, 255, 255, 110),
        )
    draw.ellipse((22, 22, 128, 128), fill=(214, 40, 40, 255))
    if emblem == "star":
        draw.polygon(star(75, 77, 44, 18), fill=(255, 255, 255, 255))
    else:
        draw.ellipse((45, 47, 105, 107), outline=(255, 255, 255, 255), width=10)
    draw.text((142, 18), name, font=font(56), fill=(35, 35, 35, 255))
    draw.text((144, 92), "OFFICIAL STORE", font=font(27), fill=(214, 40, 40, 255))
    return logo


def other_logo() -> Image.Image:
    """Another shop's badge: a blue ellipse, a ring and other words."""
    logo = Image.new("RGBA", (360, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((4, 4, 355, 155), outline=(30, 90, 200, 255), width=9)
    draw.ellipse((30, 45, 100, 115), outline=(30, 90, 200, 255), width=12)
    draw.text((115, 40), "HOMEJOY", font=font(44), fill=(30, 30, 30, 255))
    draw.text((118, 95), "SINCE 2010", font=font(24), fill=(30, 90, 200, 255))
    return logo


def busy(size: tuple[int, int], seed: int = 3) -> Image.Image:
    """A scene of many coloured shapes and words, out of focus in places, with noise."""
    rng = np.random.default_rng(seed)
    width, height = size
    image = Image.new("RGB", size, tuple(int(v) for v in rng.integers(0, 256, 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        x, y = rng.uniform(-50, width), rng.uniform(-50, height)
        w, h = rng.uniform(10, width / 3), rng.uniform(10, height / 3)
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        kind = rng.integers(0, 4)
        if kind == 0:
            draw.ellipse((x, y, x + w, y + h), fill=colour)
        elif kind == 1:
            draw.rectangle((x, y, x + w, y + h), fill=colour)
        elif kind == 2:
            draw.line((x, y, x + w, y + h), fill=colour, width=int(rng.integers(1, 8)))
        else:
            draw.text((x, y), "SALE NEW", font=font(int(rng.integers(14, 60))), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    pixels = np.asarray(image, np.float32) + rng.normal(0, 6, (height, width, 1))
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")


def paste(
    image: Image.Image, logo: Image.Image, left: int, top: int, scale: float, opacity: float = 1.0
) -> tuple[int, int, int, int]:
    width = round(image.width * scale)
    height = round(logo.height * width / logo.width)
    mark = logo.resize((width, height), Image.Resampling.LANCZOS)
    # The detector reports the logo's visible pixels: those at least half opaque
    # in the logo file (resampling leaves a faint fringe beyond them).
    visible = mark.getchannel("A").point(lambda v: 255 if v >= 128 else 0).getbbox()
    mark.putalpha(mark.getchannel("A").point(lambda v: round(v * opacity)))
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    layer.paste(mark, (left, top))
    image.paste(Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB"))
    x0, y0, x1, y1 = visible or (0, 0, width, height)
    return left + x0, top + y0, left + x1, top + y1


@pytest.fixture
def watermark(tmp_path: Path) -> Watermark:
    path = tmp_path / "水印.png"
    store_logo().save(path)
    return Watermark.load(path)


def close(box: tuple[int, int, int, int], truth: tuple[int, int, int, int], tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(box, truth, strict=True))


def test_corner_full_opacity_box_in_original_pixels(watermark, tmp_path):
    # 1600 px wide: decoded at half size (JPEG draft), the box comes back at full size.
    image = busy((1600, 1600))
    truth = paste(image, store_logo(), 1600 - 320, 1600 - 120, 0.20)
    path = tmp_path / "主图.jpg"
    image.save(path, "JPEG", quality=92)
    match = watermark.find(path)
    assert isinstance(match, WatermarkMatch)
    assert close(match.box, truth, 6), (match.box, truth)
    assert match.scale == pytest.approx(0.20, abs=0.01)
    assert 0.5 <= match.score <= 1


def test_top_left_corner_flush_with_the_edges(watermark, tmp_path):
    image = Image.new("RGB", (800, 800), "white")
    truth = paste(image, store_logo(), 0, 0, 0.20)
    path = tmp_path / "a.jpg"
    image.save(path, "JPEG", quality=90)
    match = watermark.find(path)
    assert match is not None and close(match.box, truth, 3), (match, truth)


def test_faint_logo_in_a_compressed_jpeg(watermark, tmp_path):
    image = busy((800, 800), seed=5)
    truth = paste(image, store_logo(), 40, 600, 0.20, opacity=0.4)
    path = tmp_path / "b.jpg"
    image.save(path, "JPEG", quality=80)
    match = watermark.find(path)
    assert match is not None and close(match.box, truth, 6), (match, truth)


def test_busy_image_without_the_logo(watermark, tmp_path):
    path = tmp_path / "c.jpg"
    busy((800, 800), seed=7).save(path, "JPEG", quality=85)
    assert watermark.find(path) is None


def test_small_logo(watermark, tmp_path):
    image = Image.new("RGB", (800, 800), (246, 244, 240))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((250, 200, 550, 650), radius=40, fill=(40, 110, 60))  # the product
    truth = paste(image, store_logo(), 700, 40, 0.06)
    path = tmp_path / "d.jpg"
    image.save(path, "JPEG", quality=85)
    match = watermark.find(path)
    assert match is not None and close(match.box, truth, 3), (match, truth)


def test_another_shops_logo_is_not_the_store_logo(watermark, tmp_path):
    image = Image.new("RGB", (800, 800), "white")
    paste(image, other_logo(), 450, 600, 0.25)
    paste(image, other_logo(), 60, 80, 0.10, opacity=0.6)
    path = tmp_path / "e.jpg"
    image.save(path, "JPEG", quality=90)
    assert watermark.find(path) is None


def test_the_store_frame_with_other_words_and_emblem(watermark, tmp_path):
    # Three quarters of the logo's edges are the frame and the red circle.
    image = Image.new("RGB", (800, 800), "white")
    paste(image, store_logo("MEILE", emblem="ring"), 60, 80, 0.22)
    path = tmp_path / "e2.jpg"
    image.save(path, "JPEG", quality=90)
    assert watermark.find(path) is None


@pytest.mark.xfail(strict=True, reason="known limit: the store's emblem with another name, small")
def test_the_store_emblem_with_another_name_at_small_size(watermark, tmp_path):
    # At 7 % of the width the name is a few pixels high and the red star carries
    # the match; the benchmark counts this look-alike as a false alarm about one
    # time in ten.
    image = Image.new("RGB", (800, 800), "white")
    paste(image, store_logo("LEYOU", framed=False), 60, 80, 0.07)
    path = tmp_path / "e3.jpg"
    image.save(path, "JPEG", quality=85)
    assert watermark.find(path) is None


@pytest.mark.parametrize(("scale", "opacity"), [(0.27, 0.4), (0.22, 0.35)])
def test_a_large_faint_emblem_among_clutter(watermark, tmp_path, scale, opacity):
    # Small sizes matching the clutter score higher than the logo's own size: the
    # places that stand out among their own size are verified too.
    image = busy((800, 800), seed=11)
    truth = paste(image, store_logo(), 60, 320, scale, opacity)
    path = tmp_path / "杂乱.jpg"
    image.save(path, "JPEG", quality=75)
    match = watermark.find(path)
    assert match is not None and close(match.box, truth, 6), (match, truth)


def test_corrupt_logo_file(tmp_path):
    path = tmp_path / "店铺水印.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png")
    with pytest.raises(ValueError, match=re.escape("店铺水印.png")):
        Watermark.load(path)


def test_missing_and_empty_logo(tmp_path):
    with pytest.raises(ValueError, match=re.escape("没有这个.png")):
        Watermark.load(tmp_path / "没有这个.png")
    path = tmp_path / "空白.png"
    Image.new("RGBA", (100, 40), (0, 0, 0, 0)).save(path)
    with pytest.raises(ValueError, match=re.escape("空白.png")):
        Watermark.load(path)


def test_unreadable_image(watermark, tmp_path):
    path = tmp_path / "坏图.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 broken")
    with pytest.raises(ValueError, match=re.escape("坏图.jpg")):
        watermark.find(path)


@pytest.mark.parametrize(
    ("orientation", "stored"),
    [
        (6, Image.Transpose.ROTATE_90),
        (8, Image.Transpose.ROTATE_270),
        (3, Image.Transpose.ROTATE_180),
    ],
)
def test_exif_rotation_gives_displayed_coordinates(watermark, tmp_path, orientation, stored):
    shown = busy((750, 1000), seed=11)
    truth = paste(shown, store_logo(), 500, 80, 0.25)
    # Store the pixels turned the other way; the EXIF tag turns them back for display.
    image = shown.transpose(stored)
    exif = image.getexif()
    exif[0x0112] = orientation
    path = tmp_path / "f.jpg"
    image.save(path, "JPEG", quality=90, exif=exif.tobytes())
    match = watermark.find(path)
    assert match is not None and close(match.box, truth, 5), (match, truth)


def test_transparent_png_image_and_small_image(watermark, tmp_path):
    # A PNG with transparency shows on white; an image narrower than 800 px is not enlarged.
    image = Image.new("RGBA", (500, 500), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((100, 100, 400, 400), fill=(200, 160, 40, 255))
    base = Image.new("RGB", (500, 500), "white")
    base.paste(image, mask=image)
    truth = paste(base, store_logo(), 300, 420, 0.25)
    rgba = base.convert("RGBA")
    rgba.putalpha(Image.new("L", (500, 500), 255))
    path = tmp_path / "g.png"
    rgba.save(path)
    match = watermark.find(path)
    assert match is not None and close(match.box, truth, 3), (match, truth)


def text_logo(name: str) -> Image.Image:
    """A store's name in red in the CJK font listingkit ships: how most stores mark images."""
    import io

    from listingkit.fonts import font_bytes

    face = ImageFont.truetype(io.BytesIO(font_bytes()), 96)
    left, top, right, bottom = face.getbbox(name)
    logo = Image.new("RGBA", (right - left + 8, bottom - top + 8), (0, 0, 0, 0))
    ImageDraw.Draw(logo).text((4 - left, 4 - top), name, font=face, fill=(214, 30, 40, 255))
    return logo


def photo_like(seed: int = 5, count: int = 40) -> Image.Image:
    """A small, soft shot of round produce in warm and green colours, upscaled to 800 px.

    The benchmark's real-photo set is made the same way: shots of 200–350 px
    scaled to 800 px wide, where every edge is soft and a thin red name sits on
    green or orange of nearly its own grey.
    """
    rng = np.random.default_rng(seed)
    small = Image.new("RGB", (200, 200), (120, 150, 70))
    draw = ImageDraw.Draw(small)
    colours = [(235, 140, 30), (90, 150, 50), (240, 200, 40), (200, 90, 40)]
    for _ in range(count):
        x, y = rng.uniform(-20, 200), rng.uniform(-20, 200)
        r = rng.uniform(12, 45) if count <= 40 else rng.uniform(8, 30)
        colour = colours[int(rng.integers(0, 3 if count <= 40 else 4))]
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour, outline=(60, 70, 30), width=1)
        if count > 40:  # stalks
            draw.line((x, y - r, x + rng.uniform(-5, 5), y - r - 6), fill=(50, 110, 40), width=2)
    small = small.filter(ImageFilter.GaussianBlur(1.2 if count <= 40 else 1.0))
    return small.resize((800, 800), Image.Resampling.BICUBIC)


@pytest.fixture
def shop_name(tmp_path: Path) -> Watermark:
    path = tmp_path / "店名.png"
    text_logo("棉语旗舰店").save(path)
    return Watermark.load(path)


@pytest.mark.parametrize(("scale", "opacity"), [(0.12, 0.8), (0.2, 0.5), (0.27, 0.9)])
def test_a_shop_name_on_a_soft_upscaled_photo(shop_name, tmp_path, scale, opacity):
    image = photo_like()
    truth = paste(image, text_logo("棉语旗舰店"), 380, 520, scale, opacity)
    path = tmp_path / "店名.jpg"
    image.save(path, "JPEG", quality=75)
    match = shop_name.find(path)
    assert match is not None and close(match.box, truth, 6), (match, truth)


@pytest.mark.parametrize("other", ["云裳旗舰店", "优品专营店"])
def test_another_shops_name_in_the_same_style_is_not_the_store_name(shop_name, tmp_path, other):
    # 云裳旗舰店 shares three of the five characters and the whole layout.
    image = photo_like()
    paste(image, text_logo(other), 380, 520, 0.2, 0.9)
    path = tmp_path / "别家.jpg"
    image.save(path, "JPEG", quality=85)
    assert shop_name.find(path) is None


def test_a_shop_name_on_crowded_produce(shop_name, tmp_path):
    # Over green and orange of nearly its own grey, among stalks and outlines: on
    # a coarser search level the name was a bar among many and never verified.
    image = photo_like(76, count=90)
    truth = paste(image, text_logo("棉语旗舰店"), 370, 35, 0.148, 0.9)
    path = tmp_path / "果蔬.jpg"
    image.save(path, "JPEG", quality=80)
    match = shop_name.find(path)
    assert match is not None and close(match.box, truth, 6), (match, truth)


def test_another_shops_name_on_crowded_produce(shop_name, tmp_path):
    # Its last character is the store's own, and part of the name matched at a
    # smaller size: each character is checked, and the others are not the store's.
    image = photo_like(1, count=90)
    paste(image, text_logo("优品专营店"), 261, 432, 0.218, 0.92)
    path = tmp_path / "别家果蔬.jpg"
    image.save(path, "JPEG", quality=85)
    assert shop_name.find(path) is None


def blue_of_reds_grey() -> Image.Image:
    """A soft blue surface whose luminance is the red name's own (about 86 of 255)."""
    rng = np.random.default_rng(4)
    noise = rng.normal(0, 6, (200, 200, 1)).astype(np.float32)
    pixels = (np.array([50, 74, 250], np.float32) + noise).clip(0, 255).astype(np.uint8)
    small = Image.fromarray(pixels, "RGB").filter(ImageFilter.GaussianBlur(1.0))
    return small.resize((800, 800), Image.Resampling.BICUBIC)


def test_a_red_name_over_blue_of_its_own_grey_is_found_by_its_colour(shop_name, tmp_path):
    # In luminance the name is all but gone (red and this blue are both about 86);
    # in the direction of its colour it stands out.
    image = blue_of_reds_grey()
    truth = paste(image, text_logo("棉语旗舰店"), 300, 400, 0.2, 0.6)
    path = tmp_path / "蓝底.jpg"
    image.save(path, "JPEG", quality=85)
    match = shop_name.find(path)
    assert match is not None and close(match.box, truth, 6), (match, truth)
    # Decoded without the colour projection, only luminance is left to look at.
    with open_image(path) as file:
        grey_only = file.pixels(Wanted(working=watermark_module.WORK_WIDTH))
    assert grey_only.projected is None
    assert shop_name.find_in(grey_only) is None


def test_another_shops_red_name_over_blue_is_not_the_store_name(shop_name, tmp_path):
    image = blue_of_reds_grey()
    paste(image, text_logo("云裳旗舰店"), 300, 400, 0.2, 0.6)
    path = tmp_path / "蓝底别家.jpg"
    image.save(path, "JPEG", quality=85)
    assert shop_name.find(path) is None


def test_a_coloured_name_asks_for_its_colour_and_an_emblem_for_grey_only(
    shop_name, watermark, tmp_path
):
    matrix = shop_name.wanted.working_matrix
    assert matrix is not None and watermark.wanted.working_matrix is None
    # A black name has no colour of its own: luminance only.
    black = text_logo("棉语旗舰店")
    black.paste((0, 0, 0), mask=black.getchannel("A"))
    black.save(tmp_path / "黑字.png")
    assert Watermark.load(tmp_path / "黑字.png").wanted.working_matrix is None
    # The decoder's projection is Pillow's conversion with that matrix, on white.
    image = blue_of_reds_grey().resize((500, 400))
    image.save(tmp_path / "小图.png")
    with open_image(tmp_path / "小图.png") as file:
        pixels = file.pixels(shop_name.wanted)
    expected = np.asarray(image.convert("L", matrix=matrix), np.float32)
    assert pixels.projected is not None and np.array_equal(pixels.projected, expected)
    assert pixels.working is not None and np.array_equal(
        pixels.working, np.asarray(image.convert("L"), np.float32)
    )


@pytest.mark.parametrize("shape", [(1, 1), (1, 6), (6, 1), (9, 13)])
@pytest.mark.parametrize("before, after", [(1, 1), (3, 2), (8, 8), (0, 2)])
def test_the_edge_padding_is_numpys(shape, before, after):
    a = np.random.default_rng(7).uniform(0, 255, shape).astype(np.float32)
    expected = np.pad(a, ((before, after), (before, after)), mode="edge")
    assert np.array_equal(watermark_module._edge_pad(a, before, after), expected)


def test_a_small_spectrum_cache_finds_the_same(tmp_path, monkeypatch):
    # Images of two widths, searched one after another: the verification spectra
    # kept from one image must serve the next one exactly as fresh ones would.
    paths = []
    for k, size in enumerate([(800, 800), (750, 1000), (800, 800)]):
        image = busy(size)
        paste(image, store_logo(), 100 + 90 * k, 200, 0.12 + 0.04 * k)
        paths.append(tmp_path / f"{k}.jpg")
        image.save(paths[-1], "JPEG", quality=88)
    logo = tmp_path / "水印.png"
    store_logo().save(logo)
    kept = Watermark.load(logo)
    with_cache = [kept.find(path) for path in paths]
    monkeypatch.setattr(watermark_module, "_VERIFY_SPECTRA_BYTES", 1)
    without = [Watermark.load(logo).find(path) for path in paths]
    assert all(m is not None for m in with_cache)
    assert with_cache == without


def test_the_edge_padding_into_a_channel_of_a_stack_is_numpys():
    a = np.random.default_rng(7).uniform(0, 255, (9, 13)).astype(np.float32)
    stack = np.zeros((2, 25, 29), np.float32)
    watermark_module._edge_pad(a, 8, out=stack[1])
    assert np.array_equal(stack[1], np.pad(a, 8, mode="edge"))
    assert not stack[0].any()


def test_the_orientation_field_is_the_plain_sums():
    # Smoothing and the structure tensor are summed in place: the same values,
    # to the bit, as the plain expressions (a + 2b) + c and 0 + Σ over the greys.
    rng = np.random.default_rng(11)
    greys = [rng.uniform(0, 255, (37, 53)).astype(np.float32) for _ in range(2)]
    greys[1][5:20, 10:30] = 128  # flat: zero gradients, and their signs

    def smooth(a):
        p = np.pad(a, 1, mode="edge")
        v = p[:-2] + 2 * p[1:-1] + p[2:]
        return (v[:, :-2] + 2 * v[:, 1:-1] + v[:, 2:]) * np.float32(1 / 16)

    def orientation(*gs):
        xx = yy = xy = np.zeros(gs[0].shape, np.float32)
        for g in gs:
            p = np.pad(smooth(g), 1, mode="edge")
            gx = (p[1:-1, 2:] - p[1:-1, :-2]) * np.float32(0.5)
            gy = (p[2:, 1:-1] - p[:-2, 1:-1]) * np.float32(0.5)
            xx, yy, xy = xx + gx * gx, yy + gy * gy, xy + gx * gy
        scale = np.float32(1 / len(gs))
        xx, yy, xy = smooth(xx * scale), smooth(yy * scale), smooth(xy * scale)
        norm = xx + yy + np.float32(watermark_module._EDGE_FLOOR**2)
        return np.stack([(xx - yy) / norm, 2 * xy / norm]), xx + yy

    assert np.array_equal(watermark_module._smooth(greys[0]), smooth(greys[0]))
    for gs in (greys[:1], greys):
        field, energy = watermark_module._orientation(*gs)
        expected_field, expected_energy = orientation(*gs)
        assert field.dtype == np.float32
        assert np.array_equal(field, expected_field) and np.array_equal(energy, expected_energy)


def test_a_coloured_names_stroke_match_is_each_characters_better_grey(shop_name):
    # Both greys and every character of one width are matched in one go: each
    # character's match is the better of the two greys', each as if alone.
    rng = np.random.default_rng(5)
    greys = [rng.uniform(0, 255, (120, 260)).astype(np.float32) for _ in range(2)]
    width = 150
    both = shop_name._stroke_score(greys, 40, 50, width)
    alone = [shop_name._stroke_score([grey], 40, 50, width) for grey in greys]
    assert len(both) == len(shop_name._stroke_template(width)) >= 2
    assert both == tuple(max(a, b) for a, b in zip(*alone, strict=True))
    # At the logo's own place in a grey made of its strokes every character matches.
    cells = shop_name._stroke_template(width)
    th, tw = shop_name._template(width).mask.shape
    drawn = np.full((th + 40, tw + 40), 200, np.float32)
    _, alpha = shop_name._resized(width)
    m = watermark_module._TEMPLATE_MARGIN
    drawn[20 + m : 20 + m + alpha.shape[0], 20 + m : 20 + m + alpha.shape[1]] -= 150 * alpha
    assert min(shop_name._stroke_score([drawn], 20, 20, width)) > 0.9
    assert len(cells) == len(both)


def test_the_forward_transform_one_channel_at_a_time_is_numpys_batched_one():
    # The search's spectra are padded and transformed channel by channel: the same
    # values, to the bit, as numpy's own call on the whole stack.
    rng = np.random.default_rng(5)
    for size, shape in [
        ((3, 208, 205), (216, 216)),
        ((2, 3, 40, 50), (48, 54)),
        ((9, 13), (9, 13)),
    ]:
        a = rng.uniform(-1, 1, size).astype(np.float32)
        expected = np.fft.rfft2(a.astype(np.float64), s=shape)
        assert np.array_equal(watermark_module.fft.rfft2(a, shape, single=False), expected)
        single = watermark_module.fft.rfft2(a, shape)
        assert single.dtype == np.complex64
        assert np.array_equal(single, expected.astype(np.complex64))


def test_the_field_kept_from_the_search_is_the_field_of_a_crop():
    # Verification takes a window's orientation field from stage 1 where it holds
    # the window exactly: the same values as the field of a crop with a margin.
    rng = np.random.default_rng(9)
    greys = rng.uniform(0, 255, (2, 70, 90)).astype(np.float32)
    whole, _ = watermark_module._orientation(*greys)
    kept = watermark_module._Field(whole, (whole * whole).sum(axis=0), 0, 0, 70, 90)
    reach = watermark_module._FIELD_REACH
    for y0, y1, x0, x1 in [(10, 40, 20, 60), (0, 25, 0, 30), (50, 70, 70, 90), (0, 70, 0, 90)]:
        window = kept.window(greys.shape, y0, y1, x0, x1)
        assert window is not None
        cy0, cx0 = max(0, y0 - reach), max(0, x0 - reach)
        crop = greys[:, cy0 : min(70, y1 + reach), cx0 : min(90, x1 + reach)]
        field, _ = watermark_module._orientation(*crop)
        field = field[:, y0 - cy0 : y1 - cy0, x0 - cx0 : x1 - cx0]
        assert np.array_equal(window[0], field)
        assert np.array_equal(window[1], (field * field).sum(axis=0))
    # A part of the image (a declared region's crop) holds only what lies well inside it.
    part_field, _ = watermark_module._orientation(*greys[:, 20:60, 30:80])
    part = watermark_module._Field(part_field, part_field[0], 20, 30, 60, 80)
    assert part.window(greys.shape, 20 + reach, 40, 30 + reach, 60) is not None
    assert part.window(greys.shape, 20 + reach - 1, 40, 40, 60) is None
    assert part.window(greys.shape, 30, 60 - reach + 1, 40, 60) is None
    assert part.window(greys.shape, 30, 40, 40, 81) is None


@pytest.mark.parametrize("placement", [None, "bottom_right"])
def test_verifying_from_the_search_field_finds_the_same(
    shop_name, tmp_path, monkeypatch, placement
):
    # Names in the middle and flush with the edges: every verified measure is the
    # same whether the field comes from stage 1 or from each candidate's own crop.
    image = photo_like()
    paste(image, text_logo("棉语旗舰店"), 300, 300, 0.2, 0.7)
    paste(image, text_logo("棉语旗舰店"), 800 - 96, 800 - 20, 0.12, 0.9)
    path = tmp_path / "店名.jpg"
    image.save(path, "JPEG", quality=85)
    declared = watermark_module.Placement.of(position=placement, scale=[0.08, 0.16])
    with open_image(path) as file:
        pixels = file.pixels(shop_name.wanted)
    shared, _ = shop_name._verified(pixels, declared if placement else None)
    monkeypatch.setattr(watermark_module._Field, "window", lambda *args: None)
    own, _ = Watermark.load(shop_name.path)._verified(pixels, declared if placement else None)
    assert shared and shared == own


@pytest.mark.parametrize("shape", [(216, 216), (270, 200), (108, 52)])
def test_the_folded_spectrum_is_that_of_the_even_places(shape):
    # A declared emblem is scored at every other place from its correlation's
    # spectrum folded to half the shape: the values at the even places, exactly.
    a = np.random.default_rng(11).uniform(-1, 1, (2, *shape))
    folded = watermark_module._fold(np.fft.rfft2(a), shape)
    half = (shape[0] // 2, shape[1] // 2)
    assert np.allclose(folded, 4 * np.fft.rfft2(a[:, ::2, ::2]), atol=1e-9)
    assert np.allclose(np.fft.irfft2(folded, half) / 4, a[:, ::2, ::2], atol=1e-12)


def test_a_declared_emblem_scored_at_every_other_place_first_is_found_as_at_every_place(
    watermark, tmp_path, monkeypatch
):
    # In the corner, flush with its edges, faint over clutter, beside another shop's
    # badge, and two sizes of it: every verified place and measure is the one found
    # by scoring every place of the search level.
    declared = watermark_module.Placement.of(position="bottom_right", scale=[0.08, 0.16])
    images = []
    for k, (size, left, top, scale, opacity) in enumerate(
        [
            ((800, 800), 520, 600, 0.12, 0.9),
            ((800, 800), 800 - 128, 800 - 48, 0.16, 1.0),
            ((750, 1000), 420, 700, 0.09, 0.4),
            ((800, 800), 430, 420, 0.15, 0.6),
        ]
    ):
        image = busy(size, seed=k)
        paste(image, store_logo(), left, top, scale, opacity)
        paste(image, other_logo(), 420 + 40 * k, 880 if size[1] > 800 else 700, 0.1, 0.8)
        if k == 3:
            paste(image, store_logo(), 600, 650, 0.09, 0.5)
        path = tmp_path / f"{k}.jpg"
        image.save(path, "JPEG", quality=85)
        with open_image(path) as file:
            images.append(file.pixels(watermark.wanted))
    scored_so = [watermark._verified(pixels, declared)[0] for pixels in images]
    search = Watermark._search_levels

    def every_place(self, *args, **kwargs):
        return search(self, *args, **{**kwargs, "every_other": False})

    monkeypatch.setattr(Watermark, "_search_levels", every_place)
    fresh = Watermark.load(watermark.path)
    assert scored_so == [fresh._verified(pixels, declared)[0] for pixels in images]
    assert all(results and results[0].score >= watermark_module.THRESHOLD for results in scored_so)
