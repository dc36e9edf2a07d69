"""JPEG and PNG headers read byte by byte, without the image library.

Pillow's open builds plugin objects, EXIF tables and palettes for every file;
reading the same bytes here costs a fraction of that, and a run that needs no
pixels then never imports Pillow. :func:`read_header` gives the same
:class:`~listingkit.image.decode.Header` Pillow's open gives, but only for the
files it is sure of: the common JPEG (baseline, extended or progressive, grey
or RGB) and PNG (still or animated) layouts, parsed with every check Pillow
makes on them. Anything else — another format, a CMYK or multi-picture JPEG,
an EXIF block or a chunk it cannot read the way Pillow does, a size over the
pixel limit, any malformed structure — returns None, and the caller asks
Pillow, which then says what it says today. ``tests/image/test_header_reader.py``
compares both readers on every image the tests hold.
"""

from __future__ import annotations

import re
import struct
import sys
import zlib

from listingkit.errors import ProbeError
from listingkit.image.decode import Header, ImageFile

__all__ = ["read_header"]

# Bytes read at once; a header larger than this is read on demand.
_FIRST_READ = 1 << 13

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"

# (bit depth, colour type) → Pillow's mode for a PNG.
_PNG_MODES = {
    (1, 0): "1",
    (2, 0): "L",
    (4, 0): "L",
    (8, 0): "L",
    (16, 0): "I;16",
    (8, 2): "RGB",
    (16, 2): "RGB",
    (1, 3): "P",
    (2, 3): "P",
    (4, 3): "P",
    (8, 3): "P",
    (8, 4): "LA",
    (16, 4): "RGBA",
    (8, 6): "RGBA",
    (16, 6): "RGBA",
}
# The least length Pillow accepts for a chunk it parses (shorter: it refuses the file).
_PNG_MINIMUM = {b"gAMA": 4, b"cHRM": 32, b"sRGB": 1, b"pHYs": 9, b"acTL": 8, b"fcTL": 26}
# Chunks out of place before the image data.
_PNG_REFUSED = {b"fdAT", b"IEND", b"IHDR"}
# Text keywords that would land on an info key a fact is read from.
_RESERVED_KEYS = {b"exif", b"icc_profile", b"transparency", b"progressive", b"progression"}
_TEXT_BUDGET = 1 << 20  # text larger than this in all: let Pillow count it
_PNG_TEXT_LIMIT = 1 << 20  # Pillow's largest decompressed text or profile (SAFEBLOCK)
_CHUNK_ID = re.compile(rb"\w\w\w\w")
_SIMPLE_PALETTE = re.compile(b"^\xff*\x00\xff*$")

# JPEG markers by what Pillow does with them.
_SOF_TAKEN = {0xC0: False, 0xC1: False, 0xC2: True}  # frame markers read here → progressive
_SKIPPED = {0xC4, 0xCC, 0xDC, 0xDD, 0xDF}  # DHT, DAC, DNL, DRI, EXP: length, then skipped
# Every marker read here; the others (RSTn, SOI, EOI, JPGn, other frame types) are
# handled differently by Pillow: not sure.
_READ_HERE = frozenset({*_SOF_TAKEN, *_SKIPPED, 0xDA, 0xDB, 0xFE, *range(0xE0, 0xF0)})
_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_ORIENTATION = re.compile(rb'tiff:Orientation(="|>)([0-9])')

# TIFF field types Pillow reads → bytes per value.
_TIFF_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8,
               13: 4, 16: 8}  # fmt: skip
_ORIENTATION, _X_RESOLUTION, _RESOLUTION_UNIT = 0x0112, 0x011A, 0x0128
_SHORT, _RATIONAL = 3, 5


class _Unsure(Exception):
    """The bytes are not what this reader answers for: ask Pillow."""


def read_header(file: ImageFile) -> Header | None:
    """The header of a JPEG or PNG as Pillow's open reads it, or None when not sure."""
    head = file.head
    if not (head.startswith(_JPEG_SIGNATURE) or head.startswith(_PNG_SIGNATURE)):
        return None
    if _truncated_loads_allowed():
        return None
    try:
        reader = _Bytes(file)
        header = _jpeg(reader) if head.startswith(_JPEG_SIGNATURE) else _png(reader)
    except (_Unsure, ProbeError, struct.error, IndexError, ValueError):
        return None
    if header.width < 1 or header.height < 1 or header.width * header.height > file.max_pixels:
        return None  # Pillow's open words these refusals
    return header


def _truncated_loads_allowed() -> bool:
    """Whether the program told Pillow to accept broken files (it then skips checks)."""
    image_file = sys.modules.get("PIL.ImageFile")
    return bool(getattr(image_file, "LOAD_TRUNCATED_IMAGES", False))


class _Bytes:
    """The file's bytes from the start, read on demand."""

    def __init__(self, file: ImageFile) -> None:
        self._file = file
        self._data = file.read(0, _FIRST_READ)
        self._whole = len(self._data) < _FIRST_READ

    def upto(self, end: int) -> bytes:
        """The bytes read so far, at least ``end`` of them; fewer in the file: not sure."""
        if end > self._file.size:
            raise _Unsure  # the file ends first (a length read from a broken header)
        if end > len(self._data) and not self._whole:
            wanted = max(end - len(self._data), len(self._data))
            more = self._file.read(len(self._data), wanted)
            self._whole = len(more) < wanted
            self._data += more
        if end > len(self._data):
            raise _Unsure  # the file ends first
        return self._data

    def take(self, offset: int, count: int) -> bytes:
        """Exactly ``count`` bytes from ``offset``; fewer in the file: not sure."""
        return self.upto(offset + count)[offset : offset + count]


# -- JPEG ------------------------------------------------------------------------------


def _jpeg(data: _Bytes) -> Header:
    position = 2  # the first marker's 0xFF (Pillow reads past the SOI marker)
    size: tuple[int, int] | None = None
    mode = ""
    progressive = False
    icc_chunks: list[bytes] = []
    icc: bytes | None = None
    exif: bytes | None = None
    xmp: bytes | None = None
    jfif_dpi = False
    buf = data.upto(position + 4)
    while True:
        # Bytes already read are taken as they are; upto() reads more (or is not sure).
        if position + 4 > len(buf):
            buf = data.upto(position + 4)
        if buf[position] != 0xFF:
            raise _Unsure  # junk between segments
        position += 1
        while buf[position] == 0xFF:  # fill bytes before a marker
            position += 1
            if position + 3 > len(buf):
                buf = data.upto(position + 3)
        marker = buf[position]
        if marker not in _READ_HERE:
            raise _Unsure
        length = buf[position + 1] << 8 | buf[position + 2]
        position += 1
        if length < 2:
            raise _Unsure
        end = position + length
        if end > len(buf):
            buf = data.upto(end)
        body = buf[position + 2 : end]
        position = end
        if marker == 0xDA:  # start of scan: the header ends here
            break
        if marker in _SOF_TAKEN:
            if size is not None:
                raise _Unsure  # a second frame header
            size, mode = _jpeg_frame(body)
            progressive = _SOF_TAKEN[marker]
            if icc_chunks:
                icc = _icc_from_chunks(icc_chunks)
                icc_chunks = []
        elif marker == 0xDB:
            _check_quantization(body)
        elif 0xE0 <= marker <= 0xEF:
            if marker == 0xE0 and body.startswith(b"JFIF"):
                if len(body) < 7:
                    raise _Unsure
                jfif_dpi = jfif_dpi or (len(body) >= 12 and body[7] in (1, 2))
            elif marker == 0xE1 and body.startswith(b"Exif\0\0"):
                if exif is not None:
                    raise _Unsure  # Pillow joins them
                exif = body
            elif marker == 0xE1 and body.startswith(_XMP):
                xmp = body.split(b"\x00", 1)[1]
            elif marker == 0xE2 and body.startswith(b"ICC_PROFILE\0"):
                if len(body) < 14:
                    raise _Unsure
                icc_chunks.append(body)
            elif marker == 0xE2 and body.startswith(b"MPF\0"):
                raise _Unsure  # a multi-picture file: Pillow may open it as MPO
            elif marker == 0xED and body.startswith(b"Photoshop 3.0\x00"):
                _check_photoshop(body)
            elif marker == 0xEE and body.startswith(b"Adobe") and len(body) < 7:
                raise _Unsure
        # COM and the skipped markers need nothing more
    if size is None:
        raise _Unsure
    orientation = _jpeg_orientation(exif, xmp, jfif_dpi)
    return Header(
        format="jpeg",
        width=size[0],
        height=size[1],
        orientation=orientation,
        mode=mode,
        has_alpha=False,
        icc=icc,
        frames=1,
        progressive=progressive,
    )


def _jpeg_frame(body: bytes) -> tuple[tuple[int, int], str]:
    if len(body) < 6 or (len(body) - 6) % 3 or body[0] != 8:
        raise _Unsure  # short, ragged, or not 8 bits per sample
    height, width = struct.unpack_from(">HH", body, 1)
    layers = body[5]
    if layers == 1:
        return (width, height), "L"
    if layers == 3:
        return (width, height), "RGB"
    raise _Unsure  # CMYK or YCCK (Adobe conventions), or a count Pillow refuses


def _icc_from_chunks(chunks: list[bytes]) -> bytes | None:
    """The profile as Pillow joins it: chunks sorted, all there or no profile."""
    chunks = sorted(chunks)
    if chunks[0][13] != len(chunks):
        return None
    return b"".join(chunk[14:] for chunk in chunks)


def _check_quantization(body: bytes) -> None:
    while body:
        length = 1 + (1 if body[0] // 16 == 0 else 2) * 64
        if len(body) < length:
            raise _Unsure
        body = body[length:]


def _check_photoshop(body: bytes) -> None:
    """Walk the resource blocks as Pillow does; where it would fail, not sure."""
    offset = 14
    while body[offset : offset + 4] == b"8BIM":
        offset += 6
        if offset >= len(body):
            raise _Unsure
        offset += 1 + body[offset]
        offset += offset & 1
        if offset + 4 > len(body):
            return  # Pillow stops on the short read
        (size,) = struct.unpack_from(">I", body, offset)
        offset += 4 + size
        offset += offset & 1


def _jpeg_orientation(exif: bytes | None, xmp: bytes | None, jfif_dpi: bool) -> int | None:
    tags = _exif_tags(exif) if exif is not None else {}
    if exif is not None and not jfif_dpi:
        # Pillow reads the resolution from EXIF while opening; unusual types can fail it.
        _check_resolution(tags)
    if _ORIENTATION in tags:
        return _orientation_value(tags[_ORIENTATION])
    if xmp:
        found = _XMP_ORIENTATION.search(xmp)
        if found:
            value = int(found[2])
            return value if 1 <= value <= 8 else None
    return None


def _check_resolution(tags: dict[int, tuple[int, int, bytes]]) -> None:
    unit = tags.get(_RESOLUTION_UNIT)
    if unit is not None and (unit[0], unit[1]) != (_SHORT, 1):
        raise _Unsure
    x_resolution = tags.get(_X_RESOLUTION)
    if x_resolution is not None and (x_resolution[0], x_resolution[1]) != (_RATIONAL, 1):
        raise _Unsure


def _orientation_value(tag: tuple[int, int, bytes]) -> int | None:
    kind, count, value = tag
    if (kind, count) != (_SHORT, 1):
        raise _Unsure
    number = int.from_bytes(value[:2], "big" if value[2:] == b"MM" else "little")
    return number if 1 <= number <= 8 else None


def _exif_tags(block: bytes) -> dict[int, tuple[int, int, bytes]]:
    """IFD0 of an EXIF block: tag → (type, count, its first bytes + byte order).

    Only when every entry is whole and every value lies inside the block, as
    Pillow then reads them all (first of a repeated tag wins, unknown types and
    empty values are passed over, as it does); otherwise not sure.
    """
    data = re.sub(b"^(Exif\x00\x00){1,2}", b"", block)
    if not data:
        return {}
    if data[:4] == b"MM\x00\x2a":
        order, endian = ">", b"MM"
    elif data[:4] == b"II\x2a\x00":
        order, endian = "<", b"II"
    else:
        raise _Unsure
    (offset,) = struct.unpack_from(order + "I", data, 4)
    (count,) = struct.unpack_from(order + "H", data, offset)
    if offset + 2 + 12 * count + 4 > len(data):
        raise _Unsure
    tags: dict[int, tuple[int, int, bytes]] = {}
    total = 0
    for index in range(count):
        start = offset + 2 + 12 * index
        tag, kind, number = struct.unpack_from(order + "HHI", data, start)
        if tag in tags:
            continue
        unit = _TIFF_SIZES.get(kind)
        if unit is None:
            continue
        size = number * unit
        if size > 4:
            (where,) = struct.unpack_from(order + "I", data, start + 8)
            total += size
            if total > len(data) or where + size > len(data):
                raise _Unsure
        if size == 0:
            continue
        tags[tag] = (kind, number, data[start + 8 : start + 10] + endian)
    return tags


# -- PNG -------------------------------------------------------------------------------


def _png(data: _Bytes) -> Header:
    position = 8
    length, kind = struct.unpack(">I4s", data.take(position, 8))
    if kind != b"IHDR" or length < 13:
        raise _Unsure
    ihdr = data.take(position + 8, length)
    _check_crc(data, position, kind, ihdr)
    position += 12 + length
    width, height = struct.unpack_from(">II", ihdr)
    mode = _PNG_MODES.get((ihdr[8], ihdr[9]))
    if mode is None or ihdr[11]:
        raise _Unsure  # a combination Pillow has no mode for, or an unknown filter
    transparency = False
    icc: bytes | None = None
    exif: bytes | None = None
    text = 0
    declared = 0  # frames an animation control chunk declares
    first_frame = False  # a frame control chunk comes before the image data
    while True:
        length, kind = struct.unpack(">I4s", data.take(position, 8))
        if not _CHUNK_ID.match(kind) or kind in _PNG_REFUSED:
            raise _Unsure
        if kind == b"IDAT":
            break
        body = data.take(position + 8, length)
        _check_crc(data, position, kind, body)
        position += 12 + length
        if len(body) < _PNG_MINIMUM.get(kind, 0):
            raise _Unsure
        if kind == b"tRNS":
            if mode == "P":
                transparency = True  # Pillow keeps any tRNS of a palette image
            elif mode in ("1", "L", "I;16", "RGB"):
                if len(body) < (6 if mode == "RGB" else 2):
                    raise _Unsure
                transparency = True
        elif kind == b"iCCP":
            icc = _png_profile(body)
        elif kind == b"eXIf":
            exif = b"Exif\x00\x00" + body
        elif kind == b"acTL":
            (count,) = struct.unpack_from(">I", body)
            if declared or not 0 < count <= 0x80000000:
                raise _Unsure  # Pillow then warns and reads a still image
            declared = count
        elif kind == b"fcTL":
            sequence, frame_width, frame_height, left, top = struct.unpack_from(">5I", body)
            if first_frame or not declared or sequence != 0:
                raise _Unsure
            if left + frame_width > width or top + frame_height > height:
                raise _Unsure  # Pillow refuses the file
            first_frame = True
        elif kind in (b"tEXt", b"zTXt", b"iTXt"):
            text += _png_text(kind, body)
            if text > _TEXT_BUDGET:
                raise _Unsure
    orientation = None
    if exif is not None:
        tags = _exif_tags(exif)
        orientation = _orientation_value(tags[_ORIENTATION]) if _ORIENTATION in tags else None
    return Header(
        format="png",
        width=width,
        height=height,
        orientation=orientation,
        mode=mode,
        has_alpha="A" in mode or transparency,
        icc=icc,
        # Image data before any frame control is a still picture shown where
        # animation is not supported, counted as one more frame.
        frames=declared + (0 if first_frame else 1) if declared else 1,
        progressive=False,
    )


def _check_crc(data: _Bytes, position: int, kind: bytes, body: bytes) -> None:
    (stored,) = struct.unpack(">I", data.take(position + 8 + len(body), 4))
    if zlib.crc32(body, zlib.crc32(kind)) != stored:
        raise _Unsure


def _inflate(compressed: bytes) -> bytes | None:
    """Decompressed as Pillow does: None when the data is broken; too large: not sure."""
    inflater = zlib.decompressobj()
    try:
        plain = inflater.decompress(compressed, _PNG_TEXT_LIMIT)
    except zlib.error:
        return None
    if inflater.unconsumed_tail:
        raise _Unsure
    return plain


def _png_profile(body: bytes) -> bytes | None:
    split = body.find(b"\0")
    if split < 1 or body[split + 1] != 0:
        raise _Unsure
    return _inflate(body[split + 2 :])


def _png_text(kind: bytes, body: bytes) -> int:
    """How much text the chunk holds; a keyword a fact is read from: not sure."""
    key, _, value = body.partition(b"\0")
    if key in _RESERVED_KEYS:
        raise _Unsure
    if kind == b"zTXt":
        if value and value[0] != 0:
            raise _Unsure  # Pillow refuses an unknown compression method
        return len(_inflate(value[1:]) or b"")
    if kind == b"iTXt" and len(value) >= 2 and value[0] != 0 and value[1] == 0:
        return len(_inflate(value[2:]) or b"")
    return len(value)
