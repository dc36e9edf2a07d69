"""Fonts shipped with listingkit, for the pictures it draws (see README.md here)."""

from __future__ import annotations

from importlib import resources

__all__ = ["FONT_FILE", "font_bytes"]

#: A subset of Noto Sans CJK SC Regular (SIL OFL 1.1, see OFL.txt), made by
#: ``python -m listingkit.dev font`` (:mod:`listingkit.dev.font`).
FONT_FILE = "NotoSansCJKsc-Regular-subset.otf"


def font_bytes() -> bytes:
    """The shipped CJK font file's content (works from a wheel, a zip or a source tree)."""
    return resources.files(__name__).joinpath(FONT_FILE).read_bytes()
