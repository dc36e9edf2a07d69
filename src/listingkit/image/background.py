"""How white an image's background is, measured along its four borders.

A white-background image (白底图) has white pixels where the picture meets its
frame: the product may touch an edge, but a grey studio sweep, a scene, a
coloured frame or a banner across the bottom puts non-white pixels all along
one or more borders. So the measure is per edge: the fraction of non-white
pixels in a thin band along each side, plus the box the product spans (for a
fill or "product touches the edge" rule written elsewhere).

Only a reduced copy is decoded. For JPEG, Pillow's draft mode has libjpeg scale
the DCT itself (1/2, 1/4 or 1/8), so a 4000×4000 photo is decoded straight to
1000×1000; other formats are decoded whole and then reduced. The
orientation in EXIF is applied first, so "left" is the left the operator sees.

Transparent pixels are composited on white. A transparent PNG (透明图) is a
common upload for this role, and platforms show it on white, so its empty
areas count as white background, not as missing pixels.

The defaults are calibrated on real photos (``benchmarks/white_background_calibration.py``):
81 studio product shots on white (GroceryStoreDataset "iconic" images, 198×198
JPEG; 30 of them touch an edge, mostly cartons cut off at top and bottom) all
pass, and 99 in-store shelf photos (348×348 JPEG) all fail. With white at ≥ 250
in every channel and a band of 1 % of the shorter side, the worst white shot has
0.54 of one edge non-white (a wide pack cut off at the top) and the best in-store
photo 0.97 of its worst edge; ``DEFAULT_MAX_OFF_WHITE`` = 0.75 sits in the
middle of that gap, about 0.2 from each side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from listingkit.image.decode import DEFAULT_MAX_PIXELS, Wanted, open_image

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "DEFAULT_BAND",
    "DEFAULT_DECODE_SIZE",
    "DEFAULT_MAX_OFF_WHITE",
    "DEFAULT_WHITE_LEVEL",
    "EDGES",
    "BackgroundFacts",
    "EdgeStat",
    "measure_background",
    "measure_reduced",
]

#: A pixel is white when its lowest channel is at least this. 250 and not lower:
#: #F5F5F5 and #F8F8F8 are the light greys designers use as "almost white" and a
#: pure-white platform background shows them as grey; JPEG keeps a flat white
#: area at 255 (q50–q90 tried), so nothing real-white is lost above 250.
DEFAULT_WHITE_LEVEL = 250
#: Border band width as a fraction of the shorter side (at least one decoded
#: pixel). Thin, so a thin coloured frame fills the band, and a product that
#: comes near an edge without touching it stays out of it; 1 % also gave the
#: widest gap between the two calibration sets (0.5 %–5 % tried).
DEFAULT_BAND = 0.01
#: Decode so that the shorter side is at least this, at most about twice it.
#: On the calibration photos enlarged to 800, 1600 and 3200 px every verdict is
#: the same from 128 up to a full decode; at 256 each edge fraction is within
#: 0.016 of the full decode's and fill within 0.023 (512: 0.003 and 0.013). 160
#: lets libjpeg decode an 800-px shop image at a quarter of its size and a
#: 1500-px one at an eighth, with the calibration verdicts unchanged (81 pass,
#: 99 fail): that is what makes a batch several times faster than decoding in
#: full. Lower is not worth it: an eighth instead of a quarter of an 800-px
#: JPEG saves 0.1 of its 0.7 ms, under 128 no verdict was tried.
DEFAULT_DECODE_SIZE = 160
#: Recommended: an image is white-background when no edge has more than this
#: fraction of non-white pixels. A product may touch an edge (half of one is
#: common for cartons shot to fill the frame); a non-white background fills
#: nearly all of every edge.
DEFAULT_MAX_OFF_WHITE = 0.75

#: The edges, in the order :attr:`BackgroundFacts.edges` lists them.
EDGES = ("top", "bottom", "left", "right")

# The product box counts only pixels clearly below white, by this many levels:
# JPEG ringing and chroma bleed leave a halo of near-white pixels up to a block
# (8 px) around a product, and a soft shadow is not the product either.
_PRODUCT_MARGIN = 16


@dataclass(frozen=True, slots=True)
class EdgeStat:
    """One border band."""

    edge: str  # "top", "bottom", "left" or "right", as displayed
    off_white: float  # fraction of the band's pixels that are not white, 0..1
    darkest: int  # lowest channel value seen in the band, 0..255


@dataclass(frozen=True, slots=True)
class BackgroundFacts:
    """The borders and the product box of one image, measured on a reduced decode."""

    edges: tuple[EdgeStat, ...]  # top, bottom, left, right
    fill: float  # how much of the frame the product spans: max(bbox_w / W, bbox_h / H)
    area: float  # bbox area / image area
    # (left, top, right, bottom) in the original image's pixels as displayed (EXIF
    # orientation applied), right and bottom exclusive; None when nothing is clearly
    # non-white.
    bbox: tuple[int, int, int, int] | None
    decoded_size: tuple[int, int]  # (width, height) actually measured, as displayed

    def worst_edge(self) -> EdgeStat:
        """The edge with the most non-white pixels (the darker one on a tie)."""
        return max(self.edges, key=lambda stat: (stat.off_white, -stat.darkest))

    def is_white(self, max_off_white: float) -> bool:
        """True when every edge has at most ``max_off_white`` of its band non-white."""
        return all(stat.off_white <= max_off_white for stat in self.edges)


def measure_background(
    path: str | os.PathLike[str],
    *,
    white_level: int = DEFAULT_WHITE_LEVEL,
    band: float = DEFAULT_BAND,
    size: int = DEFAULT_DECODE_SIZE,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> BackgroundFacts:
    """Measure the border bands and the product box. Raises :class:`ProbeError`.

    A file that is not a usable image raises the same error, with the same
    ``kind``, as :func:`~listingkit.image.probe.probe_image` would; one with
    more than ``max_pixels`` pixels is refused before it is decoded.
    """
    _check_arguments(white_level, band)
    if size < 1:
        raise ValueError(f"size must be at least 1, not {size}")
    with open_image(path, max_pixels) as file:
        pixels = file.pixels(Wanted(reduced=size))
    assert pixels.reduced is not None
    return measure_reduced(pixels.reduced, pixels.shown, white_level=white_level, band=band)


def measure_reduced(
    rgb: npt.NDArray[np.uint8],
    shown: tuple[int, int],
    *,
    white_level: int = DEFAULT_WHITE_LEVEL,
    band: float = DEFAULT_BAND,
) -> BackgroundFacts:
    """Measure an upright RGB copy (h, w, 3) of an image whose size as displayed is ``shown``.

    The copy is the decoder's :attr:`~listingkit.image.decode.Pixels.reduced`.
    """
    _check_arguments(white_level, band)
    return _measure(rgb, shown, white_level, band)


def _check_arguments(white_level: int, band: float) -> None:
    if not 1 <= white_level <= 255:
        raise ValueError(f"white_level must be 1..255, not {white_level}")
    if not 0 < band <= 0.5:
        raise ValueError(f"band must be more than 0 and at most 0.5, not {band}")


def _measure(
    pixels: npt.NDArray[np.uint8], original: tuple[int, int], white_level: int, band: float
) -> BackgroundFacts:
    import numpy as np

    # A pixel is as white as its least white channel. Two elementwise minimums,
    # not .min(axis=2): a reduction over a 3-long axis is about 15× slower.
    low: npt.NDArray[np.uint8] = np.minimum(pixels[:, :, 0], pixels[:, :, 1])
    np.minimum(low, pixels[:, :, 2], out=low)
    height, width = low.shape
    depth = min(max(1, round(band * min(width, height))), width, height)
    bands = {
        "top": low[:depth, :],
        "bottom": low[height - depth :, :],
        "left": low[:, :depth],
        "right": low[:, width - depth :],
    }
    edges = tuple(_edge(name, bands[name], white_level) for name in EDGES)
    box = _product_box(low, max(0, white_level - _PRODUCT_MARGIN))
    if box is None:
        return BackgroundFacts(edges, 0.0, 0.0, None, (width, height))
    left, top, right, bottom = box
    full_w, full_h = original
    # Back to original pixels, outward: floor the start, ceil the end.
    bbox = (
        left * full_w // width,
        top * full_h // height,
        min(full_w, -(-right * full_w // width)),
        min(full_h, -(-bottom * full_h // height)),
    )
    box_w, box_h = bbox[2] - bbox[0], bbox[3] - bbox[1]
    return BackgroundFacts(
        edges=edges,
        fill=max(box_w / full_w, box_h / full_h),
        area=box_w * box_h / (full_w * full_h),
        bbox=bbox,
        decoded_size=(width, height),
    )


def _edge(name: str, band: npt.NDArray[np.uint8], white_level: int) -> EdgeStat:
    import numpy as np

    darkest = int(band.min())
    # An all-white band (the common case) needs no count.
    off = 0 if darkest >= white_level else int(np.count_nonzero(band < white_level))
    return EdgeStat(edge=name, off_white=off / band.size, darkest=darkest)


def _product_box(low: npt.NDArray[np.uint8], below: int) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the clearly non-white pixels, in decoded pixels.

    A morphological opening by a 2×2 block: a pixel counts only when it is part
    of a 2×2 block of such pixels, which drops isolated specks (dust, a stray
    JPEG block corner) but keeps any feature two pixels wide.
    """
    import numpy as np

    solid = low < below
    if solid.shape[0] >= 2 and solid.shape[1] >= 2:
        pairs = solid[:-1] & solid[1:]  # vertical pairs, then two of them side by side
        core = pairs[:, :-1] & pairs[:, 1:]
        reach = 2  # a core pixel stands for the block to its right and below
    else:
        core, reach = solid, 1
    rows = np.flatnonzero(core.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(core.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + reach, int(rows[-1]) + reach
