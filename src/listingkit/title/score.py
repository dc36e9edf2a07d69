"""Keyword data: how much a word is worth in a title.

A 生意参谋 export gives, per search term, its 搜索人气 (demand), 点击率 and
支付转化率 (how well demand turns into sales) and 在线商品数 (competition). A
term's value is demand × click rate × conversion over competition, scaled so
the best term is 1. A rate the export leaves empty ("-") takes the median of
that column, so a gap neither wins nor loses; a rate of 0 is a real 0.

A title covers a term when it contains each word of the term, in any order:
the formula puts attributes after the product word, while buyers search
碎花连衣裙 — a title "连衣裙碎花" still reaches that search.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

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
    #: term → the words it is made of (normal forms); a term missing here is one word
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: term → the keyword as the export wrote it (segmented as written: T恤女, not t恤女)
    written: dict[str, str] = field(default_factory=dict)

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

    def split_terms(self, tokenize: Callable[[str], Sequence[str]]) -> KeywordScores:
        """The same scores, each term cut into its words (by the title segmenter).

        A lone Latin letter or digit is not a word of its own (it would match
        inside any model number): it stays with the word after it, so t恤 and
        a字裙 keep their letter whichever case the export used.
        """
        parts = {}
        for term in self.values:
            words = [normal_form(w.strip()) for w in tokenize(self.written.get(term, term))]
            parts[term] = tuple(_glue_letters([w for w in words if w]))
        return KeywordScores(self.values, parts, self.written)

    def _covers(self, folded: str, term: str) -> bool:
        words = self.parts.get(term) or (term,)
        return all(word in folded for word in words)

    def word_value(self, word: str) -> float:
        """What putting ``word`` in a title can reach: its best related search term."""
        key = normal_form(word)
        return max(
            (
                v
                for term, v in self.values.items()
                if key and (key in term or term in key or key in self.parts.get(term, ()))
            ),
            default=0.0,
        )

    def title_value(self, title: str) -> float:
        """The sum of the values of the search terms the title covers."""
        folded = normal_form(title)
        return sum(v for term, v in self.values.items() if self._covers(folded, term))


def _glue_letters(words: list[str]) -> list[str]:
    glued: list[str] = []
    carry = ""
    for word in words:
        if len(word) == 1 and word.isascii():
            carry += word
            continue
        glued.append(carry + word)
        carry = ""
    return glued + ([carry] if carry and not glued else [])


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _or(value: float | None, neutral: float | None) -> float:
    if value is not None:
        return value
    return neutral if neutral is not None else 1.0
