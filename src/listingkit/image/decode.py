"""The one way an image file is opened, for its header and for its pixels.

:func:`open_image` opens the file once; :meth:`ImageFile.header` reads what the
header says (nothing decoded) and :meth:`ImageFile.pixels` decodes once, at the
size the callers need, as displayed (EXIF orientation applied) and with
transparent pixels laid over white, the way the platforms show them. The white
background check asks for a reduced RGB copy, the watermark search for a grey
working copy; asked for both, the file is decoded once at the larger size and
both copies are made from that one decode.

This module is the only place that catches what an image library raises.
Whatever a file holds, reading it ends in values or in a :class:`ProbeError`:
Pillow's plugins raise ``TypeError``, ``KeyError``, ``IndexError``,
``NotImplementedError`` … as well as ``OSError`` on a malformed file, and all of
it is the file's fault only while the library is reading it. Callers get plain
values and arrays back, so an exception raised by their own code is never
mistaken for a broken file. While a file is read, Pillow's pixel limit is the
rule file's (:func:`library_terms`) and its warnings never reach stderr.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import stat
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from listingkit.errors import ProbeError
from listingkit.oserrors import NOT_REGULAR, os_reason
from listingkit.printable import printable, show_path

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from PIL import Image
    from PIL.PngImagePlugin import PngImageFile

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "Header",
    "ImageFile",
    "Pixels",
    "Wanted",
    "library_terms",
    "open_formats",
    "open_image",
]

T = TypeVar("T")

#: The pixel limit when the caller gives none: the default of ``[images] max_pixels``.
DEFAULT_MAX_PIXELS = 100_000_000

# Pillow's plugins log some malformed headers at ERROR level; with no handler
# configured, Python's last-resort handler would print them on stderr.
logging.getLogger("PIL").addHandler(logging.NullHandler())

# The file's first bytes, kept to name a format Pillow cannot open.
_HEAD = 64
# How much of a library's own message a reason quotes.
_DETAIL = 120

# ISO base media ("ftyp") brands of the picture formats a phone or browser saves.
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1"}
_JXL_SIGNATURES = (b"\xff\x0a", b"\x00\x00\x00\x0cJXL \r\n\x87\n")
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

# Formats whose header holds EXIF. For PNG, Pillow's getexif() decodes the whole
# image to look for an eXIf chunk after the pixels: use what the header gave.
_EXIF_IN_HEADER = {"jpeg", "mpo", "tiff", "webp"}
# EXIF orientation → the transpose that shows the picture upright (as ImageOps does).
_UPRIGHT = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
            6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}  # fmt: skip
# EXIF orientations 5–8 turn the picture a quarter: width and height swap.
QUARTER_TURNS = frozenset({5, 6, 7, 8})
# Modes reduced before compositing (a cheap box filter Pillow has for them).
_REDUCIBLE = {"RGB", "RGBA", "L", "LA", "CMYK"}
# The largest PNG whose pixel data is inflated by libdeflate: it holds the file, the
# inflated rows and a stored copy of them at once, three times what Pillow holds.
_FAST_PNG_PIXELS = 25_000_000
# Modes whose values run to 65535: Pillow's convert() clips them, which would
# turn a 16-bit light grey into white.
_WIDE_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N")


# -- formats -------------------------------------------------------------------------


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


def _known_format(head: bytes) -> tuple[str, str] | None:
    """(Pillow's format id, the name shown) of a format recognised by its first bytes.

    Only the formats a phone, camera or browser saves a finished photo in and
    that Pillow may lack a decoder for; anything else unidentified is "not an image".
    """
    if head.startswith(_JXL_SIGNATURES):
        return "JXL", "JPEG XL"
    if head[4:8] != b"ftyp":
        return None
    box = int.from_bytes(head[:4], "big")
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(box, len(head)) - 3, 4)}
    if brands & _AVIF_BRANDS:
        return "AVIF", "AVIF"
    if brands & _HEIF_BRANDS:
        return "HEIF", "HEIF/HEIC"
    return None


# -- Pillow on listingkit's terms ----------------------------------------------------

_terms_lock = threading.Lock()
_limits: list[int] = []  # the pixel limit of every read under way, in any thread
_outside: tuple[int | None, warnings.catch_warnings[None]] | None = None


@contextmanager
def library_terms(max_pixels: int) -> Iterator[None]:
    """Pillow on listingkit's terms while one file is read (wrap only the library's calls).

    Pillow's decompression-bomb limit (89.5 million pixels by default) is the
    rule file's ``max_pixels``, and reaching it is an error, not a warning.
    Every other warning a plugin emits on a malformed file (corrupt EXIF, a tag
    larger than the file, a truncated read) is dropped: the file's finding says
    what matters, and stderr stays the report's. Both are process globals, so
    reads in several threads share one setting: the first to start sets it, the
    limit is the largest of the reads under way (each read also checks its own
    before decoding), and the last to finish puts back what was there.
    """
    from PIL import Image

    global _outside
    with _terms_lock:
        if not _limits:
            catcher = warnings.catch_warnings()
            catcher.__enter__()
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _outside = (Image.MAX_IMAGE_PIXELS, catcher)
        _limits.append(max_pixels)
        Image.MAX_IMAGE_PIXELS = max(_limits)
    try:
        yield
    finally:
        with _terms_lock:
            _limits.remove(max_pixels)
            if _limits:
                Image.MAX_IMAGE_PIXELS = max(_limits)
            elif _outside is not None:
                previous, catcher = _outside
                _outside = None
                Image.MAX_IMAGE_PIXELS = previous
                catcher.__exit__(None, None, None)


def _detail(exc: BaseException) -> str:
    """The library's own words, one short printable line."""
    text = " ".join(str(exc).split())
    if len(text) > _DETAIL:
        text = text[: _DETAIL - 1] + "…"
    return printable(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def _failure(exc: BaseException, max_pixels: int, head: bytes, *, decoding: bool) -> ProbeError:
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
        return _unidentified(head)
    what = "无法解码" if decoding else "读不出文件头"
    return ProbeError(f"图片不完整或已损坏，{what}（{_detail(exc)}）", "truncated")


def _unidentified(head: bytes) -> ProbeError:
    """Why no parser took the file: a format named by its first bytes, or not an image."""
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


# -- what is read ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Header:
    """What the library read from a header, as plain values (sizes as stored)."""

    format: str  # by content, lower case: jpeg, png, gif …
    width: int
    height: int
    orientation: int | None  # EXIF orientation 1–8, or None
    mode: str
    has_alpha: bool
    icc: bytes | None
    frames: int
    progressive: bool


@dataclass(frozen=True, slots=True)
class Wanted:
    """The decoded copies a caller needs; None: not that one."""

    #: An RGB copy whose shorter side is at least this (and less than twice it).
    reduced: int | None = None
    #: A grey copy at most this many pixels wide (narrower images: their own width).
    working: int | None = None
    #: Also a second grey copy of the working size, R·r + G·g + B·b + offset for this
    #: (r, g, b, offset): a colour's direction, where a faint coloured mark stands out
    #: more than in luminance. Needs ``working``.
    working_matrix: tuple[float, float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class Pixels:
    """The decoded copies of one image, upright and on white."""

    shown: tuple[int, int]  # the original's (width, height) as displayed
    reduced: npt.NDArray[np.uint8] | None  # (h, w, 3) RGB, when asked for
    working: npt.NDArray[np.float32] | None  # (h, w) grey 0..255, when asked for
    projected: npt.NDArray[np.float32] | None = None  # (h, w), Wanted.working_matrix's


class ImageFile:
    """One image file, open: its header, then its pixels; use :func:`open_image`."""

    def __init__(self, path: Path, handle: BinaryIO, size: int, max_pixels: int) -> None:
        self.path = path
        self.size = size  # bytes
        self.max_pixels = max_pixels
        self._handle = handle
        self._head = handle.read(_HEAD)
        handle.seek(0)
        self._image: Image.Image | None = None
        self._header: Header | None = None
        self._decoded = False

    def read(self, offset: int, count: int = -1) -> bytes:
        """``count`` bytes (all to the end when -1) of the file from ``offset``."""
        try:
            self._handle.seek(offset)
            return self._handle.read(count)
        except OSError as exc:
            raise ProbeError(f"无法读取文件：{os_reason(exc)}", "unreadable") from None

    @property
    def head(self) -> bytes:
        """The file's first bytes."""
        return self._head

    def header(self) -> Header:
        """What the header says; nothing is decoded. Raises :class:`ProbeError`."""
        if self._header is None:
            self._header = self._library(self._read_header, decoding=False)
        return self._header

    def pixels(self, wanted: Wanted) -> Pixels:
        """Decode once and make the copies ``wanted`` asks for. Raises :class:`ProbeError`.

        A file is decoded at most once: ask for every copy in one call.
        """
        if self._decoded:
            raise RuntimeError(f"{self.path} was decoded already: ask for every copy at once")
        self._decoded = True
        return self._library(lambda: self._decode(wanted), decoding=True)

    def rgba(self) -> Image.Image:
        """The whole image, upright, as 8-bit RGBA: a logo, keeping its transparency.

        Raises :class:`ProbeError`. Like :meth:`pixels`, decodes the file once.
        """
        if self._decoded:
            raise RuntimeError(f"{self.path} was decoded already")
        self._decoded = True
        return self._library(self._decode_rgba, decoding=True)

    def close(self) -> None:
        """Free the decoded pixels now; the file itself is closed by :func:`open_image`."""
        if self._image is not None and self._decoded:
            with contextlib.suppress(Exception):
                self._image.close()
        self._image = None

    # -- the library's calls, each run by _library --------------------------------

    def _library(self, read: Callable[[], T], *, decoding: bool) -> T:
        """``read`` (library calls only) under :func:`library_terms`; any failure is the file's."""
        try:
            with library_terms(self.max_pixels):
                return read()
        except Exception as exc:
            raise _failure(exc, self.max_pixels, self._head, decoding=decoding) from None

    def _opened(self) -> Image.Image:
        """The Pillow image, opened once, its size checked before anything is decoded."""
        if self._image is None:
            if self.size == 0:
                raise ProbeError("文件是空的（0 字节）", "not-image")
            from PIL import Image

            self._handle.seek(0)
            image = Image.open(self._handle, formats=open_formats())
            width, height = image.size
            if width * height > self.max_pixels:  # formats Pillow does not check itself
                raise ProbeError(
                    f"像素数 {width}×{height} 超过上限 {self.max_pixels:,}（疑似解压炸弹）",
                    "too-large",
                )
            if width < 1 or height < 1:
                raise ProbeError(f"文件头写的尺寸是 {width}×{height}，没有像素", "truncated")
            self._image = image
        return self._image

    def _read_header(self) -> Header:
        image = self._opened()
        fmt = (image.format or "").lower()
        icc = image.info.get("icc_profile")
        return Header(
            format=fmt,
            width=image.width,
            height=image.height,
            orientation=_orientation(image, fmt),
            mode=image.mode,
            has_alpha="A" in image.getbands() or "transparency" in image.info,
            icc=icc if isinstance(icc, bytes) else None,
            frames=int(getattr(image, "n_frames", 1) or 1),
            progressive=bool(image.info.get("progressive") or image.info.get("progression")),
        )

    def _decode(self, wanted: Wanted) -> Pixels:
        from PIL.JpegImagePlugin import JpegImageFile
        from PIL.PngImagePlugin import PngImageFile

        image = self._opened()
        orientation = self._orientation_of(image)
        stored = image.size
        turned = orientation in QUARTER_TURNS
        shown = (stored[1], stored[0]) if turned else stored
        work = _working_size(shown, wanted.working) if wanted.working is not None else None
        if isinstance(image, PngImageFile):
            image = self._png_pixels(image) or image
        elif isinstance(image, JpegImageFile):  # JPEG, and MPO from cameras
            # Must come before load(): libjpeg then decodes at 1/2, 1/4 or 1/8, as
            # small as still covers every copy asked for (asked in stored pixels).
            least = (wanted.reduced or 1, wanted.reduced or 1)
            if work is not None:
                factor = shown[0] / work[0]
                least = (
                    max(least[0], math.ceil(stored[0] / factor)),
                    max(least[1], math.ceil(stored[1] / factor)),
                )
            colour = wanted.reduced is not None or wanted.working_matrix is not None
            image.draft("RGB" if colour else "L", least)
        image = self._upright(image, orientation)
        reduced = _reduced(image, wanted.reduced) if wanted.reduced is not None else None
        working = _working(image, work) if work is not None else None
        projected = None
        if work is not None and wanted.working_matrix is not None:
            projected = _projected(image, work, wanted.working_matrix)
        return Pixels(shown, reduced, working, projected)

    def _png_pixels(self, image: PngImageFile) -> Image.Image | None:
        """The PNG's pixels, inflated by libdeflate (the ``fast`` extra); None: Pillow reads.

        Inflating is two thirds of Pillow's PNG decode, and libdeflate does it in a
        small part of that time. The inflated rows are then handed to Pillow's own
        PNG decoder as stored (uncompressed) deflate blocks, so the filters are
        undone and the pixels unpacked by the same code as before: the same
        values by construction. Only where Pillow would read nothing else: a
        single non-interlaced 8-bit RGB, RGBA, L or LA image without tRNS, whose
        header Pillow has read (every chunk before the pixels, their checksums,
        the size limit) and whose pixel data runs as whole IDAT chunks to IEND.
        libdeflate checks the zlib stream end to end (its Adler-32 too, which
        Pillow checks) and the rows must come out exactly the size the header
        says; whatever fails goes to Pillow, whose verdict is then the file's.
        """
        inflate = _libdeflate()
        if inflate is None or not self._plain_png(image):
            return None
        # Pillow's reader resumes from where its header read stopped.
        resume = self._handle.tell()
        data = self.read(0)
        self._handle.seek(resume)
        stream = _pixel_stream(data, image.tile[0].offset - 8)
        if stream is None:
            return None
        rows = image.height * (1 + image.width * len(image.mode))  # a filter byte a row
        try:
            raw = inflate.zlib_decompress(stream, rows)
        except Exception:  # refused here: Pillow decodes and decides
            return None
        if len(raw) != rows:
            return None
        from PIL import Image

        try:
            return Image.frombytes(
                image.mode, image.size, _stored(raw, inflate.adler32(raw)), "zip", image.mode
            )
        except ValueError:  # a bad filter byte: Pillow's own message, from the file
            return None

    def _plain_png(self, image: PngImageFile) -> bool:
        """A single non-interlaced 8-bit RGB, RGBA, L or LA image without tRNS."""
        head = self._head
        return (
            len(head) >= 29
            and image.width * image.height <= _FAST_PNG_PIXELS
            and head[8:16] == b"\0\0\0\rIHDR"
            and head[24] == 8  # bit depth
            and head[25] in (0, 2, 4, 6)  # colour type: L, RGB, LA, RGBA
            and head[28] == 0  # interlace method
            and image.mode in ("L", "RGB", "LA", "RGBA")
            and "transparency" not in image.info
            and not getattr(image, "is_animated", False)
            and len(image.tile) == 1
            and image.tile[0].codec_name == "zip"
            and image.tile[0].args == image.mode
        )

    def _decode_rgba(self) -> Image.Image:
        image = self._upright(self._opened(), self._orientation_of(self._opened()))
        if image.mode in _WIDE_MODES:
            image = _on_white(image)
        return image.convert("RGBA")

    def _orientation_of(self, image: Image.Image) -> int | None:
        if self._header is not None:
            return self._header.orientation
        return _orientation(image, (image.format or "").lower())

    @staticmethod
    def _upright(image: Image.Image, orientation: int | None) -> Image.Image:
        """The loaded image as displayed."""
        from PIL import Image

        image.load()
        if orientation in _UPRIGHT:
            return image.transpose(getattr(Image.Transpose, _UPRIGHT[orientation]))
        return image


@contextmanager
def open_image(
    path: str | os.PathLike[str], max_pixels: int = DEFAULT_MAX_PIXELS
) -> Iterator[ImageFile]:
    """Open one image file for its header and its pixels, each read at most once.

    Raises :class:`ProbeError` when the path is not a regular file or cannot be
    opened; the file's methods raise it for what the file holds. Its message
    names the file; its ``reason`` does not. ``max_pixels``: an image with more
    pixels is refused before anything is decoded.
    """
    try:
        with _opened_image(path, max_pixels) as opened:
            yield opened
    except ProbeError as exc:
        if type(exc) is not ProbeError or exc.shown_path is not None:
            raise  # already names its file
        raise ProbeError(exc.reason, exc.kind, shown_path=show_path(path)) from None


@contextmanager
def _opened_image(path: str | os.PathLike[str], max_pixels: int) -> Iterator[ImageFile]:
    file = Path(path)
    try:
        # Checked before opening: opening a pipe would wait for a writer.
        status = file.stat()
        if not stat.S_ISREG(status.st_mode):
            raise ProbeError(NOT_REGULAR, "unreadable")
        handle = open(file, "rb")  # noqa: SIM115 - closed below, after the caller's block
    except OSError as exc:
        raise ProbeError(f"无法读取文件：{os_reason(exc)}", "unreadable") from None
    with handle:
        try:
            opened = ImageFile(file, handle, status.st_size, max_pixels)
        except OSError as exc:
            raise ProbeError(f"无法读取文件：{os_reason(exc)}", "unreadable") from None
        try:
            yield opened
        finally:
            opened.close()


# -- library calls, run inside ImageFile._library --------------------------------------


@cache
def _libdeflate() -> Any:
    """The libdeflate binding (``pip install 'listingkit[fast]'``), or None."""
    try:
        import deflate  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    return deflate


def _pixel_stream(data: bytes, at: int) -> bytes | None:
    """The zlib stream of the IDAT chunks from ``at``, when they run whole to an empty
    IEND; else None. Their CRCs are not checked: Pillow does not check them either."""
    parts: list[bytes] = []
    size = len(data)
    while at >= 0 and at + 12 <= size:
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        if kind == b"IEND":
            return b"".join(parts) if length == 0 and parts else None
        if kind != b"IDAT" or at + 12 + length > size:
            return None
        parts.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    return None


def _stored(raw: bytes, adler32: int) -> bytes:
    """``raw`` as a zlib stream of stored (uncompressed) deflate blocks."""
    import struct

    parts: list[bytes | memoryview] = [b"\x78\x01"]
    view = memoryview(raw)
    for at in range(0, len(raw), 0xFFFF):
        block = view[at : at + 0xFFFF]
        final = at + 0xFFFF >= len(raw)
        parts += [struct.pack("<BHH", final, len(block), len(block) ^ 0xFFFF), block]
    parts.append(adler32.to_bytes(4, "big"))
    return b"".join(parts)


def _orientation(image: Any, fmt: str) -> int | None:
    """The EXIF orientation, or None."""
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


def _working_size(shown: tuple[int, int], widest: int) -> tuple[int, int]:
    width = min(widest, shown[0])
    return width, max(1, round(shown[1] * width / shown[0]))


def _on_white(image: Image.Image) -> Image.Image:
    """Transparent pixels over white (as the platforms show them); 16-bit grey to 8 bits."""
    from PIL import Image

    if image.mode in _WIDE_MODES:
        import numpy as np

        values = np.asarray(image).astype(np.uint32) // 257
        return Image.fromarray(values.clip(0, 255).astype(np.uint8))
    if _has_alpha(image):
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        # Pasting through its own alpha blends as compositing on opaque white does,
        # straight to RGB and without the RGBA copy alpha_composite() needs.
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba)
        return white
    return image


def _has_alpha(image: Image.Image) -> bool:
    return "A" in image.getbands() or "a" in image.getbands() or "transparency" in image.info


def _reduced(image: Image.Image, side: int) -> npt.NDArray[np.uint8]:
    """An RGB copy whose shorter side is at least ``side`` and less than twice it."""
    import numpy as np

    factor = min(image.width // side, image.height // side)
    if factor >= 2 and image.mode in _REDUCIBLE and not _has_alpha(image):
        # Formats without draft mode, and JPEGs bigger than 8× the size: reduce
        # before converting, so the conversion works on few pixels. Not with
        # alpha: Pillow's reduce then premultiplies and back, two full-size
        # conversions, which cost more than laying the image on white first.
        image = image.reduce(factor)
    rgb = _on_white(image)
    # Already RGB: no copy (a copy of a decoded image costs as much as the decode).
    rgb = rgb if rgb.mode == "RGB" else rgb.convert("RGB")
    factor = min(rgb.width // side, rgb.height // side)
    if factor >= 2:
        rgb = rgb.reduce(factor)
    if min(rgb.size) < 1:
        raise ProbeError(f"解码后的尺寸是 {rgb.width}×{rgb.height}，没有像素", "truncated")
    return np.asarray(rgb)


def _working(image: Image.Image, size: tuple[int, int]) -> npt.NDArray[np.float32]:
    """A grey copy of ``size`` (width, height)."""
    import numpy as np
    from PIL import Image

    grey = _on_white(image).convert("L")
    if grey.size != size:
        grey = grey.resize(size, Image.Resampling.BILINEAR, reducing_gap=None)
    return np.asarray(grey, np.float32)


def _projected(
    image: Image.Image, size: tuple[int, int], matrix: tuple[float, float, float, float]
) -> npt.NDArray[np.float32]:
    """A grey copy of ``size`` made with ``matrix`` (r, g, b, offset) from the RGB pixels."""
    import numpy as np
    from PIL import Image

    rgb = _on_white(image)
    rgb = rgb if rgb.mode == "RGB" else rgb.convert("RGB")
    grey = rgb.convert("L", matrix=matrix)
    if grey.size != size:
        grey = grey.resize(size, Image.Resampling.BILINEAR, reducing_gap=None)
    return np.asarray(grey, np.float32)
