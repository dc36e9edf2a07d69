"""Find banned words (极限词) and brand words in a title.

Matching folds the title first (:mod:`listingkit.text.evasion`: width, case,
traditional characters, circled digits, pinyin ``zui``, noise between
characters) and respects token
boundaries: a Latin or number word never matches inside a longer Latin word
or number (``NO.1`` is not in ``NO.12``), and no word matches inside a model
number such as ``ZX-最1``. A hit covered by an allowed phrase (第一次, a
registered brand) is not a hit. Word lists may hold patterns as well as
phrases (:func:`listingkit.folding.compile_pattern`), and allow-lists too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import regex

from listingkit.folding import CompiledPattern, normal_form
from listingkit.text.evasion import FoldedText, fold_for_matching, is_han

__all__ = ["PhraseHit", "PhraseMatcher", "normalize_with_offsets"]

T = TypeVar("T")

_ALNUM = regex.compile(r"[a-z0-9]")
_CODE_LEFT = regex.compile(r"[a-z0-9\-_/.]")


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The text as the matcher reads it and, for each of its characters, the original index.

    Folded as :func:`listingkit.text.evasion.fold_for_matching` folds it (width,
    case, traditional characters, circled digits, ``zui``, noise between words).
    """
    folded = fold_for_matching(text)
    return folded.text, [folded.span(i, i + 1)[0] for i in range(len(folded.text))]


@dataclass(frozen=True, slots=True)
class PhraseHit(Generic[T]):
    start: int  # in the original text
    end: int
    text: str  # as written in the title
    value: T


class PhraseMatcher(Generic[T]):
    """Matches a set of phrases and patterns, each carrying a value, with the rules above.

    Titles are folded by :func:`listingkit.text.evasion.fold_for_matching`
    (width, case, traditional characters, circled digits, ``zui``, noise
    between characters); every hit reports its span in the title as written.
    Where a phrase and a pattern match the same span, the phrase's value wins:
    a listed word is more precise than the pattern that also covers it.
    """

    def __init__(
        self,
        phrases: Iterable[tuple[str, T]],
        allow: Iterable[str] = (),
        *,
        patterns: Iterable[tuple[CompiledPattern, T]] = (),
        allow_patterns: Iterable[CompiledPattern] = (),
    ) -> None:
        self._values: dict[str, T] = {}
        for phrase, value in phrases:
            self._values.setdefault(normal_form(phrase), value)
        self._pattern = _alternation(self._values)
        self._patterns = [(regex.compile(p.regex), p.heads, v) for p, v in patterns]
        # Which patterns can begin with a character; those that can begin with
        # any character are always tried.
        self._by_head: dict[str, list[int]] = {}
        self._always = []
        for index, (_, pattern_heads, _) in enumerate(self._patterns):
            if pattern_heads is None:
                self._always.append(index)
            for head in pattern_heads or ():
                self._by_head.setdefault(head, []).append(index)
        self._cache: dict[str, list[PhraseHit[T]]] = {}
        allow_list = [regex.escape(normal_form(a)) for a in allow if a]
        allow_list += [p.regex for p in allow_patterns]
        self._allow = regex.compile("|".join(allow_list)) if allow_list else None
        # Most titles hold no phrase at all: a set lookup of their characters
        # against the characters a hit can begin with rules them out at once.
        heads: set[str] | None = {p[0] for p in self._values}
        for _, pattern_heads, _ in self._patterns:
            heads = None if heads is None or pattern_heads is None else heads | pattern_heads
        self._heads = None if heads is None else frozenset(heads)
        # A phrase can only be in a title that holds its first two characters:
        # one search with the standard re module (fast on plain alternatives)
        # rules most titles out before the overlapped search below.
        pairs = {p[:2] for p in self._values}
        self._pairs = (
            re.compile("|".join(map(re.escape, sorted(pairs))))
            if pairs and all(len(p) == 2 for p in pairs)
            else None
        )

    def find(self, text: str) -> list[PhraseHit[T]]:
        """Every hit in ``text``, in order. Cached: the composer asks about the
        same words and titles many times."""
        cached = self._cache.get(text)
        if cached is None:
            cached = self._find(text)
            if len(self._cache) > 8192:
                self._cache.clear()
            self._cache[text] = cached
        return list(cached)

    def _find(self, text: str) -> list[PhraseHit[T]]:
        if self._pattern is None and not self._patterns:
            return []
        folded = fold_for_matching(text)
        chars = folded.text
        if self._heads is not None and self._heads.isdisjoint(chars):
            return []
        found: dict[tuple[int, int], tuple[int, T]] = {}
        present = set(chars)
        if self._pattern is not None and (self._pairs is None or self._pairs.search(chars)):
            for match in self._pattern.finditer(chars, overlapped=True):
                found[match.span()] = (0, self._values[match.group()])
        chosen = set(self._always)
        for head in present.intersection(self._by_head):
            chosen.update(self._by_head[head])
        for index in sorted(chosen):
            compiled, _, value = self._patterns[index]
            for match in compiled.finditer(chars, overlapped=True):
                found.setdefault(match.span(), (1, value))
        if not found:
            return []
        allowed = _spans(self._allow, chars)
        kept: list[tuple[int, int, int]] = []
        for (start, end), (rank, _) in found.items():
            if start == end or _glued(chars, start, end) or _split(folded, start, end):
                continue
            if any(a <= start and end <= b for a, b in allowed):
                continue
            kept.append((start, end, rank))
        hits = []
        for start, end in _maximal(kept):
            first, last = folded.span(start, end)
            hits.append(PhraseHit(first, last, text[first:last], found[start, end][1]))
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


def _split(folded: FoldedText, start: int, end: int) -> bool:
    """Whether a hit spans a plain space between two words (全场最 好评如潮).

    Noise other than spaces inside a word (最-好, 最*佳) is an evasion. A
    space is too, unless the hit is glued to Chinese on both sides, when the
    space more likely separates two words that happen to meet.
    """
    chars = folded.text
    # Only a space before a Chinese character can end one word and start the next.
    inside = [i for i in range(start + 1, end) if i in folded.gaps]
    if not inside or not all(folded.gaps[i].isspace() and is_han(chars[i]) for i in inside):
        return False
    before = start > 0 and start not in folded.gaps and is_han(chars[start - 1])
    after = end < len(chars) and end not in folded.gaps and is_han(chars[end])
    return before and after


def _maximal(spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """One hit for each place: a listed phrase before a pattern, then the longer.

    全网最低价 hides 最低价 inside it; in 史上最低价 the phrase 最低价 hides the
    pattern's 史上最低 that overlaps it, since a listed word carries the more
    precise reason and replacement.
    """
    ordered = sorted(spans, key=lambda s: (s[2], s[0] - s[1], s[0]))
    kept: list[tuple[int, int]] = []
    for start, end, _ in ordered:
        if any(start < b and a < end for a, b in kept):
            continue
        kept.append((start, end))
    return sorted(kept)
