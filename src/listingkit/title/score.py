"""Keyword data: how much a word is worth in a title.

A 生意参谋 export gives, per search term, its 搜索人气 (demand), 点击率 and
支付转化率 (how well demand turns into sales) and 在线商品数 (competition). A
term's value is demand × click rate × conversion over competition, scaled so
the best term is 1; a title is worth the sum of the terms it contains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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

    @classmethod
    def from_stats(cls, stats: Iterable[KeywordLike]) -> KeywordScores:
        raw: dict[str, float] = {}
        for stat in stats:
            demand = stat.popularity * _rate(stat.click_rate) * _rate(stat.conversion)
            competition = stat.competition if stat.competition and stat.competition > 0 else 1.0
            key = normal_form(stat.keyword.strip())
            if key:
                raw[key] = max(raw.get(key, 0.0), demand / competition)
        top = max(raw.values(), default=0.0)
        return cls({k: (v / top if top else 0.0) for k, v in raw.items()})

    def word_value(self, word: str) -> float:
        """What putting ``word`` in a title can reach: its best related search term."""
        key = normal_form(word)
        return max(
            (v for term, v in self.values.items() if key and (key in term or term in key)),
            default=0.0,
        )

    def title_value(self, title: str) -> float:
        """The sum of the values of the search terms the title contains whole."""
        folded = normal_form(title)
        return sum(v for term, v in self.values.items() if term in folded)


def _rate(value: float | None) -> float:
    # A missing rate must not zero a term out: treat it as neutral.
    return value if value is not None and value > 0 else 1.0
