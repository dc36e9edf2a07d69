"""The real 2-D Fourier transforms the watermark search correlates with.

One place for them, so the backend can be chosen on measured speed without the
search knowing: numpy's pocketfft, forward transforms in double precision.

Why not another backend (``benchmarks/watermark_accuracy.py``, interleaved runs
on a loaded two-core machine): scipy's pocketfft in float32 does a 432×432
forward transform in a quarter of numpy's time, but its inverse transforms —
most of the search's transform time — cost the same as numpy's complex64 ones,
so the whole search got only 5–10 % faster (about 1 ms per image in a declared
region, 4–8 ms searching anywhere), while importing ``scipy.fft`` costs 0.2 s of
CPU in every process that searches and the wheel is 35 MB. OpenCV's ``cv2.dft``
is no faster than scipy forward and wants its own packed spectrum layout.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["fast_length", "fast_shape", "irfft2", "rfft2"]

Array = npt.NDArray[Any]


@lru_cache(maxsize=4096)
def fast_length(n: int) -> int:
    """The least 2^a·3^b·5^c ≥ n: pocketfft is many times slower on sizes with a large prime.

    Kept per ``n``: the search asks for the same few lengths for every image.
    """
    best = 1 << max(0, (n - 1).bit_length())
    f5 = 1
    while f5 < best:
        f35 = f5
        while f35 < best:
            f = f35
            while f < n:
                f *= 2
            best = min(best, f)
            f35 *= 3
        f5 *= 5
    return best


def fast_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """The padded shape of the last two axes that transforms fast."""
    return (fast_length(shape[-2]), fast_length(shape[-1]))


def rfft2(a: Array, shape: tuple[int, int], *, single: bool = True) -> Array:
    """The spectrum of ``a`` (last two axes; leading ones batched) zero-padded to ``shape``.

    Computed in double precision (numpy's float32 forward transform is no
    faster); kept as complex64 unless ``single`` is false. One channel at a time,
    zero-padded here in the copy that makes it float64: the same spectra as
    numpy's own batched, padding call (``s=shape``), which costs up to 2.5 times
    as much for a stack of three (measured at 216² and 864²).
    """
    h, w = min(a.shape[-2], shape[0]), min(a.shape[-1], shape[1])
    lead = a.shape[:-2]
    spectrum = np.empty(
        (*lead, shape[0], shape[1] // 2 + 1), np.complex64 if single else np.complex128
    )
    padded = np.zeros(shape, np.float64)
    for index in np.ndindex(*lead):
        padded[:h, :w] = a[index][:h, :w]
        spectrum[index] = np.fft.rfft2(padded)
    return spectrum


def irfft2(spectrum: Array, shape: tuple[int, int]) -> Array:
    """The real array of ``shape`` (last two axes) whose spectrum is ``spectrum``.

    float32 for a complex64 spectrum (numpy transforms it in single precision,
    four times faster than complex128 at 432×432), float64 for a complex128 one.
    """
    return np.fft.irfft2(spectrum, s=shape)
