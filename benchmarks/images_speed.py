"""Benchmark: header-only image checks against the floor a user's own script sets.

Run from the repository root::

    python3 benchmarks/images_speed.py [--scale 1.0]

It generates a corpus like a real shop's (3,000 JPEGs 800×800, 500 at
1500×1500, 300 PNGs with alpha, 200 at 750×1000, in product folders), then
times, each in a fresh process:

- the floor: a plain Pillow loop that opens every file for its size;
- ``listingkit images CORPUS --platform taobao`` with the header checks only
  (start-up included);
- ImageMagick ``identify -ping`` over the same files, when it is installed;
- a plain serial Pillow loop that decodes every image in full, against
  ``listingkit images --role white_background``, which decodes every image at
  reduced size on both cores for the white-background checks;
- the same full-decode loop against the white-background checks plus a store
  watermark search (``[images.watermark]``, forbidden on white-background
  images) on every image of a 400-image sample drawn from each group: the
  search costs far more than a decode, so it is timed on the sample only;

and prints the ratios (best of three runs each), plus the peak memory of
listingkit on the whole corpus and on half of it (it must not grow with the
number of files).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DECODE = """
import sys
from pathlib import Path
from PIL import Image
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix in {".jpg", ".png"}:
        with Image.open(path) as image:
            image.load()
"""

FLOOR = """
import sys
from pathlib import Path
from PIL import Image
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix in {".jpg", ".png"}:
        with Image.open(path) as image:
            image.size
"""


def make_corpus(root: Path, scale: float) -> int:
    """Write the corpus; return how many images."""
    from PIL import Image, ImageDraw

    rng = random.Random(20261123)
    groups = [(3000, (800, 800), "JPEG"), (500, (1500, 1500), "JPEG"),
              (300, (800, 800), "PNG"), (200, (750, 1000), "JPEG")]  # fmt: skip
    templates: dict[tuple[tuple[int, int], str], bytes] = {}
    count = 0
    for number, size, fmt in groups:
        key = (size, fmt)
        if key not in templates:  # draw each kind once; the files share its bytes
            mode = "RGBA" if fmt == "PNG" else "RGB"
            image = Image.new(mode, size, (255, 255, 255, 0) if mode == "RGBA" else "white")
            draw = ImageDraw.Draw(image)
            for _ in range(40):
                x, y = rng.randrange(size[0]), rng.randrange(size[1])
                draw.ellipse((x, y, x + 80, y + 80), fill=(rng.randrange(256), 80, 160, 255))
            path = root / f"template.{fmt.lower()}"
            image.save(path, fmt, quality=85) if fmt == "JPEG" else image.save(path, fmt)
            templates[key] = path.read_bytes()
            path.unlink()
        for _ in range(int(number * scale)):
            product = root / f"商品{count // 8:04d}"
            role = "3x4" if size == (750, 1000) else "主图"
            folder = product / role
            folder.mkdir(parents=True, exist_ok=True)
            suffix = ".png" if fmt == "PNG" else ".jpg"
            (folder / f"{count % 8 + 1:02d}{suffix}").write_bytes(templates[key])
            count += 1
    return count


PEAK = """
import resource, sys
from listingkit.cli import main
main(sys.argv[1:])
who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
sys.stderr.write(f"{max(resource.getrusage(w).ru_maxrss for w in who)}\\n")
"""


def timed(command: list[str]) -> float:
    """Wall time of a command in a fresh process."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_memory(folder: Path) -> int:
    """Peak resident memory (KiB) of one listingkit run, its worker processes included."""
    command = [sys.executable, "-c", PEAK, *listingkit(folder, *HEADER_ONLY)[3:]]
    run = subprocess.run(command, check=True, capture_output=True, text=True)
    return int(run.stderr.strip().splitlines()[-1])


HEADER_ONLY = ["--ignore", "IMG030,IMG031"]  # the checks that decode pixels


def listingkit(folder: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "listingkit", "images", str(folder), "--platform", "taobao",
            "--exit-zero", "--format", "json", *options]  # fmt: skip


WATERMARK_RULES = """extends = "taobao"
[images.watermark]
template = "logo.png"
forbidden_on = ["white_background"]
"""


def make_sample(root: Path, sample: Path, count: int) -> int:
    """Copy every n-th image of the corpus (all groups) and a store logo into ``sample``."""
    from PIL import Image, ImageDraw, ImageFont

    images = sorted(p for p in root.rglob("*") if p.suffix in {".jpg", ".png"})
    step = max(1, len(images) // count)
    for index, path in enumerate(images[::step][:count]):
        shutil.copyfile(path, sample / f"{index:04d}{path.suffix}")
    logo = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.rounded_rectangle((4, 4, 395, 145), radius=28, outline=(214, 40, 40, 255), width=7)
    draw.ellipse((22, 22, 128, 128), fill=(214, 40, 40, 255))
    draw.text((142, 18), "YOUPIN", font=ImageFont.load_default(size=56), fill=(35, 35, 35, 255))
    logo.save(sample / "logo.png")
    (sample / "listingkit.toml").write_text(WATERMARK_RULES, encoding="utf-8")
    return len(images[::step][:count])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the corpus size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "corpus"
        root.mkdir()
        count = make_corpus(root, args.scale)
        timed([sys.executable, "-c", FLOOR, str(root)])  # warm the page cache
        floor = min(timed([sys.executable, "-c", FLOOR, str(root)]) for _ in range(3))
        ours = min(timed(listingkit(root, *HEADER_ONLY)) for _ in range(3))
        print(f"images: {count}")
        print(f"plain Pillow loop (open + size):   {floor:6.2f} s")
        print(f"listingkit images (header checks): {ours:6.2f} s   ratio {ours / floor:.2f}x "
              "(aim: at most 1.3x)")  # fmt: skip
        decode = timed([sys.executable, "-c", DECODE, str(root)])
        white = timed(listingkit(root, "--role", "white_background"))
        print(f"plain Pillow loop (full decode):   {decode:6.2f} s")
        print(f"listingkit images --role white_background:  {white:6.2f} s   "
              f"{decode / white:.2f}x faster (aim: at least 5x)")  # fmt: skip
        sample = Path(folder) / "sample"
        sample.mkdir()
        sampled = make_sample(root, sample, 400)
        decode_sample = timed([sys.executable, "-c", DECODE, str(sample)])
        marks = timed(
            [sys.executable, "-m", "listingkit", "images", str(sample), "--rules",
             str(sample / "listingkit.toml"), "--role", "white_background", "--exit-zero",
             "--format", "json"]
        )  # fmt: skip
        print(f"sample of {sampled}: plain Pillow loop (full decode): {decode_sample:6.2f} s")
        print(f"listingkit images --role white_background + watermark: {marks:6.2f} s   "
              f"{decode_sample / marks:.2f}x the speed (aim: at least 5x faster)")  # fmt: skip
        identify = shutil.which("identify")
        if identify:
            files = [str(p) for p in sorted(root.rglob("*")) if p.suffix in {".jpg", ".png"}]
            magick = timed([identify, "-ping", *files])
            print(f"ImageMagick identify -ping:        {magick:6.2f} s   "
                  f"listingkit is {magick / ours:.2f}x its speed")  # fmt: skip
        else:
            print("ImageMagick identify: not installed (apt-get install imagemagick to compare)")
        half = Path(folder) / "half"
        half.mkdir()
        for index, product in enumerate(sorted(root.iterdir())):
            if index % 2 == 0:
                shutil.copytree(product, half / product.name)
        peak_half = peak_memory(half)
        peak_all = peak_memory(root)
    print(f"peak memory: {peak_half / 1024:.0f} MiB on half the corpus, "
          f"{peak_all / 1024:.0f} MiB on all of it")  # fmt: skip


if __name__ == "__main__":
    main()
