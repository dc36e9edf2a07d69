"""The perceptual hash on real image files: copies hash alike, other pictures do not."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from listingkit.naming.duplicates import default_distance
from listingkit.naming.phash import HASH_BITS, hash_distance, photo_hash
from listingkit.workers import process_pool


def product(
    turn: float = 0.0,
    shift: tuple[int, int] = (0, 0),
    colour: tuple[int, int, int] = (180, 30, 40),
    size: int = 600,
) -> Image.Image:
    """A bottle with a label and a box beside it on a light background."""
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    x, y = size // 2 + shift[0], size // 2 + shift[1]
    draw.rectangle((x - 90, y - 60, x + 30, y + 200), fill=(*colour, 255))
    draw.rectangle((x - 55, y - 160, x - 5, y - 60), fill=(*colour, 255))
    draw.rectangle((x - 80, y + 20, x + 20, y + 90), fill=(240, 220, 90, 255))
    draw.ellipse((x + 50, y + 60, x + 190, y + 200), fill=(30, 60, 140, 255))
    layer = layer.rotate(turn, resample=Image.Resampling.BICUBIC, center=(x, y))
    picture = Image.new("RGB", (size, size), (245, 245, 245))
    picture.paste(layer, (0, 0), layer)
    return picture


def saved(image: Image.Image, path: Path, quality: int = 90) -> Path:
    if path.suffix == ".png":
        image.save(path, "PNG")
    else:
        image.save(path, "JPEG", quality=quality)
    return path


def copy_of(image: Image.Image, factor: float, crop: float) -> Image.Image:
    """Resized by ``factor``, then ``crop`` of the width and height cut off (top-left)."""
    width, height = image.size
    resized = image.resize((round(width * factor), round(height * factor)), Image.LANCZOS)
    cut_x, cut_y = round(resized.width * crop), round(resized.height * crop)
    return resized.crop((cut_x, cut_y, resized.width, resized.height))


def test_a_resized_recompressed_cropped_copy_hashes_close(tmp_path: Path) -> None:
    original = saved(product(), tmp_path / "A001_01.png")
    copy = saved(copy_of(product(), 0.6, 0.03), tmp_path / "A001_红色_01.jpg", quality=50)
    a, b = photo_hash(original), photo_hash(copy)
    assert a is not None and b is not None
    assert hash_distance(a, b) <= default_distance()


def test_another_shot_of_the_product_hashes_far(tmp_path: Path) -> None:
    first = photo_hash(saved(product(), tmp_path / "A001_01.jpg"))
    second = photo_hash(saved(product(turn=25, shift=(-60, 40)), tmp_path / "A001_02.jpg"))
    assert first is not None and second is not None
    assert hash_distance(first, second) > default_distance()


def test_the_same_framing_in_another_colour_hashes_far(tmp_path: Path) -> None:
    red = photo_hash(saved(product(colour=(180, 30, 40)), tmp_path / "A001_红色_01.jpg"))
    black = photo_hash(saved(product(colour=(25, 25, 25)), tmp_path / "A001_黑色_01.jpg"))
    assert red is not None and black is not None
    assert hash_distance(red, black) > default_distance()


def test_flat_pictures_get_no_hash(tmp_path: Path) -> None:
    grey = saved(Image.new("RGB", (400, 400), (128, 128, 128)), tmp_path / "grey.jpg")
    white = saved(Image.new("RGB", (400, 400), (255, 255, 255)), tmp_path / "white.png")
    assert photo_hash(grey) is None
    assert photo_hash(white) is None


def test_an_undecodable_file_gets_no_hash(tmp_path: Path) -> None:
    text = tmp_path / "A001_01.jpg"
    text.write_text("not a picture", encoding="utf-8")
    good = saved(product(), tmp_path / "A001_02.jpg")
    truncated = tmp_path / "A001_03.jpg"
    truncated.write_bytes(good.read_bytes()[:300])
    empty = tmp_path / "A001_04.jpg"
    empty.write_bytes(b"")
    assert photo_hash(text) is None
    assert photo_hash(truncated) is None
    assert photo_hash(empty) is None
    assert photo_hash(tmp_path / "missing.jpg") is None


def test_transparency_is_laid_over_white(tmp_path: Path) -> None:
    on_white = product().convert("RGBA")
    cut_out = on_white.copy()
    pixels = cut_out.load()
    assert pixels is not None
    for x in range(cut_out.width):  # the light background made transparent
        for y in (0, 1, cut_out.height - 1):
            pixels[x, y] = (0, 0, 0, 0)
    a = photo_hash(saved(on_white.convert("RGB"), tmp_path / "a.png"))
    b = photo_hash(saved(cut_out, tmp_path / "b.png"))
    assert a is not None and b is not None
    assert hash_distance(a, b) <= default_distance()


def test_hash_distance_counts_differing_bits() -> None:
    assert hash_distance(0, 0) == 0
    assert hash_distance(0b1011, 0b0001) == 2
    assert hash_distance(0, (1 << HASH_BITS) - 1) == HASH_BITS


def test_hashes_fit_in_64_bits_and_run_in_worker_processes(tmp_path: Path) -> None:
    paths = [saved(product(shift=(i * 40, 0)), tmp_path / f"A001_0{i}.jpg") for i in range(3)]
    here = [photo_hash(p) for p in paths]
    with process_pool(1) as pool:
        there = list(pool.map(photo_hash, paths))
    assert there == here
    assert all(h is not None and 0 <= h < 1 << HASH_BITS for h in here)
