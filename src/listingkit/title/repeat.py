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

__all__ = ["GLUE", "Repeat", "content_keys", "find_repeats", "overlaps"]

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


def content_keys(tokens: Sequence[Token]) -> tuple[str, ...]:
    """The normal forms of the tokens that carry a search term."""
    return tuple(normal_form(t.text) for t in tokens if _is_content(t))


def overlaps(key: str, other: str) -> bool:
    """Whether two token keys repeat: the same, or one inside the other."""
    return key == other or key in other or other in key


def find_repeats(tokens: Sequence[Token]) -> list[Repeat]:
    """Each later token that repeats an earlier one, or sits inside another token."""
    content = [t for t in tokens if _is_content(t)]
    keys = [normal_form(t.text) for t in content]
    repeats: list[Repeat] = []
    for i in range(1, len(content)):
        key = keys[i]
        earlier = keys[:i]
        # One substring search over the earlier keys finds most repeats at C speed.
        if key not in "\x00".join(earlier) and not any(k in key for k in earlier):
            continue
        j = next(j for j, k in enumerate(earlier) if overlaps(key, k))
        repeats.append(Repeat(content[j], content[i], inside=key != earlier[j]))
    return repeats
