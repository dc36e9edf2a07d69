"""Time Pillow (as listingkit reads and plain), pyvips and pyspng for the white-background check.

    python3 benchmarks/image_decoders.py [--scale 1.0] [--repeat 3]

On the corpus of benchmarks/images_speed.py (3,000 JPEGs 800×800, 500 at
1500×1500, 300 RGBA PNGs 800×800 with transparency, 200 JPEGs 750×1000), each
way makes what the white-background check measures: an upright RGB copy over
white whose shorter side is 160–319 px. CPU time per file (time.process_time,
every thread of the process; best of ``--repeat``, the ways taking turns) is
printed per group, beside listingkit's whole read of one file
(``listingkit.image.run.perform``: header facts, decode, measure). Then the CPU
each way would save or add over the full corpus with its decode in place of
listingkit's, against what the aim needs: the first run's 7.0 s of CPU down to
5.6 s (2.5× the serial full-decode loop on two cores, README 性能).

- listingkit: ``open_image(...).pixels(Wanted(reduced=160))``, as the check reads
  (JPEG draft, PNG pixel data inflated by libdeflate when ``listingkit[fast]`` is
  installed, laid over white, reduced);
- Pillow: open, draft, load (JPEG); open, load, alpha_composite on white, reduce (PNG);
- pyvips shrink: JPEG shrink-on-load (libjpeg's 1/2–1/8, as Pillow's draft); PNG
  pngload, flatten(background=255), shrink; one thread (``VIPS_CONCURRENCY=1``),
  comparable with listingkit's two single-threaded worker processes, no operation cache;
- pyvips thumbnail: ``Image.thumbnail`` to the same shorter side, then flatten;
- pyspng+numpy: ``pyspng.load``, compositing in numpy, Pillow's reduce (PNG only);
- pyspng+Pillow: ``pyspng.load``, Pillow's paste on white and reduce (PNG only).

Then every way reads the damaged JPEGs and PNGs the tests build (tests/hostile,
tests/image) and a few more made from the corpus (a wrong Adler-32, a wrong IDAT
CRC, cut JPEGs): a way that decodes a file Pillow refuses changes the findings.
pyvips and pyspng are optional: without them their rows are left out and the
command to install them is printed.

Measured 2026-11-27, load 1.4–4.4 (Pillow 13.0 with ``listingkit[fast]``, pyvips
3.2 + pyvips-binary 8.18.7, pyspng 0.1.4), CPU ms per file, two runs alike:

    group        listingkit  Pillow  vips shrink  vips thumbnail  spng+numpy  spng+Pillow
    JPEG 800        0.81      0.75      1.69          3.05            —           —
    JPEG 1500       1.16      1.12      2.13          3.59            —           —
    PNG RGBA 800    5.21      8.60      6.99          9.18          12.89        6.01
    JPEG 750×1000   0.89      0.84      1.75          3.50            —           —

None reaches the aim: the decode would have to save 1.4 s of CPU over the
4,000 files and the fastest choice per group saves 0.24 s (plain Pillow on the
JPEGs: listingkit's own opening, not the decoder; the decoded copies are the
same). Even a PNG read costing nothing would save 1.56 s, just past it.

- pyvips (21 MB installed): its JPEG shrink-on-load costs twice Pillow's draft
  per file, from memory too (1.2 ms against 0.7 ms at 1/4); pngload alone is
  about Pillow + libdeflate (3.7 ms), flatten adds 3 ms. Its copies are 187 px where
  Pillow's are 188 (other facts), thumbnail resamples (other facts). With its
  default ``fail_on="none"`` it decodes 61 of the 80 damaged files Pillow
  refuses (cut JPEGs, PNGs with a wrong Adler-32 or cut short); with
  ``fail_on="error"`` still 5 (a header chunk with a bad CRC, short gAMA and
  tRNS chunks, a cut Photoshop segment), and it refuses 6 Pillow reads.
- pyspng (0.4 MB): its decode (3.9 ms) is no faster than Pillow + libdeflate,
  compositing in numpy costs 8 ms (Pillow's paste 1.5 ms), and it decodes 26
  damaged PNGs Pillow refuses (wrong Adler-32 or chunk CRCs, flipped bits).

So the PNG decode stays Pillow + libdeflate and no decoder is added.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import struct
import sys
import tempfile
import time
import warnings
import zlib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from images_speed import make_corpus
from PIL import Image

from listingkit.errors import ProbeError
from listingkit.image.background import (
    DEFAULT_DECODE_SIZE,
    DEFAULT_WHITE_LEVEL,
    BackgroundFacts,
    measure_reduced,
)
from listingkit.image.decode import DEFAULT_MAX_PIXELS, Wanted, open_image
from listingkit.image.run import Task, perform

ROOT = Path(__file__).resolve().parent.parent
SIDE = DEFAULT_DECODE_SIZE
# The corpus groups and how many files each has in the full corpus (--scale 1).
GROUPS = {
    "JPEG 800×800": 3000,
    "JPEG 1500×1500": 500,
    "PNG 800×800 RGBA": 300,
    "JPEG 750×1000": 200,
}
# Serial CPU seconds of listingkit's first white-background run over the full corpus
# (README, 性能), and what 2.5× the serial full-decode loop on two cores allows.
RUN_CPU = 7.0
AIM_CPU = 5.6
INSTALL = {
    "pyvips": 'pip install "pyvips[binary]"  (the binary wheel bundles libvips)',
    "pyspng": "pip install pyspng",
}

View = np.ndarray[Any, np.dtype[np.uint8]]
Decoder = Callable[[Path], View]


def _optional(name: str) -> Any:
    try:
        if name == "pyvips":
            # libvips reads it once, when it starts: one thread, as a worker process has.
            os.environ["VIPS_CONCURRENCY"] = "1"
            import pyvips

            pyvips.cache_set_max(0)  # every file decoded, as in a run over distinct files
            return pyvips
        import pyspng

        return pyspng
    except Exception:  # pyvips raises OSError when libvips itself is missing
        return None


PYVIPS = _optional("pyvips")
PYSPNG = _optional("pyspng")


# -- the ways -------------------------------------------------------------------------


def listingkit_view(path: Path) -> View:
    with open_image(path) as file:
        pixels = file.pixels(Wanted(reduced=SIDE))
    assert pixels.reduced is not None
    return pixels.reduced


def _factor(width: int, height: int) -> int:
    """The integer reduction that keeps the shorter side at least SIDE."""
    return max(1, min(width, height) // SIDE)


def pillow_view(path: Path) -> View:
    with Image.open(path) as image:
        if image.format == "JPEG":
            image.draft("RGB", (SIDE, SIDE))
            image.load()
            rgb = image.convert("RGB")
        else:
            image.load()
            white = Image.new("RGBA", image.size, (255, 255, 255, 255))
            rgb = Image.alpha_composite(white, image.convert("RGBA")).convert("RGB")
        factor = _factor(*rgb.size)
        return np.asarray(rgb.reduce(factor) if factor > 1 else rgb)


def _vips_flat(image: Any) -> Any:
    if image.hasalpha():
        image = image.flatten(background=255)
    return image


def vips_shrink_view(path: Path, fail_on: str = "none") -> View:
    vips = PYVIPS.Image
    header = vips.new_from_file(str(path), fail_on=fail_on)  # header only: pixels are lazy
    width, height = header.width, header.height
    if header.get("vips-loader") == "jpegload":
        shrink = 1
        while shrink < 8 and min(width, height) // (shrink * 2) >= SIDE:
            shrink *= 2
        image = vips.new_from_file(str(path), shrink=shrink, access="sequential", fail_on=fail_on)
    else:
        image = vips.new_from_file(str(path), access="sequential", fail_on=fail_on)
    image = _vips_flat(image)
    factor = _factor(image.width, image.height)
    if factor > 1:
        image = image.shrink(factor, factor)
    return np.asarray(image.numpy(), np.uint8)


def vips_error_view(path: Path) -> View:
    return vips_shrink_view(path, fail_on="error")


def vips_warning_view(path: Path) -> View:
    return vips_shrink_view(path, fail_on="warning")


def vips_thumbnail_view(path: Path) -> View:
    vips = PYVIPS.Image
    header = vips.new_from_file(str(path))
    width, height = header.width, header.height
    if width >= height:  # thumbnail fits a box: bound the shorter side only
        image = vips.thumbnail(str(path), 10**7, height=SIDE)
    else:
        image = vips.thumbnail(str(path), SIDE, height=10**7)
    return np.asarray(_vips_flat(image).numpy(), np.uint8)


def _over_white(rgba: View) -> View:
    """RGBA over white with Pillow's rounding: (c·a + 255·(255 − a)) / 255, rounded."""
    alpha = rgba[:, :, 3:4]
    mixed = np.multiply(rgba[:, :, :3], alpha, dtype=np.uint16)
    rest = np.subtract(255, alpha, dtype=np.uint16)
    rest *= 255
    rest += 128
    mixed += rest
    mixed += mixed >> 8
    mixed >>= 8
    return mixed.astype(np.uint8)


def _reduce(rgb: Image.Image) -> View:
    factor = _factor(*rgb.size)
    return np.asarray(rgb.reduce(factor) if factor > 1 else rgb)


def spng_numpy_view(path: Path) -> View:
    rgba = PYSPNG.load(path.read_bytes(), "RGBA")
    return _reduce(Image.fromarray(_over_white(rgba)))


def spng_pillow_view(path: Path) -> View:
    rgba = Image.fromarray(PYSPNG.load(path.read_bytes(), "RGBA"))
    white = Image.new("RGB", rgba.size, (255, 255, 255))
    white.paste(rgba, mask=rgba)  # as listingkit lays a transparent image on white
    return _reduce(white)


def ways() -> dict[str, tuple[Decoder, set[str]]]:
    """Name → (decoder, the formats it reads)."""
    found: dict[str, tuple[Decoder, set[str]]] = {
        "listingkit": (listingkit_view, {"JPEG", "PNG"}),
        "Pillow": (pillow_view, {"JPEG", "PNG"}),
    }
    if PYVIPS is not None:
        found["pyvips shrink"] = (vips_shrink_view, {"JPEG", "PNG"})
        found["pyvips thumbnail"] = (vips_thumbnail_view, {"JPEG", "PNG"})
    if PYSPNG is not None:
        found["pyspng+numpy"] = (spng_numpy_view, {"PNG"})
        found["pyspng+Pillow"] = (spng_pillow_view, {"PNG"})
    return found


def perform_view(path: Path) -> object:
    return perform(Task(path, DEFAULT_MAX_PIXELS, DEFAULT_WHITE_LEVEL))


# -- timing ---------------------------------------------------------------------------


def groups_of(root: Path) -> dict[str, list[Path]]:
    """The corpus files by group, told apart by format and size."""
    found: dict[str, list[Path]] = {name: [] for name in GROUPS}
    sizes = {(800, 800, ".jpg"): "JPEG 800×800", (1500, 1500, ".jpg"): "JPEG 1500×1500",
             (800, 800, ".png"): "PNG 800×800 RGBA",
             (750, 1000, ".jpg"): "JPEG 750×1000"}  # fmt: skip
    for path in sorted(root.rglob("*")):
        if path.suffix in {".jpg", ".png"}:
            with Image.open(path) as image:
                found[sizes[(*image.size, path.suffix)]].append(path)
    return found


def cpu_ms(decode: Callable[[Path], object], files: list[Path]) -> float:
    """CPU milliseconds per file for one pass over ``files``."""
    start = time.process_time()
    for path in files:
        decode(path)
    return (time.process_time() - start) * 1000 / len(files)


def installed_size(*names: str) -> str:
    """Installed size of the named distributions, from their RECORD files."""
    total, missing = 0, []
    for name in names:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        for file in files:
            located = Path(str(file.locate()))
            if located.is_file():
                total += located.stat().st_size
    note = f" (not installed: {', '.join(missing)})" if missing else ""
    return f"{total / 1_000_000:.1f} MB{note}"


# -- damaged files --------------------------------------------------------------------


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    found, at = [], 8
    while at + 8 <= len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        found.append((png[at + 4 : at + 8], png[at + 8 : at + 8 + length]))
        at += 12 + length
    return found


def _png(chunks: list[tuple[bytes, bytes]]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    return b"\x89PNG\r\n\x1a\n" + b"".join(chunk(kind, data) for kind, data in chunks)


def made_damaged(png: bytes, jpeg: bytes) -> dict[str, bytes]:
    """Damaged copies of a corpus PNG and JPEG."""
    chunks = _chunks(png)
    head = [c for c in chunks if c[0] not in (b"IDAT", b"IEND")]
    stream = b"".join(data for kind, data in chunks if kind == b"IDAT")
    raw = zlib.decompress(stream)
    end = (b"IEND", b"")
    # Stored blocks: a flipped bit leaves a valid deflate stream whose Adler-32 is wrong.
    changed = bytearray(zlib.compress(raw, 0))
    changed[len(changed) // 2] ^= 0x10
    at = png.index(b"IDAT")
    crc_at = at + 4 + int.from_bytes(png[at - 4 : at], "big")
    bad_crc = bytearray(png)
    bad_crc[crc_at] ^= 0xFF
    made = {
        "corpus-png/wrong-adler32.png": _png([*head, (b"IDAT", stream[:-4] + b"\0\0\0\0"), end]),
        "corpus-png/data-changed-adler32-kept.png": _png([*head, (b"IDAT", bytes(changed)), end]),
        "corpus-png/wrong-idat-crc.png": bytes(bad_crc),
        "corpus-png/cut-90.png": png[: len(png) * 9 // 10],
        "corpus-png/no-iend.png": _png([*head, (b"IDAT", stream)]),
    }
    for cut in (50, 90, 99):
        made[f"corpus-jpeg/cut-{cut}.jpg"] = jpeg[: len(jpeg) * cut // 100]
    made["corpus-jpeg/no-eoi.jpg"] = jpeg[:-2]
    flipped = bytearray(jpeg)
    flipped[len(jpeg) // 2] ^= 0x40
    made["corpus-jpeg/scan-bit-flipped.jpg"] = bytes(flipped)
    return made


def tests_damaged(folder: Path) -> dict[str, bytes]:
    """The JPEGs and PNGs the tests build (their hostile corpus and decoder tests)."""
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    from tests.hostile.test_images_corpus import build_corpus
    from tests.image.test_header_reader import edge_cases
    from tests.image.test_png_decoder import _made

    files = {f"png-decoder/{k}": v for k, v in _made().items()}
    files |= {f"header-reader/{k}": v for k, v in edge_cases().items()}
    for path in build_corpus(folder / "hostile"):
        files[f"hostile/{path.relative_to(folder / 'hostile')}"] = path.read_bytes()
    return {k: v for k, v in files.items() if v[:3] == b"\xff\xd8\xff" or v[:4] == b"\x89PNG"}


def _sized(facts: BackgroundFacts) -> BackgroundFacts:
    return dataclasses.replace(facts, decoded_size=(0, 0))


def outcome(decode: Decoder, path: Path) -> str:
    """ "read" or "refused"."""
    try:
        decode(path)
    except (ProbeError, Exception):
        return "refused"
    return "read"


# -- the run --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the corpus size")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many passes")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # Pillow's warnings on the damaged files

    for name, module in (("pyvips", PYVIPS), ("pyspng", PYSPNG)):
        if module is None:
            print(f"{name} is not installed, its rows are left out: {INSTALL[name]}")
    if PYVIPS is not None:
        print(
            f"libvips {PYVIPS.version(0)}.{PYVIPS.version(1)}.{PYVIPS.version(2)}, one thread; "
            f"pyvips + pyvips-binary + cffi + pycparser installed: "
            f"{installed_size('pyvips', 'pyvips-binary', 'cffi', 'pycparser')}"
        )
    if PYSPNG is not None:
        print(f"pyspng installed: {installed_size('pyspng')}")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")

    found = ways()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "corpus"
        root.mkdir()
        count = make_corpus(root, args.scale)
        groups = groups_of(root)
        print(f"images: {count}; CPU ms per file, best of {args.repeat}\n")

        # Each group's files share one template's bytes: compare each way's view once.
        agree: dict[str, dict[str, str]] = {}
        for group, files in groups.items():
            fmt = "PNG" if "PNG" in group else "JPEG"
            expected = listingkit_view(files[0])
            with Image.open(files[0]) as image:
                shown = image.size
            facts = measure_reduced(expected, shown)
            agree[group] = {}
            for name, (decode, formats) in found.items():
                if fmt in formats:
                    view = decode(files[0])
                    if view.shape != expected.shape:  # the facts apart from the size measured
                        same = _sized(measure_reduced(view, shown)) == _sized(facts)
                        agree[group][name] = (
                            f"{view.shape[1]}×{view.shape[0]} px (listingkit "
                            f"{expected.shape[1]}×{expected.shape[0]}), "
                            f"facts {'same' if same else 'DIFFER'}"
                        )
                        continue
                    diff = int(np.abs(view.astype(int) - expected.astype(int)).max())
                    same = measure_reduced(view, shown) == facts
                    agree[group][name] = f"max diff {diff}, facts {'same' if same else 'DIFFER'}"

        best: dict[tuple[str, str], float] = {}
        timed: dict[str, Callable[[Path], object]] = {"perform": perform_view}
        timed |= {name: decode for name, (decode, _) in found.items()}
        for _ in range(args.repeat):
            for group, files in groups.items():
                fmt = "PNG" if "PNG" in group else "JPEG"
                for name, decode in timed.items():
                    if name != "perform" and fmt not in found[name][1]:
                        continue
                    took = cpu_ms(decode, files)
                    best[group, name] = min(best.get((group, name), math.inf), took)

        names = list(found)
        print(f"{'':<18}{'perform':>9}" + "".join(f"{n:>18}" for n in names))
        for group in groups:
            cells = [
                f"{best[group, n]:18.2f}" if (group, n) in best else f"{'—':>18}" for n in names
            ]
            print(f"{group:<18}{best[group, 'perform']:9.2f}" + "".join(cells))
        print("\nviews against listingkit's (same template in each group):")
        for group, rows in agree.items():
            print(
                f"  {group}: "
                + "; ".join(f"{n}: {r}" for n, r in rows.items() if n != "listingkit")
            )

        # CPU the 4,000 files of the full corpus would save (negative) or add with each
        # way's decode in place of listingkit's; the rest of the run is left as it is.
        def change(choice: dict[str, str]) -> float:
            seconds = 0.0
            for group, number in GROUPS.items():
                way = choice.get(group, "listingkit")
                seconds += number * (best[group, way] - best[group, "listingkit"]) / 1000
            return seconds

        reads = sum(n * best[g, "perform"] / 1000 for g, n in GROUPS.items())
        print(
            f"\nserial CPU of the full corpus ({sum(GROUPS.values()):,} files): listingkit's "
            f"per-file reads alone {reads:.2f} s; the whole first run {RUN_CPU} s, aim "
            f"<= {AIM_CPU} s, so the decode must save {RUN_CPU - AIM_CPU:.1f} s"
        )
        for name in names[1:]:
            choice = {g: name for g in groups if (g, name) in best}
            print(f"  {name} where it reads the format: {change(choice):+.2f} s")
        fastest = {
            g: min((n for n in names if (g, n) in best), key=lambda n: best[g, n]) for g in groups
        }
        described = ", ".join(f"{g}: {n}" for g, n in fastest.items())
        print(f"  the fastest way for each group ({described}): {change(fastest):+.2f} s")
        png = "PNG 800×800 RGBA"
        free = -GROUPS[png] * best[png, "listingkit"] / 1000
        print(f"  (a PNG read that cost no CPU at all, the JPEGs as they are: {free:+.2f} s)")

        print("\ndamaged files: read by a way although listingkit (Pillow) refuses them")
        damaged = made_damaged(groups["PNG 800×800 RGBA"][0].read_bytes(),
                               groups["JPEG 800×800"][0].read_bytes())  # fmt: skip
        try:
            damaged |= tests_damaged(Path(folder))
        except ImportError as exc:
            print(f"  (the tests' damaged files are left out: {exc}; run from the repository)")
        checked = dict(found)
        if PYVIPS is not None:
            checked["pyvips fail_on=error"] = (vips_error_view, {"JPEG", "PNG"})
            checked["pyvips fail_on=warning"] = (vips_warning_view, {"JPEG", "PNG"})
        verdicts: dict[str, dict[str, str]] = {}
        for name, data in sorted(damaged.items()):
            path = Path(folder) / "damaged" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            fmt = "PNG" if data[:4] == b"\x89PNG" else "JPEG"
            verdicts[name] = {
                way: outcome(decode, path)
                for way, (decode, formats) in checked.items()
                if fmt in formats
            }
        refused = [n for n, v in verdicts.items() if v["listingkit"] == "refused"]
        print(f"  {len(damaged)} files, {len(refused)} refused by listingkit")
        for way in checked:
            if way == "listingkit":
                continue
            looser = [n for n in refused if verdicts[n].get(way) == "read"]
            stricter = [
                n
                for n, v in verdicts.items()
                if v["listingkit"] == "read" and v.get(way) == "refused"
            ]
            print(f"  {way}: reads {len(looser)} that listingkit refuses, "
                  f"refuses {len(stricter)} that listingkit reads")  # fmt: skip
            for name in looser[:8]:
                print(f"      reads   {name}")
            for name in stricter[:4]:
                print(f"      refuses {name}")


if __name__ == "__main__":
    main()
