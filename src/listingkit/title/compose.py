"""Compose titles by the formula 营销词 + 类目词 + 产品词 + 属性词 + 修饰词.

Words go in by priority — the product word first (always kept), then brand,
category, further product words, attributes, marketing words, modifiers; with
keyword data, category words and attributes together by value, and each later
part by value — and a word that does not fit, repeats a word already in, or is
banned is left out with the reason. Value decides only which words are kept:
the kept words are written in the rule file's formula order, and within a part
in the order the sheet gives them. Variants that leave out one word each make
room for others; the candidates are ranked by the keyword demand they cover
(or, without keyword data, by how much of the formula they cover) and the
length they use. With keyword data, each row also gets suggested words: the
most valuable search terms for its product word that no candidate covers.
The same input always gives the same output.

What a title must pass is what the selected title checks say (see
:mod:`listingkit.title.gates`): a check declared ``gate=True`` refuses a word
whose finding the rule file puts at warning or above, and the composer knows
no check by its code. A hit at info keeps the word; the finding goes with the
candidate.

Speed: a sheet repeats the same words on many rows, so each distinct word is
cleaned, checked, measured and segmented once per composer. Variants are
searched with those word-level facts (each resumes from the base title's
state just before the word it leaves out, since every word before it is
placed as in the base); only the candidates returned are run
through the gates (the word a hit's span falls in is then left out, and the
title checked again). A candidate's tokens are its words' own, joined where
the segmenter proves the words meet without a word crossing
(:meth:`~listingkit.title.context.TitleContext.joined_tokens`): the same
tokens as segmenting the title whole, at a fraction of the cost. Most
candidates need no tokens at all: where the characters alone show that no
word can repeat (:func:`~listingkit.title.repeat.may_repeat`), the
repetition check finds nothing without segmenting.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

import regex

from listingkit.arguments import code_list, kind_of, rules_argument, word_tuple
from listingkit.errors import ArgumentError, CompositionError
from listingkit.findings import Finding
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.text.chars import CHAR_CLASSES, find_class
from listingkit.text.width import units_of
from listingkit.text.wordlist import normal_form
from listingkit.title.context import TitleContext
from listingkit.title.gates import Gates, refusing
from listingkit.title.repeat import Unit, may_repeat, word_repeat, word_terms
from listingkit.title.score import KeywordScores
from listingkit.title.subject import TOKENS

__all__ = [
    "CompositionError",
    "Dropped",
    "Suggestion",
    "TitleCandidate",
    "TitleComposer",
    "TitleParams",
    "compose_titles",
]

PARTS = ("brand", "marketing", "category", "product", "attribute", "modifier")
_OPTIONAL = frozenset({"attribute", "marketing", "modifier", "product"})
#: Suggested search terms per row, at most.
SUGGESTIONS = 5
PART_LABELS = {
    "brand": "品牌",
    "marketing": "营销词",
    "category": "类目词",
    "product": "产品词",
    "attribute": "属性词",
    "modifier": "修饰词",
}
# Every character class a rule file can forbid is cut out of each word, and
# words are joined with at most one space: the character, spacing and length
# checks hold by construction and need no gate.
_STRIP = tuple(CHAR_CLASSES)
_SPACES = regex.compile(r"\s+")


#: How many variants (each leaving out one kept word) are ranked; fixed, so the
#: best candidate does not depend on how many are asked for.
VARIANTS = 12


@dataclass(frozen=True)
class TitleParams:
    """One row of a parameter sheet: the words to compose a title from.

    Each part is a tuple of words; a single string is taken as one word
    (``product="连衣裙"`` is ``product=("连衣裙",)``), and None as no word.
    Anything else raises :class:`ArgumentError`.
    """

    product: tuple[str, ...]
    category: tuple[str, ...] = ()
    brand: tuple[str, ...] = ()
    attribute: tuple[str, ...] = ()
    marketing: tuple[str, ...] = ()
    modifier: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for part in PARTS:
            words = word_tuple(getattr(self, part), f"TitleParams.{part}")
            object.__setattr__(self, part, words)


@dataclass(frozen=True, slots=True)
class Dropped:
    word: str
    part: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"word": self.word, "part": self.part, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A search term worth adding: related to the row's product word, covered by no candidate."""

    keyword: str  # as the keyword sheet writes it
    value: float

    def to_dict(self) -> dict[str, Any]:
        return {"keyword": self.keyword, "value": round(self.value, 4)}


@dataclass(frozen=True)
class TitleCandidate:
    title: str
    units: int
    words: tuple[str, ...]
    dropped: tuple[Dropped, ...]
    score: float
    #: What the gates found on the title at info: kept, as ``lint-titles`` reports it.
    findings: tuple[Finding, ...] = ()

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
    units: int
    terms: tuple[Unit, ...]  # its content tokens, as the repeat check sees them
    seq: int = 0  # where the sheet puts it: the order within a part
    order: tuple[int, int] = (0, 0)  # (the part's place in the formula, seq): where it is written
    lead: bool = field(init=False)  # starts with a Latin letter or digit
    tail: bool = field(init=False)  # ends with one

    def __post_init__(self) -> None:
        object.__setattr__(self, "lead", _latin_edge(self.text[0]))
        object.__setattr__(self, "tail", _latin_edge(self.text[-1]))


@dataclass(frozen=True, slots=True)
class _Vetted:
    """What a composer knows of one cleaned word, whatever row it is on."""

    text: str
    refusal: str | None
    units: int
    terms: tuple[Unit, ...]
    key: str  # normal form: words equal but for width and case are one word


@dataclass
class _Build:
    words: list[_Word] = field(default_factory=list)
    dropped: dict[str, Dropped] = field(default_factory=dict)
    units: int = 0
    notes: tuple[Finding, ...] = ()  # the gates' findings at info on the settled title


@dataclass(frozen=True, slots=True)
class _State:
    """A build part way: what it had placed before a word went in."""

    line: _Line
    words: tuple[_Word, ...]
    dropped: dict[str, Dropped]
    chosen: frozenset[int]


class _Line:
    """Words in formula order with their exact units, updated word by word."""

    __slots__ = ("_ascii", "_keys", "units", "words")

    def __init__(self, ascii_weight: int) -> None:
        self._ascii = ascii_weight
        self.words: list[_Word] = []
        self._keys: list[tuple[int, int]] = []  # each placed word's order
        self.units = 0

    def cost(self, word: _Word) -> tuple[int, int]:
        """(units after adding ``word``, where it goes)."""
        index = bisect.bisect(self._keys, word.order)
        words = self.words
        units = self.units + word.units
        left = words[index - 1] if index > 0 else None
        right = words[index] if index < len(words) else None
        # A space between two Latin letters or digits: added on each side, and
        # the one between the new word's neighbours is no longer needed.
        if left is not None and left.tail and word.lead:
            units += self._ascii
        if right is not None and word.tail and right.lead:
            units += self._ascii
        if left is not None and right is not None and left.tail and right.lead:
            units -= self._ascii
        return units, index

    def copy(self) -> _Line:
        line = _Line(self._ascii)
        line.words = list(self.words)
        line._keys = list(self._keys)
        line.units = self.units
        return line

    def add(self, word: _Word, cost: tuple[int, int] | None = None) -> None:
        """Place ``word``; ``cost`` is what :meth:`cost` just gave for it, if known."""
        units, index = cost if cost is not None else self.cost(word)
        self._keys.insert(index, word.order)
        self.words.insert(index, word)
        self.units = units


def _clean(word: str) -> str:
    for name in _STRIP:
        for run in reversed(list(find_class(name, word))):
            word = word[: run.start] + " " + word[run.end :]
    return _SPACES.sub(" ", word).strip()


def _latin_edge(char: str) -> bool:
    return char.isascii() and char.isalnum()


_BY_ORDER = attrgetter("order")
_UNKNOWN = object()  # not yet in a cache whose values may be None


def _render(words: Sequence[_Word]) -> str:
    """Placed words run together; a space only between two Latin letters or digits."""
    texts: list[str] = []
    after_latin = False
    for word in words:
        if after_latin and word.lead:
            texts.append(" ")
        texts.append(word.text)
        after_latin = word.tail
    return "".join(texts)


class TitleComposer:
    """Composes titles for many rows with one set of rules and keyword data."""

    def __init__(
        self,
        rules: Rules,
        *,
        keywords: KeywordScores | None = None,
        segmenter: str = "jieba",
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
    ) -> None:
        self.rules = rules
        self.context = TitleContext(rules, segmenter)
        selection = Selection(code_list(select, "select"), code_list(ignore, "ignore"))
        self.gates = Gates(rules, self.context, selection)
        # Words that repeat one another are left out before placing only when a
        # gate would refuse the repeat; otherwise they stay, as the linter lets them.
        self._plan_repeats = self.gates.refuses_tokens()
        self._reads_tokens = any(TOKENS in spec.reads for spec in self.gates.checks)
        self.keywords = keywords.split_terms(self._is_word) if keywords else None
        self._values: dict[str, float] = {}
        self._related: dict[tuple[str, ...], list[tuple[str, float]]] = {}
        spec = rules.model.title
        self.limit = spec.max_units
        self.weights = spec.unit_weights
        order: list[str] = list(spec.formula)
        self.order = order if "brand" in order else ["brand", *order]
        self._rank = {part: i for i, part in enumerate(self.order)}
        self._vetted: dict[str, _Vetted] = {}
        # A word in a part at a place is the same _Word on every row it is on.
        self._words: dict[tuple[str, str, int], _Word] = {}
        # Whether two words (in title order) repeat: word_repeat, per pair of texts.
        self._repeats: dict[tuple[str, str], bool | None] = {}
        self._units: dict[str, int] = {}  # units of the titles of the last rows

    def compose(self, params: TitleParams, n: int = 5) -> list[TitleCandidate]:
        """Up to ``n`` candidates for one row, best first (see :func:`compose_titles`)."""
        return _compose(self, params, n)

    # -- words -----------------------------------------------------------------

    def vet(self, raw: str) -> _Vetted:
        """Clean, check, measure and segment a word once for every row it is on."""
        known = self._vetted.get(raw)
        if known is not None:
            return known
        text = _clean(raw)
        # Refused for what the gates report on the word at warning or above, in
        # the check's own words; a gate the rule file turns off refuses nothing.
        refused = refusing(self.gates.on_word(text)) if text else []
        refusal = refused[0].message if refused else None
        tokens = self.context.tokens(text) if text and not refusal else []
        terms = word_terms(tokens)
        vetted = _Vetted(text, refusal, units_of(text, self.weights), terms, normal_form(text))
        if len(self._vetted) > 100_000:  # a sheet of unique words: keep memory flat
            self._vetted.clear()
        self._vetted[raw] = vetted
        return vetted

    def _is_word(self, text: str) -> bool:
        return self.context.segmenter.is_word(text)

    def value(self, word: str) -> float:
        if not self.keywords:
            return 0.0
        known = self._values.get(word)
        if known is None:
            known = self._values[word] = self.keywords.word_value(word)
        return known

    def pool(self, params: TitleParams) -> tuple[_Word, list[_Word], list[Dropped]]:
        """The main product word, the other words in priority order, and what was refused."""
        refused: list[Dropped] = []
        seen: set[str] = set()
        words: dict[str, list[_Word]] = {part: [] for part in PARTS}
        sheet_order = {part: i for i, part in enumerate(PARTS)}
        # Product words first: a word given as both 产品词 and 营销词 is a product word.
        for part in ("product", *(p for p in PARTS if p != "product")):
            for place, raw in enumerate(getattr(params, part)):
                vetted = self.vet(raw)
                key = vetted.key
                if not vetted.text or key in seen:
                    continue
                seen.add(key)
                if vetted.refusal:
                    refused.append(Dropped(raw, part, vetted.refusal))
                    continue
                words[part].append(self._word(raw, vetted, part, sheet_order[part], place))
        if not words["product"]:
            products = [d for d in refused if d.part == "product"]
            if products:
                first = products[0]
                raise CompositionError(f"产品词“{first.word}”不能用：{first.reason}")
            raise CompositionError("没有产品词：产品词列为空")
        # The first product word that fits on its own leads the title.
        fitting = [w for w in words["product"] if self.limit is None or w.units <= self.limit]
        if not fitting:
            longest = words["product"][0].text
            raise CompositionError(f"产品词“{longest}”本身就超过了 {self.limit} 的长度上限")
        main = fitting[0]
        other_products = [w for w in words["product"] if w is not main]
        specific = self._more_specific(main, words)
        if specific is not None:
            # 豆腐猫砂 says 猫砂 and more: it leads the title, and the bare product
            # word, which would only repeat it, is left out (as TITLE020 would say).
            words[specific.part].remove(specific)
            other_products = [w for w in other_products if w is not specific]
            refused.append(Dropped(main.text, "product", f"已包含在“{specific.text}”里"))
            main = replace(specific, part="product", order=(self._rank["product"], specific.seq))

        def by_value(ws: list[_Word]) -> list[_Word]:
            return sorted(ws, key=lambda w: -w.value)  # stable: sheet order breaks ties

        if self.keywords:
            # A category word with no search value goes before a valuable attribute.
            ordered = [
                *words["brand"],
                *other_products,
                *by_value([*words["category"], *words["attribute"]]),
                *by_value(words["marketing"]),
                *by_value(words["modifier"]),
            ]
        else:
            ordered = [
                *words["brand"],
                *words["category"],
                *other_products,
                *words["attribute"],
                *words["marketing"],
                *words["modifier"],
            ]
        return main, ordered, refused

    def _word(self, raw: str, vetted: _Vetted, part: str, column: int, place: int) -> _Word:
        known = self._words.get((raw, part, place))
        if known is None:
            value = self.value(vetted.text)
            seq = column * 10_000 + place
            order = (self._rank[part], seq)
            known = _Word(vetted.text, part, value, vetted.units, vetted.terms, seq, order)
            if len(self._words) > 100_000:  # a sheet of unique words: keep memory flat
                self._words.clear()
            self._words[(raw, part, place)] = known
        return known

    def _more_specific(self, main: _Word, words: dict[str, list[_Word]]) -> _Word | None:
        """A word of the row that is the product word with words in front (豆腐猫砂 for 猫砂).

        Only a word that ends with the product word names the same product: 猫砂盆
        begins with 猫砂 and is another product. The most valuable such word
        wins (sheet order breaks ties); it must fit the length limit on its own.
        """
        key = normal_form(main.text)
        found = [
            w
            for part in ("product", "category", "attribute", "marketing", "modifier")
            for w in words[part]
            if w is not main
            and len(normal_form(w.text)) > len(key)
            and normal_form(w.text).endswith(key)
            and (self.limit is None or w.units <= self.limit)
        ]
        return max(found, key=lambda w: w.value, default=None) if found else None

    def suggest(
        self, params: TitleParams, candidates: Sequence[TitleCandidate]
    ) -> list[Suggestion]:
        """The most valuable search terms for the row's product words that no candidate covers.

        A term is for a product word when it contains it, or when the two share
        a whole word (冰丝打底衫 and 打底衫T恤 share 打底衫). Without keyword data,
        none.
        """
        if not self.keywords:
            return []
        products = tuple(normal_form(_clean(p)) for p in params.product)
        related = self._related.get(products)
        if related is None:
            related = self._related_terms(products)
            if len(self._related) > 10_000:
                self._related.clear()
            self._related[products] = related
        titles = [normal_form(c.title) for c in candidates]
        found: list[Suggestion] = []
        for term, value in related:
            if not any(self.keywords.covers_folded(title, term) for title in titles):
                found.append(Suggestion(self.keywords.written.get(term, term), value))
                if len(found) >= SUGGESTIONS:
                    break
        return found

    def _related_terms(self, products: Sequence[str]) -> list[tuple[str, float]]:
        assert self.keywords is not None
        whole = {p for p in products if p}
        words = set(whole)
        for product in whole:
            words |= {t.text.casefold() for t in self.context.tokens(product) if len(t.text) > 1}
        words = {normal_form(w) for w in words}
        related = [
            (term, value)
            for term, value in self.keywords.values.items()
            if value > 0
            and (
                any(p in term for p in whole) or not words.isdisjoint(self.keywords.words_of(term))
            )
        ]
        return sorted(related, key=lambda tv: (-tv[1], tv[0]))

    # -- titles ----------------------------------------------------------------

    def placed(self, words: Sequence[_Word]) -> list[_Word]:
        """The words in formula order (within a part, in the sheet's order)."""
        return sorted(words, key=_BY_ORDER)

    def render(self, words: Sequence[_Word]) -> str:
        return _render(self.placed(words))

    def build(
        self,
        main: _Word,
        pool: Sequence[_Word],
        clashes: Sequence[frozenset[int]],
        skip: int,
        *,
        states: dict[int, _State] | None = None,
    ) -> _Build:
        """Add the pool's words in order, leaving out ``skip`` (an index, or -1).

        With ``states`` and ``skip`` -1, the state before each optional word
        that goes in is kept there; with ``skip`` a key of ``states``, the
        build resumes from that state, since every word before ``skip`` is
        placed exactly as in the build that kept it.
        """
        resume = states.get(skip) if states is not None and skip >= 0 else None
        if resume is None:
            line = _Line(self.weights.ascii)
            line.add(main)
            if self.limit is not None and line.units > self.limit:
                raise CompositionError(f"产品词“{main.text}”本身就超过了 {self.limit} 的长度上限")
            build = _Build([main])
            chosen: set[int] = {-1}  # -1 is the main product word, always in
            first = 0
        else:
            line = resume.line.copy()
            build = _Build(list(resume.words), dict(resume.dropped))
            chosen = set(resume.chosen)
            first = skip
        record = states is not None and skip < 0
        limit = self.limit
        for index in range(first, len(pool)):
            word = pool[index]
            clash = clashes[index] & chosen if clashes[index] else None
            if index == skip:
                build.dropped[word.text] = Dropped(word.text, word.part, "本候选未用此词")
                continue
            if clash:
                other = "产品词" if -1 in clash else f"“{pool[min(clash)].text}”"
                build.dropped[word.text] = Dropped(word.text, word.part, f"与{other}重复")
                continue
            cost = line.cost(word)
            if limit is not None and cost[0] > limit:
                build.dropped[word.text] = Dropped(word.text, word.part, "超出长度上限")
            else:
                if record and word.part in _OPTIONAL:
                    assert states is not None
                    states[index] = _State(
                        line.copy(), tuple(build.words), dict(build.dropped), frozenset(chosen)
                    )
                line.add(word, cost)
                build.words.append(word)
                chosen.add(index)
        build.units = line.units
        return build

    def clashes(self, main: _Word, pool: Sequence[_Word]) -> list[frozenset[int]]:
        """For each pool word, the words it repeats (by index; -1 the main product word).

        Two words repeat as TITLE020 finds them on the two words written in
        title order (:func:`~listingkit.title.repeat.word_repeat`): each word is
        whole, so words sharing only a character (羽绒服, 面包服) never clash. A
        word clashes with an earlier one only when it is the one to delete;
        when the earlier word is (猫砂 before 豆腐猫砂), the gate on the whole title
        leaves that one out. The main product word is always in, so any repeat
        of it leaves the other word out. No word clashes when no gate would
        refuse a repeat.
        """
        if not self._plan_repeats:
            return [frozenset()] * len(pool)

        # Where each word is written in the title: a pair is judged in that order.
        place = {id(w): n for n, w in enumerate(self.placed([main, *pool]))}

        repeats = self._repeats

        def answer(first: _Word, second: _Word) -> bool | None:
            # word_repeat of two words written in this order; a word's terms follow from its text.
            pair = (first.text, second.text)
            if pair in repeats:
                return repeats[pair]
            known = word_repeat(first.terms, second.terms)
            if len(repeats) > 200_000:
                repeats.clear()
            repeats[pair] = known
            return known

        # The words that can repeat at all, with where each is written.
        judged = [(j, w, w.text, place[id(w)]) for j, w in enumerate(pool) if w.terms]
        result: list[frozenset[int]] = []
        for i, word in enumerate(pool):
            if not word.terms:
                result.append(frozenset())
                continue
            here = place[id(word)]
            text = word.text
            found: set[int] = set()
            for j, other, other_text, there in judged:
                if j >= i:
                    break
                # The pair judged in title order; the word flagged must be this one.
                # (answer's cache read here first: this loop runs for every pair of every row.)
                if there < here:
                    known = repeats.get((other_text, text), _UNKNOWN)
                    if known is _UNKNOWN:
                        known = answer(other, word)
                    if known is True:
                        found.add(j)
                else:
                    known = repeats.get((text, other_text), _UNKNOWN)
                    if known is _UNKNOWN:
                        known = answer(word, other)
                    if known is False:
                        found.add(j)
            if main.terms:
                if place[id(main)] < here:
                    flags = answer(main, word) is not None
                else:
                    flags = answer(word, main) is not None
                if flags:
                    found.add(-1)
            result.append(frozenset(found))
        return result

    def settle(self, main: _Word, build: _Build, title: str | None = None) -> str:
        """Leave out words until the whole title passes the gates; the title.

        ``title`` is the build's words rendered, if already known. The word a
        refusing finding's span falls in is left out, with the finding's
        message as the reason; findings at info stay with the build.
        """
        while True:
            if title is None:
                title = self.render(build.words)
            if self._reads_tokens and may_repeat(title):
                # Segmented where its words meet, not whole: the tokens the gates read
                # (none, where the characters alone show no word can repeat).
                self.context.joined_tokens([w.text for w in self.placed(build.words)], title)
            findings = self.gates.on_title(title)
            refused = refusing(findings)
            if not refused:
                build.units = self.units_of(title)
                build.notes = tuple(findings)
                return title
            finding = refused[0]
            culprit = self._word_at(build.words, title, finding.location.span, main)
            if culprit is None:
                raise CompositionError(f"无法避开：{finding.message}")
            build.words.remove(culprit)
            build.dropped[culprit.text] = Dropped(culprit.text, culprit.part, finding.message)
            title = None

    def _word_at(
        self, words: list[_Word], title: str, span: tuple[int, int] | None, main: _Word
    ) -> _Word | None:
        """The word a finding's span falls in; never the main product word."""
        start = span[0] if span else 0
        position = 0
        for word in self.placed(words):
            position = title.index(word.text, position)
            if position <= start < position + len(word.text):
                if word is not main:
                    return word
                break
            position += len(word.text)
        # The hit is in the product word: leave out the lowest-priority other word.
        others = [w for w in words if w is not main]
        return others[-1] if others else None

    def units_of(self, title: str) -> int:
        """A title's units: asked for when it is ranked, settled and returned."""
        known = self._units.get(title)
        if known is None:
            known = units_of(title, self.weights)
            if len(self._units) > 4096:
                self._units.clear()
            self._units[title] = known
        return known

    def score(self, title: str, words: Sequence[_Word]) -> float:
        usage = self.units_of(title) / self.limit if self.limit else 0.0
        if self.keywords:
            return self.keywords.title_value(title) + 0.01 * usage
        parts = {w.part for w in words}
        return 10.0 * len(parts) + len(words) + usage

    def candidate(
        self,
        title: str,
        build: _Build,
        refused: Sequence[Dropped],
        score: float | None = None,
    ) -> TitleCandidate:
        """``score`` is :meth:`score` of the title and the build's words, if already known."""
        return TitleCandidate(
            title=title,
            units=self.units_of(title),
            words=tuple(w.text for w in build.words),
            dropped=(*refused, *build.dropped.values()),
            score=self.score(title, build.words) if score is None else score,
            findings=build.notes,
        )


def compose_titles(
    params: TitleParams,
    rules: Rules,
    *,
    keywords: KeywordScores | None = None,
    n: int = 5,
    segmenter: str = "jieba",
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[TitleCandidate]:
    """Up to ``n`` candidate titles for one row of parameters, best first.

    Every candidate is within ``title.max_units``, keeps the main product word,
    follows the formula order, has no character the rules forbid, and passes
    every selected title check that composed titles must pass (banned words,
    repetition, brands: :mod:`listingkit.title.gates`) at warning or above.
    ``select``/``ignore`` pick checks as for :func:`~listingkit.title.lint.lint_title`.
    Raises :class:`CompositionError` when the row cannot give any title. For
    many rows, make one :class:`TitleComposer` and call its ``compose``: it
    checks each distinct word only once.
    """
    if not isinstance(params, TitleParams):
        raise ArgumentError(f"参数 params 应为 TitleParams，实际是 {kind_of(params)}")
    rules = rules_argument(rules)
    composer = TitleComposer(
        rules, keywords=keywords, segmenter=segmenter, select=select, ignore=ignore
    )
    return composer.compose(params, n)


def _compose(composer: TitleComposer, params: TitleParams, n: int) -> list[TitleCandidate]:
    main, pool, refused = composer.pool(params)
    clashes = composer.clashes(main, pool)
    states: dict[int, _State] = {}
    base = composer.build(main, pool, clashes, -1, states=states)
    # Leaving out one kept word (weakest first) makes room for the words that did
    # not fit; brand and category words are never left out for a variant (with
    # keyword data a category word can still miss out by value, when space is short).
    placed = {id(w) for w in base.words}  # each word of a row is its own object
    kept = [i for i, w in enumerate(pool) if id(w) in placed and w.part in _OPTIONAL]
    builds: dict[str, _Build] = {composer.render(base.words): base}
    for skip in reversed(kept[-VARIANTS:]):
        build = composer.build(main, pool, clashes, skip, states=states)
        builds.setdefault(composer.render(build.words), build)
    # Only what is returned is segmented whole and checked. Checking can only
    # remove words, so a score before checking is an upper bound: a variant
    # that changes is ranked again among the rest, and the first n accepted
    # are the best n — the same whatever n is.
    queue = [
        (-composer.score(t, b.words), -b.units, t, i, b) for i, (t, b) in enumerate(builds.items())
    ]
    heapq.heapify(queue)
    chosen: dict[str, TitleCandidate] = {}
    checked: set[int] = set()
    while queue and len(chosen) < max(n, 0):
        negative, _, title, index, build = heapq.heappop(queue)
        if index not in checked:
            checked.add(index)
            # The queue's title is the build's words rendered, as settle would make it.
            settled = composer.settle(main, build, title)
            if settled != title:
                score = composer.score(settled, build.words)
                heapq.heappush(queue, (-score, -build.units, settled, index, build))
                continue
        if title not in chosen:
            # The queued score is the title's with these words: settling changed neither.
            chosen[title] = composer.candidate(title, build, refused, -negative)
    return list(chosen.values())
