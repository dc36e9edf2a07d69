"""What an image file is, read from its header, without decoding its pixels.

Pillow's ``Image.open`` parses the header and stops; nothing here calls
``load()``. The facts a spec check needs come from there: the real format (by
content, not by extension), the size as displayed (EXIF orientation applied),
mode and bit depth, an embedded colour profile, animation and progressive
encoding. A truncated file is found by its missing end marker, read from the
file's last bytes rather than by decoding it.

Whatever the file holds, reading it ends in facts or in a :class:`ProbeError`:
every exception an image plugin raises on a malformed file (Pillow's plugins
raise ``TypeError``, ``KeyError``, ``IndexError``, ``NotImplementedError`` …
as well as ``OSError``) is caught around the library's calls and becomes the
file's reason, and the warnings they emit never reach stderr. See
:func:`pillow_guard` and :func:`library_failure`, which the decoding paths
(white background, watermark) use too.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from listingkit.errors import ListingkitError
from listingkit.oserrors import NOT_REGULAR, os_reason
from listingkit.printable import printable

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "EXTENSION_FORMATS",
    "ImageFacts",
    "ProbeError",
    "library_failure",
    "open_formats",
    "pillow_guard",
    "probe_image",
]

#: The pixel limit when the caller gives none: the default of ``[images] max_pixels``.
DEFAULT_MAX_PIXELS = 100_000_000

#: File extension → the format it claims. AVIF, HEIF and JPEG XL are listed so
#: that such a file is probed, and reported when the installed Pillow cannot
#: decode it, instead of being passed over as "not an image name".
EXTENSION_FORMATS = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".png": "png",
    ".gif": "gif",
    ".bmp": "bmp",
    ".webp": "webp",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".avif": "avif",
    ".heic": "heif",
    ".heif": "heif",
    ".hif": "heif",
    ".jxl": "jxl",
}

# Pillow's plugins log some malformed headers at ERROR level; with no handler
# configured, Python's last-resort handler would print them on stderr.
logging.getLogger("PIL").addHandler(logging.NullHandler())

# EXIF orientations 5–8 turn the picture a quarter: width and height swap.
_QUARTER_TURNS = {5, 6, 7, 8}
_END_MARKERS = {"jpeg": b"\xff\xd9", "png": b"IEND\xaeB`\x82"}
# Bytes that tools and preallocating downloaders leave after the end marker.
_PADDING = b"\x00\xff"
# The end marker may sit this far before the end (or before the padding).
_TAIL = 64
# Trailing padding read block by block up to this much; beyond, it is bisected.
_PADDING_SCAN = 1 << 20
_BLOCK = 1 << 16
_PROBE = 1 << 12

# ISO base media ("ftyp") brands of the picture formats a phone or browser saves.
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1"}
_JXL_SIGNATURES = (b"\xff\x0a", b"\x00\x00\x00\x0cJXL \r\n\x87\n")
_HEAD = 64
# How much of a library's own message a reason quotes.
_DETAIL = 120


class ProbeError(ListingkitError):
    """A file that is not a usable image; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # "unreadable", "not-image", "truncated", "unsupported", "too-large"


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """An image as its header describes it."""

    path: Path
    bytes: int
    format: str  # by content: jpeg, png, gif, bmp, webp, tiff …
    extension_format: str | None  # what the file name claims, if it claims anything
    width: int  # as displayed, EXIF orientation applied
    height: int
    orientation: int | None
    mode: str  # RGB, RGBA, CMYK, L, LA, P, I;16 …
    bits: int  # bits per channel: 8, or 16 for 16-bit images
    has_alpha: bool
    icc_description: str | None
    frames: int
    progressive: bool

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def animated(self) -> bool:
        return self.frames > 1

    @property
    def is_cmyk(self) -> bool:
        return self.mode == "CMYK"

    @property
    def is_srgb(self) -> bool | None:
        """True or False by the embedded profile's name; None without a profile."""
        if self.icc_description is None:
            return None
        return "srgb" in self.icc_description.lower().replace(" ", "")

    @property
    def extension_lies(self) -> bool:
        return self.extension_format is not None and self.extension_format != self.format


def _icc_description(profile: bytes) -> str | None:
    """The ``desc`` tag of an ICC profile (v2 ``desc`` or v4 ``mluc``)."""
    try:
        (count,) = struct.unpack_from(">I", profile, 128)
        for index in range(count):
            signature, offset, _ = struct.unpack_from(">4sII", profile, 132 + 12 * index)
            if signature != b"desc":
                continue
            kind = profile[offset : offset + 4]
            if kind == b"desc":
                (length,) = struct.unpack_from(">I", profile, offset + 8)
                text = profile[offset + 12 : offset + 12 + length]
                return text.split(b"\0", 1)[0].decode("latin-1").strip() or None
            if kind == b"mluc":
                (records,) = struct.unpack_from(">I", profile, offset + 8)
                if records:
                    length, start = struct.unpack_from(">II", profile, offset + 16 + 4)
                    text = profile[offset + start : offset + start + length]
                    return text.decode("utf-16-be", "replace").strip("\0 ") or None
            return None
    except struct.error:
        return None
    return None


def _png_bit_depth(head: bytes) -> int | None:
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        return head[24]
    return None


def _known_format(head: bytes) -> tuple[str, str] | None:
    """(Pillow's format id, the name shown) of a format recognised by its first bytes.

    Only the formats a phone, camera or browser saves a finished photo in and
    that Pillow may lack a decoder for; anything else unidentified is "not an image".
    """
    if head.startswith(_JXL_SIGNATURES):
        return "JXL", "JPEG XL"
    if head[4:8] != b"ftyp":
        return None
    (box,) = struct.unpack_from(">I", head)
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(box, len(head)) - 3, 4)}
    if brands & _AVIF_BRANDS:
        return "AVIF", "AVIF"
    if brands & _HEIF_BRANDS:
        return "HEIF", "HEIF/HEIC"
    return None


# Picture formats that are not listing images, recognised so the reason can name them.
_OTHER_PICTURES = (
    (b"8BPS", "PSD（Photoshop 源文件）"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG 2000"),
    (b"\xffO\xffQ", "JPEG 2000"),
    (b"%!PS", "EPS"),
    (b"\xc5\xd0\xd3\xc6", "EPS"),
    (b"%PDF", "PDF"),
)
# The formats listingkit reads (Pillow's ids; JPEG covers MPO), and those a plugin such as
# pillow-heif adds when the program registers it.
_READ_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF", "AVIF")
_PLUGIN_FORMATS = ("HEIF", "JXL")


def open_formats() -> tuple[str, ...]:
    """The formats ``Image.open`` may try: pass as its ``formats``.

    Pillow otherwise tries some forty parsers on every file it cannot place,
    most rarely used (the malformed files that crash them are found in image
    libraries' own test folders), and decodes EPS by running Ghostscript.
    """
    from PIL import Image

    _load_plugins()
    return _READ_FORMATS + tuple(f for f in _PLUGIN_FORMATS if f in Image.OPEN)


@cache
def _load_plugins() -> None:
    """Register the plugins of :data:`_READ_FORMATS` (Pillow loads only five up front)."""
    from PIL import AvifImagePlugin, TiffImagePlugin, WebPImagePlugin  # noqa: F401


def _can_decode(format_id: str) -> bool:
    """Whether the installed Pillow (with any plugin registered) opens this format."""
    from PIL import Image, features

    if format_id == "AVIF":
        return bool(features.check("avif"))
    return format_id in Image.OPEN


@contextmanager
def pillow_guard(max_pixels: int) -> Iterator[None]:
    """Pillow on listingkit's terms while one file is read (wrap only the library's calls).

    Pillow's decompression-bomb limit (89.5 million pixels by default) is the
    rule file's ``max_pixels`` for the block, and reaching it is an error, not a
    warning. Every other warning a plugin emits on a malformed file (corrupt
    EXIF, a tag larger than the file, a truncated read) is dropped: the file's
    finding says what matters, and stderr stays the report's. Pillow's limit is
    a module global: the block is not thread-safe.
    """
    from PIL import Image

    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _detail(exc: BaseException) -> str:
    """The library's own words, one short printable line."""
    text = " ".join(str(exc).split())
    if len(text) > _DETAIL:
        text = text[: _DETAIL - 1] + "…"
    return printable(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def library_failure(
    exc: BaseException, max_pixels: int, head: bytes, *, decoding: bool = False
) -> ProbeError:
    """The :class:`ProbeError` for an exception raised while the library read one file.

    ``head``: the file's first bytes, to name a known format Pillow cannot open;
    ``decoding``: the failure came while decoding pixels, not while reading the header.
    """
    from PIL import Image, UnidentifiedImageError

    if isinstance(exc, ProbeError):
        return exc
    if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        found = re.search(r"\((\d{1,30}) pixels\)", str(exc))
        pixels = f"{int(found.group(1)):,}" if found else "数"
        return ProbeError(
            f"像素数 {pixels} 超过上限 {max_pixels:,}（疑似解压炸弹），不予处理", "too-large"
        )
    if isinstance(exc, OSError) and exc.errno is not None:  # the disk, not the contents
        return ProbeError(f"无法读取文件：{os_reason(exc)}", "unreadable")
    if isinstance(exc, MemoryError):
        return ProbeError("声明的尺寸或数据大得无法处理（疑似解压炸弹），不予处理", "too-large")
    if isinstance(exc, UnidentifiedImageError):
        known = _known_format(head)
        if known is None:
            for signature, other in _OTHER_PICTURES:
                if head.startswith(signature):
                    return ProbeError(f"{other} 不是上架用的图片格式，没有检查", "unsupported")
            return ProbeError("不是图片，或是不支持的图片格式", "not-image")
        format_id, name = known
        if not _can_decode(format_id):
            from PIL import __version__

            return ProbeError(
                f"{name} 格式，本机安装的图片库（Pillow {__version__}）不能解码，无法检查",
                "unsupported",
            )
        return ProbeError(f"{name} 图片已损坏，读不出文件头", "truncated")
    what = "无法解码" if decoding else "读不出文件头"
    return ProbeError(f"图片不完整或已损坏，{what}（{_detail(exc)}）", "truncated")


# Formats whose header holds EXIF. For PNG, Pillow's getexif() decodes the whole
# image to look for an eXIf chunk after the pixels: use what the header gave.
_EXIF_IN_HEADER = {"jpeg", "mpo", "tiff", "webp"}


def _orientation(image: Any, fmt: str) -> int | None:
    """The EXIF orientation, or None; a library call, inside :func:`pillow_guard`."""
    from PIL import Image

    try:
        if fmt in _EXIF_IN_HEADER:
            value = image.getexif().get(0x0112)
        elif isinstance(image.info.get("exif"), bytes):
            exif = Image.Exif()
            exif.load(image.info["exif"])
            value = exif.get(0x0112)
        else:
            return None
    except Exception as exc:
        if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
            raise
        return None  # an unreadable EXIF block: take the stored size
    return value if isinstance(value, int) and value in range(1, 9) else None


def _padding_start(handle: BinaryIO, size: int) -> int:
    """Where the run of padding bytes (0x00, 0xFF) that ends the file begins.

    The tail is read block by block for up to :data:`_PADDING_SCAN` bytes; a
    longer run (a preallocated file, 200 MB of zeros) is bisected with a few
    small reads, taking the padding as one run at the end: compressed image
    data has no 4 KB run of padding bytes.
    """
    end = size
    while end > 0 and size - end < _PADDING_SCAN:
        start = max(0, end - _BLOCK)
        handle.seek(start)
        kept = len(handle.read(end - start).rstrip(_PADDING))
        if kept:
            return start + kept
        end = start
    if end == 0:
        return 0
    low, high = 0, end  # padding at high and after; low not known to be padding
    while high - low > _PROBE:
        middle = (low + high) // 2
        handle.seek(middle)
        if handle.read(_PROBE).rstrip(_PADDING):
            low = middle
        else:
            high = middle
    handle.seek(low)
    return low + len(handle.read(high - low).rstrip(_PADDING))


def _truncated(handle: BinaryIO, fmt: str, size: int) -> bool:
    """True when a JPEG or PNG lacks its end marker before its last bytes or its padding."""
    marker = _END_MARKERS.get(fmt)
    if marker is None or size < len(marker):
        return False
    # A few bytes of trailing data after the end marker are common; look at the tail.
    handle.seek(max(0, size - _TAIL))
    tail = handle.read()
    if marker in tail:
        return False
    if tail[-1:] and tail[-1:] not in (b"\x00", b"\xff"):
        return True
    end = _padding_start(handle, size)
    handle.seek(max(0, end - _TAIL))
    return marker not in handle.read(end - max(0, end - _TAIL))


def probe_image(path: str | os.PathLike[str], *, max_pixels: int | None = None) -> ImageFacts:
    """Read an image's facts from its header. Raises :class:`ProbeError`, and nothing else.

    ``max_pixels``: an image with more pixels is refused as a decompression bomb
    before anything is decoded (default :data:`DEFAULT_MAX_PIXELS`).
    """
    limit = DEFAULT_MAX_PIXELS if max_pixels is None else max_pixels
    file = Path(path)
    try:
        status = file.stat()
        if not stat.S_ISREG(status.st_mode):
            raise ProbeError(NOT_REGULAR, "unreadable")
        size = status.st_size
        with open(file, "rb") as handle:
            return _probe(handle, file, size, limit)
    except OSError as exc:
        raise ProbeError(f"无法读取文件：{os_reason(exc)}", "unreadable") from None


@dataclass(frozen=True, slots=True)
class _Header:
    """What Pillow read from a header, as plain values."""

    format: str
    width: int
    height: int
    orientation: int | None
    mode: str
    has_alpha: bool
    icc: bytes | None
    frames: int
    progressive: bool


def _read_header(handle: BinaryIO, head: bytes, limit: int) -> _Header:
    """Everything taken from Pillow, inside one guard: any failure is the file's."""
    from PIL import Image

    try:
        with pillow_guard(limit):
            image = Image.open(handle, formats=open_formats())
            width, height = image.size
            if width * height > limit:
                raise ProbeError(
                    f"像素数 {width}×{height} 超过上限 {limit:,}（疑似解压炸弹）", "too-large"
                )
            fmt = (image.format or "").lower()
            icc = image.info.get("icc_profile")
            return _Header(
                format=fmt,
                width=width,
                height=height,
                orientation=_orientation(image, fmt),
                mode=image.mode,
                has_alpha="A" in image.getbands() or "transparency" in image.info,
                icc=icc if isinstance(icc, bytes) else None,
                frames=int(getattr(image, "n_frames", 1) or 1),
                progressive=bool(image.info.get("progressive") or image.info.get("progression")),
            )
    except Exception as exc:
        raise library_failure(exc, limit, head) from None


def _probe(handle: BinaryIO, file: Path, size: int, limit: int) -> ImageFacts:
    if size == 0:
        raise ProbeError("文件是空的（0 字节）", "not-image")
    head = handle.read(_HEAD)
    handle.seek(0)
    header = _read_header(handle, head, limit)
    width, height = header.width, header.height
    if width < 1 or height < 1:
        raise ProbeError(f"文件头写的尺寸是 {width}×{height}，没有像素", "truncated")
    if header.orientation in _QUARTER_TURNS:
        width, height = height, width
    facts = ImageFacts(
        path=file,
        bytes=size,
        format=header.format,
        extension_format=EXTENSION_FORMATS.get(file.suffix.lower()),
        width=width,
        height=height,
        orientation=header.orientation,
        mode=header.mode,
        bits=16 if header.mode.startswith("I;16") or _png_bit_depth(head) == 16 else 8,
        has_alpha=header.has_alpha,
        icc_description=_icc_description(header.icc) if header.icc is not None else None,
        frames=header.frames,
        progressive=header.progressive,
    )
    if _truncated(handle, header.format, size):
        raise ProbeError("文件不完整（没有结尾标记），可能下载或复制中断", "truncated")
    return facts
