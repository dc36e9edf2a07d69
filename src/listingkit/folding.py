"""When two spellings are one word: full/half width and letter case folded.

Both the word-list loader (which refuses a word listed twice) and the matcher
(which finds a listed word in a title) fold text this way, so what the loader
calls a duplicate is exactly what the matcher cannot tell apart. It sits
below both: the rule-file layer and the text layer import it, and it imports
nothing of listingkit.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["normal_form"]


@lru_cache(maxsize=65536)
def normal_form(text: str) -> str:
    """Full/half width and letter case folded: ``ＮＯ．１`` and ``no.1`` are one word."""
    return unicodedata.normalize("NFKC", text).casefold()
