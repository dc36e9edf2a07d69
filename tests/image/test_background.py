"""Border bands and product box of real image files made in the test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from listingkit.image.background import (
    DEFAULT_BAND,
    DEFAULT_DECODE_SIZE,
    DEFAULT_MAX_OFF_WHITE,
    DEFAULT_WHITE_LEVEL,
    EDGES,
    BackgroundFacts,
    measure_background,
)
from listingkit.image.probe import ProbeError

RED = (200, 30, 30)
BLUE = (20, 60, 160)


def picture(
    size: tuple[int, int],
    box: tuple[int, int, int, int],
    *,
    background: tuple[int, ...] | str = "white",
    colour: tuple[int, ...] = RED,
    mode: str = "RGB",
) -> Image.Image:
    """A coloured rectangle covering ``box`` (left, top, right, bottom; exclusive)."""
    image = Image.new(mode, size, background)
    left, top, right, bottom = box
    ImageDraw.Draw(image).rectangle((left, top, right - 1, bottom - 1), fill=colour)
    return image


def save(image: Image.Image, path: Path, fmt: str | None = None, **options: object) -> Path:
    image.save(path, fmt, **options)
    return path


def by_edge(facts: BackgroundFacts) -> dict[str, float]:
    return {stat.edge: stat.off_white for stat in facts.edges}


def near(box: tuple[int, int, int, int] | None, expected: tuple[int, ...], slack: int) -> bool:
    assert box is not None
    return all(abs(a - b) <= slack for a, b in zip(box, expected, strict=True))


def test_defaults_are_sane():
    assert 240 < DEFAULT_WHITE_LEVEL <= 255
    assert 0 < DEFAULT_BAND <= 0.05
    assert 0 < DEFAULT_MAX_OFF_WHITE < 1
    assert DEFAULT_DECODE_SIZE >= 128


def test_product_on_pure_white(tmp_path):
    path = save(picture((400, 300), (100, 50, 300, 250)), tmp_path / "白底.png")
    facts = measure_background(path)
    assert [stat.edge for stat in facts.edges] == list(EDGES)
    assert all(stat.off_white == 0 and stat.darkest == 255 for stat in facts.edges)
    assert facts.is_white(0.0)
    assert facts.bbox == (100, 50, 300, 250)
    assert facts.fill == pytest.approx(200 / 300)
    assert facts.area == pytest.approx(200 * 200 / (400 * 300))
    assert facts.decoded_size == (400, 300)


@pytest.mark.parametrize("grey", [240, 245, 248])
def test_light_grey_background_is_not_white(tmp_path, grey):
    image = picture((400, 400), (150, 150, 250, 250), background=(grey, grey, grey))
    facts = measure_background(save(image, tmp_path / "grey.png"))
    assert all(stat.off_white == 1.0 and stat.darkest == grey for stat in facts.edges)
    assert not facts.is_white(DEFAULT_MAX_OFF_WHITE)
    # The grey is below white but not "clearly" below it: the product box is the product.
    assert facts.bbox == (150, 150, 250, 250)


def test_near_white_counts_as_white(tmp_path):
    image = picture((400, 400), (150, 150, 250, 250), background=(252, 253, 251))
    assert measure_background(save(image, tmp_path / "w.png")).is_white(0.0)


def test_product_touching_the_left_edge(tmp_path):
    path = save(picture((400, 300), (0, 100, 150, 200)), tmp_path / "left.png")
    facts = measure_background(path)
    edges = by_edge(facts)
    assert edges["left"] == pytest.approx(100 / 300)
    assert edges["top"] == edges["bottom"] == edges["right"] == 0
    assert facts.worst_edge().edge == "left"
    assert facts.worst_edge().darkest == min(RED)
    assert facts.is_white(DEFAULT_MAX_OFF_WHITE) and not facts.is_white(0.3)
    assert facts.bbox == (0, 100, 150, 200)


def test_worst_edge_breaks_a_tie_by_the_darker_band(tmp_path):
    image = picture((300, 300), (0, 100, 30, 200), colour=(230, 230, 230))
    ImageDraw.Draw(image).rectangle((270, 100, 299, 199), fill=(10, 10, 10))
    facts = measure_background(save(image, tmp_path / "tie.png"))
    assert by_edge(facts)["left"] == by_edge(facts)["right"]
    assert facts.worst_edge().edge == "right"


def test_a_thin_frame_fills_every_band(tmp_path):
    image = Image.new("RGB", (800, 800), "white")
    ImageDraw.Draw(image).rectangle((0, 0, 799, 799), outline=(200, 0, 0), width=8)
    facts = measure_background(save(image, tmp_path / "frame.png"))
    assert all(stat.off_white == 1.0 for stat in facts.edges)
    assert not facts.is_white(DEFAULT_MAX_OFF_WHITE)


@pytest.mark.parametrize("quality", [75, 50])
def test_jpeg_noise_near_white_still_passes(tmp_path, quality):
    image = picture((600, 400), (100, 150, 250, 300))
    ImageDraw.Draw(image).ellipse((300, 100, 450, 250), fill=BLUE)
    path = save(image, tmp_path / "q.jpg", "JPEG", quality=quality)
    facts = measure_background(path)
    assert facts.is_white(DEFAULT_MAX_OFF_WHITE)
    # JPEG keeps a flat white area white: nothing reaches a band 100 px away.
    assert all(stat.off_white == 0 for stat in facts.edges)
    # Ringing and chroma bleed stay out of the box, give or take one 8-px block.
    assert near(facts.bbox, (100, 100, 451, 300), 8)


def test_jpeg_ringing_next_to_an_edge_stays_small(tmp_path):
    # The product stops 10 px short of the left edge; the halo reaches the band.
    image = picture((600, 400), (10, 150, 160, 300))
    facts = measure_background(save(image, tmp_path / "q.jpg", "JPEG", quality=75))
    assert by_edge(facts)["left"] < 0.4
    assert facts.is_white(DEFAULT_MAX_OFF_WHITE)


def test_isolated_specks_are_not_the_product(tmp_path):
    image = picture((400, 400), (150, 150, 250, 250))
    image.putpixel((30, 30), (0, 0, 0))
    image.putpixel((370, 60), (0, 0, 0))
    image.putpixel((399, 200), (0, 0, 0))  # in the right band
    facts = measure_background(save(image, tmp_path / "dust.png"), size=512)  # no reduction
    assert facts.bbox == (150, 150, 250, 250)
    assert by_edge(facts)["right"] == pytest.approx(1 / (4 * 400))
    assert facts.is_white(DEFAULT_MAX_OFF_WHITE)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_exif_orientation_gives_the_edges_as_displayed(tmp_path, fmt):
    # Stored 300×200 with the product against the top; orientation 6 shows the
    # picture turned a quarter clockwise, so the operator sees it against the right.
    image = picture((300, 200), (50, 0, 150, 40))
    exif = image.getexif()
    exif[0x0112] = 6
    path = save(image, tmp_path / f"r.{fmt.lower()}", fmt, exif=exif.tobytes(), quality=95)
    facts = measure_background(path)
    assert facts.decoded_size == (200, 300)
    edges = by_edge(facts)
    assert facts.worst_edge().edge == "right"
    assert edges["right"] == pytest.approx(100 / 300, abs=0.03)
    assert edges["top"] == edges["bottom"] == edges["left"] == 0
    assert near(facts.bbox, (160, 50, 200, 150), 2)


def test_exif_orientation_with_a_reduced_decode(tmp_path):
    image = picture((2000, 1000), (500, 0, 1000, 300))
    exif = image.getexif()
    exif[0x0112] = 6
    path = save(image, tmp_path / "big.jpg", "JPEG", exif=exif.tobytes(), quality=90)
    facts = measure_background(path, size=256)
    width, height = facts.decoded_size
    assert height > width and width < 1000
    assert facts.worst_edge().edge == "right"
    # Back in the original pixels, as displayed (1000 wide, 2000 tall).
    assert near(facts.bbox, (700, 500, 1000, 1000), 12)


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparent_png_is_composited_on_white(tmp_path, mode):
    if mode == "P":
        image = picture((400, 400), (100, 120, 300, 280), mode="RGB", background=(0, 0, 0))
        image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
        black = image.getpixel((0, 0))
        path = save(image, tmp_path / "t.png", transparency=black)
    else:
        background = (0, 0, 0, 0) if mode == "RGBA" else (0, 0)
        colour = (*RED, 255) if mode == "RGBA" else (60, 255)
        image = picture(
            (400, 400), (100, 120, 300, 280), mode=mode, background=background, colour=colour
        )
        path = save(image, tmp_path / "t.png")
    facts = measure_background(path)
    # The transparent black counts as the white it is shown on.
    assert all(stat.off_white == 0 for stat in facts.edges)
    assert facts.bbox == (100, 120, 300, 280)


def test_half_transparent_grey_is_not_white(tmp_path):
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 64))
    facts = measure_background(save(image, tmp_path / "veil.png"))
    assert all(stat.off_white == 1.0 for stat in facts.edges)


def test_sixteen_bit_grey_is_not_clipped_to_white(tmp_path):
    values = np.full((100, 100), 240 * 257, dtype=np.uint16)
    path = save(Image.fromarray(values), tmp_path / "g16.png")
    facts = measure_background(path)
    assert all(stat.off_white == 1.0 and stat.darkest == 240 for stat in facts.edges)


@pytest.mark.parametrize("fmt", ["JPEG", "MPO"])
def test_large_jpeg_is_decoded_reduced(tmp_path, fmt):
    image = picture((2000, 2000), (500, 400, 1500, 1600))
    # MPO: a camera's JPEG with a second picture appended, decoded the same way.
    extra = {"save_all": True, "append_images": [image]} if fmt == "MPO" else {}
    path = save(image, tmp_path / "big.jpg", fmt, quality=90, **extra)
    size = 256
    facts = measure_background(path, size=size)
    width, height = facts.decoded_size
    assert size <= width <= 2 * size and size <= height <= 2 * size
    # 2000 / 4: libjpeg scaled the DCT (a full decode and a reduce would give 2000 // 7).
    assert (width, height) == (500, 500)
    assert all(stat.off_white == 0 for stat in facts.edges)
    # In the original's pixels, within a decoded pixel or two.
    assert near(facts.bbox, (500, 400, 1500, 1600), 2 * 2000 // width)
    assert facts.fill == pytest.approx(0.6, abs=0.01)


def test_large_png_is_reduced_after_decoding(tmp_path):
    image = picture((2000, 1500), (500, 400, 1500, 1100))
    facts = measure_background(save(image, tmp_path / "big.png"), size=256)
    width, height = facts.decoded_size
    assert height >= 256 and height <= 2 * 256 and width < 2000
    assert near(facts.bbox, (500, 400, 1500, 1100), 8)


def test_default_decode_size_on_a_large_jpeg(tmp_path):
    path = save(Image.new("RGB", (2000, 2000), "white"), tmp_path / "w.jpg", "JPEG")
    width, height = measure_background(path).decoded_size
    assert width <= 2 * DEFAULT_DECODE_SIZE and height <= 2 * DEFAULT_DECODE_SIZE


@pytest.mark.parametrize(("name", "fmt"), [("w.png", "PNG"), ("w.jpg", "JPEG")])
def test_all_white(tmp_path, name, fmt):
    facts = measure_background(save(Image.new("RGB", (300, 200), "white"), tmp_path / name, fmt))
    assert facts.bbox is None and facts.fill == 0 and facts.area == 0
    assert all(stat.off_white == 0 for stat in facts.edges)
    assert facts.worst_edge().off_white == 0 and facts.is_white(0.0)


def test_band_is_at_least_one_pixel(tmp_path):
    image = picture((50, 50), (0, 20, 1, 30))  # a one-pixel line on the left edge
    facts = measure_background(save(image, tmp_path / "tiny.png"), band=0.001)
    assert by_edge(facts)["left"] == pytest.approx(10 / 50)


def test_white_level_and_band_are_honoured(tmp_path):
    image = picture((400, 400), (0, 0, 400, 40), colour=(245, 245, 245))
    path = save(image, tmp_path / "strip.png")
    assert by_edge(measure_background(path))["top"] == 1.0
    assert by_edge(measure_background(path, white_level=240))["top"] == 0.0
    # A band of 20 % reaches below the 10 % strip.
    assert by_edge(measure_background(path, band=0.2))["top"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("content", "kind"),
    [(b"", "not-image"), (b"not an image at all", "not-image")],
)
def test_not_an_image(tmp_path, content, kind):
    path = tmp_path / "x.jpg"
    path.write_bytes(content)
    with pytest.raises(ProbeError) as caught:
        measure_background(path)
    assert caught.value.kind == kind


def test_truncated_jpeg(tmp_path):
    image = Image.effect_noise((400, 400), 60).convert("RGB")
    data = save(image, tmp_path / "full.jpg", "JPEG").read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ProbeError) as caught:
        measure_background(path)
    assert caught.value.kind == "truncated"


def test_missing_file(tmp_path):
    with pytest.raises(ProbeError) as caught:
        measure_background(tmp_path / "无.jpg")
    assert caught.value.kind == "unreadable"


@pytest.mark.parametrize(
    "options", [{"white_level": 0}, {"white_level": 256}, {"band": 0}, {"band": 0.6}, {"size": 0}]
)
def test_bad_arguments(tmp_path, options):
    path = save(Image.new("RGB", (10, 10), "white"), tmp_path / "w.png")
    with pytest.raises(ValueError):
        measure_background(path, **options)


def plain_measure(rgb: np.ndarray, white_level: int, band: float) -> tuple[object, ...]:
    """The measure written out pixel by pixel, as the module docstring states it."""
    height, width = len(rgb), len(rgb[0])
    low = [[min(int(c) for c in rgb[y][x]) for x in range(width)] for y in range(height)]
    depth = min(max(1, round(band * min(width, height))), width, height)
    places = {
        "top": [(y, x) for y in range(depth) for x in range(width)],
        "bottom": [(y, x) for y in range(height - depth, height) for x in range(width)],
        "left": [(y, x) for y in range(height) for x in range(depth)],
        "right": [(y, x) for y in range(height) for x in range(width - depth, width)],
    }
    edges = []
    for name in EDGES:
        values = [low[y][x] for y, x in places[name]]
        off = sum(1 for v in values if v < white_level) / len(values)
        edges.append((name, off, min(values)))
    below = max(0, white_level - 16)
    solid = [[v < below for v in row] for row in low]
    if height >= 2 and width >= 2:  # a pixel counts when a 2×2 block of them starts there
        core = [
            (y, x)
            for y in range(height - 1)
            for x in range(width - 1)
            if solid[y][x] and solid[y + 1][x] and solid[y][x + 1] and solid[y + 1][x + 1]
        ]
        reach = 2
    else:
        core = [(y, x) for y in range(height) for x in range(width) if solid[y][x]]
        reach = 1
    if not core:
        return tuple(edges), None
    rows, cols = [y for y, _ in core], [x for _, x in core]
    return tuple(edges), (min(cols), min(rows), max(cols) + reach, max(rows) + reach)


@pytest.mark.parametrize("seed", range(6))
def test_the_measure_counts_as_the_plain_definition_does(tmp_path, seed):
    """Bands and product box of noisy pictures (specks, bars, white and grey borders,
    one-pixel-thin images) are those of the definition written out pixel by pixel."""
    rng = np.random.default_rng(seed)
    for number in range(25):
        height, width = (int(n) for n in rng.integers(1, 40, 2))
        rgb = np.full((height, width, 3), 255, np.uint8)
        if number % 5:  # specks and bars of every shade near and below white
            noise = rng.integers(150, 256, (height, width, 3)).astype(np.uint8)
            keep = rng.random((height, width)) < rng.random()
            rgb[keep] = noise[keep]
        path = save(Image.fromarray(rgb, "RGB"), tmp_path / f"{seed}-{number}.png")
        level = int(rng.choice([200, 240, DEFAULT_WHITE_LEVEL, 255]))
        band = float(rng.choice([DEFAULT_BAND, 0.1, 0.5]))
        facts = measure_background(path, white_level=level, band=band, size=1000)
        edges, box = plain_measure(rgb, level, band)
        assert tuple((s.edge, s.off_white, s.darkest) for s in facts.edges) == edges
        assert facts.decoded_size == (width, height)
        assert facts.bbox == box
