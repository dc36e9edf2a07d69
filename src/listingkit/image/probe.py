"""What an image file is, read from its header, without decoding its pixels.

The facts a spec check needs come from the header, read byte by byte for the
JPEGs and PNGs :mod:`~listingkit.image.header` is sure of and through
:mod:`listingkit.image.decode` for every other file (nothing here calls
``load()``): the real format
(by content, not by extension), the size as displayed (EXIF orientation
applied), mode and bit depth, an embedded colour profile, animation and
progressive encoding. A truncated file is found by its missing end marker, read
from the file's last bytes rather than by decoding it.

Whatever the file holds, reading it ends in facts or in a :class:`ProbeError`
(see :mod:`~listingkit.image.decode`, the one place that catches what the image
library raises).
"""

from __future__ import annotations

import os
import stat
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from listingkit.errors import ProbeError
from listingkit.image.decode import (
    DEFAULT_MAX_PIXELS,
    QUARTER_TURNS,
    Header,
    ImageFile,
    open_image,
)
from listingkit.image.header import read_header

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "EXTENSION_FORMATS",
    "ImageFacts",
    "ProbeError",
    "header_facts",
    "image_facts",
    "probe_image",
]

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

_END_MARKERS = {"jpeg": b"\xff\xd9", "png": b"IEND\xaeB`\x82"}
# Bytes that tools and preallocating downloaders leave after the end marker.
_PADDING = b"\x00\xff"
# The end marker may sit this far before the end (or before the padding).
_TAIL = 64
# Trailing padding read block by block up to this much; beyond, it is bisected.
_PADDING_SCAN = 1 << 20
_BLOCK = 1 << 16
_PROBE = 1 << 12
# The first bytes read by header_facts: the header reader's first read (8 KiB).
_FIRST = 1 << 13
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


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


def _padding_start(file: ImageFile, size: int) -> int:
    """Where the run of padding bytes (0x00, 0xFF) that ends the file begins.

    The tail is read block by block for up to :data:`_PADDING_SCAN` bytes; a
    longer run (a preallocated file, 200 MB of zeros) is bisected with a few
    small reads, taking the padding as one run at the end: compressed image
    data has no 4 KB run of padding bytes.
    """
    end = size
    while end > 0 and size - end < _PADDING_SCAN:
        start = max(0, end - _BLOCK)
        kept = len(file.read(start, end - start).rstrip(_PADDING))
        if kept:
            return start + kept
        end = start
    if end == 0:
        return 0
    low, high = 0, end  # padding at high and after; low not known to be padding
    while high - low > _PROBE:
        middle = (low + high) // 2
        if file.read(middle, _PROBE).rstrip(_PADDING):
            low = middle
        else:
            high = middle
    return low + len(file.read(low, high - low).rstrip(_PADDING))


def _truncated(file: ImageFile, fmt: str) -> bool:
    """True when a JPEG or PNG lacks its end marker before its last bytes or its padding."""
    marker = _END_MARKERS.get(fmt)
    size = file.size
    if marker is None or size < len(marker):
        return False
    # A few bytes of trailing data after the end marker are common; look at the tail.
    tail = file.read(max(0, size - _TAIL))
    if marker in tail:
        return False
    if tail[-1:] and tail[-1:] not in (b"\x00", b"\xff"):
        return True
    end = _padding_start(file, size)
    start = max(0, end - _TAIL)
    return marker not in file.read(start, end - start)


def probe_image(path: str | os.PathLike[str], *, max_pixels: int | None = None) -> ImageFacts:
    """Read an image's facts from its header. Raises :class:`ProbeError`, and nothing else.

    ``max_pixels``: an image with more pixels is refused as a decompression bomb
    before anything is decoded (default :data:`DEFAULT_MAX_PIXELS`).
    """
    limit = DEFAULT_MAX_PIXELS if max_pixels is None else max_pixels
    with open_image(path, limit) as file:
        return image_facts(file)


def image_facts(file: ImageFile, *, library: bool = False) -> ImageFacts:
    """The facts of an open image file, from its header. Raises :class:`ProbeError`.

    A JPEG or PNG is read by :mod:`listingkit.image.header` when it is sure of
    the file, otherwise (and with ``library``) by the image library: the facts
    are the same either way.
    """
    header = None if library else read_header(file)
    if header is None:
        header = file.header()
    width, height = header.width, header.height
    if header.orientation in QUARTER_TURNS:
        width, height = height, width
    facts = ImageFacts(
        path=file.path,
        bytes=file.size,
        format=header.format,
        extension_format=EXTENSION_FORMATS.get(file.path.suffix.lower()),
        width=width,
        height=height,
        orientation=header.orientation,
        mode=header.mode,
        bits=16 if header.mode.startswith("I;16") or _png_bit_depth(file.head) == 16 else 8,
        has_alpha=header.has_alpha,
        icc_description=_icc_description(header.icc) if header.icc is not None else None,
        frames=header.frames,
        progressive=header.progressive,
    )
    if _truncated(file, header.format):
        raise ProbeError("文件不完整（没有结尾标记），可能下载或复制中断", "truncated")
    return facts


class _PlainFile:
    """An image file read with plain system calls, as :func:`header_facts` reads it.

    It offers what :func:`image_facts` and the header reader use of an
    :class:`~listingkit.image.decode.ImageFile` (path, size, pixel limit, first
    bytes, reads at an offset) and nothing of the image library: a file the
    header reader is unsure of is handed back to :func:`open_image` whole.
    """

    __slots__ = ("_descriptor", "_first", "head", "max_pixels", "path", "size")

    def __init__(self, path: Path, descriptor: int, size: int, max_pixels: int) -> None:
        self.path = path
        self.size = size
        self.max_pixels = max_pixels
        self._descriptor = descriptor
        self._first = os.pread(descriptor, _FIRST, 0)
        self.head = self._first[:64]

    def read(self, offset: int, count: int = -1) -> bytes:
        if count < 0:
            count = max(0, self.size - offset)
        if offset == 0 and (count <= len(self._first) or len(self._first) < _FIRST):
            return self._first[:count]  # the header reader starts with these bytes
        return os.pread(self._descriptor, count, offset)

    def header(self) -> Header:
        raise _Unsure  # image_facts asks this only when the header reader is unsure


class _Unsure(Exception):
    """Not read the plain way: the caller reads the file through :func:`open_image`."""


def header_facts(path: Path, max_pixels: int) -> ImageFacts | None:
    """The facts of a JPEG or PNG the header reader is sure of, read with a few system
    calls and no image library; None for every other file (another format, a file the
    reader is unsure of, a truncated or unreadable one, anything not a regular file).

    The facts are those :func:`probe_image` gives: :func:`image_facts` reads them,
    over the same bytes. None means "ask :func:`open_image`", which says what is wrong.
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)  # non-blocking: a pipe never waits
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size == 0:
            return None
        plain: Any = _PlainFile(path, descriptor, status.st_size, max_pixels)
        return image_facts(plain)  # reads what an ImageFile offers, the same way
    except (_Unsure, ProbeError, OSError):
        return None
    finally:
        os.close(descriptor)
