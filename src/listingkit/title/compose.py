"""Compose titles by the formula 营销词 + 类目词 + 产品词 + 属性词 + 修饰词.

Words go in by priority — the product word first (always kept), then brand,
category, further product words, attributes (strongest first), marketing
words, modifiers — and a word that does not fit, repeats a word already in,
or is banned is left out with the reason. The kept words are then written in
the rule file's formula order. Variants that leave out one word each make room
for others; the candidates are ranked by the keyword demand they cover (or,
without keyword data, by how much of the formula they cover) and the length
they use. The same input always gives the same output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from listingkit.errors import ListingkitError
from listingkit.ruleset.loader import Rules
from listingkit.text.chars import find_class
from listingkit.text.width import units_of
from listingkit.text.wordlist import normal_form
from listingkit.title.lint import TitleInput, TitleLinter
from listingkit.title.score import KeywordScores

__all__ = [
    "CompositionError",
    "Dropped",
    "TitleCandidate",
    "TitleComposer",
    "TitleParams",
    "compose_titles",
]

PARTS = ("brand", "marketing", "category", "product", "attribute", "modifier")
PART_LABELS = {
    "brand": "品牌",
    "marketing": "营销词",
    "category": "类目词",
    "product": "产品词",
    "attribute": "属性词",
    "modifier": "修饰词",
}
# Checks a candidate must pass; length is guaranteed by construction.
_MUST_PASS = ("TITLE003", "TITLE004", "TITLE005", "TITLE006", "TITLE010", "TITLE020", "TITLE030")
_STRIP = ("tab", "newline", "half_width_angle", "zero_width", "full_width_space", "emoji")
_SPACES = regex.compile(r"\s+")


class CompositionError(ListingkitError):
    """A row from which no title can be made (no product word, or it cannot be used)."""


@dataclass(frozen=True)
class TitleParams:
    """One row of a parameter sheet: the words to compose a title from."""

    product: tuple[str, ...]
    category: tuple[str, ...] = ()
    brand: tuple[str, ...] = ()
    attribute: tuple[str, ...] = ()
    marketing: tuple[str, ...] = ()
    modifier: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dropped:
    word: str
    part: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"word": self.word, "part": self.part, "reason": self.reason}


@dataclass(frozen=True)
class TitleCandidate:
    title: str
    units: int
    words: tuple[str, ...]
    dropped: tuple[Dropped, ...]
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "units": self.units,
            "dropped": [d.to_dict() for d in self.dropped],
        }


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    part: str
    value: float


@dataclass
class _Build:
    words: list[_Word] = field(default_factory=list)
    dropped: dict[str, Dropped] = field(default_factory=dict)


def _clean(word: str) -> str:
    for name in _STRIP:
        for run in reversed(list(find_class(name, word))):
            word = word[: run.start] + " " + word[run.end :]
    return _SPACES.sub(" ", word).strip()


def _join(words: Sequence[str]) -> str:
    """Words run together; a space only between two Latin letters or digits."""
    text = ""
    for word in words:
        if (
            text
            and text[-1].isascii()
            and text[-1].isalnum()
            and word[0].isascii()
            and word[0].isalnum()
        ):
            text += " "
        text += word
    return text


class TitleComposer:
    """Composes titles for many rows with one set of rules and keyword data."""

    def __init__(
        self,
        rules: Rules,
        *,
        keywords: KeywordScores | None = None,
        segmenter: str = "jieba",
    ) -> None:
        self.rules = rules
        self.keywords = keywords
        self.linter = TitleLinter(rules, select=_MUST_PASS, segmenter=segmenter)
        spec = rules.model.title
        self.limit = spec.max_units
        self.weights = spec.unit_weights
        order: list[str] = list(spec.formula)
        self.order = order if "brand" in order else ["brand", *order]

    def value(self, word: str) -> float:
        return self.keywords.word_value(word) if self.keywords else 0.0

    def pool(self, params: TitleParams) -> tuple[_Word, list[_Word], list[Dropped]]:
        """The main product word, the other words in priority order, and what was refused."""
        refused: list[Dropped] = []
        seen: set[str] = set()
        words: dict[str, list[_Word]] = {part: [] for part in PARTS}
        for part in PARTS:
            for raw in getattr(params, part):
                text = _clean(raw)
                key = normal_form(text)
                if not text or key in seen:
                    continue
                seen.add(key)
                banned = self.linter.context.banned.find(text)
                foreign = self.linter.context.foreign_brands.find(text)
                if banned or foreign:
                    what = banned[0].text if banned else foreign[0].text
                    kind = "极限词" if banned else "未授权的品牌词"
                    if part == "product" and not words["product"]:
                        raise CompositionError(f"产品词“{raw}”含{kind}“{what}”，无法组标题")
                    refused.append(Dropped(raw, part, f"含{kind}“{what}”"))
                    continue
                words[part].append(_Word(text, part, self.value(text)))
        if not words["product"]:
            raise CompositionError("没有产品词：产品词列为空")
        main, *other_products = words["product"]

        def by_value(ws: list[_Word]) -> list[_Word]:
            return sorted(ws, key=lambda w: -w.value)  # stable: sheet order breaks ties

        ordered = [
            *words["brand"],
            *words["category"],
            *other_products,
            *by_value(words["attribute"]),
            *by_value(words["marketing"]),
            *by_value(words["modifier"]),
        ]
        return main, ordered, refused

    def render(self, words: Sequence[_Word]) -> str:
        rank = {part: i for i, part in enumerate(self.order)}
        placed = sorted(enumerate(words), key=lambda iw: (rank.get(iw[1].part, len(rank)), iw[0]))
        return _join([w.text for _, w in placed])

    def fits(self, words: Sequence[_Word]) -> bool:
        return self.limit is None or units_of(self.render(words), self.weights) <= self.limit

    def build(self, main: _Word, pool: Sequence[_Word], skip: frozenset[str]) -> _Build:
        if not self.fits([main]):
            raise CompositionError(f"产品词“{main.text}”本身就超过了 {self.limit} 的长度上限")
        build = _Build([main])
        for word in pool:
            if word.text in skip:
                build.dropped[word.text] = Dropped(word.text, word.part, "为放入其他词而省略")
            elif self.fits([*build.words, word]):
                build.words.append(word)
            else:
                build.dropped[word.text] = Dropped(word.text, word.part, "超出长度上限")
        self.settle(main, build)
        return build

    def settle(self, main: _Word, build: _Build) -> None:
        """Leave out words until the assembled title passes the title checks."""
        while True:
            title = self.render(build.words)
            findings = self.linter.lint(TitleInput(title))
            if not findings:
                return
            finding = findings[0]
            culprit = self._word_at(build.words, title, finding.location.span, main)
            if culprit is None:
                raise CompositionError(f"无法避开：{finding.message}")
            build.words.remove(culprit)
            build.dropped[culprit.text] = Dropped(culprit.text, culprit.part, finding.message)

    def _word_at(
        self, words: list[_Word], title: str, span: tuple[int, int] | None, main: _Word
    ) -> _Word | None:
        """The word a finding's span falls in; never the main product word."""
        start = span[0] if span else 0
        position = 0
        rank = {part: i for i, part in enumerate(self.order)}
        placed = [w for _, w in sorted(enumerate(words), key=lambda iw: (rank[iw[1].part], iw[0]))]
        for word in placed:
            position = title.index(word.text, position)
            if position <= start < position + len(word.text):
                if word is not main:
                    return word
                break
            position += len(word.text)
        # The hit is in the product word: leave out the lowest-priority other word.
        others = [w for w in words if w is not main]
        return others[-1] if others else None

    def compose(self, params: TitleParams, n: int = 5) -> list[TitleCandidate]:
        """Up to ``n`` candidates for one row, best first (see :func:`compose_titles`)."""
        return _compose(self, params, n)

    def score(self, title: str, words: Sequence[_Word]) -> float:
        usage = units_of(title, self.weights) / self.limit if self.limit else 0.0
        if self.keywords:
            return self.keywords.title_value(title) + 0.01 * usage
        parts = {w.part for w in words}
        return 10.0 * len(parts) + len(words) + usage


def compose_titles(
    params: TitleParams,
    rules: Rules,
    *,
    keywords: KeywordScores | None = None,
    n: int = 5,
    segmenter: str = "jieba",
) -> list[TitleCandidate]:
    """Up to ``n`` candidate titles for one row of parameters, best first.

    Every candidate is within ``title.max_units``, keeps the main product word,
    follows the formula order, and passes the banned-word, repetition,
    character and brand checks. Raises :class:`CompositionError` when the row
    cannot give any title.
    """
    return TitleComposer(rules, keywords=keywords, segmenter=segmenter).compose(params, n)


def _compose(composer: TitleComposer, params: TitleParams, n: int) -> list[TitleCandidate]:
    main, pool, refused = composer.pool(params)
    variants: dict[str, TitleCandidate] = {}
    skips: list[frozenset[str]] = [frozenset()]
    base = composer.build(main, pool, frozenset())
    # Leaving out one kept word (weakest first) makes room for the words that did not fit.
    skips += [frozenset({w.text}) for w in reversed(base.words) if w is not main]
    for skip in skips:
        build = base if not skip else composer.build(main, pool, skip)
        title = composer.render(build.words)
        if title in variants:
            continue
        dropped = (*refused, *build.dropped.values())
        variants[title] = TitleCandidate(
            title=title,
            units=units_of(title, composer.weights),
            words=tuple(w.text for w in build.words),
            dropped=tuple(dropped),
            score=composer.score(title, build.words),
        )
    ranked = sorted(variants.values(), key=lambda c: (-c.score, -c.units, c.title))
    return ranked[: max(n, 0)]
