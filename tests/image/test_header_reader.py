"""The byte-level header reader gives Pillow's facts exactly, or leaves the file to Pillow.

Every file under tests/ and fixtures/, the odd-image corpus of the hostile
suite, generated edge cases (every EXIF orientation, progressive, CMYK, grey,
palette, 16-bit, animated, ICC profiles split over several segments, XMP,
truncated, padded …) and mutated small images are read both ways: the header
read byte by byte is either None (Pillow reads the file) or equal to the one
Pillow's open gives, and the facts a check sees are the same either way.
"""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, PngImagePlugin

from listingkit.errors import ProbeError
from listingkit.image.decode import Header, open_image
from listingkit.image.header import read_header
from listingkit.image.probe import DEFAULT_MAX_PIXELS, ImageFacts, header_facts, image_facts
from tests.hostile.test_images_corpus import _MUTATION, build_corpus, mutate

ROOT = Path(__file__).resolve().parents[2]

# -- building files ----------------------------------------------------------------


def _picture(mode: str = "RGB", size: tuple[int, int] = (48, 32)) -> Image.Image:
    base = Image.linear_gradient("L").resize(size)
    if mode == "I;16":
        return base.convert("I").point(lambda v: v * 200).convert("I;16")
    return base.convert(mode)


def _saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x011A] = 72.0
    exif[0x0128] = 2
    return exif.tobytes()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _before_idat(png: bytes, *chunks: bytes) -> bytes:
    at = png.index(b"IDAT") - 4
    return png[:at] + b"".join(chunks) + png[at:]


def _segment(marker: int, body: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body


def _after_soi(jpeg: bytes, *segments: bytes) -> bytes:
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def _segments(jpeg: bytes) -> list[tuple[int, bytes]]:
    """(marker, whole segment) up to the start of scan, then the rest as one piece."""
    found, at = [], 2
    while jpeg[at + 1] != 0xDA:
        (length,) = struct.unpack_from(">H", jpeg, at + 2)
        found.append((jpeg[at + 1], jpeg[at : at + 2 + length]))
        at += 2 + length
    found.append((0xDA, jpeg[at:]))
    return found


@cache
def _srgb_profile(padding: int = 0) -> bytes:
    """An sRGB profile, made once (it holds the time it was made)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return profile + b"\0" * padding


def _ihdr_patched(png: bytes, offset: int, value: int) -> bytes:
    """The PNG with one IHDR byte changed and the chunk's checksum made right again."""
    data = bytearray(png)
    data[16 + offset] = value
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def edge_cases() -> dict[str, bytes]:
    """Name (with its extension) → bytes of files the reader must get right or leave."""
    rgb = _picture()
    made: dict[str, bytes] = {}
    for orientation in range(1, 9):
        made[f"exif-{orientation}.jpg"] = _saved(rgb, "JPEG", exif=_exif(orientation))
        made[f"exif-{orientation}.png"] = _saved(rgb, "PNG", exif=_exif(orientation))
    made["baseline.jpg"] = _saved(rgb, "JPEG", quality=90)
    made["progressive.jpg"] = _saved(rgb, "JPEG", progressive=True, exif=_exif(6))
    made["optimized.jpg"] = _saved(rgb, "JPEG", optimize=True, subsampling=0)
    made["grey.jpg"] = _saved(_picture("L"), "JPEG")
    made["cmyk.jpg"] = _saved(_picture("CMYK"), "JPEG")
    made["icc.jpg"] = _saved(rgb, "JPEG", icc_profile=_srgb_profile())
    big = _saved(rgb, "JPEG", icc_profile=_srgb_profile(150_000))
    made["icc-three-segments.jpg"] = big
    parts = _segments(big)
    icc = [part for marker, part in parts if part[4:16] == b"ICC_PROFILE\0"]
    others = [part for marker, part in parts if part[4:16] != b"ICC_PROFILE\0"]
    made["icc-out-of-order.jpg"] = (
        big[:2] + others[0] + b"".join(reversed(icc)) + b"".join(others[1:])
    )
    made["icc-segment-missing.jpg"] = big[:2] + others[0] + icc[0] + icc[2] + b"".join(others[1:])
    made["icc-after-frame.jpg"] = big[:2] + b"".join(others[:-1]) + icc[0] + others[-1]
    xmp = b'<x:xmpmeta><rdf:Description tiff:Orientation="8"/></x:xmpmeta>'
    made["xmp-orientation.jpg"] = _saved(rgb, "JPEG", xmp=xmp)
    made["xmp-and-exif.jpg"] = _saved(rgb, "JPEG", xmp=xmp, exif=_exif(3))
    made["xmp-orientation-9.jpg"] = _saved(rgb, "JPEG", xmp=xmp.replace(b"8", b"9"))
    made["jfif-dpi.jpg"] = _saved(rgb, "JPEG", dpi=(300, 300), exif=_exif(5))
    photoshop = b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00" + struct.pack(">I", 3) + b"abc\0"
    made["photoshop.jpg"] = _after_soi(_saved(rgb, "JPEG"), _segment(0xED, photoshop))
    broken = b"Photoshop 3.0\x00" + b"8BIM\x04\x04"
    made["photoshop-cut.jpg"] = _after_soi(_saved(rgb, "JPEG"), _segment(0xED, broken))
    made["comment.jpg"] = _saved(rgb, "JPEG", comment=b"listing")
    made["adobe.jpg"] = _after_soi(_saved(rgb, "JPEG"), _segment(0xEE, b"Adobe\x00\x64\0\0\0\0\1"))
    made["fill-bytes.jpg"] = made["baseline.jpg"][:2] + b"\xff\xff" + made["baseline.jpg"][2:]
    made["two-exif-blocks.jpg"] = _after_soi(made["exif-6.jpg"], _segment(0xE1, b"Exif\0\0"))
    made["empty-exif.jpg"] = _after_soi(_saved(rgb, "JPEG"), _segment(0xE1, b"Exif\0\0"))
    made["mpo.jpg"] = _saved(rgb, "MPO", save_all=True, append_images=[_picture("RGB")])
    made["padded.jpg"] = made["baseline.jpg"] + b"\0" * 5000
    made["padded-ff.jpg"] = made["baseline.jpg"] + b"\xff" * 70_000
    made["trailing-data.jpg"] = made["baseline.jpg"] + b"thumbnail"
    made["cut-in-scan.jpg"] = made["baseline.jpg"][: len(made["baseline.jpg"]) * 3 // 4]
    made["cut-in-header.jpg"] = made["exif-6.jpg"][:60]

    png = _saved(rgb, "PNG")
    made["rgb.png"] = png
    made["rgba.png"] = _saved(_picture("RGBA"), "PNG")
    made["grey.png"] = _saved(_picture("L"), "PNG")
    made["grey-alpha.png"] = _saved(_picture("LA"), "PNG")
    made["bilevel.png"] = _saved(_picture("1"), "PNG")
    made["palette.png"] = _saved(_picture("P"), "PNG")
    made["palette-transparent.png"] = _saved(_picture("P"), "PNG", transparency=0)
    alphas = bytes(range(0, 256, 4))
    made["palette-alphas.png"] = _saved(_picture("P"), "PNG", transparency=alphas)
    made["grey-transparent.png"] = _saved(_picture("L"), "PNG", transparency=7)
    made["rgb-transparent.png"] = _saved(rgb, "PNG", transparency=(1, 2, 3))
    made["grey-16.png"] = _saved(_picture("I;16"), "PNG")
    made["rgb-16.png"] = _ihdr_patched(png, 8, 16)
    made["rgba-16.png"] = _ihdr_patched(made["rgba.png"], 8, 16)
    made["grey-alpha-16.png"] = _ihdr_patched(made["grey-alpha.png"], 8, 16)
    made["interlaced.png"] = _ihdr_patched(png, 12, 1)
    made["bad-filter.png"] = _ihdr_patched(png, 11, 1)
    made["no-such-mode.png"] = _ihdr_patched(png, 9, 5)
    made["icc.png"] = _saved(rgb, "PNG", icc_profile=_srgb_profile())
    made["icc-broken.png"] = _before_idat(png, _chunk(b"iCCP", b"name\0\0not zlib"))
    info = PngImagePlugin.PngInfo()
    info.add_text("Title", "商品")
    info.add_text("Comment", "long " * 200, zip=True)
    info.add_itxt("Description", "白底图", zip=True)
    made["text.png"] = _saved(rgb, "PNG", pnginfo=info)
    made["text-transparency.png"] = _before_idat(png, _chunk(b"tEXt", b"transparency\0yes"))
    made["text-exif.png"] = _before_idat(png, _chunk(b"tEXt", b"exif\0" + _exif(6)))
    made["broken-ztxt.png"] = _before_idat(png, _chunk(b"zTXt", b"k\0\0not zlib"))
    made["bad-crc.png"] = _before_idat(png, _chunk(b"tIME", b"1234567")[:-1] + b"\0")
    made["short-gamma.png"] = _before_idat(png, _chunk(b"gAMA", b"12"))
    made["short-trns.png"] = _before_idat(_saved(_picture("L"), "PNG"), _chunk(b"tRNS", b"\1"))
    made["private-chunk.png"] = _before_idat(png, _chunk(b"prVt", b"store data"))
    frames = [_picture("RGBA"), _picture("RGBA").rotate(90)]
    made["animated.png"] = _saved(frames[0], "PNG", save_all=True, append_images=frames[1:])
    made["animated-default-image.png"] = _saved(
        frames[0], "PNG", save_all=True, append_images=frames, default_image=True
    )
    animated = made["animated.png"]
    control = animated.index(b"acTL") - 4
    made["animated-twice-declared.png"] = (
        animated[:control] + animated[control : control + 20] * 2 + animated[control + 20 :]
    )
    made["padded.png"] = png + b"\0" * 5000
    made["cut-in-data.png"] = png[: len(png) - 20]
    made["cut-in-header.png"] = png[:40]
    made["gif.gif"] = _saved(_picture("P"), "GIF")
    made["webp.webp"] = _saved(rgb, "WEBP", exif=_exif(6))
    return made


# Files the reader must answer for itself, so that a reader always leaving
# files to Pillow fails here.
ANSWERED = [
    *(f"exif-{o}.{ext}" for o in range(1, 9) for ext in ("jpg", "png")),
    "baseline.jpg",
    "progressive.jpg",
    "optimized.jpg",
    "grey.jpg",
    "icc.jpg",
    "icc-three-segments.jpg",
    "icc-out-of-order.jpg",
    "icc-segment-missing.jpg",
    "xmp-orientation.jpg",
    "xmp-and-exif.jpg",
    "jfif-dpi.jpg",
    "photoshop.jpg",
    "padded.jpg",
    "rgb.png",
    "rgba.png",
    "grey.png",
    "grey-alpha.png",
    "palette.png",
    "palette-transparent.png",
    "grey-transparent.png",
    "rgb-transparent.png",
    "grey-16.png",
    "rgb-16.png",
    "interlaced.png",
    "icc.png",
    "text.png",
    "padded.png",
    "animated.png",
    "animated-default-image.png",
]


# -- comparing ---------------------------------------------------------------------


def _library_header(path: Path) -> Header | tuple[str, str]:
    try:
        with open_image(path) as file:
            return file.header()
    except ProbeError as exc:
        return (exc.kind, exc.reason)


def _facts(path: Path, *, library: bool) -> ImageFacts | tuple[str, str]:
    try:
        with open_image(path) as file:
            return image_facts(file, library=library)
    except ProbeError as exc:
        return (exc.kind, exc.reason)


def _ours(path: Path) -> Header | None:
    try:
        with open_image(path) as file:
            return read_header(file)
    except ProbeError:
        return None  # not openable at all: both readers say so in the facts below


def compare(path: Path) -> Header | None:
    """Our header for ``path`` after checking it equals Pillow's (or is None).

    The facts read with plain system calls (``header_facts``, what a run without
    pixel checks uses) are Pillow's too whenever that reader answers.
    """
    ours = _ours(path)
    if ours is not None:
        assert ours == _library_header(path), path
    library = _facts(path, library=True)
    assert _facts(path, library=False) == library, path
    plain = header_facts(path, DEFAULT_MAX_PIXELS)
    if plain is not None:
        assert plain == library, path
    elif ours is not None and isinstance(library, ImageFacts):
        raise AssertionError(f"{path}: read byte by byte, but not by header_facts")
    return ours


@pytest.fixture(scope="module")
def edge_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("header-edges")
    for name, data in edge_cases().items():
        (folder / name).write_bytes(data)
    return folder


def test_generated_edge_cases_give_pillows_facts_or_go_to_pillow(edge_folder: Path) -> None:
    answered = {path.name for path in sorted(edge_folder.iterdir()) if compare(path) is not None}
    missing = sorted(set(ANSWERED) - answered)
    assert not missing, f"left to Pillow: {missing}"
    # The reader stays out of what it does not claim to read.
    for name in ("cmyk.jpg", "mpo.jpg", "gif.gif", "webp.webp"):
        assert name not in answered


def test_what_the_edge_cases_say(edge_folder: Path) -> None:
    """A few facts a user would check, read the fast way."""

    def header(name: str) -> Header:
        found = _ours(edge_folder / name)
        assert found is not None
        return found

    assert header("exif-6.jpg").orientation == 6
    assert header("xmp-orientation.jpg").orientation == 8
    assert header("xmp-and-exif.jpg").orientation == 3
    assert header("progressive.jpg").progressive
    assert header("grey-16.png").mode == "I;16"
    assert header("palette-transparent.png").has_alpha
    assert header("animated.png").frames == 2
    assert header("animated-default-image.png").frames == 3
    assert header("icc-segment-missing.jpg").icc is None
    assert header("icc-three-segments.jpg").icc == _srgb_profile(150_000)
    facts = _facts(edge_folder / "cut-in-data.png", library=False)
    assert facts == ("truncated", "文件不完整（没有结尾标记），可能下载或复制中断")
    # A broken file is left to the full reader, which says what is wrong with it.
    assert header_facts(edge_folder / "cut-in-data.png", DEFAULT_MAX_PIXELS) is None
    plain = header_facts(edge_folder / "exif-6.jpg", DEFAULT_MAX_PIXELS)
    assert plain is not None and plain.orientation == 6


def test_plain_reader_leaves_what_is_not_a_readable_file(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "folder.jpg").mkdir()
    for name in ("empty.jpg", "folder.jpg", "missing.jpg"):
        assert header_facts(tmp_path / name, DEFAULT_MAX_PIXELS) is None
    picture = tmp_path / "big.png"
    _picture(size=(40, 30)).save(picture)
    assert header_facts(picture, 40 * 30) is not None
    assert header_facts(picture, 40 * 30 - 1) is None  # over the limit: the full reader refuses


def _files_under(*folders: Path) -> list[Path]:
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts
    )


def test_every_file_of_the_test_corpora_reads_the_same() -> None:
    files = _files_under(ROOT / "tests", ROOT / "fixtures")
    answered = [path for path in files if compare(path) is not None]
    assert len(answered) >= 5  # the fixture store's photographs


def test_the_odd_image_corpus_reads_the_same(tmp_path: Path) -> None:
    files = build_corpus(tmp_path / "图片")
    assert len(files) > 300
    for path in files:
        compare(path)


SEEDS = {
    name: data
    for name, data in edge_cases().items()
    if name
    in {
        "exif-6.jpg",
        "progressive.jpg",
        "icc.jpg",
        "xmp-orientation.jpg",
        "exif-3.png",
        "text.png",
        "icc.png",
        "palette-transparent.png",
        "animated.png",
    }
}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SEEDS)), mutations=st.lists(_MUTATION, min_size=1, max_size=4))
def test_mutated_images_read_the_same(tmp_path_factory, name, mutations) -> None:
    path = tmp_path_factory.mktemp("mutant", numbered=True) / name
    path.write_bytes(mutate(SEEDS[name], mutations))
    compare(path)


def test_header_only_batch_gives_the_same_report_and_keeps_the_callers_timer(
    tmp_path: Path,
) -> None:
    import signal
    import time

    from listingkit import load_rules
    from listingkit.image.run import check_images

    folder = tmp_path / "商品" / "主图"
    folder.mkdir(parents=True)
    for slot, size in enumerate([(800, 800), (700, 700), (800, 790)], start=1):
        _picture(size=size).save(folder / f"0{slot}.jpg", "JPEG")
    (folder / "04.png").write_bytes(edge_cases()["cut-in-data.png"])  # left to the full reader
    rules = load_rules("taobao")
    header_only = ["IMG030", "IMG031"]
    unlimited = check_images([tmp_path / "商品"], rules, ignore=header_only, timeout=None)
    fired: list[bool] = []

    def caller(signum: int, frame: object) -> None:
        fired.append(True)

    previous = signal.signal(signal.SIGALRM, caller)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        limited = check_images([tmp_path / "商品"], rules, ignore=header_only, timeout=30)
        assert signal.getsignal(signal.SIGALRM) is caller
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.5
        time.sleep(0.7)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert limited.to_dict() == unlimited.to_dict()
    codes = {(f.location.path, f.code) for f in limited.findings}
    assert any(path.endswith("04.png") and code == "FILE003" for path, code in codes), codes
