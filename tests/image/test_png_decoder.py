"""PNG pixels inflated by libdeflate (the ``fast`` extra) give every finding Pillow gives.

libdeflate is used only for a single non-interlaced 8-bit image without tRNS whose
pixel data runs whole to IEND; everything it refuses goes back to Pillow. So on
every PNG the tests can make — plain, transparent, odd sizes, 16-bit, palette,
and files damaged in the header, the pixel data, its checksums and its end —
both ways must read the same pixels or fail with the same reason.
"""

from __future__ import annotations

import io
import json
import random
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from listingkit import load_rules
from listingkit.errors import ProbeError
from listingkit.image import decode
from listingkit.image.background import measure_background
from listingkit.image.decode import Wanted, open_image
from listingkit.image.run import check_images
from tests.hostile.test_images_corpus import build_corpus
from tests.image.test_header_reader import edge_cases

HAS_LIBDEFLATE = decode._libdeflate() is not None
needs_libdeflate = pytest.mark.skipif(
    not HAS_LIBDEFLATE, reason="the fast extra (deflate) is not installed"
)


class _Counted:
    """The binding, counting the streams it inflates."""

    def __init__(self, binding: Any) -> None:
        self.binding = binding
        self.adler32 = binding.adler32
        self.loads = 0

    def zlib_decompress(self, data: bytes, size: int) -> Any:
        self.loads += 1
        return self.binding.zlib_decompress(data, size)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    found, at = [], 8
    while at + 8 <= len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        found.append((png[at + 4 : at + 8], png[at + 8 : at + 8 + length]))
        at += 12 + length
    return found


def _png(chunks: list[tuple[bytes, bytes]]) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"".join(_chunk(kind, data) for kind, data in chunks)


def _picture(mode: str, size: tuple[int, int], seed: int) -> Image.Image:
    """A product on a transparent or white ground, with soft edges and noise."""
    rng = np.random.default_rng(seed)
    image = Image.new(mode, size, {"RGBA": (255, 255, 255, 0), "LA": (255, 0)}.get(mode, "white"))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.ellipse((width // 5, height // 6, width, height * 4 // 5), fill=_colour(mode, 200, 255))
    draw.rectangle((0, height - 3, width // 3, height), fill=_colour(mode, 30, 128))
    pixels = np.asarray(image).copy()
    noise = rng.integers(0, 4, pixels.shape, dtype=np.uint8)
    return Image.fromarray(np.where(pixels > 3, pixels - noise, pixels).astype(np.uint8))


def _colour(mode: str, level: int, alpha: int) -> tuple[int, ...]:
    return {"L": (level,), "LA": (level, alpha), "RGB": (level, 40, 30)}.get(
        mode, (level, 40, 30, alpha)
    )


def _saved(image: Image.Image, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def _made() -> dict[str, bytes]:
    """Plain PNGs of the kind libdeflate inflates, and each damaged where only the pixels are."""
    made: dict[str, bytes] = {}
    kinds = [("RGBA", (800, 800)), ("RGBA", (161, 333)), ("RGB", (750, 1000)), ("RGB", (1, 1))]
    kinds += [("L", (97, 64)), ("LA", (64, 97))]
    for n, (mode, size) in enumerate(kinds):
        made[f"{mode}-{size[0]}x{size[1]}.png"] = _saved(_picture(mode, size, n))
    made["rgba-opaque.png"] = _saved(_picture("RGB", (300, 200), 9).convert("RGBA"))
    made["rgba-small-idat.png"] = _split_idat(made["RGBA-161x333.png"], 1000)
    rng = random.Random(20261127)
    for name in ("RGBA-161x333.png", "RGB-750x1000.png"):
        png = made[name]
        chunks = _chunks(png)
        stream = b"".join(data for kind, data in chunks if kind == b"IDAT")
        head = [c for c in chunks if c[0] not in (b"IDAT", b"IEND")]
        stem = name.removesuffix(".png")

        def rebuilt(data: bytes, *after: tuple[bytes, bytes], head: Any = head) -> bytes:
            return _png([*head, (b"IDAT", data), *after])

        end = (b"IEND", b"")
        raw = zlib.decompress(stream)
        made[f"{stem}-no-iend.png"] = rebuilt(stream)
        made[f"{stem}-junk-after-iend.png"] = rebuilt(stream, end) + b"junk"
        made[f"{stem}-text-after-pixels.png"] = rebuilt(stream, (b"tEXt", b"k\0v"), end)
        made[f"{stem}-bad-adler.png"] = rebuilt(stream[:-4] + b"\0\0\0\0", end)
        made[f"{stem}-extra-after-stream.png"] = rebuilt(stream + b"\0\0\0", end)
        made[f"{stem}-stream-ends-early.png"] = rebuilt(zlib.compress(raw[: len(raw) // 2]), end)
        made[f"{stem}-stream-too-long.png"] = rebuilt(zlib.compress(raw + raw[:100]), end)
        made[f"{stem}-bad-filter.png"] = rebuilt(zlib.compress(b"\x07" + raw[1:]), end)
        made[f"{stem}-not-zlib.png"] = rebuilt(b"\xff" + stream[1:], end)
        # A valid deflate stream whose data no longer matches its Adler-32 (a bit flipped
        # in stored blocks): Pillow refuses it, so the fast path must too.
        changed = bytearray(zlib.compress(raw, 0))
        changed[len(changed) // 2] ^= 0x10
        made[f"{stem}-changed-data.png"] = rebuilt(bytes(changed), end)
        bad_crc = bytearray(png)
        at = png.index(b"IDAT") + 4 + int.from_bytes(png[png.index(b"IDAT") - 4 :][:4], "big")
        bad_crc[at] ^= 0xFF
        made[f"{stem}-bad-idat-crc.png"] = bytes(bad_crc)
        for cut in (0.3, 0.9, 0.999):
            made[f"{stem}-cut-{cut}.png"] = png[: int(len(png) * cut)]
        made[f"{stem}-cut-before-iend-crc.png"] = png[:-2]
        for n in range(12):
            flipped = bytearray(png)
            at = rng.randrange(png.index(b"IDAT"), len(png))
            flipped[at] ^= 1 << rng.randrange(8)
            made[f"{stem}-flip-{n}.png"] = bytes(flipped)
    return made


def _split_idat(png: bytes, size: int) -> bytes:
    chunks = _chunks(png)
    stream = b"".join(data for kind, data in chunks if kind == b"IDAT")
    head = [c for c in chunks if c[0] not in (b"IDAT", b"IEND")]
    parts = [(b"IDAT", stream[at : at + size]) for at in range(0, len(stream), size)]
    return _png([*head, *parts, (b"IEND", b"")])


@pytest.fixture(scope="module")
def pngs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every PNG made here, by the header reader's tests and in the hostile corpus."""
    folder = tmp_path_factory.mktemp("pngs")
    files = {**_made(), **{k: v for k, v in edge_cases().items() if k.endswith(".png")}}
    written = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    hostile = build_corpus(folder / "hostile")
    return written + [p for p in hostile if p.read_bytes()[:4] == b"\x89PNG"]


def _outcome(path: Path) -> object:
    """What a white-background check and the watermark search would read, or why not."""
    try:
        with open_image(path) as file:
            pixels = file.pixels(Wanted(reduced=160, working=512))
    except ProbeError as exc:
        return ("refused", exc.kind, str(exc))
    assert pixels.reduced is not None and pixels.working is not None
    return (
        pixels.shown,
        pixels.reduced.tobytes(),
        pixels.working.tobytes(),
        measure_background(path),
    )


@needs_libdeflate
def test_both_decoders_read_every_png_alike(pngs, monkeypatch):
    counted = _Counted(decode._libdeflate())
    monkeypatch.setattr(decode, "_libdeflate", lambda: counted)
    fast = {path.name: _outcome(path) for path in pngs}
    monkeypatch.setattr(decode, "_libdeflate", lambda: None)
    assert {path.name: _outcome(path) for path in pngs} == fast
    # The fast decoder did the work where it may, and some damaged files were refused.
    assert counted.loads > 60
    refused = [name for name, outcome in fast.items() if outcome[0] == "refused"]
    assert any("flip" in name for name in refused) and any("cut" in name for name in refused)
    assert {"RGBA-161x333-changed-data.png", "RGB-750x1000-changed-data.png"} <= set(refused)


@needs_libdeflate
def test_the_fast_decoder_takes_plain_pngs_only(tmp_path, monkeypatch):
    counted = _Counted(decode._libdeflate())
    monkeypatch.setattr(decode, "_libdeflate", lambda: counted)
    cases = edge_cases()
    plain = {"rgb.png", "rgba.png", "grey.png", "grey-alpha.png", "text.png", "icc.png"}
    for name in [*sorted(plain), "rgb-transparent.png", "grey-transparent.png", "palette.png",
                 "rgba-16.png", "grey-16.png", "interlaced.png", "bilevel.png"]:  # fmt: skip
        path = tmp_path / name
        path.write_bytes(cases[name])
        before = counted.loads
        _outcome(path)
        assert (counted.loads > before) == (name in plain), name
        if name in plain:  # and what it inflated is what Pillow then unfilters
            with open_image(path) as file:
                image = file._opened()
                fast = file._png_pixels(image)
                assert fast is not None and fast.tobytes() == image.tobytes(), name


@needs_libdeflate
def test_findings_of_a_folder_are_the_same_with_either_decoder(pngs, monkeypatch):
    folder = pngs[0].parent
    rules = load_rules("taobao")
    fast = check_images([folder], rules, role="white_background")
    monkeypatch.setattr(decode, "_libdeflate", lambda: None)
    slow = check_images([folder], rules, role="white_background")
    assert fast.findings == slow.findings and fast.subjects == slow.subjects


def test_without_the_extra_pillow_decodes(tmp_path):
    """A process where deflate cannot be imported reads the same facts with Pillow."""
    path = tmp_path / "product.png"
    path.write_bytes(_saved(_picture("RGBA", (400, 300), 3)))
    code = (
        "import sys, json\n"
        "sys.modules['deflate'] = None\n"
        "from listingkit.image import decode\n"
        "from listingkit.image.background import measure_background\n"
        "facts = measure_background(sys.argv[1])\n"
        "print(json.dumps([decode._libdeflate() is None, repr(facts)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    blocked, facts = json.loads(done.stdout)
    assert blocked
    assert facts == repr(measure_background(path))
