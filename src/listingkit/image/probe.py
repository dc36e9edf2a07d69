"""What an image file is, read from its header, without decoding its pixels.

Pillow's ``Image.open`` parses the header and stops; nothing here calls
``load()``. The facts a spec check needs come from there: the real format (by
content, not by extension), the size as displayed (EXIF orientation applied),
mode and bit depth, an embedded colour profile, animation and progressive
encoding. A truncated file is found by its missing end marker, read from the
file's last bytes rather than by decoding it.
"""

from __future__ import annotations

import os
import stat
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from listingkit.errors import ListingkitError
from listingkit.oserrors import NOT_REGULAR, os_reason

__all__ = ["EXTENSION_FORMATS", "ImageFacts", "ProbeError", "probe_image"]

#: File extension → the format it claims.
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
}

# EXIF orientations 5–8 turn the picture a quarter: width and height swap.
_QUARTER_TURNS = {5, 6, 7, 8}
_END_MARKERS = {"jpeg": b"\xff\xd9", "png": b"IEND\xaeB`\x82"}


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


# Formats whose header holds EXIF. For PNG, Pillow's getexif() decodes the whole
# image to look for an eXIf chunk after the pixels: use what the header gave.
_EXIF_IN_HEADER = {"jpeg", "mpo", "tiff", "webp"}


def _orientation(image: Any, fmt: str) -> int | None:
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
    except (OSError, SyntaxError, ValueError, struct.error):
        return None  # an unreadable EXIF block: take the stored size
    return value if isinstance(value, int) else None


def _truncated(handle: BinaryIO, fmt: str, size: int) -> bool:
    marker = _END_MARKERS.get(fmt)
    if marker is None or size < len(marker):
        return False
    # A few bytes of padding after the end marker are common; look at the tail.
    handle.seek(max(0, size - 64))
    return marker not in handle.read()


def probe_image(path: str | os.PathLike[str], *, max_pixels: int | None = None) -> ImageFacts:
    """Read an image's facts from its header. Raises :class:`ProbeError`."""
    file = Path(path)
    try:
        status = file.stat()
        if not stat.S_ISREG(status.st_mode):
            raise ProbeError(NOT_REGULAR, "unreadable")
        size = status.st_size
        with open(file, "rb") as handle:
            return _probe(handle, file, size, max_pixels)
    except OSError as exc:
        raise ProbeError(f"无法读取文件：{os_reason(exc)}", "unreadable") from None


def _probe(handle: BinaryIO, file: Path, size: int, max_pixels: int | None) -> ImageFacts:
    from PIL import Image, UnidentifiedImageError

    if size == 0:
        raise ProbeError("文件是空的（0 字节）", "not-image")
    head = handle.read(32)
    handle.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(handle)
    except UnidentifiedImageError:
        raise ProbeError("不是图片，或是不支持的图片格式", "not-image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ProbeError("像素数大得异常（疑似解压炸弹），不予处理", "too-large") from None
    except (OSError, SyntaxError, ValueError, struct.error):
        raise ProbeError("图片不完整或已损坏，读不出文件头", "truncated") from None
    fmt = (image.format or "").lower()
    width, height = image.size
    if max_pixels is not None and width * height > max_pixels:
        raise ProbeError(
            f"像素数 {width}×{height} 超过上限 {max_pixels:,}（疑似解压炸弹）", "too-large"
        )
    orientation = _orientation(image, fmt)
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    icc = image.info.get("icc_profile")
    facts = ImageFacts(
        path=file,
        bytes=size,
        format=fmt,
        extension_format=EXTENSION_FORMATS.get(file.suffix.lower()),
        width=width,
        height=height,
        orientation=orientation,
        mode=image.mode,
        bits=16 if image.mode.startswith("I;16") or _png_bit_depth(head) == 16 else 8,
        has_alpha="A" in image.getbands() or "transparency" in image.info,
        icc_description=_icc_description(icc) if isinstance(icc, bytes) else None,
        frames=int(getattr(image, "n_frames", 1) or 1),
        progressive=bool(image.info.get("progressive") or image.info.get("progression")),
    )
    if _truncated(handle, fmt, size):
        raise ProbeError("文件不完整（没有结尾标记），可能下载或复制中断", "truncated")
    return facts
