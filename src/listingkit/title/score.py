"""Keyword data: how much a word is worth in a title.

A 生意参谋 export gives, per search term, its 搜索人气 (demand), 点击率 and
支付转化率 (how well demand turns into sales) and 在线商品数 (competition). A
term's value is demand × click rate × conversion over competition, scaled so
the best term is 1. A rate the export leaves empty ("-") takes the median of
that column, so a gap neither wins nor loses; a rate of 0 is a real 0.

A title covers a term when the term is in it as written (幼猫猫粮 in
…幼猫猫粮…), or when the term cut at its own word boundaries has every piece
in the title, apart from one another: the formula puts attributes after the
product word, while buyers search 碎花连衣裙 — a title "连衣裙碎花" still
reaches that search. A piece is two characters or more: a word the segmenter
knows (its dictionary, or kept whole when cut alone), a run of Latin letters
and digits (10kg), or two characters next to such words. Single characters
never cover anything, so "猫…粮" does not cover 猫粮10kg; 幼猫猫粮 cuts into
幼猫 + 猫粮 whatever the segmenter makes of the whole term (幼/猫猫/粮).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import regex

from listingkit.text.wordlist import normal_form

__all__ = ["KeywordLike", "KeywordScores"]


class KeywordLike(Protocol):
    @property
    def keyword(self) -> str: ...
    @property
    def popularity(self) -> float: ...
    @property
    def click_rate(self) -> float | None: ...
    @property
    def conversion(self) -> float | None: ...
    @property
    def competition(self) -> float | None: ...


@dataclass(frozen=True)
class KeywordScores:
    """Normalised value per search term (normal form → value in 0..1)."""

    values: dict[str, float]
    #: term → the ways it cuts into whole words at its own word boundaries (normal
    #: forms); a term missing here is covered only as written
    parts: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    #: term → the keyword as the export wrote it (cut as written: T恤女, not t恤女)
    written: dict[str, str] = field(default_factory=dict)
    #: piece (or run of neighbouring pieces) → the best value of a term it is in
    piece_values: dict[str, float] = field(default_factory=dict)
    # What title_value checks, built from ``parts`` on first use.
    _plan: dict[str, _Plan] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_stats(cls, stats: Iterable[KeywordLike]) -> KeywordScores:
        rows = list(stats)
        click = _median([s.click_rate for s in rows])
        conversion = _median([s.conversion for s in rows])
        raw: dict[str, float] = {}
        written: dict[str, str] = {}
        for stat in rows:
            rate = _or(stat.click_rate, click) * _or(stat.conversion, conversion)
            competition = stat.competition if stat.competition and stat.competition > 0 else 1.0
            key = normal_form(stat.keyword.strip())
            if key:
                raw[key] = max(raw.get(key, 0.0), stat.popularity * rate / competition)
                written.setdefault(key, stat.keyword.strip())
        top = max(raw.values(), default=0.0)
        return cls({k: (v / top if top else 0.0) for k, v in raw.items()}, written=written)

    def split_terms(self, is_word: Callable[[str], bool]) -> KeywordScores:
        """The same scores, each term cut at its word boundaries (``is_word``: the segmenter's).

        Terms are cut as the export wrote them (T恤女: ``is_word`` knows T恤).
        """
        known: dict[str, bool] = {}

        def word(text: str) -> bool:
            found = known.get(text)
            if found is None:
                found = len(text) > 1 and (bool(_LATIN_RUN.fullmatch(text)) or is_word(text))
                if not found and text.upper() != text:
                    found = is_word(text.upper())
                known[text] = found
            return found

        parts: dict[str, tuple[tuple[str, ...], ...]] = {}
        pieces: dict[str, float] = {}
        for term, value in self.values.items():
            cuts = _term_cuts(self.written.get(term, term), word)
            cuts = [cut for cut in cuts if cut != (term,)]
            if cuts:
                parts[term] = tuple(cuts)
            # A word is a piece, or pieces next to one another (2024新款 of 2024新款女装).
            for piece in {"".join(cut[i:j]) for cut in cuts for i, j in _spans(len(cut))}:
                pieces[piece] = max(pieces.get(piece, 0.0), value)
        return KeywordScores(self.values, parts, self.written, pieces)

    def covers(self, title: str, term: str) -> bool:
        """Whether ``title`` covers the search term ``term`` (a normal form)."""
        return self.covers_folded(normal_form(title), term)

    def covers_folded(self, folded: str, term: str) -> bool:
        """:meth:`covers` for a title already in normal form."""
        if term in folded:
            return True
        return any(_apart(folded, cut) for cut in self.parts.get(term, ()))

    def words_of(self, term: str) -> frozenset[str]:
        """The whole words of a term: the term itself and the pieces of its cuts."""
        return frozenset({term, *(p for cut in self.parts.get(term, ()) for p in cut)})

    def word_value(self, word: str) -> float:
        """What putting ``word`` in a title can reach: its best related search term.

        A word relates to a term it covers, or of which it is a piece; a word
        that is only somewhere inside a term (猫 in 猫粮) relates to nothing.
        """
        key = normal_form(word)
        if not key:
            return 0.0
        best = self.piece_values.get(key, 0.0)
        for term, value in self.values.items():
            if value > best and self.covers_folded(key, term):
                best = value
        return best

    def title_value(self, title: str) -> float:
        """The sum of the values of the search terms the title covers."""
        folded = normal_form(title)
        plan = self._plan.get("plan")
        if plan is None:
            plan = self._plan["plan"] = _Plan.of(self)
        total = sum(v for term, v in plan.whole if term in folded)
        present = {piece for piece in plan.pieces if piece in folded}
        for term, value, sets, cuts in plan.split:
            # A term in the title as written has all of some cut's pieces in it too.
            if not any(needed <= present for needed in sets):
                continue
            if term in folded or any(_apart(folded, cut) for cut in cuts):
                total += value
        return total


@dataclass(frozen=True)
class _Plan:
    """The terms grouped for checking many titles: one-word terms, and cut terms."""

    whole: tuple[tuple[str, float], ...]
    split: tuple[tuple[str, float, tuple[frozenset[str], ...], tuple[tuple[str, ...], ...]], ...]
    pieces: frozenset[str]

    @classmethod
    def of(cls, scores: KeywordScores) -> _Plan:
        whole, split = [], []
        for term, value in scores.values.items():
            cuts = scores.parts.get(term, ())
            if cuts:
                split.append((term, value, tuple(frozenset(c) for c in cuts), cuts))
            else:
                whole.append((term, value))
        pieces = frozenset(p for _, _, _, cuts in split for cut in cuts for p in cut)
        return cls(tuple(whole), tuple(split), pieces)


# A run of Latin letters and digits is a piece of its own and is never cut inside.
_LATIN_RUN = regex.compile(r"[A-Za-z0-9]+")
#: Longest piece tried, and most cuts kept per term: keyword terms are short.
_LONGEST_PIECE = 12
_MOST_CUTS = 16


def _spans(count: int) -> Iterator[tuple[int, int]]:
    """Runs of neighbouring pieces of a cut of ``count``, short of the whole cut."""
    return ((i, j) for i in range(count) for j in range(i + 1, count + 1) if j - i < count)


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _chunk_cuts(chunk: str, word: Callable[[str], bool]) -> list[tuple[str, ...]]:
    """The ways to cut ``chunk`` into pieces of two characters or more.

    A piece is a known word, or two characters whose neighbours are known
    words (猫粮 in 幼猫猫粮); no cut splits a run of Latin letters and digits.
    """
    size = len(chunk)
    memo: dict[int, list[tuple[str, ...]]] = {size: [()]}

    def from_(start: int) -> list[tuple[str, ...]]:
        if start in memo:
            return memo[start]
        found: list[tuple[str, ...]] = []
        for end in range(start + 1, min(size, start + _LONGEST_PIECE) + 1):
            if end < size and _latin(chunk[end - 1]) and _latin(chunk[end]):
                continue
            piece = chunk[start:end]
            # A known word with one character after it ends a term as one piece
            # (t恤女, 连衣裙夏): the lone character never covers anything alone.
            known = word(piece) or (end == size and end - start > 2 and word(piece[:-1]))
            if len(piece) < 2 or (end - start > 2 and not known):
                continue
            for rest in from_(end):
                if rest and not (known or word(rest[0])):
                    continue
                found.append((piece, *rest))
                if len(found) >= _MOST_CUTS:
                    break
            if len(found) >= _MOST_CUTS:
                break
        memo[start] = found
        return found

    return from_(0)


def _term_cuts(written: str, word: Callable[[str], bool]) -> list[tuple[str, ...]]:
    cuts: list[tuple[str, ...]] = [()]
    for chunk in written.split():
        chunk_cuts = _chunk_cuts(chunk, word) or [(chunk,)]
        cuts = [(*a, *b) for a in cuts for b in chunk_cuts][:_MOST_CUTS]
    result: list[tuple[str, ...]] = []
    for cut in cuts:
        folded = tuple(p for p in (normal_form(piece) for piece in cut) if p)
        if folded and folded not in result:
            result.append(folded)
    return result


def _apart(folded: str, pieces: Sequence[str]) -> bool:
    """Every piece in ``folded``, no two on the same characters."""
    if not all(piece in folded for piece in pieces):  # the usual answer, found fast
        return False
    used: list[tuple[int, int]] = []
    for piece in sorted(pieces, key=len, reverse=True):
        start = folded.find(piece)
        while start != -1 and any(start < e and s < start + len(piece) for s, e in used):
            start = folded.find(piece, start + 1)
        if start == -1:
            return False
        used.append((start, start + len(piece)))
    return True


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _or(value: float | None, neutral: float | None) -> float:
    if value is not None:
        return value
    return neutral if neutral is not None else 1.0
