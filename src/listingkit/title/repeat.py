"""Repeated words in a title: the same word twice, or a word inside another word.

A title has room for about 30 Chinese characters; a word said twice spends
units without reaching a single extra search. ``连衣裙 … 裙`` counts too: the
short word is already inside the long one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from listingkit.text.segment import Token
from listingkit.text.wordlist import normal_form

__all__ = ["GLUE", "Repeat", "find_repeats"]

# Single characters that join words rather than carry a search term.
GLUE = frozenset("的之与和及或兼配加送带含款式型号版")

_CONTENT = regex.compile(r"[\p{Han}]|[A-Za-z]{2,}")


@dataclass(frozen=True, slots=True)
class Repeat:
    first: Token
    second: Token
    inside: bool  # the second (or first) token is contained in the other


def _is_content(token: Token) -> bool:
    text = token.text.strip()
    return bool(text) and text not in GLUE and _CONTENT.search(text) is not None


def find_repeats(tokens: Sequence[Token]) -> list[Repeat]:
    """Each later token that repeats an earlier one, or sits inside another token."""
    content = [t for t in tokens if _is_content(t)]
    repeats: list[Repeat] = []
    for i, later in enumerate(content):
        later_key = normal_form(later.text)
        for earlier in content[:i]:
            earlier_key = normal_form(earlier.text)
            if later_key == earlier_key:
                repeats.append(Repeat(earlier, later, inside=False))
            elif later_key in earlier_key or earlier_key in later_key:
                repeats.append(Repeat(earlier, later, inside=True))
            else:
                continue
            break
    return repeats
