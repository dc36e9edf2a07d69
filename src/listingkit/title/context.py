"""What title checks and the composer share for one set of rules.

Built once per run: the word matchers, the counting weights and the
segmenter choice. The segmenter itself (jieba) is loaded only when a check
first asks for tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from listingkit.ruleset import Rules
from listingkit.ruleset.models import TitleSpec, UnitWeights
from listingkit.ruleset.wordlists import BannedWord, load_word_lists
from listingkit.text.segment import Segmenter, Token, get_segmenter
from listingkit.text.words import PhraseMatcher

__all__ = ["TitleContext"]


@dataclass
class TitleContext:
    rules: Rules
    segmenter_name: str = "jieba"
    banned: PhraseMatcher[BannedWord] = field(init=False)
    foreign_brands: PhraseMatcher[str] = field(init=False)
    _token_cache: dict[str, list[Token]] = field(default_factory=dict, init=False, repr=False)

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
        return get_segmenter(self.segmenter_name)

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
