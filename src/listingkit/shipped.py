"""Where the data files shipped with listingkit are.

In a wheel they are package data (``listingkit/_rules``, copied from the
repository's top-level ``rules/`` by the build). In a source checkout or an
editable install they are read from ``rules/`` itself, so an edit there is
seen at once. The platform rule files and the segmenter's dictionary are both
found here; this module imports nothing of listingkit, so any layer may ask.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["rules_dir"]

_PACKAGE = Path(__file__).resolve().parent


@cache
def rules_dir() -> Path:
    packaged = _PACKAGE / "_rules"
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent.parent / "rules"
