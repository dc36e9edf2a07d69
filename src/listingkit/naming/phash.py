"""A 64-bit perceptual hash of a photo: the same picture saved twice hashes alike.

The photo is decoded small through the one decoder (:mod:`listingkit.image.decode`:
JPEGs at 1/2 … 1/8 size by draft mode, upright, transparency laid over white).
The hash has two parts:

- structure, 40 bits: when the border is plain (a product on white or on one
  colour) the picture is first cut to a square around what differs from it, so
  a crop of a few per cent or a wider margin changes nothing; the grey 32×32
  squeeze's 2-D DCT (a matrix product) gives its 40 lowest frequencies after
  the flat term, one bit each: above their median or not;
- colour, 24 bits: the mean brightness and the two colour differences (Y, Cb,
  Cr) of what stands on the plain border (else of the middle of the picture),
  each as a circular thermometer of 8 bits: a small colour step moves one bit.
  Without it, the same product photographed in red and in black, framed alike,
  would hash alike.

Resizing, re-compression, a PNG/JPEG conversion and a crop of a few per cent
move few bits; another shot, or the same shot of another colour, moves many.
``benchmarks/photo_duplicates.py`` measured this against a plain DCT hash and a
difference hash of the whole grey picture, and chose ``[naming]
duplicate_distance``.

A photo of one flat colour (or nearly) has no structure to compare: its bits
would be noise, so two such photos would match or not by chance. It gets no
hash (None), as does a file that cannot be decoded.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from listingkit.errors import ProbeError
from listingkit.image.decode import Wanted, open_image

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["HASH_BITS", "PHOTO_HASH", "hash_distance", "photo_hash"]

#: What a check declares in ``reads`` to be given each photo's hash: the family
#: decodes photos only when a selected check reads it.
PHOTO_HASH = "photo_hash"

#: Bits in a hash (and the largest distance between two).
HASH_BITS = 64

# The grey copy the DCT reads.
_SIDE = 32
# The decode asked for: shorter side 64–127 px, plenty for a 32×32 squeeze and
# small enough that a JPEG is decoded at 1/8 of a phone photo's size.
_DECODED = 64
# A picture whose grey values spread less than this (standard deviation, 0–255)
# is flat: a blank, white or one-colour picture.
_FLAT = 2.0
# The border is the background when this share of its pixels lies within
# _BORDER_NEAR of its median colour; a pixel further than _CONTENT from it is content.
_BORDER_SHARE = 0.9
_BORDER_NEAR = 16
_CONTENT = 32
# Layout of the 64 bits: the structure (DCT signs of the lowest frequencies, in
# order of frequency) and the colour of the content (brightness and the two
# colour-difference channels, each as a thermometer: a step of the colour
# moves one bit, so distance grows with the colour difference).
STRUCTURE_BITS = 40
_STEPS = (8.0, 4.0, 4.0)  # Y, Cb, Cr: colour values per bit
_RING = 8


@cache
def _dct_matrix() -> npt.NDArray[np.float64]:
    """The orthonormal DCT-II matrix: ``D @ x @ D.T`` is the 2-D DCT of ``x``."""
    import numpy as np

    k = np.arange(_SIDE)[:, None]
    n = np.arange(_SIDE)[None, :]
    matrix = np.cos(math.pi * (2 * n + 1) * k / (2 * _SIDE)) * math.sqrt(2 / _SIDE)
    matrix[0] /= math.sqrt(2)
    return matrix


@cache
def _low_order(count: int) -> tuple[tuple[int, int], ...]:
    """The ``count`` lowest 2-D frequencies after the flat term, lowest first."""
    cells = [(u, v) for u in range(_SIDE) for v in range(_SIDE) if (u, v) != (0, 0)]
    cells.sort(key=lambda c: (c[0] + c[1], max(c), c))
    return tuple(cells[:count])


def reduced_rgb(path: Path) -> npt.NDArray[np.uint8] | None:
    """The photo decoded small (shorter side 64–127 px) as RGB; None when not decodable."""
    try:
        with open_image(path) as image:
            pixels = image.pixels(Wanted(reduced=_DECODED))
    except ProbeError:
        return None
    return pixels.reduced


def _plain_background(pixels: npt.NDArray[np.int16]) -> npt.NDArray[np.int16] | None:
    """The colour of a plain border, or None when the border is not plain."""
    import numpy as np

    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    background = np.median(border, axis=0).astype(np.int16)
    near = np.abs(border - background).max(axis=1) <= _BORDER_NEAR
    return background if near.mean() >= _BORDER_SHARE else None


def content_mask(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_] | None:
    """The pixels that differ from a plain border; None when the border is not plain."""
    import numpy as np

    pixels = rgb.astype(np.int16)
    background = _plain_background(pixels)
    if background is None:
        return None
    inside: npt.NDArray[np.bool_] = np.abs(pixels - background).max(axis=2) > _CONTENT
    return inside if inside.any() else None


def content(
    rgb: npt.NDArray[np.uint8], inside: npt.NDArray[np.bool_] | None
) -> npt.NDArray[np.uint8]:
    """The part of the picture inside a plain border (``inside``), as a square around it.

    A product on a plain background, cropped by a few per cent or saved with a
    wider margin, keeps its hash. A picture whose border is not plain is kept whole.
    """
    import numpy as np

    if inside is None:
        return rgb
    rows = np.flatnonzero(inside.any(axis=1))
    columns = np.flatnonzero(inside.any(axis=0))
    top, bottom, left, right = rows[0], rows[-1] + 1, columns[0], columns[-1] + 1
    side = max(bottom - top, right - left)
    height, width = inside.shape
    top = int(min(max((top + bottom - side) // 2, 0), max(height - side, 0)))
    left = int(min(max((left + right - side) // 2, 0), max(width - side, 0)))
    return rgb[top : top + side, left : left + side]


def grey_square(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    """A grey 32×32 squeeze of a picture (0–255)."""
    import numpy as np
    from PIL import Image

    grey = Image.fromarray(rgb).convert("L")
    square = grey.resize((_SIDE, _SIDE), Image.Resampling.BOX, reducing_gap=None)
    return np.asarray(square, np.float64)


def structure_bits(grey: npt.NDArray[np.float64], count: int = STRUCTURE_BITS) -> list[bool]:
    """Whether each of the ``count`` lowest DCT frequencies is above their median."""
    import numpy as np

    matrix = _dct_matrix()
    spectrum = matrix @ grey @ matrix.T
    rows, columns = zip(*_low_order(count), strict=True)
    low = spectrum[list(rows), list(columns)]
    middle = float(np.median(low))
    return [bool(value > middle) for value in low]


def colour_bits(rgb: npt.NDArray[np.uint8], inside: npt.NDArray[np.bool_] | None) -> list[bool]:
    """The mean brightness and colour of the content (``inside``; else the middle
    of the picture, where a product stands), as circular thermometers."""
    if inside is None:
        height, width = rgb.shape[:2]
        pixels = rgb[height // 4 : height - height // 4, width // 4 : width - width // 4]
        r, g, b = (float(v) for v in pixels.reshape(-1, 3).mean(axis=0))
    else:
        r, g, b = (float(v) for v in rgb[inside].mean(axis=0))
    means = (
        0.299 * r + 0.587 * g + 0.114 * b,
        -0.1687 * r - 0.3313 * g + 0.5 * b,
        0.5 * r - 0.4187 * g - 0.0813 * b,
    )
    bits: list[bool] = []
    for mean, step in zip(means, _STEPS, strict=True):
        level = mean / step
        # One step of colour moves one bit, up to _RING bits apart (then round again).
        bits += [((level + n) % (2 * _RING)) < _RING for n in range(_RING)]
    return bits


def hash_of_rgb(rgb: npt.NDArray[np.uint8]) -> int | None:
    """The 64-bit hash of a decoded picture; None for a flat one."""
    inside = content_mask(rgb)
    grey = grey_square(content(rgb, inside))
    if float(grey.std()) < _FLAT:
        return None
    value = 0
    for bit in structure_bits(grey) + colour_bits(rgb, inside):
        value = (value << 1) | int(bit)
    return value


def photo_hash(path: Path) -> int | None:
    """A 64-bit perceptual hash of the photo at ``path``.

    None when the file cannot be decoded or the picture is one flat colour.
    Never raises for what a file holds; a top-level function, so a process
    pool can run it.
    """
    rgb = reduced_rgb(Path(path))
    return None if rgb is None else hash_of_rgb(rgb)


def hash_distance(a: int, b: int) -> int:
    """How many of the 64 bits differ (0: the same picture, as far as the hash sees)."""
    return (a ^ b).bit_count()
