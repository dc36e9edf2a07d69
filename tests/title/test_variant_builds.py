"""Shortcuts in composing give what the long way gives.

A variant that leaves out one word resumes from the base title's state just
before that word went in; a token's facts are worked out once per text, its
neighbours every time; a word's tokens moved to a place are reused. Each is
checked against the long way on real rows.
"""

from __future__ import annotations

import pytest

from listingkit import load_rules
from listingkit.text.segment import Token, get_segmenter
from listingkit.title.compose import CompositionError, TitleComposer, TitleParams
from listingkit.title.repeat import find_repeats, units_of_tokens
from tests.title.test_fast_segmentation import ROWS


@pytest.fixture(scope="module")
def composer() -> TitleComposer:
    return TitleComposer(load_rules("taobao"))


def test_a_variant_resumed_from_the_base_state_is_the_variant_built_whole(composer):
    compared = 0
    for params in ROWS:
        try:
            main, pool, _ = composer.pool(params)
        except CompositionError:
            continue
        clashes = composer.clashes(main, pool)
        states: dict = {}
        base = composer.build(main, pool, clashes, -1, states=states)
        assert base == composer.build(main, pool, clashes, -1)
        for skip in states:
            whole = composer.build(main, pool, clashes, skip)
            resumed = composer.build(main, pool, clashes, skip, states=states)
            assert resumed.words == whole.words
            assert list(resumed.dropped.items()) == list(whole.dropped.items())  # in order
            assert resumed.units == whole.units
            compared += 1
    assert compared > 1000


def test_the_base_state_is_not_changed_by_the_variants_resumed_from_it(composer):
    params = TitleParams(
        product=("连衣裙",),
        category=("女装",),
        brand=("棉语",),
        attribute=("碎花", "雪纺", "收腰", "V领", "泡泡袖"),
        marketing=("2024新款",),
        modifier=("夏季", "法式", "气质", "中长款", "温柔风"),
    )
    main, pool, _ = composer.pool(params)
    clashes = composer.clashes(main, pool)
    states: dict = {}
    composer.build(main, pool, clashes, -1, states=states)
    kept = {index: (list(s.line.words), s.words, dict(s.dropped)) for index, s in states.items()}
    for skip in states:
        composer.build(main, pool, clashes, skip, states=states)
    after = {index: (list(s.line.words), s.words, dict(s.dropped)) for index, s in states.items()}
    assert after == kept
    # 温柔风 does not fit the base title; leaving out V领 makes room for 中长款, not for it.
    titles = [c.title for c in composer.compose(params, n=3)]
    assert titles[0] == "棉语2024新款女装连衣裙碎花雪纺收腰泡泡袖夏季法式气质中长款"


def _tokens(text: str) -> list[Token]:
    return get_segmenter("jieba").tokenize(text)


def test_a_token_is_read_with_the_neighbours_it_has_in_each_title():
    # The same text 潘多拉 and MAX, first glued (a model name), then apart, then glued.
    glued = [(u.key, u.kind) for u in units_of_tokens(_tokens("潘多拉MAX"))]
    apart = [(u.key, u.kind) for u in units_of_tokens(_tokens("潘多拉 MAX"))]
    assert glued == [("潘多拉max", "model")]
    assert apart == [("潘多拉", "word"), ("max", "latin")]
    assert [(u.key, u.kind) for u in units_of_tokens(_tokens("潘多拉MAX"))] == glued
    # 300 is a quantity before ml and a bare number before a space.
    assert [u.kind for u in units_of_tokens(_tokens("保温杯300ml"))] == ["word", "quantity"]
    assert [u.kind for u in units_of_tokens(_tokens("保温杯 300 杯子"))] == [
        "word",
        "number",
        "word",
    ]


def test_repeats_found_once_the_facts_are_known_are_the_same():
    title = "打底衫 纯棉打底衫 1.8升 1.8 连衣裙"
    first = [(r.kept.text, r.flagged.text) for r in find_repeats(_tokens(title))]
    again = [(r.kept.text, r.flagged.text) for r in find_repeats(_tokens(title))]
    # The bare 打底衫 goes (纯棉打底衫 says it again), and the bare number 1.8.
    assert first == again == [("打底衫", "打底衫"), ("1.8升", "1.8")]
