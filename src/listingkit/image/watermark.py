"""Find a store's watermark (a logo with transparency) in a product image.

A store names its logo once; :meth:`Watermark.load` prepares it and
:meth:`Watermark.find` looks for it in one image after another. The logo may be
anywhere, 5–30 % of the image width, blended at 30–100 % opacity, over a plain
or a busy background, and the image JPEG-compressed. A store that declares where
its logo goes (:class:`Placement`: a corner or a box, a width range, a least
width) has only that region searched, at those sizes, and the best two places
verified: many times faster, and a logo elsewhere does not count.

How, in two stages (the choices were measured with
``benchmarks/watermark_accuracy.py``):

1. **Search.** The image is decoded at no more than 800 pixels wide (JPEG draft
   mode decodes big photos at 1/2, 1/4 or 1/8 size for free) and halved once
   more (twice for sizes that stay 48 px wide there); searching anywhere, the
   smallest sizes too are searched on that level only, 20–30 px wide, where a
   full-resolution pass would cost two thirds of the time. Searching a declared
   region, they are searched on the decoded image itself, where their text and
   emblem are still apart. On that
   grey image every pixel gets its local edge *orientation*
   (the doubled-angle vector of the smoothed structure tensor, normalised so
   that a faint edge counts nearly as much as a strong one). The logo, drawn
   over black and over white, gets the same field. Blending a logo at opacity α
   over any background keeps the orientation of its edges while scaling their
   strength by α, and the doubled angle does not care whether the logo is
   lighter or darker than what is under it; so this one field matches at every
   opacity and background. The logo is slid over the image at 19 sizes from
   5 % to 30 % of the width, by FFT correlation, masked to where the logo has
   edges. The score per position is the geometric mean of the normalised
   cross-correlation (penalises clutter that the logo does not explain) and the
   coverage (the share of the logo's edges that are there: penalises a single
   line or rectangle that happens to lie on the logo's frame). Searching
   anywhere for a line of text, a size whose template is at least 18 px high
   (margin included) is scored at every other place only, from the lower half
   of the frequencies (a quarter of the inverse transform and of the scoring;
   verification places the logo to the pixel again): about a quarter less CPU,
   precision and recall unchanged on the real-photo sets. An emblem in a
   declared region is scored at every other place of its level first, exactly
   (the correlations' spectra folded to half the shape, :func:`_fold`: a quarter
   of the inverse transforms), and the best 8 of those places again at every
   place beside them, summed directly: the places and scores of scoring every
   place, on every benchmark set.
2. **Verification.** The best 16 places (the best 5 of every size; of two
   overlapping places the weaker is dropped unless their sizes differ by more
   than 30 %, so a small size matching a part of the logo cannot hide the logo's
   own size) are looked at again at the decoded resolution, at sizes ±5 % around
   the one found (±10 % for one found 20–30 px wide; 2.5 % steps, then half a
   step either side of the best), placed
   by the orientation correlation, and three measures are taken there: that
   correlation; the correlation of the signed gradients with the best
   non-negative mix of the logo's gradients over black and over white (a logo
   blended over a locally even background is exactly such a mix); and the
   weaker match of the two halves of the logo's inside, which rejects a plain
   box of the logo's shape. A logistic combination, fitted on a labelled
   benchmark set, is the score; :data:`THRESHOLD` decides. Searching anywhere,
   a few more places are verified: those that stand out most among the places
   of their own size. On real photographs a large, faint emblem scored below
   small sizes matching the clutter and never reached this stage.

**A line of text** (a logo at least 3⅓ times as wide as it is high: most shops
mark images with their name, ``某某旗舰店``) is told apart by its characters,
a few pixels high at the small sizes, where a coarser level blurs them into a
bar that matches package print and baskets. It is searched on the working image
at every size; a few more places are verified (those that stand out most among
the places of their own size: a small name scores lower than clutter at other
sizes); and verification adds a fourth measure, the stroke match: the logo's
coverage is cut into cells about as wide as it is high (its characters), each
band-passed like the image (smoothed, less the mean over two pixels around) and
correlated with the image there, a pixel's shift allowed; the weakest and the
second weakest cell count. A logo blended over a locally even background changes
the image exactly where its strokes are, lighter or darker; another shop's name
in the same font, colour and layout (``云裳旗舰店`` beside ``棉语旗舰店``) shares
the outline and some characters, never all: two of its cells at least fail,
where one character of the store's own name crossing a strong edge may.
Its own logistic weights (:data:`_TEXT_WEIGHTS`) were fitted on real
photographs of other seeds than the benchmark's.

**A coloured name** (its mean colour not grey: red ``棉语旗舰店``) is looked for
in two greys at once: luminance and the projection onto the direction from
mid-grey to its colour (:func:`_colour_matrix`, made by the decoder as
:attr:`Watermark.wanted` asks). Red over blue, over a red-brown or over a dark
green has nearly the luminance of what is under it, and a faint name there never
reached verification; in the colour direction it stands out, while red over red
shows only in luminance. The search and the orientation measures sum the
structure tensors of both greys (the templates are made the same way), so the
FFT work is that of one grey; the gradient match and each character's stroke
match are taken in whichever grey shows them more. An emblem stays in
luminance: tried on a red one, the projection brought no logo to verification
that luminance missed on real photographs (seeds 3 and 5) and found fewer on
the generated sets (recall 0.965 -> 0.955 in a declared corner, seed 1).

A store may set the least width of its logo (``min_width_px``, in the original
image's pixels): no size below it is searched or reported, which removes the
sizes where a name is too small to read.

Templates and their spectra are made once per logo width (and search-level shape)
and kept on the :class:`Watermark` (verification's, one pair per width and window
shape, up to :data:`_VERIFY_SPECTRA_BYTES`): a process that checks many images (each
worker keeps its own, :func:`listingkit.image.run._watermark`) makes them once.

The box is the logo's visible part: its pixels at least half as opaque as the
most opaque one, so a logo file's transparent margin does not count.

Files are opened and decoded by :mod:`listingkit.image.decode` (:meth:`Watermark.find`),
or decoded already, together with the white-background check's copy, and handed
to :meth:`Watermark.find_in`. An image that cannot be read raises
:class:`UnreadableImage`, a :class:`~listingkit.errors.ProbeError`, and only that:
the search itself runs outside the decoder, so a bug in it surfaces as itself
and is never reported as a broken file.

Known limits, from the benchmark (searching anywhere: precision 0.979, recall
0.955 on its default set, 0.985 and 0.960 on seed 12; in a declared corner at
8–16 % of the width: 0.985–0.995 and 0.965–0.970): a faint logo (30–55 %) over strong
regular stripes is missed about one time in six; another name beside the store's
own emblem is taken for the logo about one time in ten. Searching anywhere costs
about 2.4 times less CPU than a search with a full-resolution pass (89 against
214 ms per 800×800 image on a loaded two-core machine); a declared corner about
11 ms there, 8–9 ms on a quiet one. With the verification spectra kept and their
inverse transforms batched: 61 ms anywhere, 7.5–8 ms in a corner (load 1–2.5).

A line of text, on real photographs upscaled to 800 px (``--photos 200``, seeds
1 and 12, held out): searching anywhere precision 0.935–0.966, recall 0.85–0.86,
99 % of the found boxes in place; in a declared corner 1.000 and 0.80–0.87;
with ``min_width_px = 80`` 1.000 and 0.92–0.94 (in luminance alone, before the
colour projection and the second weakest character: 0.867–0.897 and 0.70–0.72,
1.000 and 0.68–0.76, 0.988–1.000 and 0.80–0.84). The misses are names of low
contrast (30–50 % opacity, or red over red produce: a mean change under 60 RGB
levels where the name is drawn); the false alarms part of another name at
5–7 % of the width. The colour projection costs the decoder about 2 ms (JPEG
decoded in colour) and the search 3–4 % anywhere, nothing in a corner (the stroke
check, vectorised, saved most of what the second grey costs): 157–164 against
151–159 ms CPU anywhere, 33 ms in a corner, at load about 1.
The lower half of a level's spectra cut once for all its sizes scored at every
other place (the templates' kept so), both greys and every character of one
width matched in one go, smoothing and the structure tensor summed in place:
the same results to the bit, 136–148 against 154–158 ms CPU anywhere (load
about 2); a corner and the emblem unchanged within the noise. Verifying two or
three places in a corner lost a name on photo seed 1, one place for an emblem
4–6 logos of the generated sets: not taken.
Searching on the working image costs about 3.5 times the
CPU of the emblem's levels anywhere (255 against 70 ms on a loaded two-core
machine), 4 times in a corner (38 against 9 ms); scoring every other place at
its larger sizes brought it to about twice (128 against 61 ms at load 1–2.5),
3.5 times in a corner (27–28 against 7.5–8 ms).

Where the CPU goes (800×800 photographs, templates made, at load 2–3): a line of
text anywhere, about four fifths in stage 1 — 38 inverse transforms (five sizes
at 864², fourteen at 432²) a third of it, the three forward transforms of the
working image and its orientation field in two greys a sixth each, scoring and
peaks most of the rest — and a sixth in verifying 20 places (the character
cells a third of that); in a corner the 16 inverse transforms at 432², the
region's field and its transforms, then 4 places verified. An emblem anywhere:
two thirds stage 1 (38 inverse transforms at 432² half of it), a third
verifying 20 places (their transforms half of that). Changes that kept every
box and score of the benchmark's sets: each channel transformed on its own (numpy's batched,
padding call cost up to 2.5 times as much for a stack of three); a line of text
verified on the field stage 1 computed on the working image (:class:`_Field`),
not on a crop again; and verification in single precision, as stage 1 (double
made its inverse transforms twice as slow; no box or score of the benchmark's
sets changed). Interleaved with the code before, CPU per photograph (five
rounds, load 1–2): a name anywhere 139–149 against 125–132 ms, in a corner
26–27 against 24–26 ms; an emblem anywhere 58–61 against 54–57 ms (generated
set 61–64 against 56–59), in a corner 6.8–7.7 against 6.6–7.3 ms (generated
7.8–8.2 against 7.2–7.5). Not taken: the smaller sizes of a name scored at
every other place too (down to 16 or 15 px high, or all: up to a fifth less
CPU, but a name lost on photo seed 5); the products written into kept arrays
(slower); padding only a declared region (no measurable gain).

An emblem in a declared corner then spent about 4.7 of its 6.6 ms in stage 1
(eight sizes, all on the halved level, 216² transforms: the 16 inverse ones
2.2 ms, the region's three forward ones 0.6, its field 0.4, scoring and peaks
0.7) and 1.7 ms verifying 2 places. Scored at every other place first (the
inverse transforms at 108²) and its best 8 places then to the pixel: every box
and score of the benchmark's sets the same (declared: generated seeds 1 and 12,
photo seeds 1, 3, 5, 7 and 12, both logo types; anywhere: generated and photo
seeds 1 and 12). CPU per image, interleaved with the code before at load about
1: photographs 6.5–6.7 against 5.0–5.5 ms, generated set 7.1–7.3 against
5.5–5.9 ms (the benchmark's warm CPU, two rounds, 7.1–8.0 against 5.9–6.4); a
name unchanged. Stage 1 is then about 3.4 ms: the forward transforms and the
field as before, the folded products and their inverse transforms 1.3, the 8
places to the pixel 0.3. Not taken: the even places alone, not refined (recall
0.970 -> 0.950 on generated seed 12); the lower half of the frequencies, as for
a name (precision 0.995 -> 0.985 on generated seed 1, recall 0.970 -> 0.965 on
seed 12, a logo lost on photo seed 7); half the sizes at stage 1, each standing
for two and verified ±10 % (about 1.3 ms less, but generated seed 1 0.995 /
0.965 -> 0.985 / 0.960, seed 12 recall 0.970 -> 0.960); a name scored so (a
name lost on photo seeds 1, 5 and 7 each).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from listingkit.errors import ProbeError
from listingkit.image import fft
from listingkit.image.decode import DEFAULT_MAX_PIXELS, Pixels, Wanted, open_image

__all__ = [
    "POSITIONS",
    "THRESHOLD",
    "WORK_WIDTH",
    "Placement",
    "UnreadableImage",
    "Watermark",
    "WatermarkMatch",
    "iou",
]

Array = npt.NDArray[np.float32]

#: A match is reported when the verified score reaches this (0..1).
THRESHOLD = 0.5

# The sizes searched: logo width as a share of the image width.
_MIN_SCALE = 0.05
_MAX_SCALE = 0.30
# 19 sizes, ≈10 % apart: the orientation field is smoothed over about two
# pixels, which tolerates a size error of ±5 % at stage 1; verification refines.
_SCALE_STEPS = 19
#: The search's working copy is no wider than this: a 5 % logo is then 40 px
#: wide, the least that keeps its text and emblem apart from look-alikes.
#: Wider images are reduced (:attr:`~listingkit.image.decode.Wanted.working`).
WORK_WIDTH = 800
# Stage 1 runs on a level at least this wide (800 → 400).
_SEARCH_WIDTH = 300
# At stage 1 a logo size goes to a coarser level while it stays this wide there.
_MIN_TEMPLATE = 48
# A logo narrower than this on the search level (5–7.5 % of the width at 800 px) is
# searched on the working image instead: at 20–30 px its text and emblem blur into
# a bar, and on a busy background the right place was then not among the candidates
# about one time in twenty. Costs about two thirds of the search time.
_MIN_FINE_TEMPLATE = 30
# Edge strength (grey levels per pixel) at which an edge's orientation counts
# half: above JPEG block noise at quality 70, below a 30 % logo's edges.
_EDGE_FLOOR = 4.0
# A logo at least this many times as wide as it is high is a line of text (a
# shop's name): its characters are a few pixels high at the small sizes, where
# any coarser level blurs them into a bar, so it is searched on the working
# image at every size, with more places verified, and each character checked.
_TEXT_ASPECT = 0.3
# A character cell of the stroke check may lie this many pixels off the logo's place.
_STROKE_SHIFT = 1
# The background under a stroke: the mean over this radius (working pixels).
_STROKE_BACKGROUND = 2
# Places verified beyond the best, for a line of text and for any logo searched
# anywhere: one per this many, those most unusual for their size (a small name
# scores lower than clutter at another size, but stands out among places of its
# own size; so does a large faint emblem among small sizes matching clutter).
_EXTRA_SHARE = 4
# Whether a search anywhere goes down to the working image for the smallest sizes.
_FINE_ANYWHERE = False
# Searching anywhere for a line of text (on the working image), a size whose
# template (margin included) is at least this many pixels high is correlated at
# every other place only, from the lower half of the frequencies: a quarter of
# the inverse transform and of the scoring; verification places the logo to the
# pixel again. At 12 px high its characters are still several places apart.
# Emblems (on the coarser levels) are not: there it moved a few results of the
# 400-image sets and one photo either way (recall 0.960 -> 0.955 on seed 12,
# 0.890 -> 0.880 on 200 photos of seed 1) for a fifth less CPU. Nor a name in a
# declared corner: a quarter to a third less CPU there, but a name lost on photo
# seeds 7 and 1 (recall 0.90 -> 0.88 on 100 photos, 0.87 -> 0.86 on 200).
_DECIMATE_MIN_TEXT = 18
# Places verified after stage 1, from the best few of every size.
_CANDIDATES = 16
_PEAKS_PER_SIZE = 5
# Two overlapping places are both kept when their sizes differ by more than this
# ratio: a small size matching part of the logo must not hide the logo's own size.
_DISTINCT_SIZE = 1.3
# Verification sizes, relative to the one stage 1 found.
_REFINE = (0.95, 0.975, 1.0, 1.025, 1.05)
# ... and for a small logo found on the search level (20–30 px there), whose size
# is known only to about ±10 %.
_REFINE_ROUGH = (0.9, 0.925, 0.95, 0.975, 1.0, 1.025, 1.05, 1.075, 1.1)
# Logistic weights (bias; orientation correlation, gradient correlation, inside
# match), fitted on every candidate of benchmarks/watermark_accuracy.py --seed 11
# --count 600, then the bias moved by +1.39 so that THRESHOLD 0.5 is where
# precision and recall balance on that set (0.97 and 0.97). Held out: --seed 1
# gives 0.99 and 0.96, --seed 12 0.99 and 0.97. The orientation weight is
# negative only beside the gradient one (the two are strongly correlated); the
# inside match is what rejects a plain box of the logo's shape.
_WEIGHTS = (-8.61, -6.48, 10.28, 18.01)
# ... and for a line of text (bias; orientation, gradient, inside; the weakest and
# the second weakest character's stroke match), measured in the colour projection
# and luminance together: fitted on every candidate of the real-photo text sets of
# benchmarks/watermark_accuracy.py --photos 100 --seed 3 --seed 5 (both modes),
# the bias then moved from -7.05 by +0.5, the most in steps of 0.5 that keeps
# precision on those sets at least 0.975 (0.988 -> 0.978, recall 0.84 -> 0.87);
# checked on seed 7 (precision 0.933 / 1.000, recall 0.84 / 0.90 anywhere /
# declared) before seeds 1 and 12, which are held out.
_TEXT_WEIGHTS = (-6.55, 2.88, -1.41, 0.84, -0.29, 12.86)
# A logo whose mean colour's channels differ by less than this is grey: its
# templates are made in luminance.
_GREY_LOGO = 32.0
# Edge-replicated border around the image so a logo flush with an edge still
# has its whole template inside: bigger than the template's own margin.
_BORDER = 8
_TEMPLATE_MARGIN = 3
# Template spectra are kept for this many level shapes (up to four per image size,
# ≈80 MB per size at 800 px): a batch of mixed 800×800 and 750×1000 images never
# recomputes them.
_SPECTRA_SHAPES = 10
# Verification spectra kept, in bytes (one pair per logo width and window shape;
# up to 1 MB for a 30 % logo, far less for small ones). Searching anywhere, the
# 19 sizes' refinements at two image widths made 332 pairs, 47 MB, over the
# benchmark's 100 images: a cache of 160 pairs recomputed a few dozen per image.
_VERIFY_SPECTRA_BYTES = 64 << 20
# How far the orientation field of a pixel depends on its neighbours (smoothing,
# central differences, smoothing of the tensor: three pixels), with one to spare.
_FIELD_REACH = 4


#: ``position`` of ``[images.watermark]``: the box (fractions of the image) it stands for.
#: A corner is a quarter of the image, ``center`` its middle half: room for a logo
#: of 30 % of the width with a margin.
POSITIONS: dict[str, tuple[float, float, float, float]] = {
    "top_left": (0.0, 0.0, 0.5, 0.5),
    "top_right": (0.5, 0.0, 1.0, 0.5),
    "bottom_left": (0.0, 0.5, 0.5, 1.0),
    "bottom_right": (0.5, 0.5, 1.0, 1.0),
    "center": (0.25, 0.25, 0.75, 0.75),
}
# Places verified when the store declared where its logo goes: few sizes over a
# small region leave few look-alike places.
_DECLARED_CANDIDATES = 2
# An emblem in a declared region is scored at every other place of its level
# first, exactly (:func:`_fold`: a quarter of the inverse transforms), and the
# best this many of those places are scored at every place next to them: the
# same places and scores as scoring every place on the benchmark's sets (6 lost
# a logo of the generated set). Not a line of text: with 8 it lost a name on
# photo seeds 1, 5 and 7 each.
_DECLARED_REFINED = 8
# A declared region is searched this far beyond its edges (working pixels), so a
# logo drawn flush with the region's edge is inside the searched crop.
_REGION_SLACK = 6


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a store puts its logo: a box in fractions of the image and a width range.

    Built from ``[images.watermark]`` (``position`` or ``region``, ``scale``,
    ``min_width_px``) by :meth:`of`; the logo is looked for only there.
    """

    region: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)  # x0, y0, x1, y1
    scale: tuple[float, float] = (_MIN_SCALE, _MAX_SCALE)  # logo width / image width
    min_width_px: int = 0  # in the original image's pixels

    @classmethod
    def of(
        cls,
        position: str | None = None,
        region: list[float] | tuple[float, ...] | None = None,
        scale: list[float] | tuple[float, ...] | None = None,
        min_width_px: int | None = None,
    ) -> Placement | None:
        """The placement a rule file declares, or None when it declares none (search anywhere)."""
        if position is None and region is None and scale is None and not min_width_px:
            return None
        if position is not None and position not in POSITIONS:
            raise ValueError(f"水印位置 {position!r} 应是 {'、'.join(POSITIONS)} 之一")
        box = POSITIONS[position] if position is not None else (0.0, 0.0, 1.0, 1.0)
        if region is not None:
            x0, y0, x1, y1 = region
            box = (float(x0), float(y0), float(x1), float(y1))
        low, high = (_MIN_SCALE, _MAX_SCALE) if scale is None else scale
        if not (0 <= box[0] < box[2] <= 1 and 0 <= box[1] < box[3] <= 1):
            raise ValueError(f"水印区域 {list(box)} 应满足 0 ≤ x0 < x1 ≤ 1、0 ≤ y0 < y1 ≤ 1")
        if not (_MIN_SCALE <= low <= high <= _MAX_SCALE):
            raise ValueError(
                f"水印宽度范围 [{low:g}, {high:g}] 应在 {_MIN_SCALE:g} 到 {_MAX_SCALE:g} 之间，"
                "且最小值不大于最大值"
            )
        return cls(box, (float(low), float(high)), int(min_width_px or 0))

    @classmethod
    def of_rules(cls, mark: Any) -> Placement | None:
        """The placement ``[images.watermark]`` (a validated ``WatermarkSpec``) declares."""
        return cls.of(mark.position, mark.region, mark.scale, mark.min_width_px)

    def scales(self, shown_width: int) -> list[float]:
        """The logo sizes to search in an image ``shown_width`` pixels wide, ≈10 % apart."""
        low = max(self.scale[0], self.min_width_px / max(1, shown_width))
        high = self.scale[1]
        if low > high:
            return []
        ratio = (_MAX_SCALE / _MIN_SCALE) ** (1 / (_SCALE_STEPS - 1))
        steps = max(0, math.ceil(math.log(high / low) / math.log(ratio) - 1e-9))
        if steps == 0:
            return [math.sqrt(low * high)]
        return [low * (high / low) ** (k / steps) for k in range(steps + 1)]


@dataclass(frozen=True, slots=True)
class WatermarkMatch:
    """Where the logo was found."""

    box: tuple[int, int, int, int]  # left, top, right, bottom in the original image's pixels
    scale: float  # logo width / image width
    score: float  # detector confidence, 0..1


@dataclass(frozen=True, slots=True)
class _Template:
    """The logo's orientation field at one pixel width, ready to correlate."""

    field: Array  # (2, h, w): doubled-angle vectors, zero-mean inside the mask
    mask: Array  # (h, w): 1 where the logo has edges (dilated), else 0
    norm: float  # ‖field‖
    width: int  # the logo's own width and height, without the margin
    height: int


@dataclass(frozen=True, slots=True)
class _Candidate:
    left: float  # logo box in working-image pixels (border excluded)
    top: float
    scale: float
    search_score: float
    standard: float = 0.0  # the score in standard deviations above its size's mean
    rough: bool = False  # found with a template under _MIN_FINE_TEMPLATE px: size and place rougher


@dataclass(frozen=True, slots=True)
class _Field:
    """The orientation field of the working image (or a part of it), kept from stage 1.

    Verification looks at windows of the working image; where such a window lies
    far enough inside this part (or reaches the image's own edges where the part
    does), its field is this one's, value for value: every measure is local,
    three pixels at most, and the edges are replicated alike.
    """

    field: Array  # (2, h, w)
    energy: Array  # (h, w): the field's squared length
    top: int  # the part's place in the bordered working image
    left: int
    bottom: int
    right: int

    def window(
        self, grey_shape: tuple[int, ...], y0: int, y1: int, x0: int, x1: int
    ) -> tuple[Array, Array] | None:
        """The field and energy of rows y0:y1, columns x0:x1, or None when not known exactly."""
        rows, cols = grey_shape[-2], grey_shape[-1]
        reach = _FIELD_REACH
        if (
            (self.top == 0 or y0 >= self.top + reach)
            and (self.left == 0 or x0 >= self.left + reach)
            and (self.bottom == rows or y1 <= self.bottom - reach)
            and (self.right == cols or x1 <= self.right - reach)
            and self.top <= y0
            and self.left <= x0
            and y1 <= self.bottom
            and x1 <= self.right
        ):
            r = slice(y0 - self.top, y1 - self.top)
            c = slice(x0 - self.left, x1 - self.left)
            return self.field[:, r, c], self.energy[r, c]
        return None


@dataclass(frozen=True, slots=True)
class _Verified:
    left: int
    top: int
    width: int
    height: int
    scale: float
    orientation: float
    gradient: float
    inside: float
    strokes: tuple[float, ...]  # per character cell (a line of text); () for an emblem
    score: float


def _edge_pad(a: Array, before: int, after: int | None = None, out: Array | None = None) -> Array:
    """``np.pad(a, ((before, after), (before, after)), mode="edge")`` for a 2-D array.

    The same values, written out: ``np.pad`` costs about 20 µs a call in
    Python-level set-up, and the search pads thousands of small crops.
    ``out``: written there (the padded shape), e.g. a channel of a stack.
    """
    after = before if after is None else after
    h, w = a.shape
    if out is None:
        out = np.empty((h + before + after, w + before + after), a.dtype)
    out[before : before + h, before : before + w] = a
    out[before : before + h, :before] = a[:, :1]
    out[before : before + h, before + w :] = a[:, -1:]
    out[:before] = out[before]
    out[before + h :] = out[before + h - 1]
    return out


def _low_half(spectra: npt.NDArray[Any], shape: tuple[int, int]) -> npt.NDArray[Any]:
    """The lower half of the frequencies of rfft2 spectra (leading axes kept) of ``shape``.

    Their inverse transform at half the shape is the correlation at every other place.
    """
    half = shape[0] // 4
    rows = np.r_[0:half, shape[0] - half : shape[0]]
    return spectra[..., rows, : shape[1] // 4 + 1]


def _fold(spectra: npt.NDArray[Any], shape: tuple[int, int]) -> npt.NDArray[Any]:
    """From rfft2 spectra of ``shape`` (leading axes kept), those of the even places alone.

    Taking every other place (row and column) sums a spectrum's aliases: the inverse
    transform of the result at half the shape is four times the values at the even
    places, exactly (``shape`` even, its columns a multiple of four).
    """
    hh, wh = shape[0] // 2, shape[1] // 2
    rows = spectra[..., :hh, :] + spectra[..., hh:, :]
    out = np.empty((*rows.shape[:-2], hh, wh // 2 + 1), rows.dtype)
    out[..., 0] = rows[..., 0] + rows[..., wh]
    # The columns past the half: conjugates of the mirrored rows and columns.
    mirrored = np.conj(rows[..., wh - 1 : wh - wh // 2 - 1 : -1])
    out[..., 0, 1:] = rows[..., 0, 1 : wh // 2 + 1] + mirrored[..., 0, :]
    out[..., 1:, 1:] = rows[..., 1:, 1 : wh // 2 + 1] + mirrored[..., :0:-1, :]
    return out


def _best_near(
    field: Array, energy: Array, t: _Template, y: int, x: int, vh: int, vw: int
) -> tuple[float, int, int]:
    """The best stage-1 score at and next to place (y, x), summed directly, and its place."""
    th, tw = t.mask.shape
    y0, y1 = max(0, y - 1), min(vh, y + 2)
    x0, x1 = max(0, x - 1), min(vw, x + 2)
    ny, nx = y1 - y0, x1 - x0
    part = field[:, y0 : y1 + th - 1, x0 : x1 + tw - 1]
    c, r, k = part.strides
    windows = np.lib.stride_tricks.as_strided(
        part, (ny, nx, 2, th, tw), (r, k, c, r, k), writeable=False
    )
    num = windows.reshape(ny * nx, -1) @ t.field.reshape(-1)
    part_e = energy[y0 : y1 + th - 1, x0 : x1 + tw - 1]
    r, k = part_e.strides
    windows_e = np.lib.stride_tricks.as_strided(
        part_e, (ny, nx, th, tw), (r, k, r, k), writeable=False
    )
    den = windows_e.reshape(ny * nx, -1) @ t.mask.reshape(-1)
    floor = np.float32(1e-3 * float(t.mask.sum()))
    score = np.maximum(num, 0) / np.sqrt(np.sqrt(np.maximum(den, floor))) * np.float32(t.norm**-1.5)
    best = int(np.argmax(score))
    dy, dx = divmod(best, nx)
    return float(score[best]), y0 + dy, x0 + dx


def _smooth(a: Array) -> Array:
    """[1 2 1]/4 in both directions, edges replicated: a Gaussian of σ≈0.7."""
    p = _edge_pad(a, 1)
    # In place, in the order (a + 2b) + c: the same sums, fewer temporaries.
    v = p[1:-1] * 2
    v += p[:-2]
    v += p[2:]
    out: Array = v[:, 1:-1] * 2
    out += v[:, :-2]
    out += v[:, 2:]
    out *= np.float32(1 / 16)
    return out


def _gradients(grey: Array) -> tuple[Array, Array]:
    p = _edge_pad(_smooth(grey), 1)
    gx: Array = p[1:-1, 2:] - p[1:-1, :-2]
    gx *= np.float32(0.5)
    gy: Array = p[2:, 1:-1] - p[:-2, 1:-1]
    gy *= np.float32(0.5)
    return gx, gy


def _orientation(*greys: Array) -> tuple[Array, Array]:
    """Doubled-angle orientation field (2, h, w) and edge energy of the greys, tensors summed.

    Summing the tensors of the logo over black and over white keeps every edge
    of it, whichever way its contrast turns on an unknown background.
    """
    xx = yy = xy = np.zeros(greys[0].shape, np.float32)
    for k, grey in enumerate(greys):
        gx, gy = _gradients(grey)
        if k == 0:
            # 0 + v in place: v itself, a negative zero made positive.
            xx, yy, xy = gx * gx, gy * gy, gx * gy
            xy += np.float32(0)
        else:
            xx += gx * gx
            yy += gy * gy
            xy += gx * gy
    scale = np.float32(1 / len(greys))
    xx *= scale
    yy *= scale
    xy *= scale
    xx, yy, xy = _smooth(xx), _smooth(yy), _smooth(xy)
    energy = xx + yy
    norm = energy + np.float32(_EDGE_FLOOR**2)
    field = np.empty((2, *energy.shape), np.float32)
    np.subtract(xx, yy, out=field[0])
    field[0] /= norm
    np.multiply(xy, 2, out=field[1])
    field[1] /= norm
    return field, energy


def _channels(grey: Array) -> list[Array]:
    """The greys of a (channels, h, w) stack, or ``[grey]`` for one (h, w) grey."""
    return list(grey) if grey.ndim == 3 else [grey]


def _halve(grey: Array) -> Array:
    h, w = grey.shape[0] // 2 * 2, grey.shape[1] // 2 * 2
    g = grey[:h, :w]
    out: Array = (g[0::2, 0::2] + g[1::2, 0::2] + g[0::2, 1::2] + g[1::2, 1::2]) * np.float32(0.25)
    return out


def _box(a: Array, radius: int) -> Array:
    """The mean over a (2·radius+1)² square around every pixel, edges replicated."""
    size = 2 * radius + 1
    p = _edge_pad(a, radius + 1, radius)
    c = np.cumsum(np.cumsum(p, axis=0, dtype=np.float64), axis=1)
    out = c[size:, size:] - c[:-size, size:] - c[size:, :-size] + c[:-size, :-size]
    return (out / (size * size)).astype(np.float32)


def _dilate(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    grown = out.copy()
    grown[:, 1:] |= out[:, :-1]
    grown[:, :-1] |= out[:, 1:]
    return grown


def iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over union of two boxes (left, top, right, bottom)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _inside(t: _Template, patch: Array) -> float:
    """How well the inside of the logo matches: the weaker of its left and right half.

    A plain box of the logo's shape matches the outline, often half the logo's
    edges, and correlates well. The inside (a fifth of the height in from every
    side) is what tells a logo from a box, so it is scored on its own, each half
    by the geometric mean of correlation and coverage (the share of its edges
    that are there); a half with few edges is skipped.
    """
    total = float((t.field * t.field).sum())
    th, tw = t.mask.shape
    inset = _TEMPLATE_MARGIN + max(1, round(t.height / 5))
    rows = slice(inset, th - inset)
    middle = tw // 2
    worst = 1.0
    for cols in (slice(inset, middle), slice(middle, tw - inset)):
        part = t.field[:, rows, cols]
        energy = float((part * part).sum())
        if energy < total / 16:
            continue
        seen = patch[:, rows, cols] * t.mask[rows, cols]
        dot = float((part * seen).sum())
        ncc = dot / math.sqrt(energy * max(float((seen * seen).sum()), 1e-6))
        worst = min(worst, math.sqrt(max(ncc, 0.0) * max(dot / energy, 0.0)))
    return worst


def _scales() -> list[float]:
    ratio = (_MAX_SCALE / _MIN_SCALE) ** (1 / (_SCALE_STEPS - 1))
    return [_MIN_SCALE * ratio**k for k in range(_SCALE_STEPS)]


class UnreadableImage(ProbeError, ValueError):
    """An image or logo that cannot be read; the message names the file, in Chinese.

    ``reason`` and ``kind`` are what the probe would give for the file (its
    ``kind`` says whether it is broken, too large …); a ValueError too, as the
    watermark API has always raised.
    """

    def __init__(self, path: str | os.PathLike[str], what: str, problem: ProbeError) -> None:
        super().__init__(problem.reason, problem.kind)
        self.args = (f"{what}“{os.fspath(path)}”无法作为图片读取：{problem.reason}",)


@contextmanager
def _named(path: str | os.PathLike[str], what: str) -> Iterator[None]:
    """A file that cannot be read as an image (the decoder's :class:`ProbeError`) named."""
    try:
        yield
    except ProbeError as problem:
        raise UnreadableImage(path, what, problem) from None


class Watermark:
    """A store's logo, prepared once and looked for in many images.

    Not thread-safe: templates and their spectra are cached on the instance.
    """

    def __init__(self, logo: Any, path: Path, *, colour: bool = True) -> None:
        """Use :meth:`load`. ``logo`` is a Pillow RGBA image; ``colour=False``: luminance only."""
        self.path = path
        self._logo = logo
        self._aspect = logo.height / logo.width
        self._text = self._aspect < _TEXT_ASPECT
        # A line of text: its characters, about as wide as it is high.
        self._cells = max(1, round(logo.width / logo.height))
        # The grey the templates are made in: luminance, or (a line of text in one
        # colour) the projection onto that colour's direction, see _colour_matrix.
        self._matrix = _colour_matrix(logo) if self._text and colour else None
        self._weights = (
            np.array(self._matrix[:3], np.float32)
            if self._matrix is not None
            else np.array([0.299, 0.587, 0.114], np.float32)
        )
        # The same logo's luminance templates, for the second look at a line of text.
        self._luma: Watermark | None = None
        self._templates: dict[int, _Template] = {}
        self._gradient_templates: dict[int, tuple[Array, Array]] = {}
        self._stroke_templates: dict[int, list[tuple[Array, slice, slice]]] = {}
        self._verify_spectra: OrderedDict[
            tuple[int, tuple[int, int]],
            tuple[npt.NDArray[np.complex64], npt.NDArray[np.complex64]],
        ] = OrderedDict()
        self._verify_bytes = 0
        # The working image's orientation field from the current image's stage 1
        # (when a size was searched there), reused by verification.
        self._fields: list[_Field] = []
        self._spectra: OrderedDict[
            tuple[int, int], dict[tuple[int, bool], tuple[npt.NDArray[np.complex64], ...]]
        ] = OrderedDict()

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS
    ) -> Watermark:
        """Read the logo (PNG with transparency; an image without alpha counts as opaque).

        Raises ValueError (:class:`UnreadableImage` when it cannot be read), in
        Chinese and naming the file, when it is not a readable image or shows nothing.
        """

        with _named(path, "水印文件"), open_image(path, max_pixels) as file:
            logo = file.rgba()
        alpha = logo.getchannel("A")
        _, high = alpha.getextrema()
        if high == 0:
            raise ValueError(f"水印文件“{os.fspath(path)}”是全透明的，没有可查找的图案")
        # The box is the logo's visible part: at least half as opaque as its most
        # opaque pixel (a logo file may be semi-transparent as a whole). Transparent
        # margins and faint fringes carry nothing to match and would only shift it.
        bbox = alpha.point(lambda v: 255 if 2 * v >= high else 0).getbbox()
        logo = logo.crop(bbox)
        if min(logo.size) < 4:
            raise ValueError(
                f"水印文件“{os.fspath(path)}”太小（{logo.width}×{logo.height}），无法查找"
            )
        return cls(logo, Path(path))

    # -- templates ------------------------------------------------------------

    def _resized(self, width: int) -> tuple[Array, Array]:
        """The logo at ``width`` px: premultiplied luminance and alpha (0..1)."""
        from PIL import Image

        height = max(1, round(width * self._aspect))
        # Pillow resamples RGBA with premultiplied alpha: no dark fringes.
        small = self._logo.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        pixels = np.asarray(small, np.float32)
        alpha = pixels[..., 3] / np.float32(255)
        grey = pixels[..., :3] @ self._weights
        return grey * alpha, alpha

    def _over_black_and_white(self, width: int) -> tuple[Array, Array]:
        """The logo's grey at ``width`` px laid over black and over white, with a margin.

        In a colour projection (a constant offset aside) black is 0 and white the
        sum of the weights times 255.
        """
        premultiplied, alpha = self._resized(width)
        m = _TEMPLATE_MARGIN
        white = float(self._weights.sum()) * 255
        over_black = np.pad(premultiplied, m)
        over_white = np.pad(
            premultiplied + (1 - alpha) * np.float32(white), m, constant_values=white
        )
        return over_black, over_white

    def _template(self, width: int) -> _Template:
        cached = self._templates.get(width)
        if cached is not None:
            return cached
        greys: tuple[Array, ...] = self._over_black_and_white(width)
        if self._matrix is not None:
            # Its edges in the colour projection and in luminance, as the image's.
            greys += self._luma_twin()._over_black_and_white(width)
        field, energy = _orientation(*greys)
        mask = _dilate(energy > 0.05 * float(energy.max())).astype(np.float32)
        field *= mask
        # Zero mean inside the mask: an image region of one uniform orientation
        # (stripes, a long edge) then correlates to nothing.
        field -= mask * (field.sum(axis=(1, 2), keepdims=True) / max(float(mask.sum()), 1.0))
        norm = float(np.sqrt((field * field).sum()))
        logo_h, logo_w = (side - 2 * _TEMPLATE_MARGIN for side in greys[0].shape)
        template = _Template(field, mask, max(norm, 1e-6), logo_w, logo_h)
        self._templates[width] = template
        return template

    def _spectra_for(
        self, shape: tuple[int, int]
    ) -> dict[tuple[int, bool], tuple[npt.NDArray[np.complex64], ...]]:
        spectra = self._spectra.get(shape)
        if spectra is None:
            spectra = {}
            self._spectra[shape] = spectra
            while len(self._spectra) > _SPECTRA_SHAPES:
                self._spectra.popitem(last=False)
        else:
            self._spectra.move_to_end(shape)
        return spectra

    def _template_spectra(
        self, width: int, shape: tuple[int, int], low: bool = False
    ) -> tuple[npt.NDArray[np.complex64], ...]:
        """The conjugate spectra of the template's field and mask at ``shape``.

        ``low``: only the lower half of the frequencies (:func:`_low_half`), kept
        instead of the whole: a size scored at every other place needs no more.
        """
        spectra = self._spectra_for(shape)
        cached = spectra.get((width, low))
        if cached is None:
            t = self._template(width)
            # Forward transforms in float64: numpy's float32 forward FFT is slower.
            both = np.conj(fft.rfft2(np.concatenate([t.field, t.mask[None]]), shape))
            if low:
                both = _low_half(both, shape)
            cached = (both[0], both[1], both[2])
            spectra[(width, low)] = cached
        return cached

    # -- stage 1 --------------------------------------------------------------

    def _search(self, grey: Array, scales: list[float] | None = None) -> list[_Candidate]:
        """The best few logo places and sizes anywhere (border included in ``grey``)."""
        work_w = grey.shape[-1] - 2 * _BORDER
        if scales is None:
            scales = _scales()
        return self._search_levels(
            grey,
            work_w,
            scales,
            _CANDIDATES,
            fine=_FINE_ANYWHERE,
            decimate=True,
            extra=_CANDIDATES // _EXTRA_SHARE,
        )

    def _search_levels(
        self,
        grey: Array,
        work_w: int,
        scales: list[float],
        keep: int = _CANDIDATES,
        origin: tuple[int, int] = (0, 0),
        fine: bool = True,
        decimate: bool = False,
        extra: int = 0,
        every_other: bool = False,
    ) -> list[_Candidate]:
        """The best few logo places and sizes.

        ``grey`` is the bordered working image, or the part of it whose top-left
        corner is at ``origin`` (bordered coordinates); ``work_w`` is the working
        image's width, which the scales are shares of. ``fine``: search the
        smallest sizes on the working image itself rather than on the search level.
        ``extra``: this many more places, the most unusual for their size (for a
        line of text, at least two and one per :data:`_EXTRA_SHARE` kept).
        ``every_other``: an emblem scored at every other place first (:func:`_fold`),
        the best :data:`_DECLARED_REFINED` of those places then at every place beside
        them (:func:`_best_near`).
        """
        if self._text:
            extra = max(2, keep // _EXTRA_SHARE)
        base_factor = 1
        while (work_w + 2 * _BORDER) // (base_factor * 2) >= _SEARCH_WIDTH:
            base_factor *= 2
        pyramid = {1: grey}
        levels: dict[int, tuple[Array, Array, Array]] = {}
        spectra: dict[int, tuple[npt.NDArray[np.complex64], ...]] = {}
        # The lower half of a level's spectra, cut once for all its sizes scored so.
        lows: dict[int, tuple[npt.NDArray[np.complex64], ...]] = {}
        found: list[_Candidate] = []
        # Places found at every other place: (score, row, column, factor, width, scale, rows
        # and columns of places), to be placed to the pixel.
        coarse: list[tuple[float, int, int, int, int, float, int, int]] = []

        def placed(
            y: int,
            x: int,
            factor: int,
            width: int,
            scale: float,
            value: float,
            standard: float = 0.0,
        ) -> _Candidate:
            # Place (y, x) of a level (its template's margin included) in the working image.
            return _Candidate(
                left=(x + _TEMPLATE_MARGIN) * factor + origin[0] - _BORDER,
                top=(y + _TEMPLATE_MARGIN) * factor + origin[1] - _BORDER,
                scale=scale,
                search_score=value,
                standard=standard,
                rough=width < _MIN_FINE_TEMPLATE,
            )

        for scale in scales:
            factor = base_factor
            while scale * work_w / (factor * 2) >= _MIN_TEMPLATE:
                factor *= 2
            # A logo too small to tell apart on the search level is searched finer.
            while fine and factor > 1 and scale * work_w / factor < _MIN_FINE_TEMPLATE:
                factor //= 2
            if self._text:
                factor = 1
            width = max(8, round(scale * work_w / factor))
            if factor not in levels:
                level_factor = max(f for f in pyramid if f <= factor)
                image = pyramid[level_factor]
                while level_factor < factor:
                    image, level_factor = _halve(image), level_factor * 2
                    pyramid[level_factor] = image
                field, _ = _orientation(*_channels(image))
                energy = (field * field).sum(axis=0)
                if factor == 1:
                    top, left = origin[1], origin[0]
                    self._fields.append(
                        _Field(
                            field, energy, top, left, top + image.shape[-2], left + image.shape[-1]
                        )
                    )
                levels[factor] = (image, field, energy)
            image, field, energy = levels[factor]
            t = self._template(width)
            th, tw = t.mask.shape
            if th > image.shape[-2] or tw > image.shape[-1]:
                continue
            shape = fft.fast_shape(image.shape)
            vh, vw = image.shape[-2] - th + 1, image.shape[-1] - tw + 1
            vh_full, vw_full = vh, vw
            step = 1
            if factor not in spectra:
                # One call for the three: the same transforms, less per-call overhead.
                stacked = fft.rfft2(np.concatenate([field, energy[None]]), shape)
                spectra[factor] = (stacked[0], stacked[1], stacked[2])
            f0, f1, fe = spectra[factor]
            if every_other and not self._text and shape[0] % 2 == 0 and shape[1] % 4 == 0:
                # Every other place, exactly: the products' spectra folded to half the
                # shape (numerator and denominator in one inverse transform call).
                t0, t1, tm = self._template_spectra(width, shape)
                step = 2
                vh, vw = (vh + 1) // 2, (vw + 1) // 2
                products = np.empty((2, *f0.shape), f0.dtype)
                np.multiply(f0, t0, out=products[0])
                products[0] += f1 * t1
                np.multiply(fe, tm, out=products[1])
                both = fft.irfft2(_fold(products, shape), (shape[0] // 2, shape[1] // 2))
                num = both[0, :vh, :vw] * np.float32(0.25)
                den = both[1, :vh, :vw] * np.float32(0.25)
            elif (
                decimate
                and shape[0] % 4 == 0
                and shape[1] % 4 == 0
                and self._text
                and min(th, tw) >= _DECIMATE_MIN_TEXT
            ):
                # Every other place, from the lower half of the frequencies.
                step, small = 2, (shape[0] // 2, shape[1] // 2)
                if factor not in lows:
                    lows[factor] = tuple(_low_half(f, shape) for f in (f0, f1, fe))
                g0, g1, ge = lows[factor]
                u0, u1, um = self._template_spectra(width, shape, low=True)
                vh, vw = (vh + 1) // 2, (vw + 1) // 2
                num = fft.irfft2(g0 * u0 + g1 * u1, small)[:vh, :vw] * np.float32(0.25)
                den = fft.irfft2(ge * um, small)[:vh, :vw] * np.float32(0.25)
            else:
                t0, t1, tm = self._template_spectra(width, shape)
                num = fft.irfft2(f0 * t0 + f1 * t1, shape)[:vh, :vw]
                den = fft.irfft2(fe * tm, shape)[:vh, :vw]
            floor = np.float32(1e-3 * float(t.mask.sum()))
            # sqrt(ncc · coverage), ncc = num / (‖t‖·√den) and coverage = num / ‖t‖²,
            # zero where either is negative: num / (‖t‖^1.5 · den^¼), in place.
            root = np.maximum(den, floor)
            np.sqrt(root, out=root)
            np.sqrt(root, out=root)
            score = np.maximum(num, 0)
            score /= root
            score *= np.float32(t.norm**-1.5)
            # How unusual a place is among those of its size (the extra places).
            mean, spread = 0.0, 1.0
            if extra:
                # The mean handed to std: the same value it would compute again.
                average = score.mean(keepdims=True)
                mean, spread = float(average[0, 0]), float(score.std(mean=average)) + 1e-6
            # The best few places at this size; each size keeps its own, so a
            # small size matching a part of a bigger logo cannot hide it.
            for _ in range(_PEAKS_PER_SIZE):
                flat = int(np.argmax(score))
                y, x = divmod(flat, vw)
                value = float(score[y, x])
                if value <= 0:
                    break
                sy, sx = y, x
                y, x = y * step, x * step
                if every_other and step == 2:
                    coarse.append((value, y, x, factor, width, scale, vh_full, vw_full))
                else:
                    found.append(placed(y, x, factor, width, scale, value, (value - mean) / spread))
                h2, w2 = t.height // (2 * step) + 1, t.width // (2 * step) + 1
                score[max(0, sy - h2) : sy + h2, max(0, sx - w2) : sx + w2] = 0
        # The best of them to the pixel: a logo's sharp match may peak between two
        # even places (the even places alone lost logos of the benchmark's sets).
        coarse.sort(key=lambda c: -c[0])
        for rank, (value, y, x, factor, width, scale, rows, cols) in enumerate(coarse):
            if rank < _DECLARED_REFINED:
                _, field, energy = levels[factor]
                value, y, x = _best_near(field, energy, self._template(width), y, x, rows, cols)
            found.append(placed(y, x, factor, width, scale, value))
        kept: list[_Candidate] = []

        def take(candidate: _Candidate) -> None:
            box = self._box(candidate.left, candidate.top, candidate.scale, work_w)
            if all(
                iou(box, self._box(k.left, k.top, k.scale, work_w)) < 0.3
                or max(k.scale, candidate.scale) > _DISTINCT_SIZE * min(k.scale, candidate.scale)
                for k in kept
            ):
                kept.append(candidate)

        found.sort(key=lambda c: -c.search_score)
        for candidate in found:
            if len(kept) == keep:
                break
            take(candidate)
        # A few more, the most unusual for their size: a small logo's score is
        # lower than clutter's at other sizes, but stands out among its own size.
        wanted = len(kept) + extra
        found.sort(key=lambda c: -c.standard)
        for candidate in found:
            if len(kept) == wanted:
                break
            if candidate not in kept:
                take(candidate)
        return kept

    def _box(
        self, left: float, top: float, scale: float, work_w: int
    ) -> tuple[float, float, float, float]:
        width = scale * work_w
        return (left, top, left + width, top + width * self._aspect)

    # -- stage 2 --------------------------------------------------------------

    def _gradient_template(self, width: int) -> tuple[Array, Array]:
        """Signed gradients (2·2, h, w) of the logo over black and over white, and their mask."""
        cached = self._gradient_templates.get(width)
        if cached is not None:
            return cached
        over_black, over_white = self._over_black_and_white(width)
        b = np.stack(_gradients(over_black))
        w = np.stack(_gradients(over_white))
        energy = (b * b + w * w).sum(axis=0)
        mask = _dilate(energy > 0.05 * float(energy.max())).astype(np.float32)
        cached = (np.stack([b, w]) * mask, mask)
        self._gradient_templates[width] = cached
        return cached

    def _verify(self, grey: Array, candidate: _Candidate) -> _Verified | None:
        """The measures at and around a candidate; ``grey`` may be a stack of channels."""
        work_w = grey.shape[-1] - 2 * _BORDER
        m = _TEMPLATE_MARGIN
        base_width = candidate.scale * work_w
        refine = _REFINE_ROUGH if candidate.rough else _REFINE
        widths = sorted({max(8, round(base_width * factor)) for factor in refine})
        widths_max = widths[-1]
        largest = self._template(widths_max)
        # One window (in bordered coordinates) that holds the largest size at every
        # shift within the slack; stage 1 placed the logo to about a level pixel.
        slack = max(6 if candidate.rough else 4, round(0.06 * base_width))
        x0 = max(0, round(candidate.left) + _BORDER - m - slack)
        y0 = max(0, round(candidate.top) + _BORDER - m - slack)
        x1 = min(
            grey.shape[-1], round(candidate.left) + _BORDER - m + largest.mask.shape[1] + slack
        )
        y1 = min(grey.shape[-2], round(candidate.top) + _BORDER - m + largest.mask.shape[0] + slack)
        # The field stage 1 computed where it holds this window exactly; else on a
        # slightly larger crop so the smoothing sees real neighbours.
        known = None
        for part in self._fields:
            known = part.window(grey.shape, y0, y1, x0, x1)
            if known is not None:
                break
        if known is not None:
            field, energy = known
        else:
            cx0, cy0 = max(0, x0 - _FIELD_REACH), max(0, y0 - _FIELD_REACH)
            crop = grey[
                ...,
                cy0 : min(grey.shape[-2], y1 + _FIELD_REACH),
                cx0 : min(grey.shape[-1], x1 + _FIELD_REACH),
            ]
            field, _ = _orientation(*_channels(crop))
            field = field[:, y0 - cy0 : y1 - cy0, x0 - cx0 : x1 - cx0]
            energy = (field * field).sum(axis=0)
        window = (field.shape[1], field.shape[2])
        shape = fft.fast_shape(window)
        # One call for the three: the same transforms, less per-call overhead. In
        # single precision, as stage 1: double precision made the inverse
        # transforms twice as slow and changed no box or score of the benchmark's
        # sets (generated: seeds 1 and 12; photographs: 1, 3, 5, 7 and 12; both modes).
        stacked = fft.rfft2(np.concatenate([field, energy[None]]), shape)
        spectrum, energy_spectrum = stacked[:2], stacked[2]
        best: tuple[float, float, int, int, int, _Template] | None = None
        tried: set[int] = set()
        for _pass in range(2):
            if best is not None:
                # Then the sizes half a step either side of the best one.
                step = base_width * (_REFINE[1] - _REFINE[0]) / 2
                widths = [round(best[4] - step), round(best[4] + step)]
            sizes: list[tuple[int, _Template]] = []
            products: list[npt.NDArray[np.complex64]] = []
            for width in widths:
                if width in tried or width < 8 or width > widths_max:
                    continue
                tried.add(width)
                t = self._template(width)
                th, tw = t.mask.shape
                if window[0] - th + 1 <= 0 or window[1] - tw + 1 <= 0:
                    continue
                tspec, mspec = self._window_spectra(width, shape)
                sizes.append((width, t))
                products += [(spectrum * tspec).sum(axis=0), energy_spectrum * mspec]
            if not sizes:
                continue
            # One inverse transform call for every size of the pass: the windows
            # are small, and per-call overhead was most of their cost.
            inverse = fft.irfft2(np.stack(products), shape)
            for k, (width, t) in enumerate(sizes):
                th, tw = t.mask.shape
                vh, vw = window[0] - th + 1, window[1] - tw + 1
                num = inverse[2 * k, :vh, :vw]
                den = inverse[2 * k + 1, :vh, :vw]
                ncc = num / (t.norm * np.sqrt(np.maximum(den, 1e-3 * float(t.mask.sum()))))
                # Near a known place the plain correlation sets position and size:
                # the coverage term of stage 1 would favour a slightly small logo
                # whose every edge still falls inside the blurred image edges.
                flat = int(np.argmax(ncc))
                y, x = divmod(flat, vw)
                if best is None or ncc[y, x] > best[0]:
                    best = (float(ncc[y, x]), float(ncc[y, x]), x0 + x, y0 + y, width, t)
        if best is None:
            return None
        _, orientation, x, y, width, t = best
        th, tw = t.mask.shape
        patch = field[:, y - y0 : y - y0 + th, x - x0 : x - x0 + tw]
        inside = _inside(t, patch)
        greys = _channels(grey)
        first, *others = greys
        gradient = self._gradient_score(first, x, y, width)
        # A coloured name: each measure where it shows more.
        strokes = self._stroke_score(greys, x, y, width) if self._text else ()
        for luma in others:
            gradient = max(gradient, self._luma_twin()._gradient_score(luma, x, y, width))
        return _scored(
            _Verified(
                left=x + m - _BORDER,
                top=y + m - _BORDER,
                width=t.width,
                height=t.height,
                scale=width / work_w,
                orientation=orientation,
                gradient=gradient,
                inside=inside,
                strokes=strokes,
                score=0.0,
            )
        )

    def _window_spectra(
        self, width: int, shape: tuple[int, int]
    ) -> tuple[npt.NDArray[np.complex64], npt.NDArray[np.complex64]]:
        """The conjugate spectra of a verification template and its mask, kept for reuse.

        Verification windows of one logo size fall on few FFT shapes, so a batch
        of images computes each pair once.
        """
        key = (width, shape)
        cached = self._verify_spectra.get(key)
        if cached is not None:
            self._verify_spectra.move_to_end(key)
            return cached
        t = self._template(width)
        cached = (
            np.conj(fft.rfft2(t.field, shape)),
            np.conj(fft.rfft2(t.mask, shape)),
        )
        self._verify_spectra[key] = cached
        self._verify_bytes += cached[0].nbytes + cached[1].nbytes
        while self._verify_bytes > _VERIFY_SPECTRA_BYTES and len(self._verify_spectra) > 1:
            _, (old_t, old_m) = self._verify_spectra.popitem(last=False)
            self._verify_bytes -= old_t.nbytes + old_m.nbytes
        return cached

    def _stroke_template(self, width: int) -> list[tuple[Array, slice, slice]]:
        """The logo's coverage at ``width`` px cut into cells about as wide as it is high.

        Each cell (a character of a shop's name) is band-passed like the image,
        made zero-mean and unit-norm, and kept with its rows and columns in the
        template's frame (margin included).
        """
        cached = self._stroke_templates.get(width)
        if cached is not None:
            return cached
        _, alpha = self._resized(width)
        m = _TEMPLATE_MARGIN
        padded = np.pad(alpha, m)
        cover = _smooth(padded) - _box(padded, _STROKE_BACKGROUND)
        height = alpha.shape[0]
        # As many cells as the logo has characters at its own size: rounding the
        # ratio at every width would cut some sizes into one cell more.
        count = self._cells
        edges = [m + round(k * alpha.shape[1] / count) for k in range(count + 1)]
        cells: list[tuple[Array, slice, slice]] = []
        rows = slice(m, m + height)
        for left, right in itertools.pairwise(edges):
            cols = slice(left, right)
            part = cover[rows, cols] - np.float32(cover[rows, cols].mean())
            norm = float(np.sqrt((part * part).sum()))
            if norm > 1e-3:
                cells.append((part / np.float32(norm), rows, cols))
        self._stroke_templates[width] = cells
        return cells

    def _stroke_score(self, greys: list[Array], x: int, y: int, width: int) -> tuple[float, ...]:
        """How well every cell of the logo's strokes is there: each cell's correlation.

        A logo blended at opacity α over a locally even background b changes the
        image by α·(L − b) exactly where the logo covers it, so the image inside
        each cell correlates with the logo's coverage (positively or negatively,
        as the logo is lighter or darker than what is under it). Another name in
        the same style shares the outline and some characters, not every one.
        Each cell may shift by a pixel (the size is known to a few per cent).
        A cell's match is the best over ``greys`` (a coloured name's two).
        """
        cells = self._stroke_template(width)
        th, tw = self._template(width).mask.shape
        s = _STROKE_SHIFT
        rows, cols = greys[0].shape
        if y - s < 0 or x - s < 0 or y + th + s > rows or x + tw + s > cols:
            return (0.0,) * len(cells)
        crops = [grey[y - s : y + th + s, x - s : x + tw + s] for grey in greys]
        image = np.stack([_smooth(crop) - _box(crop, _STROKE_BACKGROUND) for crop in crops])
        found = [0.0] * len(cells)
        # Cells of one width at once (a name's cells differ by a pixel at most),
        # every grey and shift too: the same sums per window, far fewer calls.
        by_shape: dict[tuple[int, int], list[int]] = {}
        for k, (part, _, _) in enumerate(cells):
            by_shape.setdefault(part.shape, []).append(k)
        for (ch, cw), members in by_shape.items():
            # Every shift's window at once: the part is zero-mean, so its product
            # with a window needs no mean taken off; the window's energy about
            # its mean is Σx² − (Σx)²/n.
            areas = np.stack(
                [
                    image[:, r.start : r.start + ch + 2 * s, c.start : c.start + cw + 2 * s]
                    for _, r, c in (cells[k] for k in members)
                ]
            )
            windows = np.lib.stride_tricks.sliding_window_view(areas, (ch, cw), axis=(2, 3)).astype(
                np.float64
            )
            parts = np.stack([cells[k][0] for k in members]).astype(np.float64)
            dots = np.abs(np.einsum("cgijkl,ckl->cgij", windows, parts))
            sums = windows.sum(axis=(4, 5))
            energy = (windows * windows).sum(axis=(4, 5)) - sums * sums / (ch * cw)
            match = np.where(energy > 0, dots / np.sqrt(np.maximum(energy, 0) + ch * cw), 0.0)
            best = match.max(axis=(1, 2, 3))
            for k, value in zip(members, best, strict=True):
                found[k] = max(0.0, float(value))
        return tuple(found)

    def _gradient_score(self, grey: Array, x: int, y: int, width: int) -> float:
        """How well the image's signed gradients are a mix of the logo's over black and white.

        Blending the logo at opacity α over an even background of grey b gives
        gradients α·((1−β)·∇logo_over_black + β·∇logo_over_white), β = b/255:
        the best non-negative mix of the two is fitted and its share of the
        image's gradient energy (under the logo's mask) is the score.
        """
        templates, mask = self._gradient_template(width)
        th, tw = mask.shape
        crop = grey[max(0, y - 2) : y + th + 2, max(0, x - 2) : x + tw + 2]
        gx, gy = _gradients(crop)
        oy, ox = y - max(0, y - 2), x - max(0, x - 2)
        g = np.stack([gx, gy])[:, oy : oy + th, ox : ox + tw]
        if g.shape[1:] != mask.shape:
            return 0.0
        g = g * mask
        t0, t1 = templates[0], templates[1]
        k00, k01, k11 = float((t0 * t0).sum()), float((t0 * t1).sum()), float((t1 * t1).sum())
        p0, p1 = float((g * t0).sum()), float((g * t1).sum())
        # A floor of 1 grey level per pixel keeps a flat window from scoring.
        total = float((g * g).sum()) + float(mask.sum())
        det = k00 * k11 - k01 * k01
        fit = 0.0
        if det > 1e-9 * k00 * k11:
            c0 = (k11 * p0 - k01 * p1) / det
            c1 = (k00 * p1 - k01 * p0) / det
            if c0 >= 0 and c1 >= 0:
                fit = c0 * p0 + c1 * p1
        if fit == 0.0:  # the unconstrained mix is not a blend: best single template
            fit = max(p0 * p0 / k00 if p0 > 0 else 0.0, p1 * p1 / k11 if p1 > 0 else 0.0)
        return math.sqrt(max(fit, 0.0) / total)

    # -- public -----------------------------------------------------------------

    @property
    def wanted(self) -> Wanted:
        """The decoded copies :meth:`find_in` looks at (a colour projection for a coloured name)."""
        return Wanted(working=WORK_WIDTH, working_matrix=self._matrix)

    def _luma_twin(self) -> Watermark:
        """The same logo with luminance templates: the second look at a coloured name."""
        if self._luma is None:
            self._luma = Watermark(self._logo, self.path, colour=False)
        return self._luma

    def _verified(
        self, pixels: Pixels, placement: Placement | None = None
    ) -> tuple[list[_Verified], tuple[float, float]]:
        """Every verified candidate, best first, and the working→original scale factors."""
        if pixels.working is None:
            raise ValueError("the watermark search needs the decoder's working copy")
        grey, (shown_w, shown_h) = pixels.working, pixels.shown
        work_h, work_w = grey.shape
        if self._matrix is not None and pixels.projected is not None:
            # A coloured name: searched and verified in its colour's projection and
            # in luminance together; decoded without the projection, in luminance.
            stack = np.empty((2, work_h + 2 * _BORDER, work_w + 2 * _BORDER), grey.dtype)
            _edge_pad(pixels.projected, _BORDER, out=stack[0])
            _edge_pad(grey, _BORDER, out=stack[1])
            grey = stack
        else:
            grey = _edge_pad(grey, _BORDER)
        self._fields = []
        if placement is None:
            candidates = self._search(grey)
        elif placement.region == (0.0, 0.0, 1.0, 1.0):
            # Only sizes declared (a scale range, a least width): the whole image
            # is searched as without a declaration, at those sizes only.
            candidates = self._search(grey, placement.scales(shown_w))
        else:
            candidates = self._search_declared(grey, work_w, work_h, shown_w, placement)
        results = [v for c in candidates if (v := self._verify(grey, c)) is not None]
        self._fields = []
        if placement is not None:
            results = [v for v in results if _within(v, work_w, work_h, shown_w, placement)]
        results.sort(key=lambda v: -v.score)
        return results, (shown_w / work_w, shown_h / work_h)

    def _search_declared(
        self, grey: Array, work_w: int, work_h: int, shown_w: int, placement: Placement
    ) -> list[_Candidate]:
        """The best places within the declared region, at the declared sizes only."""
        scales = placement.scales(shown_w)
        if not scales:
            return []
        x0, y0, x1, y1 = placement.region
        reach = _BORDER - _TEMPLATE_MARGIN - _REGION_SLACK
        # Whole search-level pixels: the crop's halvings stay on the image's own grid.
        left = max(0, (math.floor(x0 * work_w) + reach) // 8 * 8)
        top = max(0, (math.floor(y0 * work_h) + reach) // 8 * 8)
        right = min(grey.shape[-1], math.ceil(x1 * work_w) + 2 * _BORDER - reach)
        bottom = min(grey.shape[-2], math.ceil(y1 * work_h) + 2 * _BORDER - reach)
        crop = grey[..., top:bottom, left:right]
        return self._search_levels(
            crop, work_w, scales, _DECLARED_CANDIDATES, (left, top), every_other=True
        )

    def find(
        self,
        image_path: str | os.PathLike[str],
        *,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        placement: Placement | None = None,
    ) -> WatermarkMatch | None:
        """The logo's place in the image, or None when it is not there.

        Raises :class:`UnreadableImage` (a :class:`ProbeError`, and a ValueError),
        in Chinese and naming the file, when the image cannot be read or has more
        than ``max_pixels`` pixels, and nothing else for what the file holds.
        """
        with _named(image_path, "图片"), open_image(image_path, max_pixels) as file:
            pixels = file.pixels(self.wanted)
        return self.find_in(pixels, placement=placement)

    def find_in(
        self, pixels: Pixels, *, placement: Placement | None = None
    ) -> WatermarkMatch | None:
        """The logo's place in an image already decoded with :attr:`wanted`.

        Decoded with ``Wanted(working=WORK_WIDTH)`` only, a coloured name is looked
        for in luminance alone: it is then found less often when faint.

        With a ``placement`` (where the store declared its logo goes) only that
        region is searched, at the declared sizes: a logo elsewhere is not found.
        """
        results, (fx, fy) = self._verified(pixels, placement)
        if not results or results[0].score < THRESHOLD:
            return None
        v = results[0]
        box = (
            round(v.left * fx),
            round(v.top * fy),
            round((v.left + v.width) * fx),
            round((v.top + v.height) * fy),
        )
        return WatermarkMatch(box=box, scale=v.scale, score=round(v.score, 4))


def _within(v: _Verified, work_w: int, work_h: int, shown_w: int, placement: Placement) -> bool:
    """Whether a verified logo lies in the declared region, at a declared size.

    Verification may move a candidate by a few pixels and resize it by 5 %.
    """
    x0, y0, x1, y1 = placement.region
    slack = _REGION_SLACK
    high = placement.scale[1]
    low = max(placement.scale[0], placement.min_width_px / max(1, shown_w))
    return (
        v.left >= x0 * work_w - slack
        and v.top >= y0 * work_h - slack
        and v.left + v.width <= x1 * work_w + slack
        and v.top + v.height <= y1 * work_h + slack
        and low * 0.95 <= v.scale <= high * 1.05
    )


def _colour_matrix(logo: Any) -> tuple[float, float, float, float] | None:
    """The (r, g, b, offset) projection onto a coloured logo's direction from mid-grey.

    Blending a logo of colour C at opacity α over a background B changes any
    linear projection P of the colours by α·(P(C) − P(B)). Luminance sees
    little of red over blue or over a dark green; the direction from mid-grey
    to C sees its colour and its darkness together, larger than luminance's
    over most backgrounds (red over white, yellow, blue, grey). Scaled so
    that every colour maps into 0..255. None for a grey logo (luminance then).
    """
    pixels = np.asarray(logo, np.float32)
    alpha = pixels[..., 3:] / np.float32(255)
    colour = (pixels[..., :3] * alpha).sum(axis=(0, 1)) / max(float(alpha.sum()), 1e-6)
    if float(colour.max() - colour.min()) < _GREY_LOGO:
        return None
    direction = colour - np.float32(128)
    direction /= np.float32(np.abs(direction).sum())
    low = 255 * float(direction[direction < 0].sum())
    r, g, b = (float(v) for v in direction)
    return (r, g, b, -low)


def _scored(v: _Verified) -> _Verified:
    """``v`` with its score: the logistic combination of its measures."""
    if v.strokes:
        bias, w_orientation, w_gradient, w_inside, w_weakest, w_second = _TEXT_WEIGHTS
    else:
        (bias, w_orientation, w_gradient, w_inside), w_weakest, w_second = _WEIGHTS, 0.0, 0.0
    z = bias + w_orientation * v.orientation + w_gradient * v.gradient + w_inside * v.inside
    if v.strokes:
        cells = sorted(v.strokes) + [0.0] * max(0, 2 - len(v.strokes))
        z += w_weakest * cells[0] + w_second * cells[1]
    return dataclasses.replace(v, score=1 / (1 + math.exp(-z)))
