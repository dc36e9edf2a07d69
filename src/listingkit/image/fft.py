"""The real 2-D Fourier transforms the watermark search correlates with.

One place for them, so the backend can be chosen on measured speed without the
search knowing: today numpy's pocketfft, in double precision.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["fast_length", "fast_shape", "irfft2", "rfft2"]

Array = npt.NDArray[Any]


def fast_length(n: int) -> int:
    """The least 2^a·3^b·5^c ≥ n: pocketfft is many times slower on sizes with a large prime."""
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
    """The spectrum of ``a`` (last two axes) zero-padded to ``shape``.

    Computed in double precision; kept as complex64 unless ``single`` is false.
    """
    spectrum = np.fft.rfft2(a.astype(np.float64), s=shape)
    return spectrum.astype(np.complex64) if single else spectrum


def irfft2(spectrum: Array, shape: tuple[int, int]) -> Array:
    """The real array of ``shape`` whose spectrum is ``spectrum``."""
    return np.fft.irfft2(spectrum, s=shape)
