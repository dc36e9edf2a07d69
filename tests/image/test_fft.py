"""The transforms the watermark search correlates with: what the search relies on.

The search pads an image's field to :func:`fft.fast_shape` of the image, multiplies
its spectrum by a template's conjugate spectrum and reads the correlation at every
place where the whole template fits. These tests hold the transforms to that,
against sums written out directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from listingkit.image import fft


def field(shape: tuple[int, ...], seed: int) -> np.ndarray[Any, Any]:
    """Values in [-1, 1] with flat parts, as an orientation field has."""
    rng = np.random.default_rng(seed)
    out = rng.uniform(-1, 1, shape).astype(np.float32)
    out[..., : shape[-2] // 3, :] = 0
    return out


def direct_dft(a: np.ndarray[Any, Any], shape: tuple[int, int]) -> np.ndarray[Any, Any]:
    """The half spectrum of ``a`` zero-padded to ``shape``, summed term by term."""
    h, w = shape
    ky = np.exp(-2j * np.pi * np.outer(np.arange(h), np.arange(a.shape[0])) / h)
    kx = np.exp(-2j * np.pi * np.outer(np.arange(a.shape[1]), np.arange(w // 2 + 1)) / w)
    return ky @ a.astype(np.float64) @ kx


@pytest.mark.parametrize(
    ("size", "shape"), [((5, 7), (6, 8)), ((9, 4), (9, 5)), ((12, 15), (12, 15))]
)
def test_forward_transform_is_the_padded_dft(size, shape):
    a = field(size, seed=size[0])
    single = fft.rfft2(a, shape)
    double = fft.rfft2(a, shape, single=False)
    assert single.dtype == np.complex64
    assert double.dtype == np.complex128
    expected = direct_dft(a, shape)
    assert np.abs(double - expected).max() < 1e-10
    assert np.abs(single - expected).max() < 1e-5


def test_leading_axes_are_transformed_one_by_one():
    stack = field((3, 20, 30), seed=4)
    shape = fft.fast_shape(stack.shape)
    batched = fft.rfft2(stack, shape)
    assert batched.shape == (3, *shape[:1], shape[1] // 2 + 1)
    for k in range(3):
        assert np.array_equal(batched[k], fft.rfft2(stack[k], shape))
    back = fft.irfft2(batched, shape)
    assert back.shape == (3, *shape)
    assert np.abs(back[:, :20, :30] - stack).max() < 1e-5


@pytest.mark.parametrize("single", [True, False])
def test_inverse_gives_the_padded_input_back(single):
    a = field((25, 31), seed=9)
    shape = fft.fast_shape(a.shape)
    back = fft.irfft2(fft.rfft2(a, shape, single=single), shape)
    assert back.dtype == (np.float32 if single else np.float64)
    padded = np.zeros(shape)
    padded[:25, :31] = a
    assert np.abs(back - padded).max() < (1e-5 if single else 1e-12)


def test_correlation_where_the_template_fits_is_the_sliding_sum():
    # Padding only to the image's own fast shape is enough: the circular wrap
    # reaches no place where the whole template lies inside the image.
    image = field((37, 53), seed=2)
    template = field((9, 14), seed=3)
    shape = fft.fast_shape(image.shape)
    assert shape == (40, 54)
    spectrum = fft.rfft2(image, shape) * np.conj(fft.rfft2(template, shape))
    correlation = fft.irfft2(spectrum, shape)
    vh, vw = 37 - 9 + 1, 53 - 14 + 1
    expected = np.array(
        [
            [float((image[y : y + 9, x : x + 14] * template).sum()) for x in range(vw)]
            for y in range(vh)
        ]
    )
    assert np.abs(correlation[:vh, :vw] - expected).max() < 1e-4


def test_fast_length_is_the_least_length_of_small_factors():
    def smooth(m: int) -> bool:
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        return m == 1

    assert fft.fast_shape((408, 817)) == (432, 864)
    for n in (1, 2, 7, 97, 101, 257, 409, 811, 1009):
        length = fft.fast_length(n)
        assert smooth(length)
        assert length >= n
        assert not any(smooth(m) for m in range(n, length))
