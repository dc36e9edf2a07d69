"""Which words of a row repeat one another is the same read from the pair
cache as worked out pair by pair, on a cold and on a warm composer."""

from __future__ import annotations

from listingkit import load_rules
from listingkit.title.compose import CompositionError, TitleComposer
from listingkit.title.repeat import word_repeat
from tests.title.test_fast_segmentation import ROWS


def _long_way(composer: TitleComposer, main, pool) -> list[frozenset[int]]:
    order = {id(w): n for n, w in enumerate(composer.placed([main, *pool]))}
    result = []
    for i, word in enumerate(pool):
        found: set[int] = set()
        if word.terms:
            for j, other in enumerate(pool[:i]):
                if not other.terms:
                    continue
                if order[id(other)] < order[id(word)]:
                    if word_repeat(other.terms, word.terms) is True:
                        found.add(j)
                elif word_repeat(word.terms, other.terms) is False:
                    found.add(j)
            if main.terms:
                first, second = (main, word) if order[id(main)] < order[id(word)] else (word, main)
                if word_repeat(first.terms, second.terms) is not None:
                    found.add(-1)
        result.append(frozenset(found))
    return result


def test_clashes_are_the_pairs_judged_one_by_one():
    rules = load_rules("taobao")
    warm = TitleComposer(rules)
    compared = clashing = 0
    for params in ROWS:
        cold = TitleComposer(rules)
        try:
            main, pool, _ = cold.pool(params)
        except CompositionError:
            continue
        expected = _long_way(cold, main, pool)
        assert cold.clashes(main, pool) == expected
        warm_main, warm_pool, _ = warm.pool(params)
        assert warm.clashes(warm_main, warm_pool) == _long_way(warm, warm_main, warm_pool)
        compared += 1
        clashing += any(expected)
    assert compared > 100
    assert clashing > 10  # rows where some word repeats another were compared
