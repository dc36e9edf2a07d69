"""Time the photo-naming work on 20,000 photos against plain loops doing the same.

Run from the repository root::

    python3 benchmarks/naming_speed.py [--count 20000] [--workers 2] [--cache DIR]

The photos (small JPEGs, 160×160, each a different picture) are written once
under ``--cache`` (default ``/tmp/listingkit-bench/naming-<count>``) and reused:
one folder per 货号, 20 photos each, most named by the grammar
(``A0001_01.jpg``), one in ten still as the camera named it (``DSC00010.jpg``).

Three timings, each against a plain loop doing the same work:

1. checking names: ``check_names`` with SKU030 off (file headers are not even
   read: the names alone), against ``os.scandir`` and one regex per name;
2. hashing: ``photo_hash`` on ``--workers`` processes of the project's pool
   (each file decoded once, small), and in this process alone, against a plain
   Pillow loop that decodes every file whole and takes an average hash; then the
   same on ``--large`` photo-sized files (2400×2400), where the reduced decode pays;
3. planning a rename: ``plan_renames(by="folder")`` against a loop building the
   same old → new list.

A missing API (``check_names``, ``plan_renames``) is named in the table, not timed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from listingkit import load_rules
from listingkit.naming.phash import photo_hash
from listingkit.workers import process_pool

PER_ITEM = 20
SIDE = 160
NAME = re.compile(r"(?P<item>[A-Za-z0-9][A-Za-z0-9-]*)_(?P<seq>\d{2,})\.(?:jpe?g|png)")


def build(folder: Path, count: int) -> list[Path]:
    """The photos, made once; every later run only lists them."""
    done = folder / ".complete"
    items = max(1, count // PER_ITEM)
    if not done.exists():
        from PIL import Image, ImageDraw

        rng = random.Random(11)
        folder.mkdir(parents=True, exist_ok=True)
        made = 0
        for item in range(items):
            sub = folder / f"A{item:04d}"
            sub.mkdir(exist_ok=True)
            for seq in range(1, PER_ITEM + 1):
                if made == count:
                    break
                made += 1
                picture = Image.new("RGB", (SIDE, SIDE), (250, 250, 250))
                draw = ImageDraw.Draw(picture)
                for _ in range(3):
                    x, y = rng.randint(0, SIDE - 40), rng.randint(0, SIDE - 40)
                    w, h = rng.randint(20, 90), rng.randint(20, 90)
                    colour = (rng.randint(0, 220), rng.randint(0, 220), rng.randint(0, 220))
                    draw.rectangle((x, y, x + w, y + h), fill=colour)
                name = f"DSC{made:05d}.jpg" if made % 10 == 0 else f"A{item:04d}_{seq:02d}.jpg"
                picture.save(sub / name, "JPEG", quality=85)
        done.write_text(str(count), encoding="utf-8")
    return sorted(folder.rglob("*.jpg"))


def build_large(folder: Path, count: int) -> list[Path]:
    """A few photo-sized files (2400×2400 JPEG), where a reduced decode pays."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"L{n:03d}_01.jpg" for n in range(count)]
    rng = random.Random(5)
    for path in paths:
        if path.exists():
            continue
        picture = Image.new("RGB", (2400, 2400), (250, 250, 250))
        draw = ImageDraw.Draw(picture)
        for _ in range(4):
            x, y = rng.randint(0, 1800), rng.randint(0, 1800)
            colour = (rng.randint(0, 220), rng.randint(0, 220), rng.randint(0, 220))
            draw.ellipse((x, y, x + rng.randint(200, 600), y + rng.randint(200, 600)), fill=colour)
        picture.save(path, "JPEG", quality=90)
    return paths


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


# -- the plain loops ---------------------------------------------------------------------


def plain_names(root: Path) -> int:
    """Names the regex does not read, found by scandir (recursive)."""
    bad = 0
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.name.lower().endswith((".jpg", ".jpeg", ".png")):
                    bad += NAME.fullmatch(entry.name) is None
    return bad


def average_hash(path: Path) -> int:
    """imagehash's average hash, inline: a full decode, 8×8 grey, above the mean."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("L").resize((8, 8), Image.Resampling.LANCZOS)
    values = np.asarray(small, np.float64).ravel()
    bits = 0
    for above in values > values.mean():
        bits = (bits << 1) | int(above)
    return bits


def plain_plan(root: Path) -> list[tuple[str, str]]:
    """old → new for every photo, folder by folder in name order (the plan's numbering)."""
    steps = []
    for sub in sorted(e.name for e in os.scandir(root) if e.is_dir()):
        names = sorted(
            (e.name for e in os.scandir(root / sub) if e.name.lower().endswith(".jpg")),
            key=lambda n: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", n)],
        )
        for seq, name in enumerate(names, start=1):
            new = f"{sub}_{seq:02d}.jpg"
            if new != name:
                steps.append((f"{sub}/{name}", f"{sub}/{new}"))
    return steps


# -- main --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--large", type=int, default=100, help="photo-sized files to hash too")
    args = parser.parse_args()
    folder = args.cache or Path("/tmp/listingkit-bench") / f"naming-{args.count}"
    seconds, photos = timed(lambda: build(folder, args.count))
    print(f"{len(photos)} photos in {folder} ({seconds:.1f}s to list or make)")
    rules = load_rules("taobao")
    rows: list[tuple[str, str, str, str]] = []

    # 1. names
    plain_s, plain_bad = timed(lambda: plain_names(folder))
    try:
        from listingkit.naming.api import check_names
    except ImportError as exc:
        rows.append(("check names", f"missing ({exc})", f"{plain_s:.2f}s", ""))
    else:
        ours_s, report = timed(lambda: check_names([folder], rules=rules, ignore=["SKU030"]))
        sku001 = sum(1 for f in report.findings if f.code == "SKU001")
        rows.append(
            (
                "check names (SKU030 off)",
                f"{ours_s:.2f}s ({sku001} SKU001)",
                f"{plain_s:.2f}s ({plain_bad} not matched)",
                f"{ours_s / plain_s:.1f}x",
            )
        )

    # 2. hashes
    def pooled() -> list[int | None]:
        with process_pool(args.workers) as pool:
            return list(pool.map(photo_hash, photos, chunksize=64))

    pool_s, hashes = timed(pooled)
    alone_s, _ = timed(lambda: [photo_hash(p) for p in photos[: len(photos) // 4]])
    alone_s *= len(photos) / max(1, len(photos) // 4)
    plain_s, _ = timed(lambda: [average_hash(p) for p in photos])
    missing = sum(1 for h in hashes if h is None)
    rows.append(
        (
            f"hash photos, {args.workers} processes",
            f"{pool_s:.2f}s ({missing} without a hash)",
            f"{plain_s:.2f}s (full decode, aHash)",
            f"{pool_s / plain_s:.2f}x",
        )
    )
    rows.append(
        (
            "hash photos, 1 process (a quarter, scaled)",
            f"{alone_s:.2f}s",
            f"{plain_s:.2f}s",
            f"{alone_s / plain_s:.2f}x",
        )
    )

    large = build_large(folder.parent / "naming-large", args.large)
    ours_s, _ = timed(lambda: [photo_hash(p) for p in large])
    plain_s, _ = timed(lambda: [average_hash(p) for p in large])
    rows.append(
        (
            f"hash {len(large)} photos of 2400×2400, 1 process",
            f"{ours_s:.2f}s (decoded at 1/8)",
            f"{plain_s:.2f}s (full decode, aHash)",
            f"{ours_s / plain_s:.2f}x",
        )
    )

    # 3. rename plan
    plain_s, plain_steps = timed(lambda: plain_plan(folder))
    try:
        from listingkit.naming.plan import plan_renames
    except ImportError as exc:
        rows.append(("plan a rename", f"missing ({exc})", f"{plain_s:.2f}s", ""))
    else:
        ours_s, plan = timed(lambda: plan_renames(folder, rules=rules, by="folder"))
        same = sorted((s.old, s.new) for s in plan.steps) == sorted(plain_steps)
        rows.append(
            (
                "plan a rename (by folder)",
                f"{ours_s:.2f}s ({len(plan.steps)} steps, {len(plan.conflicts)} conflicts)",
                f"{plain_s:.2f}s ({len(plain_steps)} steps{', same' if same else ', differ'})",
                f"{ours_s / plain_s:.1f}x",
            )
        )

    widths = [
        max(len(r[i]) for r in [("task", "listingkit", "plain loop", "ratio"), *rows])
        for i in range(4)
    ]
    for row in [("task", "listingkit", "plain loop", "ratio"), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
