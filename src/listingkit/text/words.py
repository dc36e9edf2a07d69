"""Find banned words (极限词) and brand words in a title.

Matching folds full/half width and letter case, and respects token
boundaries: a Latin or number word never matches inside a longer Latin word
or number (``NO.1`` is not in ``NO.12``), and no word matches inside a model
number such as ``ZX-最1``. A hit covered by an allowed phrase (第一次, a
registered brand) is not a hit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import regex

from listingkit.folding import normal_form

__all__ = ["PhraseHit", "PhraseMatcher", "normalize_with_offsets"]

T = TypeVar("T")

_ALNUM = regex.compile(r"[a-z0-9]")
_CODE_LEFT = regex.compile(r"[a-z0-9\-_/.]")


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normal form of ``text`` and, for each of its characters, the original index."""
    if unicodedata.is_normalized("NFKC", text):
        folded = text.casefold()
        if len(folded) == len(text):  # nothing expanded: a character-for-character map
            return folded, list(range(len(text)))
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = normal_form(char)
        pieces.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(pieces), offsets


@dataclass(frozen=True, slots=True)
class PhraseHit(Generic[T]):
    start: int  # in the original text
    end: int
    text: str  # as written in the title
    value: T


class PhraseMatcher(Generic[T]):
    """Matches a set of phrases, each carrying a value, with the rules above."""

    def __init__(self, phrases: Iterable[tuple[str, T]], allow: Iterable[str] = ()) -> None:
        self._values: dict[str, T] = {}
        for phrase, value in phrases:
            self._values.setdefault(normal_form(phrase), value)
        self._pattern = _alternation(self._values)
        self._allow = _alternation(dict.fromkeys(normal_form(a) for a in allow if a))
        # Most titles hold no phrase at all: a set lookup of their character
        # pairs against the phrases' first pairs rules them out without the regex.
        heads = frozenset(p[:2] for p in self._values)
        self._heads = heads if all(len(h) == 2 for h in heads) else None

    def find(self, text: str) -> list[PhraseHit[T]]:
        if self._pattern is None:
            return []
        if self._heads is not None:
            quick = normal_form(text)
            if self._heads.isdisjoint(quick[i : i + 2] for i in range(len(quick) - 1)):
                return []
        folded, offsets = normalize_with_offsets(text)
        allowed = _spans(self._allow, folded)
        found: list[tuple[int, int]] = []
        for match in self._pattern.finditer(folded, overlapped=True):
            start, end = match.span()
            if _glued(folded, start, end) or any(a <= start and end <= b for a, b in allowed):
                continue
            found.append((start, end))
        hits = []
        for start, end in _maximal(found):
            first, last = offsets[start], offsets[end - 1] + 1
            value = self._values[folded[start:end]]
            hits.append(PhraseHit(first, last, text[first:last], value))
        return hits


def _alternation(phrases: Iterable[str]) -> regex.Pattern[str] | None:
    ordered = sorted({p for p in phrases if p}, key=lambda p: (-len(p), p))
    if not ordered:
        return None
    return regex.compile("|".join(regex.escape(p) for p in ordered))


def _spans(pattern: regex.Pattern[str] | None, text: str) -> list[tuple[int, int]]:
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(text, overlapped=True)]


def _glued(text: str, start: int, end: int) -> bool:
    """Whether the hit sits inside a longer Latin word, number or model number."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    first, last = text[start], text[end - 1]
    if _ALNUM.match(first) and before and _ALNUM.match(before):
        return True
    if _ALNUM.match(last) and after and _ALNUM.match(after):
        return True
    # A Chinese word wedged between code characters: ZX-最1
    return bool(before and after and _CODE_LEFT.match(before) and _ALNUM.match(after))


def _maximal(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop hits inside a longer hit (全网最低价 contains 最低价)."""
    ordered = sorted(set(spans), key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int]] = []
    for start, end in ordered:
        if any(a <= start and end <= b for a, b in kept):
            continue
        kept.append((start, end))
    return kept
