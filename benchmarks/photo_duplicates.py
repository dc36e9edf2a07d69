"""Measure the duplicate-photo hash (SKU030) on a labelled set, and choose its threshold.

Run from the repository root::

    python3 benchmarks/photo_duplicates.py [--products 40] [--corpus PATH] [--seed 7]

The labelled set is written to a temporary folder:

- product-like pictures made here: one to three shapes (a bottle, a box, a
  ring …) with a printed label on a flat, gradient or textured background.
  Each product has a first shot, and two other shots of the same object
  (moved, scaled, turned, lit differently, sometimes mirrored);
- real photos from the shared corpus (``../shared/corpus/images``, if present;
  the project's tests never read it): GroceryStoreDataset's studio shots and
  in-store photos. Photos of one grocery class (a studio shot and shelf photos)
  are other shots of one product.

Every first shot (and every corpus photo) gets copies as a store's folder
gathers them: resized 0.5×–2×, re-saved as JPEG at quality 95/75/50/30, cropped
2–5 %, converted PNG↔JPEG, and all three at once. A copy and its original are
the same picture; everything else (another shot of the same product included)
is a different one.

Every pair of files is compared. The script prints the distance distribution
of same and different pairs for the DCT hash (what ``photo_hash`` computes), a
difference hash and the smaller of the two, precision and recall at each
threshold, and writes the false positives at the chosen threshold side by side
as PNGs under ``/tmp/listingkit-bench/duplicates-fp/`` to look at.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from listingkit.naming.phash import grey_square, hash_of_rgb, reduced_rgb, structure_bits

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "images"
FALSE_POSITIVES = Path(tempfile.gettempdir()) / "listingkit-bench" / "duplicates-fp"
SIDE = 600
WORDS = ["纯棉", "COTTON", "A1023", "夏季新款", "SALE", "500ml", "有机", "FRESH", "X-9", "礼盒"]


@dataclass
class Item:
    path: Path
    picture: str  # same picture ⇔ same value
    product: str  # same product (another shot) ⇔ same value
    how: str  # what made this file


# -- procedural products ----------------------------------------------------------


def _colour(rng: random.Random, light: bool = False) -> tuple[int, int, int]:
    low = 170 if light else 0
    high = 255 if light else 200
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def _product(rng: random.Random) -> dict[str, object]:
    shapes = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["box", "ellipse", "bottle", "ring", "triangle"])
        w, h = rng.uniform(0.2, 0.6), rng.uniform(0.2, 0.7)
        dx, dy = rng.uniform(-0.15, 0.15), rng.uniform(-0.15, 0.15)
        shapes.append((kind, _colour(rng), w, h, dx, dy))
    return {
        "shapes": shapes,
        "text": rng.choice(WORDS),
        "text_colour": _colour(rng),
        "background": rng.choice(["white", "flat", "gradient", "texture"]),
        "bg_colour": _colour(rng, light=True),
        "bg_colour2": _colour(rng, light=True),
        "stripe": rng.choice([None, _colour(rng)]),
    }


def _background(spec: dict[str, object], rng: random.Random) -> Image.Image:
    kind = spec["background"]
    if kind == "white":
        return Image.new("RGB", (SIDE, SIDE), (255, 255, 255))
    if kind == "flat":
        return Image.new("RGB", (SIDE, SIDE), spec["bg_colour"])  # type: ignore[arg-type]
    a = np.array(spec["bg_colour"], np.float32)
    b = np.array(spec["bg_colour2"], np.float32)
    t = np.linspace(0, 1, SIDE, dtype=np.float32)[:, None, None]
    grad = np.broadcast_to(a + (b - a) * t, (SIDE, SIDE, 3)).copy()
    if kind == "texture":
        noise = np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, 12, (SIDE // 8, SIDE // 8))
        noise_img = Image.fromarray(noise.astype(np.float32)).resize((SIDE, SIDE))
        grad += np.asarray(noise_img, np.float32)[:, :, None]
    return Image.fromarray(grad.clip(0, 255).astype(np.uint8))


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("NotoSansCJK-Regular.ttc", "DejaVuSans-Bold.ttf", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _render(spec: dict[str, object], view: dict[str, float], rng: random.Random) -> Image.Image:
    """The product as one shot: ``view`` gives position, scale, turn, light, mirror."""
    layer = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    cx, cy, scale = SIDE * view["x"], SIDE * view["y"], SIDE * view["scale"]
    for kind, colour, w, h, dx, dy in spec["shapes"]:  # type: ignore[attr-defined]
        x0, y0 = cx + (dx - w / 2) * scale, cy + (dy - h / 2) * scale
        x1, y1 = cx + (dx + w / 2) * scale, cy + (dy + h / 2) * scale
        fill = (*colour, 255)
        if kind == "box":
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        elif kind == "ellipse":
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        elif kind == "bottle":
            neck = (x1 - x0) * 0.3
            draw.rectangle((x0, y0 + (y1 - y0) * 0.3, x1, y1), fill=fill)
            mid = (x0 + x1) / 2
            draw.rectangle((mid - neck / 2, y0, mid + neck / 2, y0 + (y1 - y0) * 0.3), fill=fill)
        elif kind == "ring":
            draw.ellipse((x0, y0, x1, y1), outline=fill, width=max(4, int((x1 - x0) * 0.15)))
        else:
            draw.polygon([(x0, y1), (x1, y1), ((x0 + x1) / 2, y0)], fill=fill)
    if spec["stripe"] is not None:
        draw.rectangle(
            (cx - scale * 0.2, cy - scale * 0.03, cx + scale * 0.2, cy + scale * 0.03),
            fill=(*spec["stripe"], 255),  # type: ignore[misc]
        )
    draw.text(
        (cx - scale * 0.15, cy + scale * 0.05),
        str(spec["text"]),
        fill=(*spec["text_colour"], 255),  # type: ignore[misc]
        font=_font(max(10, int(scale * 0.08))),
    )
    layer = layer.rotate(view["turn"], resample=Image.Resampling.BICUBIC, center=(cx, cy))
    if view["mirror"]:
        layer = layer.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    shadow = layer.split()[3].filter(ImageFilter.GaussianBlur(8))
    picture = _background(spec, rng)
    picture.paste((90, 90, 90), (6, 8), shadow.point(lambda v: v // 3))
    picture.paste(layer, (0, 0), layer)
    return ImageEnhance.Brightness(picture).enhance(view["light"])


def _recoloured(spec: dict[str, object], rng: random.Random) -> dict[str, object]:
    """The same product in another colour (a SKU photo of the next colour)."""
    palette = [(20, 20, 20), (128, 128, 128), (235, 235, 235), (190, 30, 30), (30, 40, 110)]
    colour = rng.choice([*palette, _colour(rng)])
    shapes = [(k, colour, w, h, dx, dy) for k, _, w, h, dx, dy in spec["shapes"]]  # type: ignore[attr-defined]
    return {**spec, "shapes": shapes}


def _views(rng: random.Random) -> list[dict[str, float]]:
    first = {"x": 0.5, "y": 0.5, "scale": 1.0, "turn": 0.0, "light": 1.0, "mirror": 0.0}
    others = []
    for _ in range(2):
        others.append(
            {
                "x": 0.5 + rng.choice([-1, 1]) * rng.uniform(0.05, 0.15),
                "y": 0.5 + rng.choice([-1, 1]) * rng.uniform(0.03, 0.12),
                "scale": rng.uniform(0.75, 1.25),
                "turn": rng.choice([-1, 1]) * rng.uniform(8, 35),
                "light": rng.uniform(0.85, 1.15),
                "mirror": float(rng.random() < 0.3),
            }
        )
    return [first, *others]


# -- copies -----------------------------------------------------------------------


def _save(image: Image.Image, path: Path, quality: int = 90) -> None:
    if path.suffix == ".png":
        image.save(path, "PNG")
    else:
        image.convert("RGB").save(path, "JPEG", quality=quality)


def _crop(image: Image.Image, rng: random.Random) -> Image.Image:
    w, h = image.size
    share = rng.uniform(0.02, 0.05)
    left = rng.uniform(0, share)
    top = rng.uniform(0, share)
    return image.crop(
        (int(w * left), int(h * top), int(w * (1 - share + left)), int(h * (1 - share + top)))
    )


def _resize(image: Image.Image, factor: float) -> Image.Image:
    w, h = image.size
    return image.resize((max(8, round(w * factor)), max(8, round(h * factor))), Image.LANCZOS)


def _copies(original: Path, out: Path, rng: random.Random) -> list[tuple[Path, str]]:
    """Copies of one file as a folder gathers them: (path, how)."""
    image = Image.open(original)
    image.load()
    stem = original.stem
    made: list[tuple[Path, str]] = []
    for factor in (0.5, 0.75, 1.5, 2.0):
        path = out / f"{stem}_x{factor}.jpg"
        _save(_resize(image, factor), path)
        made.append((path, f"resized {factor}x"))
    for quality in (95, 75, 50, 30):
        path = out / f"{stem}_q{quality}.jpg"
        _save(image, path, quality)
        made.append((path, f"jpeg q{quality}"))
    path = out / f"{stem}_crop.jpg"
    _save(_crop(image, rng), path)
    made.append((path, "cropped 2-5%"))
    other = ".jpg" if original.suffix == ".png" else ".png"
    path = out / f"{stem}_conv{other}"
    _save(image, path)
    made.append((path, f"{original.suffix}->{other}"))
    path = out / f"{stem}_all.jpg"
    factor = rng.uniform(0.5, 2.0)
    _save(_crop(_resize(image, factor), rng), path, rng.choice([95, 75, 50, 30]))
    made.append((path, f"resized {factor:.2f}x+cropped+re-compressed"))
    return made


# -- the set ------------------------------------------------------------------------


def build_set(folder: Path, products: int, corpus: Path | None, seed: int) -> list[Item]:
    rng = random.Random(seed)
    items: list[Item] = []
    for number in range(products):
        spec = _product(rng)
        suffix = rng.choice([".jpg", ".png"])
        for shot, view in enumerate(_views(rng)):
            path = folder / f"p{number:03d}_shot{shot}{suffix}"
            _save(_render(spec, view, rng), path, 92)
            picture = f"p{number}-{shot}"
            items.append(Item(path, picture, f"p{number}", "first shot" if shot == 0 else "shot"))
            if shot == 0:
                items += [
                    Item(p, picture, f"p{number}", how) for p, how in _copies(path, folder, rng)
                ]
                path = folder / f"p{number:03d}_colour{suffix}"
                _save(_render(_recoloured(spec, rng), view, rng), path, 92)
                items.append(Item(path, f"p{number}-colour", f"p{number}", "other colour"))
    if corpus is not None and corpus.is_dir():
        photos = sorted(corpus.rglob("*.jpg"))
        for number, photo in enumerate(photos):
            product = photo.parent.name
            path = folder / f"c{number:03d}{photo.suffix}"
            path.write_bytes(photo.read_bytes())
            picture = f"c{number}"
            items.append(Item(path, picture, product, "corpus photo"))
            if number % 3 == 0:  # copies of a third of them: enough pairs, short run
                items += [Item(p, picture, product, how) for p, how in _copies(path, folder, rng)]
    return items


def _bits(bits: list[bool]) -> int:
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def dhash_of_grey(grey: np.ndarray) -> int | None:
    """A difference hash (9×8, rows compared left to right) from the same grey copy."""
    small = np.asarray(
        Image.fromarray(grey.astype(np.float32)).resize((9, 8), Image.Resampling.BOX), np.float64
    )
    if float(grey.std()) < 2.0:
        return None
    bits = (small[:, 1:] > small[:, :-1]).ravel()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def _distances(hashes: list[int]) -> np.ndarray:
    values = np.array(hashes, dtype=np.uint64)
    xor = values[:, None] ^ values[None, :]
    bytes_ = xor.view(np.uint8).reshape(len(values), len(values), 8)
    return np.unpackbits(bytes_, axis=2).sum(axis=2)


def _report(name: str, dist: np.ndarray, same: np.ndarray, other_shot: np.ndarray) -> None:
    upper = np.triu(np.ones_like(same, dtype=bool), 1)
    pos = dist[upper & same]
    shots = dist[upper & other_shot]
    neg = dist[upper & ~same]
    print(f"\n== {name}: {pos.size} same pairs, {neg.size} different ({shots.size} other shots)")
    edges = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 28, 32, 65]
    print("  distance   same  other-shot  different")
    for low, high in itertools.pairwise(edges):
        print(
            f"  {low:2d}-{high - 1:2d}  {int(((pos >= low) & (pos < high)).sum()):6d}"
            f"  {int(((shots >= low) & (shots < high)).sum()):10d}"
            f"  {int(((neg >= low) & (neg < high)).sum()):9d}"
        )
    print("  threshold  precision  recall  false+  missed")
    for threshold in range(4, 25, 2):
        tp = int((pos <= threshold).sum())
        fp = int((neg <= threshold).sum())
        precision = tp / (tp + fp) if tp + fp else 1.0
        print(
            f"  {threshold:9d}  {precision:9.4f}  {tp / pos.size:6.4f}  {fp:6d}  {pos.size - tp:6d}"
        )


def _side_by_side(a: Path, b: Path, out: Path) -> None:
    left, right = Image.open(a).convert("RGB"), Image.open(b).convert("RGB")
    left.thumbnail((300, 300))
    right.thumbnail((300, 300))
    board = Image.new("RGB", (610, 300), "white")
    board.paste(left, (0, 0))
    board.paste(right, (310, 0))
    board.save(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=40)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=int, default=None, help="default: duplicate_distance")
    args = parser.parse_args()
    threshold = args.threshold if args.threshold is not None else _default_threshold()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        start = time.perf_counter()
        items = build_set(folder, args.products, args.corpus, args.seed)
        built = time.perf_counter() - start
        start = time.perf_counter()
        rgbs = [reduced_rgb(item.path) for item in items]
        hashes = [hash_of_rgb(rgb) if rgb is not None else None for rgb in rgbs]
        hashed = time.perf_counter() - start
        usable = [k for k, h in enumerate(hashes) if h is not None]
        print(
            f"{len(items)} files ({len(items) - len(usable)} without a hash); built in"
            f" {built:.1f}s, decoded and hashed in {hashed:.1f}s"
            f" ({hashed / len(items) * 1000:.1f} ms/file)"
        )
        greys = [grey_square(rgbs[k]) for k in usable]  # type: ignore[arg-type]
        p = [hashes[k] or 0 for k in usable]
        plain = [_bits(structure_bits(g, 63)) for g in greys]
        d = [dhash_of_grey(g) or 0 for g in greys]
        items = [items[k] for k in usable]
        pictures = np.array([i.picture for i in items])
        products = np.array([i.product for i in items])
        same = pictures[:, None] == pictures[None, :]
        other_shot = (products[:, None] == products[None, :]) & ~same
        hows = np.array([i.how for i in items])
        colour = other_shot & (
            (hows[:, None] == "other colour") | (hows[None, :] == "other colour")
        )
        upper = np.triu(np.ones_like(same, dtype=bool), 1)
        p_dist = _distances(p)
        d_dist = _distances(d)
        plain_dist = _distances(plain)
        _report("plain DCT hash, 63 bits, whole picture, grey", plain_dist, same, other_shot)
        _report("difference hash, whole picture, grey", d_dist, same, other_shot)
        _report("the larger of the two", np.maximum(plain_dist, d_dist), same, other_shot)
        _report("photo_hash: DCT of the content + its colour", p_dist, same, other_shot)

        upper = np.triu(np.ones_like(same, dtype=bool), 1)
        for label, mask in (("other shots", other_shot), ("other colours", colour)):
            near = p_dist[upper & mask]
            within = int((near <= threshold).sum())
            print(f"  {label}: {near.size} pairs, within the threshold {within}")
        corpus = np.array([i.path.name.startswith("c") for i in items])
        for label, part in (("made here", ~corpus), ("corpus photos", corpus)):
            both = upper & part[:, None] & part[None, :]
            tp = int((both & same & (p_dist <= threshold)).sum())
            fp = int((both & ~same & (p_dist <= threshold)).sum())
            pos = int((both & same).sum())
            if pos:
                print(
                    f"  {label}: precision {tp / max(1, tp + fp):.4f} recall {tp / pos:.4f}"
                    f" ({pos} same pairs, {fp} false positives)"
                )
        print(f"\n== photo_hash at threshold {threshold}")
        missed = np.argwhere(upper & same & (p_dist > threshold))
        for a, b in missed[:15]:
            how = f"{items[a].how} / {items[b].how}"
            print(f"  missed  d={p_dist[a, b]:2d}  {how}  {items[a].picture}")
        false = np.argwhere(upper & ~same & (p_dist <= threshold))
        FALSE_POSITIVES.mkdir(parents=True, exist_ok=True)
        for old in FALSE_POSITIVES.glob("*.png"):
            old.unlink()
        for n, (a, b) in enumerate(false[:40]):
            kind = "other shot" if other_shot[a, b] else "different"
            names = f"{items[a].path.name} / {items[b].path.name}"
            print(f"  false+  d={p_dist[a, b]:2d}  {kind}: {names}")
            _side_by_side(items[a].path, items[b].path, FALSE_POSITIVES / f"fp{n:02d}.png")
        pos = int((upper & same).sum())
        tp = int((upper & same & (p_dist <= threshold)).sum())
        fp = len(false)
        precision = tp / (tp + fp) if tp + fp else 1.0
        print(f"\nprecision {precision:.4f}  recall {tp / pos:.4f}  (threshold {threshold})")
        if fp:
            print(f"false positives side by side: {FALSE_POSITIVES}")
    return 0


def _default_threshold() -> int:
    from listingkit.naming import duplicates

    return duplicates.default_distance()


if __name__ == "__main__":
    raise SystemExit(main())
