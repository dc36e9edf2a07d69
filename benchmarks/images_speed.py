"""Benchmark: image checks against the floor a user's own script sets, before and after.

Run from the repository root::

    python3 benchmarks/images_speed.py [--scale 1.0] [--before a01bc10] [--runs 3] [--only header]

"After" is the working tree; "before" is a git ref of this repository (default
``a01bc10``, before the hostile-input work and the single decoder), extracted
read-only into a temporary folder with ``git archive REF | tar -x`` and run
from there (``PYTHONPATH=DIR/src``); the repository itself is not touched.

It generates a corpus like a real shop's (3,000 JPEGs 800×800, 500 at
1500×1500, 300 PNGs with alpha, 200 at 750×1000, in product folders), then
times, each in a fresh process, the runs of one item taking turns (floor,
before, after, floor, before, after …) so that a noisy machine slows them alike:

- the floor: a plain Pillow loop that opens every file for its size, against
  ``listingkit images CORPUS --platform taobao`` with the header checks only
  (start-up included): best of ``--runs``. Its cache folder holds the validated
  rules of an earlier run and nothing else (no image reads, no kept report), as
  any run after a user's first finds it; the same command with an empty cache
  folder, which validates the rule files again, is printed beside it;
- ImageMagick ``identify -ping`` over the same files, when it is installed;
- a plain serial Pillow loop that decodes every image in full, against
  ``listingkit images --role white_background``, which decodes every image at
  reduced size on both cores for the white-background checks: best of
  ``--long-runs`` (default 1);
- the same white-background command run again with nothing changed (every
  other run starts with an empty cache folder), against its first run: the
  second run, whose image reads come from the kept reads (and which keeps its
  report), and the best of ``--runs`` runs after it, which print the kept
  report (:mod:`listingkit.cache.runs`);
- the same full-decode loop against the white-background checks plus a store
  watermark search (``[images.watermark]``, forbidden on white-background
  images) on every image of a 400-image sample drawn from each group: the
  search costs far more than a decode, so it is timed on the sample only;

and prints the times and ratios, plus the peak memory of listingkit (after) on
the whole corpus and on half of it (it must not grow with the number of files).
No speed target is asserted anywhere: the aims are printed beside the numbers.

Both trees are byte-compiled first (``python -m compileall``), before and after
alike, as an installed package is at install time: where the environment sets
``PYTHONDONTWRITEBYTECODE``, a source tree would otherwise be compiled again by
every process it starts, which is start-up time no user of the package pays.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def timed(command: list[str], source: Path | None = None, cache: Path | None = None) -> float:
    """Wall time of a command in a fresh process (listingkit from ``source``, when given).

    Each run starts with an empty cache folder (a first run) unless ``cache`` is given.
    """
    env = dict(os.environ)
    empty = tempfile.mkdtemp(prefix="cache-")
    env["XDG_CACHE_HOME"] = str(cache or empty)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    took = time.perf_counter() - start
    shutil.rmtree(empty, ignore_errors=True)
    return took


def best_of(runs: int, commands: dict[str, Callable[[], float]]) -> dict[str, float]:
    """The best time of each command over ``runs`` rounds, the commands taking turns."""
    best = dict.fromkeys(commands, float("inf"))
    for _ in range(runs):
        for name, command in commands.items():
            best[name] = min(best[name], command())
    return best


def extract(ref: str, folder: Path) -> Path:
    """Extract the files of ``ref`` into ``folder`` (git state untouched); return its ``src``."""
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", ref], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(folder)], stdin=archive.stdout, check=True)
    assert archive.stdout is not None
    archive.stdout.close()
    if archive.wait() != 0:
        raise SystemExit(f"git archive {ref} failed")
    return folder / "src"


def imported_from(source: Path) -> Path:
    """Where a process given ``PYTHONPATH=source`` imports listingkit from."""
    env = dict(os.environ, PYTHONPATH=str(source))
    code = "import listingkit; print(listingkit.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    return Path(out.stdout.strip())


def peak_memory(folder: Path, source: Path) -> int:
    """Peak resident memory (KiB) of one listingkit run, its worker processes included."""
    command = [sys.executable, "-c", PEAK, *listingkit(folder, *HEADER_ONLY)[3:]]
    with tempfile.TemporaryDirectory() as cache:  # a first run, kept reads written
        env = dict(os.environ, PYTHONPATH=str(source), XDG_CACHE_HOME=cache)
        run = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
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
    parser.add_argument("--before", default="a01bc10", help="git ref to compare with")
    parser.add_argument("--runs", type=int, default=3, help="rounds of the short items")
    parser.add_argument("--long-runs", type=int, default=1, help="rounds of the decoding items")
    parser.add_argument(
        "--only", choices=["header"], help="time only this item (header: the header checks)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "before").mkdir()
        os.chdir(base)  # no store rule file or package is picked up from where it was started
        versions = {"before": extract(args.before, base / "before"), "after": ROOT / "src"}
        for name, source in versions.items():
            where = imported_from(source)
            assert where.is_relative_to(source), f"{name}: listingkit imported from {where}"
        print(f"before: {args.before} (git archive into a temporary folder); after: working tree")
        for source in versions.values():  # as installed: bytecode compiled once, both alike
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(source)], check=True)
        root = base / "corpus"
        root.mkdir()
        count = make_corpus(root, args.scale)
        print(f"images: {count}")
        timed([sys.executable, "-c", FLOOR, str(root)])  # warm the page cache

        def floor() -> float:
            return timed([sys.executable, "-c", FLOOR, str(root)])

        def decode() -> float:
            return timed([sys.executable, "-c", DECODE, str(root)])

        def ours(name: str, *options: str, folder: Path = root) -> Callable[[], float]:
            return lambda: timed(listingkit(folder, *options), versions[name])

        def rules_only(name: str) -> Callable[[], float]:
            """The header checks with a cache folder that holds the validated rules only."""
            home = base / f"rules-{name}"
            command = listingkit(root, *HEADER_ONLY)
            if not home.exists():
                timed(command, versions[name], home)  # validates and keeps the rules

            def run() -> float:
                for kept in ("results", "runs"):  # rules only: no read or report kept
                    shutil.rmtree(home / "listingkit" / kept, ignore_errors=True)
                return timed(command, versions[name], home)

            return run

        header = best_of(
            args.runs,
            {
                "floor": floor,
                "before": rules_only("before"),
                "after": rules_only("after"),
                "after, no cache": ours("after", *HEADER_ONLY),
            },
        )
        print(f"\nheader checks only (--ignore IMG030,IMG031; best of {args.runs}, taking turns)")
        print(f"  plain Pillow loop (open + size):  {header['floor']:6.2f} s")
        for name in [*versions, "after, no cache"]:
            print(
                f"  listingkit {name:15}:       {header[name]:6.2f} s   "
                f"{header[name] / header['floor']:.2f}x the loop (aim: at most 1.3x)"
            )
        identify = shutil.which("identify")
        if identify:
            files = [str(p) for p in sorted(root.rglob("*")) if p.suffix in {".jpg", ".png"}]
            magick = best_of(args.runs, {"identify": lambda: timed([identify, "-ping", *files])})
            print(
                f"  ImageMagick identify -ping:       {magick['identify']:6.2f} s   "
                f"listingkit (after) is {magick['identify'] / header['after']:.2f}x its speed"
            )
        else:
            print("  ImageMagick identify: not installed (apt-get install imagemagick to compare)")
        if args.only == "header":
            os.chdir(ROOT)
            return

        white = best_of(
            args.long_runs,
            {
                "loop": decode,
                "before": ours("before", "--role", "white_background"),
                "after": ours("after", "--role", "white_background"),
            },
        )
        print(f"\nwhite background (--role white_background; best of {args.long_runs})")
        print(f"  plain Pillow loop (full decode, serial): {white['loop']:6.2f} s")
        for name in versions:
            print(
                f"  listingkit {name:6}:                       {white[name]:6.2f} s   "
                f"{white['loop'] / white[name]:.2f}x the loop's speed (aim: at least 2.5x)"
            )

        # The same command again with nothing changed: the second run takes every read
        # from the kept reads (and keeps its report); the runs after it print that report.
        kept = base / "user-cache"
        again = listingkit(root, "--role", "white_background")
        timed(again, versions["after"], kept)  # the first run fills the cache
        second = timed(again, versions["after"], kept)
        later = best_of(args.runs, {"after": lambda: timed(again, versions["after"], kept)})
        print("\nsame command again, nothing changed (after; the first run as timed above)")
        print(
            f"  second run:             {second:6.2f} s   "
            f"{white['after'] / second:.1f}x faster than the first (aim: 20x)"
        )
        print(
            f"  third run on (best of {args.runs}): {later['after']:6.2f} s   "
            f"{white['after'] / later['after']:.1f}x faster than the first"
        )

        sample = base / "sample"
        sample.mkdir()
        sampled = make_sample(root, sample, max(8, round(400 * args.scale)))
        rules = ["--rules", str(sample / "listingkit.toml"), "--role", "white_background"]
        marks = best_of(
            args.long_runs,
            {
                "loop": lambda: timed([sys.executable, "-c", DECODE, str(sample)]),
                "before": ours("before", *rules, folder=sample),
                "after": ours("after", *rules, folder=sample),
            },
        )
        print(
            f"\nwhite background + watermark search, sample of {sampled} (best of {args.long_runs})"
        )
        print(f"  plain Pillow loop (full decode, serial): {marks['loop']:6.2f} s")
        for name in versions:
            print(
                f"  listingkit {name:6}:                       {marks[name]:6.2f} s   "
                f"{marks[name] / marks['loop']:.1f}x the loop's time"
            )

        half = base / "half"
        half.mkdir()
        for index, product in enumerate(sorted(root.iterdir())):
            if index % 2 == 0:
                shutil.copytree(product, half / product.name)
        peak_half = peak_memory(half, versions["after"])
        peak_all = peak_memory(root, versions["after"])
        os.chdir(ROOT)
    print(
        f"\npeak memory (after, header checks): {peak_half / 1024:.0f} MiB on half the corpus, "
        f"{peak_all / 1024:.0f} MiB on all of it"
    )


if __name__ == "__main__":
    main()
