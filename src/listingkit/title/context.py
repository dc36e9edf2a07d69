"""What title checks and the composer share for one set of rules.

Built once per run: the word matchers, the counting weights and the
segmenter choice. The segmenter itself (jieba) is loaded only when a check
first asks for tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from listingkit.ruleset import Rules
from listingkit.ruleset.models import TitleSpec, UnitWeights
from listingkit.ruleset.wordlists import BannedWord, load_word_lists
from listingkit.text.segment import JOINERS, Segmenter, Token, get_segmenter, protected_spans
from listingkit.text.words import PhraseMatcher

__all__ = ["TitleContext"]

_JOINERS = frozenset(JOINERS)


@dataclass(frozen=True, slots=True)
class _WordCut:
    """One word segmented alone, and the text at its edges that the segmenter cuts."""

    tokens: tuple[Token, ...]
    spans: tuple[tuple[int, int], ...]  # kept whole: brand words, model numbers
    head: str  # the text before its first kept-whole span (all of it when none)
    tail: str  # … after its last


@dataclass
class TitleContext:
    rules: Rules
    segmenter_name: str = "jieba"
    banned: PhraseMatcher[BannedWord] = field(init=False)
    foreign_brands: PhraseMatcher[str] = field(init=False)
    _token_cache: dict[str, list[Token]] = field(default_factory=dict, init=False, repr=False)
    _word_cache: dict[str, _WordCut] = field(default_factory=dict, init=False, repr=False)
    _junctions: dict[tuple[str, str], bool] = field(default_factory=dict, init=False, repr=False)
    _segmenter: Segmenter | None = field(default=None, init=False, repr=False)
    _protected: list[str] | None = field(default=None, init=False, repr=False)
    _shifted: dict[tuple[str, int], tuple[Token, ...]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        spec = self.spec
        lists = load_word_lists(spec.word_lists)
        allow = [phrase for wl in lists for phrase in wl.allow]
        allow += [*spec.allow_words, *spec.own_brands]
        words = [w for wl in lists for w in wl.words]
        self.banned = PhraseMatcher(
            ((w.word, w) for w in words if w.pattern is None),
            allow,
            patterns=((w.pattern, w) for w in words if w.pattern is not None),
            allow_patterns=[p for wl in lists for p in wl.allow_patterns],
        )
        self.foreign_brands = PhraseMatcher(
            ((brand, brand) for brand in spec.foreign_brands), spec.own_brands
        )

    @property
    def spec(self) -> TitleSpec:
        return self.rules.model.title

    @property
    def weights(self) -> UnitWeights:
        return self.spec.unit_weights

    @property
    def segmenter(self) -> Segmenter:
        if self._segmenter is None:  # loaded on first use, then asked for per title
            self._segmenter = get_segmenter(self.segmenter_name)
        return self._segmenter

    def tokens(self, text: str) -> list[Token]:
        """Tokens of a title, brand words kept whole; cached per text."""
        cached = self._token_cache.get(text)
        if cached is None:
            protect = [*self.spec.own_brands, *self.spec.foreign_brands]
            cached = self.segmenter.tokenize(text, protect)
            if len(self._token_cache) > 4096:
                self._token_cache.clear()
            self._token_cache[text] = cached
        return cached

    def joined_tokens(self, words: Sequence[str], title: str) -> list[Token]:
        """Tokens of ``title``, the ``words`` written together; the same as :meth:`tokens`.

        A title is segmented where its words meet only: where a space separates
        two words, or the segmenter proves that no dictionary word and no run of
        unknown characters crosses the junction (:meth:`Segmenter.separable`),
        the words' own tokens hold in the title. Words whose junction is not
        proven are segmented together, as one run. When the segmenter proves no
        junction (rjieba), or the brand words and model numbers kept whole are
        not the words' own, the title is segmented whole.
        """
        cached = self._token_cache.get(title)
        if cached is not None:
            return cached
        joined = self.tokens_at_junctions(words, title)
        if joined is None:
            return self.tokens(title)
        if len(self._token_cache) > 4096:
            self._token_cache.clear()
        self._token_cache[title] = joined
        return joined

    def tokens_at_junctions(self, words: Sequence[str], title: str) -> list[Token] | None:
        """The tokens of ``title`` from its words' own, or None where that is not proven."""
        if not self.segmenter.proves_junctions:
            return None
        junctions = self._junctions
        # Runs of words whose junctions are not proven are segmented together, each
        # run on its own; then the junctions next to a run of several words are
        # proven again with the runs' own text (a run's path at its edges can
        # differ from its words').
        runs: list[str] = []  # words written together; a space or a proven junction between
        spaced: list[bool] = []  # whether a space comes before each run
        joined: list[bool] = []  # whether each run holds several words
        position = 0
        for word in words:
            space = bool(runs) and title.startswith(" ", position)
            position += space
            if not title.startswith(word, position):
                return None
            position += len(word)
            if (
                runs
                and not space
                and not (junctions.get((runs[-1], word)) or self._proven(runs[-1], word))
            ):
                runs[-1] += word
                joined[-1] = True
            else:
                runs.append(word)
                spaced.append(space)
                joined.append(False)
        if position != len(title):
            return None
        merged = any(joined)
        while merged:
            merged = False
            for index in range(len(runs) - 1, 0, -1):
                if spaced[index] or not (joined[index - 1] or joined[index]):
                    continue
                if not self._proven(runs[index - 1], runs[index]):
                    runs[index - 1] += runs.pop(index)
                    del spaced[index], joined[index]
                    joined[index - 1] = merged = True
        tokens: list[Token] = []
        spans: list[tuple[int, int]] = []
        position = 0
        cuts = self._word_cache
        for text, space in zip(runs, spaced, strict=True):
            if space:
                tokens.append(Token(" ", position, position + 1))
                position += 1
            cut = cuts.get(text) or self._cut(text)
            if position:
                tokens += self._placed(text, cut, position)
                if cut.spans:
                    spans += [(start + position, end + position) for start, end in cut.spans]
            else:
                tokens += cut.tokens
                spans += cut.spans
            position += len(text)
        protect = self._protect()
        if not spans and not protect and _JOINERS.isdisjoint(title):
            # Nothing kept whole in the words, and nothing can be in the title: no
            # brand word is listed, and a model number needs a joiner (5W-30).
            return tokens
        if list(protected_spans(title, protect)) != spans:
            return None
        return tokens

    def _placed(self, text: str, cut: _WordCut, position: int) -> tuple[Token, ...]:
        """A word's tokens moved to ``position``: the same word often sits at the same place."""
        known = self._shifted.get((text, position))
        if known is None:
            known = tuple(Token(t.text, t.start + position, t.end + position) for t in cut.tokens)
            if len(self._shifted) > 100_000:
                self._shifted.clear()
            self._shifted[(text, position)] = known
        return known

    def _proven(self, left: str, right: str) -> bool:
        """Whether the junction of two runs of words is proven (cached per pair of runs)."""
        known = self._junctions.get((left, right))
        if known is None:
            known = self.segmenter.separable(self._cut(left).tail, self._cut(right).head)
            if len(self._junctions) > 200_000:
                self._junctions.clear()
            self._junctions[(left, right)] = known
        return known

    def _protect(self) -> list[str]:
        if self._protected is None:
            self._protected = [*self.spec.own_brands, *self.spec.foreign_brands]
        return self._protected

    def _cut(self, word: str) -> _WordCut:
        known = self._word_cache.get(word)
        if known is None:
            spans = tuple(protected_spans(word, self._protect()))
            tokens = tuple(self.segmenter.tokenize(word, self._protect()))
            head = word[: spans[0][0]] if spans else word
            tail = word[spans[-1][1] :] if spans else word
            known = _WordCut(tokens, spans, head, tail)
            if len(self._word_cache) > 100_000:  # a sheet of unique words: keep memory flat
                self._word_cache.clear()
            self._word_cache[word] = known
        return known
