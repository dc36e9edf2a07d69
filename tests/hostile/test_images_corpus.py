"""Images never stop a batch: an odd-image corpus and mutated real images.

The corpus is built here from real bytes: every format this Pillow writes,
each cut short at several points, bit-flipped in its header, renamed to
another format's extension and empty; malformed TIFF directories, lying EXIF,
headers declaring absurd sizes, a GIF of 3,000 frames, and formats Pillow
knows but cannot decode here. A fixed seed picks the flipped bits, so a
failure repeats. Then hypothesis mutates small real JPEG, PNG, GIF, TIFF and
WebP files. Whatever the bytes: the probe and the two decoding paths (white
background, watermark) raise ProbeError or nothing, ``check_images`` returns a
report, and ``listingkit images`` exits 0 or 1 with valid JSON on stdout and
nothing on stderr.
"""

from __future__ import annotations

import io
import json
import random
import struct
import warnings
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from listingkit import check_files, load_rules
from listingkit.image.background import measure_background
from listingkit.image.probe import EXTENSION_FORMATS, ProbeError, probe_image
from listingkit.image.run import check_images, is_image_name
from listingkit.image.watermark import Watermark
from tests.hostile.conftest import Proc

# Modes tried in turn until the format's writer accepts one.
_MODES = ("RGB", "L", "1", "P", "RGBA", "F", "I;16")
# Where each saved file is cut, as fractions of its length (and the first 2 and 20 bytes).
_CUTS = (0.1, 0.5, 0.9, 0.99)
_FLIPS = 3


def _picture(mode: str) -> Image.Image:
    base = Image.linear_gradient("L").resize((48, 40))
    return base.convert(mode) if mode != "I;16" else base.convert("I").convert("I;16")


def saved_formats() -> dict[str, tuple[str, bytes]]:
    """Format → (extension, bytes) for every format this Pillow can write."""
    Image.init()
    extensions: dict[str, str] = {}
    for extension, fmt in Image.registered_extensions().items():
        # The name listingkit takes as an image (.jpg, not .jfif), else Pillow's first.
        if fmt not in extensions or extension in EXTENSION_FORMATS:
            extensions[fmt] = extension
    found: dict[str, tuple[str, bytes]] = {}
    for fmt in sorted(Image.SAVE):
        for mode in _MODES:
            buffer = io.BytesIO()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)  # IM, going in Pillow 15
                    _picture(mode).save(buffer, fmt)
            except Exception:
                continue
            if buffer.getvalue():
                found[fmt] = (extensions.get(fmt, "." + fmt.lower()), buffer.getvalue())
                break
    return found


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + data))
    return struct.pack(">I", len(data)) + kind + data + crc


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` over one byte of pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0")) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def _gif_claiming(width: int, height: int) -> bytes:
    screen = struct.pack("<HHBBB", width, height, 0x80, 0, 0)
    palette = b"\0\0\0\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x44\x01\x00"
    return b"GIF89a" + screen + palette + frame + b"\x3b"


def _jpeg_claiming(width: int, height: int) -> bytes:
    data = bytearray(_saved("JPEG"))
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _bmp_claiming(width: int, height: int) -> bytes:
    data = bytearray(_saved("BMP"))
    data[18:26] = struct.pack("<ii", width, height)
    return bytes(data)


def _webp_canvas(width: int, height: int) -> bytes:
    """An extended WebP (VP8X) whose canvas is ``width`` × ``height``."""
    vp8x = bytes([0, 0, 0, 0]) + (width - 1).to_bytes(3, "little")
    vp8x += (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _saved(fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    _picture("RGB").save(buffer, fmt, **options)
    return buffer.getvalue()


def _tiff(
    entries: list[tuple[int, int, int, bytes]], next_ifd: int = 0, tail: bytes = b""
) -> bytes:
    """A little-endian TIFF with one directory of (tag, type, count, 4-byte value) entries."""
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")
    return b"II*\0" + struct.pack("<I", 8) + ifd + struct.pack("<I", next_ifd) + tail


def _short(value: int) -> bytes:
    return struct.pack("<H", value)


def _long(value: int) -> bytes:
    return struct.pack("<I", value)


def malformed_tiffs() -> dict[str, bytes]:
    """Directories that lie: missing sizes, offsets past the end, huge counts, loops."""
    size = [(256, 3, 1, _short(40)), (257, 3, 1, _short(30))]
    strips = [(273, 4, 1, _long(8)), (279, 4, 1, _long(1200)), (262, 3, 1, _short(1))]
    good = _saved("TIFF")
    return {
        "no-dimensions": _tiff([(262, 3, 1, _short(1))]),
        "width-only": _tiff([(256, 3, 1, _short(40)), *strips]),
        "strip-past-end": _tiff([*size, (273, 4, 1, _long(10**9)), (279, 4, 1, _long(1200))]),
        "huge-entry-count": b"II*\0" + _long(8) + _short(0xFFFF) + b"\0" * 40,
        "huge-tag-count": _tiff([*size, (273, 4, 0x3FFFFFFF, _long(8)), (279, 4, 1, _long(9))]),
        "directory-past-end": b"II*\0" + _long(0x7FFFFFF0),
        "directory-loop": _tiff([*size, *strips], next_ifd=8),
        "huge-size": _tiff([(256, 4, 1, _long(2**31 - 1)), (257, 4, 1, _long(2**31 - 1)), *strips]),
        "zero-size": _tiff([(256, 3, 1, _short(0)), (257, 3, 1, _short(0)), *strips]),
        "bits-per-sample-absurd": _tiff([*size, (258, 3, 1, _short(0xFFFF)), *strips]),
        "samples-per-pixel-absurd": _tiff([*size, (277, 3, 1, _short(0xFFFF)), *strips]),
        "unknown-compression": _tiff([*size, (259, 3, 1, _short(0xBEEF)), *strips]),
        "big-endian-garbage": b"MM\0*" + _long(8) + b"\xff" * 64,
        "real-then-second-directory-past-end": good[:4] + _long(0x7FFFFFF0) + good[8:],
    }


def _exif_jpeg(exif: bytes) -> bytes:
    return _saved("JPEG", exif=exif)


def lying_exif() -> dict[str, bytes]:
    """JPEGs whose EXIF block lies about orientation, pointers and counts."""

    def exif(entries: list[tuple[int, int, int, bytes]], next_ifd: int = 0) -> bytes:
        return b"Exif\0\0" + _tiff(entries, next_ifd)

    orientation = 0x0112
    return {
        "orientation-9": _exif_jpeg(exif([(orientation, 3, 1, _short(9))])),
        "orientation-0": _exif_jpeg(exif([(orientation, 3, 1, _short(0))])),
        "orientation-65535": _exif_jpeg(exif([(orientation, 3, 1, _short(0xFFFF))])),
        "orientation-as-text": _exif_jpeg(exif([(orientation, 2, 4, b"six\0")])),
        "orientation-count-huge": _exif_jpeg(exif([(orientation, 3, 0x7FFFFFFF, _short(6))])),
        "exif-pointer-past-end": _exif_jpeg(exif([(0x8769, 4, 1, _long(0x7FFFFFF0))])),
        "gps-pointer-loop": _exif_jpeg(exif([(0x8825, 4, 1, _long(8))])),
        "next-directory-loop": _exif_jpeg(exif([(orientation, 3, 1, _short(6))], next_ifd=8)),
        "truncated-block": _exif_jpeg(b"Exif\0\0II*\0\x08\0\0\0\x05"),
        "not-tiff-at-all": _exif_jpeg(b"Exif\0\0" + b"\xff" * 30),
        "png-with-bad-exif": _png_with_exif(b"II*\0" + _long(0x7FFFFFF0)),
        "webp-with-bad-exif": _saved("WEBP", exif=b"Exif\0\0MM\0*\xff\xff\xff\xff"),
    }


def _png_with_exif(exif: bytes) -> bytes:
    data = _saved("PNG")
    end = data.index(b"IDAT") - 4
    return data[:end] + _chunk(b"eXIf", exif) + data[end:]


def huge_sizes() -> dict[str, bytes]:
    """Headers that declare more pixels than any rule allows."""
    return {
        "png-100000x100000.png": png_claiming(100_000, 100_000),
        "png-1x4294967295.png": png_claiming(1, 2**31 - 1),
        "gif-65535x65535.gif": _gif_claiming(65535, 65535),
        "jpeg-65535x65535.jpg": _jpeg_claiming(65535, 65535),
        "bmp-huge.bmp": _bmp_claiming(2**30, 2**30),
        "bmp-negative.bmp": _bmp_claiming(-40, -(2**31)),
        "webp-canvas-16384.webp": _webp_canvas(16384, 16384),
        "webp-canvas-bad.webp": _webp_canvas(1 << 24, 1 << 24),
    }


def many_frames(count: int = 3000) -> bytes:
    """An animated GIF of ``count`` tiny frames."""
    frames = [Image.new("RGB", (4, 4), (i % 256, i // 256, 90)) for i in range(count)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=10)
    return buffer.getvalue()


def _known_but_undecodable() -> dict[str, bytes]:
    ftyp = b"\0\0\0\x18ftyp" + b"heic" + b"\0\0\0\0" + b"mif1heic"
    return {
        "iphone.heic": ftyp + b"\0" * 200,
        "iphone-renamed.jpg": ftyp + b"\0" * 200,
        "photo.jxl": b"\xff\x0a" + b"\x01" * 100,
        "layers.psd.jpg": b"8BPS\0\x01" + b"\0" * 60,
        "not-really.avif": b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf" + b"\0" * 40,
    }


def build_corpus(folder: Path) -> list[Path]:
    """Write the corpus under ``folder`` and return its files."""
    rng = random.Random(20240501)
    files: dict[str, bytes] = {}
    for fmt, (extension, data) in saved_formats().items():
        stem = fmt.lower()
        files[f"{stem}/ok{extension}"] = data
        for cut in _CUTS:
            files[f"{stem}/cut-{int(cut * 100)}{extension}"] = data[: int(len(data) * cut)]
        files[f"{stem}/cut-2{extension}"] = data[:2]
        files[f"{stem}/cut-20{extension}"] = data[:20]
        for n in range(_FLIPS):
            flipped = bytearray(data)
            for _ in range(1 + n):
                at = rng.randrange(min(len(flipped), 64))
                flipped[at] ^= 1 << rng.randrange(8)
            files[f"{stem}/flip-{n}{extension}"] = bytes(flipped)
        files[f"{stem}/renamed.jpg"] = data
        files[f"{stem}/renamed.png"] = data
        files[f"{stem}/empty{extension}"] = b""
    for name, data in malformed_tiffs().items():
        files[f"tiff-directories/{name}.tif"] = data
    for name, data in lying_exif().items():
        files[f"exif/{name}.jpg"] = data
    for name, data in huge_sizes().items():
        files[f"huge/{name}"] = data
    for name, data in _known_but_undecodable().items():
        files[f"known/{name}"] = data
    files["frames/3000-frames.gif"] = many_frames()
    files["frames/3000-frames-cut.gif"] = files["frames/3000-frames.gif"][:-5000]
    written = []
    for name, data in sorted(files.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def seeds() -> dict[str, bytes]:
    """Small real images to mutate: format → bytes."""
    picture = Image.linear_gradient("L").resize((40, 32)).convert("RGB")
    made: dict[str, bytes] = {}
    exif = picture.getexif()
    exif[0x0112] = 6
    for fmt, options in (
        ("JPEG", {"exif": exif.tobytes()}),
        ("PNG", {}),
        ("GIF", {}),
        ("TIFF", {"exif": exif.tobytes()}),
        ("WEBP", {"exif": exif.tobytes()}),
    ):
        buffer = io.BytesIO()
        picture.save(buffer, fmt, **options)
        made[fmt] = buffer.getvalue()
    return made


# -- the corpus ---------------------------------------------------------------


def _logo(path: Path) -> Path:
    logo = Image.new("RGBA", (60, 30), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((2, 2, 28, 28), outline=(200, 20, 20, 255), width=4)
    logo.save(path)
    return path


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("odd-images")
    return folder, build_corpus(folder / "图片")


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store rule file that looks for a watermark, so every decoding path runs."""
    folder = tmp_path_factory.mktemp("store")
    _logo(folder / "logo.png")
    rules = folder / "listingkit.toml"
    rules.write_text(
        'extends = "taobao"\n[images.watermark]\ntemplate = "logo.png"\n'
        'forbidden_on = ["white_background"]\n',
        encoding="utf-8",
    )
    return rules


@pytest.fixture(scope="session")
def watermark(store: Path) -> Watermark:
    return Watermark.load(store.parent / "logo.png")


def _no_escape(read: Callable[[Path], object], path: Path) -> str | None:
    """What escaped besides ProbeError (or a warning), or None."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            read(path)
        except ProbeError:
            pass
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
    if caught:
        return f"warning {caught[0].category.__name__}: {caught[0].message}"
    return None


def test_the_corpus_has_hundreds_of_odd_files_of_every_writable_format(corpus):
    _, files = corpus
    assert len(files) >= 300
    assert len(saved_formats()) >= 20
    assert {"tiff-directories", "exif", "huge", "frames", "known"} <= {p.parent.name for p in files}


def test_probe_raises_only_probe_error(corpus):
    folder, files = corpus
    escaped = {p.relative_to(folder).as_posix(): _no_escape(probe_image, p) for p in files}
    assert not {name: what for name, what in escaped.items() if what}


def test_decoding_paths_raise_only_probe_error(corpus, watermark):
    folder, files = corpus
    escaped = {}
    for path in files:
        for read in (measure_background, watermark.find):
            what = _no_escape(read, path)
            if what:
                escaped[path.relative_to(folder).as_posix()] = what
    assert not escaped


def _reasons(paths: Iterator[Path]) -> set[str]:
    kinds = set()
    for path in paths:
        with pytest.raises(ProbeError) as caught:
            probe_image(path)
        kinds.add(caught.value.kind)
    return kinds


def test_what_the_odd_files_are_called(corpus):
    folder, _ = corpus
    assert _reasons((folder / "图片" / "huge").iterdir()) == {"too-large"}
    assert _reasons((folder / "图片" / "known").glob("iphone*")) == {"unsupported"}
    assert _reasons((folder / "图片").glob("*/empty.*")) == {"not-image"}
    frames = probe_image(folder / "图片" / "frames" / "3000-frames.gif")
    assert frames.frames == 3000 and frames.animated
    # A lying orientation is ignored: the stored size stands.
    assert probe_image(folder / "图片" / "exif" / "orientation-9.jpg").orientation is None


def test_check_images_reports_every_image_file(corpus, store):
    folder, files = corpus
    rules = load_rules(store)
    for role in (None, "white_background"):
        report = check_images([folder / "图片"], rules, role=role, timeout=60)
        names = {p.relative_to(folder).as_posix() for p in files if is_image_name(p.name)}
        assert {Path(s).relative_to(folder).as_posix() for s in report.subjects} == names
        broken = {Path(f.location.path).name for f in report.findings if f.code == "FILE003"}
        assert {"png-100000x100000.png", "iphone.heic", "no-dimensions.tif"} <= broken
        # an empty file is FILE002, as `listingkit check` reports it, and only that
        empty = {Path(f.location.path).name for f in report.findings if f.code == "FILE002"}
        assert "empty.jpeg" in empty and "empty.jpeg" not in broken


def test_check_files_on_the_corpus(corpus, store):
    folder, files = corpus
    report = check_files([folder / "图片"], load_rules(store), timeout=60)
    assert len(report.subjects) == len(files)


@pytest.mark.parametrize(
    "options",
    [
        ("images", "--platform", "taobao"),
        ("images", "--role", "white_background", "--rules", "{store}"),
        ("check", "--rules", "{store}"),
    ],
    ids=["images-headers", "images-decoded", "check"],
)
def test_the_command_on_the_corpus_prints_only_the_report(
    corpus, store, listingkit: Callable[..., Proc], options
):
    folder, _ = corpus
    command, *rest = (option.format(store=store) for option in options)
    run = listingkit(command, folder / "图片", *rest, "--format", "json", "--no-progress")
    assert run.status in (0, 1), run.stderr
    assert run.err == b"", run.stderr
    report = json.loads(run.out)
    assert any(f["code"] == "FILE003" for f in report["findings"])


# -- mutated real images --------------------------------------------------------

SEEDS = seeds()
_POSITION = st.one_of(st.integers(0, 64), st.integers(0, 1 << 20))
_MUTATION = st.one_of(
    st.tuples(st.just("flip"), _POSITION, st.integers(0, 7)),
    st.tuples(st.just("cut"), _POSITION, st.just(0)),
    st.tuples(st.just("insert"), _POSITION, st.binary(min_size=1, max_size=4)),
    st.tuples(st.just("delete"), _POSITION, st.integers(1, 8)),
)


def mutate(data: bytes, mutations: list[tuple[str, int, object]]) -> bytes:
    out = bytearray(data)
    for kind, position, value in mutations:
        at = position % max(1, len(out))
        if kind == "flip" and out:
            out[at] ^= 1 << int(value)
        elif kind == "cut":
            del out[max(1, at) :]
        elif kind == "insert":
            out[at:at] = value
        elif kind == "delete":
            del out[at : at + int(value)]
    return bytes(out)


@pytest.fixture(scope="session")
def mutants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mutants") / "白底"
    folder.mkdir()
    return folder


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(sorted(SEEDS)), mutations=st.lists(_MUTATION, min_size=1, max_size=5))
def test_mutated_real_images_never_escape(mutants, store, watermark, fmt, mutations):
    path = mutants / f"01.{fmt.lower()}"
    path.write_bytes(mutate(SEEDS[fmt], mutations))
    for read in (probe_image, measure_background, watermark.find):
        assert _no_escape(read, path) is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = check_images([path], load_rules(store), role="white_background", timeout=60)
    assert not caught
    assert report.subjects == [path.as_posix()]
