"""Calibrate the white-background measurement on real photos.

Run from the repository root::

    python3 benchmarks/white_background_calibration.py [--corpus PATH] [--upscale 1600]

The corpus is the shared folder of real inputs (``../shared/corpus/images`` next
to the repository; see its README). It is not part of the project: a fresh clone
has no such folder, and the project's tests never read it. Two sets:

- ``white-background/iconic/``: 81 studio product shots on white, 198×198 JPEG
  (GroceryStoreDataset iconic images). Every one must pass
  ``is_white(DEFAULT_MAX_OFF_WHITE)``; a third are cartons cropped at the top
  and bottom, so "white" cannot mean "no edge touched".
- ``in-store/``: 99 in-store shelf photos, 348×348 JPEG, in subfolders. Every
  one must fail.

Every photo is measured with the defaults. The script prints the pass/fail
counts of both sets (naming any photo on the wrong side), the margin (the worst
white shot's worst edge against the best in-store photo's worst edge, and where
``DEFAULT_MAX_OFF_WHITE`` sits between them), the same margin for neighbouring
white levels and band widths, the distribution of ``fill`` on the white shots,
and the time per image.

The corpus photos are smaller than the default decode size, so they never go
through the reduced decode. ``--upscale N`` (default 1600, 0 to skip) also
writes every photo enlarged to N×N as JPEG quality 90 in a temporary folder and
measures it at several decode sizes against a full decode: the verdicts must
agree and the edge fractions stay close, and the time shows what the reduced
decode saves on photo-sized files.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from listingkit.image.background import (
    DEFAULT_BAND,
    DEFAULT_DECODE_SIZE,
    DEFAULT_MAX_OFF_WHITE,
    DEFAULT_WHITE_LEVEL,
    BackgroundFacts,
    measure_background,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "images"
WHITE_SET = Path("white-background") / "iconic"
STORE_SET = Path("in-store")
SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}

# Neighbours of the defaults, for the sensitivity table.
WHITE_LEVELS = (240, 245, 248, 250, 252, 254)
BANDS = (0.005, 0.01, 0.02, 0.05)
# Decode sizes compared on the upscaled copies; a huge size means "decode whole".
DECODE_SIZES = (128, 256, 512, 1024)
FULL = 1 << 30


@dataclass(frozen=True, slots=True)
class Shot:
    path: Path
    name: str  # relative to its set's folder
    facts: BackgroundFacts
    seconds: float

    @property
    def worst(self) -> float:
        return self.facts.worst_edge().off_white


def photos(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def measure_all(
    files: Sequence[Path], root: Path, measure: Callable[[Path], BackgroundFacts]
) -> list[Shot]:
    shots = []
    for path in files:
        started = time.perf_counter()
        facts = measure(path)
        shots.append(Shot(path, str(path.relative_to(root)), facts, time.perf_counter() - started))
    return shots


def describe(shot: Shot) -> str:
    edge = shot.facts.worst_edge()
    return f"{shot.name} ({edge.edge} {edge.off_white:.3f}, darkest {edge.darkest})"


def quantiles(values: Sequence[float]) -> str:
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=20, method="inclusive")
    return (
        f"min {ordered[0]:.2f}  p10 {cuts[1]:.2f}  p25 {cuts[4]:.2f}  median "
        f"{statistics.median(ordered):.2f}  p75 {cuts[14]:.2f}  p90 {cuts[17]:.2f}  "
        f"max {ordered[-1]:.2f}"
    )


def ms(seconds: Iterable[float]) -> str:
    values = [s * 1000 for s in seconds]
    return f"mean {statistics.fmean(values):.2f} ms, median {statistics.median(values):.2f} ms"


def print_verdicts(white: list[Shot], store: list[Shot]) -> None:
    limit = DEFAULT_MAX_OFF_WHITE
    white_fail = [s for s in white if not s.facts.is_white(limit)]
    store_pass = [s for s in store if s.facts.is_white(limit)]
    print(f"white shots:  {len(white) - len(white_fail)} pass, {len(white_fail)} fail")
    print(f"in-store:     {len(store_pass)} pass, {len(store) - len(store_pass)} fail")
    for shot in white_fail:
        print(f"  WRONG: white shot fails: {describe(shot)}")
    for shot in store_pass:
        print(f"  WRONG: in-store photo passes: {describe(shot)}")
    touching = sum(1 for s in white if s.worst > 0)
    print(f"white shots with a non-white pixel in some band: {touching}")


def print_margin(white: list[Shot], store: list[Shot]) -> None:
    worst_white = max(white, key=lambda s: s.worst)
    best_store = min(store, key=lambda s: s.worst)
    gap = best_store.worst - worst_white.worst
    limit = DEFAULT_MAX_OFF_WHITE
    print(f"worst white shot:     {describe(worst_white)}")
    print(f"best in-store photo:  {describe(best_store)}")
    print(
        f"gap {gap:.3f}; DEFAULT_MAX_OFF_WHITE {limit} is {limit - worst_white.worst:.3f} "
        f"above the worst white shot and {best_store.worst - limit:.3f} below the best "
        "in-store photo"
    )
    top = sorted((s.worst for s in white), reverse=True)[:5]
    bottom = sorted(s.worst for s in store)[:5]
    print("five worst white shots:   " + "  ".join(f"{v:.3f}" for v in top))
    print("five best in-store:       " + "  ".join(f"{v:.3f}" for v in bottom))
    # The least non-white edge of an in-store photo: even its best side is far from white.
    least = min(min(e.off_white for e in s.facts.edges) for s in store)
    print(f"least non-white single edge of any in-store photo: {least:.3f}")


def print_sensitivity(white_files: Sequence[Path], store_files: Sequence[Path]) -> None:
    print("white_level  band    worst white  best in-store  gap")
    for level in WHITE_LEVELS:
        for band in BANDS:

            def worst(path: Path, level: int = level, band: float = band) -> float:
                facts = measure_background(path, white_level=level, band=band)
                return facts.worst_edge().off_white

            high = max(worst(p) for p in white_files)
            low = min(worst(p) for p in store_files)
            mark = "  ← defaults" if (level, band) == (DEFAULT_WHITE_LEVEL, DEFAULT_BAND) else ""
            print(f"{level:>11}  {band:<6}  {high:>11.3f}  {low:>13.3f}  {low - high:.3f}{mark}")


def print_fill(white: list[Shot]) -> None:
    fills = [s.facts.fill for s in white]
    areas = [s.facts.area for s in white]
    print(f"fill: {quantiles(fills)}")
    print(f"area: {quantiles(areas)}")
    print("fill histogram:")
    for start in range(0, 10):
        low, high = start / 10, (start + 1) / 10
        count = sum(1 for f in fills if low <= f < high or (high == 1.0 and f == 1.0))
        if count:
            print(f"  {low:.1f}–{high:.1f}  {count:>3}  {'#' * count}")
    nothing = [s.name for s in white if s.facts.bbox is None]
    if nothing:
        print(f"no product box found: {', '.join(nothing)}")


def print_decode_sizes(
    white_files: Sequence[Path], store_files: Sequence[Path], side: int, root: Path
) -> None:
    with tempfile.TemporaryDirectory(prefix="white-bg-") as temp:
        folder = Path(temp)
        big: list[tuple[Path, bool]] = []  # (file, is a white shot)
        for index, (path, is_white) in enumerate(
            [(p, True) for p in white_files] + [(p, False) for p in store_files]
        ):
            target = folder / f"{index:03d}.jpg"
            with Image.open(path) as image:
                image.convert("RGB").resize((side, side), Image.Resampling.LANCZOS).save(
                    target, "JPEG", quality=90
                )
            big.append((target, is_white))
        files = [p for p, _ in big]
        reference = measure_all(files, folder, partial(measure_background, size=FULL))
        print(
            f"{len(files)} photos enlarged to {side}×{side}, JPEG q90; full decode: "
            f"{ms(s.seconds for s in reference)} per image"
        )
        print("size   decoded      wrong verdicts  max |Δ off_white|  max |Δ fill|  time")
        for size in (*DECODE_SIZES, FULL):
            shots = measure_all(files, folder, partial(measure_background, size=size))
            wrong = sum(
                1
                for shot, (_, is_white) in zip(shots, big, strict=True)
                if shot.facts.is_white(DEFAULT_MAX_OFF_WHITE) != is_white
            )
            delta = max(
                abs(a.off_white - b.off_white)
                for shot, ref in zip(shots, reference, strict=True)
                for a, b in zip(shot.facts.edges, ref.facts.edges, strict=True)
            )
            fill_delta = max(
                abs(shot.facts.fill - ref.facts.fill)
                for shot, ref in zip(shots, reference, strict=True)
            )
            w, h = shots[0].facts.decoded_size
            label = "full" if size == FULL else str(size)
            mark = "  ← default" if size == DEFAULT_DECODE_SIZE else ""
            print(
                f"{label:<5}  {w:>4}×{h:<5}   {wrong:>14}  {delta:>17.3f}  {fill_delta:>12.3f}  "
                f"{ms(s.seconds for s in shots)}{mark}"
            )


def parse_args(argv: Iterable[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="images folder")
    parser.add_argument(
        "--upscale",
        type=int,
        default=1600,
        help="also measure copies enlarged to N×N at several decode sizes (0: skip)",
    )
    return parser.parse_args(None if argv is None else list(argv))


def print_cli(white_dir: Path, store_dir: Path) -> None:
    """Run ``listingkit images --role white_background`` on each set; count findings by code."""
    import collections
    import json
    import subprocess

    for name, folder, expect in (
        ("white shots", white_dir, "none"),
        ("in-store", store_dir, "every one"),
    ):
        command = [sys.executable, "-m", "listingkit", "images", str(folder),
                   "--platform", "taobao", "--role", "white_background",
                   "--format", "json", "--exit-zero"]  # fmt: skip
        report = json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
        files = collections.defaultdict(set)
        for finding in report["findings"]:
            files[finding["code"]].add(finding["location"]["path"])
        total = len(report["subjects"])
        counts = ", ".join(f"{code} {len(paths)}" for code, paths in sorted(files.items()))
        print(f"{name}: {total} images; images with each code: {counts or 'none'}")
        print(f"  IMG030 (not a white background) on {len(files['IMG030'])}/{total} "
              f"(should be {expect})")  # fmt: skip


def main(argv: Iterable[str] | None = None) -> int:
    args = parse_args(argv)
    root: Path = args.corpus
    white_dir, store_dir = root / WHITE_SET, root / STORE_SET
    missing = [d for d in (white_dir, store_dir) if not d.is_dir()]
    if missing:
        print(
            "white_background_calibration: corpus folder not found: "
            + ", ".join(str(d) for d in missing)
            + "\nIt is the shared real-data folder (../shared/corpus/images next to the "
            "repository), not part of the project; pass --corpus PATH.",
            file=sys.stderr,
        )
        return 2
    white_files, store_files = photos(white_dir), photos(store_dir)
    if not white_files or not store_files:
        print(f"white_background_calibration: no photos found under {root}", file=sys.stderr)
        return 2
    print(
        f"defaults: white_level {DEFAULT_WHITE_LEVEL}, band {DEFAULT_BAND}, "
        f"decode size {DEFAULT_DECODE_SIZE}, max_off_white {DEFAULT_MAX_OFF_WHITE}"
    )
    print(f"corpus {root}: {len(white_files)} white shots, {len(store_files)} in-store photos")
    # Warm up: the first call imports numpy and Pillow's plugins.
    measure_background(white_files[0])
    white = measure_all(white_files, white_dir, measure_background)
    store = measure_all(store_files, store_dir, measure_background)

    print("\n== verdicts at the defaults ==")
    print_verdicts(white, store)
    print("\n== margin (worst edge's off_white) ==")
    print_margin(white, store)
    print("\n== margin at neighbouring settings ==")
    print_sensitivity(white_files, store_files)
    print("\n== product box on the white shots ==")
    print_fill(white)
    print("\n== the checks, through the command line ==")
    print_cli(white_dir, store_dir)
    print("\n== time per image (defaults, files as they are) ==")
    w_size = white[0].facts.decoded_size
    s_size = store[0].facts.decoded_size
    print(f"white shots ({w_size[0]}×{w_size[1]}): {ms(s.seconds for s in white)}")
    print(f"in-store    ({s_size[0]}×{s_size[1]}): {ms(s.seconds for s in store)}")
    if args.upscale > 0:
        print("\n== decode size, on enlarged copies ==")
        print_decode_sizes(white_files, store_files, args.upscale, root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
