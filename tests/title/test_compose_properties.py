"""Properties every composed title has, for every platform's rules (hypothesis).

No candidate exceeds the limit, the product word is always kept, no banned
word, repeated token or forbidden character appears, and the same input always
gives the same output.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listingkit import load_rules
from listingkit.ruleset.builtin import builtin_names
from listingkit.text.width import units_of
from listingkit.title.compose import CompositionError, TitleComposer, TitleParams
from listingkit.title.lint import TitleInput, TitleLinter

# Real e-commerce words, a few banned ones, Latin words, model numbers and junk
# characters, so that the composer meets everything it has to refuse.
VOCABULARY = [
    "连衣裙",
    "裙",
    "长裙",
    "T恤",
    "短袖",
    "纯棉",
    "碎花",
    "雪纺",
    "收腰",
    "显瘦",
    "V领",
    "女装",
    "男装",
    "夏季",
    "秋冬",
    "新款",
    "2024新款",
    "爆款",
    "法式",
    "气质",
    "温柔风",
    "宽松",
    "加绒",
    "加厚",
    "卫衣",
    "加绒卫衣",
    "机油",
    "5W-30",
    "BZ-YQ1722",
    "XXL",
    "Nike",
    "最佳",
    "第一",
    "国家级",
    "顶级",
    "100%纯棉",
    "全网最低价",
    "第一次",
    "学生",
    "百搭",
    "韩版",
    "潮流",
    "打底衫",
    "半身裙",
    "阔腿裤",
    "高腰",
    "纯色",
    "夏\t季",
    "新\u200b款",
    "🔥爆款",
    "  双空格 ",
    "<新品>",
    "连衣裙连衣裙",
]
PARTS = ("category", "brand", "attribute", "marketing", "modifier")
word_lists = st.lists(st.sampled_from(VOCABULARY), max_size=6)
params = st.builds(
    TitleParams,
    product=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=2).map(tuple),
    **{part: word_lists.map(tuple) for part in PARTS},
)


@cache
def composer(platform: str) -> TitleComposer:
    return TitleComposer(load_rules(platform))


@cache
def checker(platform: str) -> TitleLinter:
    return TitleLinter(load_rules(platform))


@pytest.mark.parametrize("platform", builtin_names())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=params)
def test_every_candidate_keeps_the_rules(platform: str, row: TitleParams) -> None:
    rules = load_rules(platform)
    try:
        candidates = composer(platform).compose(row, 5)
    except CompositionError:
        return  # a row whose product word cannot be used is reported, not composed
    assert candidates, "a usable product word always gives at least one title"
    limit = rules.model.title.max_units
    main = composer(platform).pool(row)[0].text
    for candidate in candidates:
        assert candidate.units == units_of(candidate.title, rules.model.title.unit_weights)
        if limit is not None:
            assert candidate.units <= limit
        assert main in candidate.title
        findings = checker(platform).lint(TitleInput(candidate.title))
        # Leaving words out cannot lengthen a title: a row too short for the
        # platform's minimum (抖音 8 units) is composed and reported, not padded.
        short = [f for f in findings if f.code == "TITLE002"]
        assert not short or candidate.units < (rules.model.title.min_units or 0), short
        assert [f for f in findings if f.code != "TITLE002"] == [], (candidate.title, findings)
    # the same row gives the same candidates, in the same order
    again = composer(platform).compose(row, 5)
    assert [c.title for c in again] == [c.title for c in candidates]


@pytest.mark.parametrize("platform", builtin_names())
def test_a_fresh_composer_gives_the_same_titles(platform: str) -> None:
    row = TitleParams(
        product=("连衣裙",),
        category=("女装",),
        attribute=("碎花", "雪纺", "收腰", "显瘦", "V领"),
        marketing=("2024新款", "最佳"),
        modifier=("夏季", "法式", "气质"),
    )
    first = [c.title for c in composer(platform).compose(row, 5)]
    fresh = [c.title for c in TitleComposer(load_rules(platform)).compose(row, 5)]
    assert first == fresh
    assert all("最佳" not in title for title in first)
