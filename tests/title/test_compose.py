"""What an operator expects of composed titles, case by case."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from listingkit import load_rules
from listingkit.title.compose import CompositionError, TitleComposer, TitleParams, compose_titles
from listingkit.title.lint import lint_title
from listingkit.title.score import KeywordScores
from tests.checks.test_cases import store_file

DRESS = TitleParams(
    product=("连衣裙",),
    category=("女装",),
    attribute=("碎花", "雪纺", "收腰", "显瘦", "V领", "连衣裙女"),
    marketing=("2024新款", "最佳"),
    modifier=("夏季", "法式", "气质", "温柔风"),
)


@dataclass
class Stat:
    keyword: str
    popularity: float
    click_rate: float | None
    conversion: float | None
    competition: float | None


def dropped(candidate, word):
    return next(d.reason for d in candidate.dropped if d.word == word)


def test_formula_order_and_the_limit():
    best = compose_titles(DRESS, load_rules("taobao"))[0]
    assert best.units <= 60
    assert best.title.index("2024新款") < best.title.index("女装") < best.title.index("连衣裙")
    assert best.title.index("连衣裙") < best.title.index("碎花")


def test_a_word_repeating_the_product_word_is_refused_and_its_room_used():
    rules = load_rules("taobao")
    best = compose_titles(DRESS, rules)[0]
    assert dropped(best, "连衣裙女") == "与产品词重复"
    # A refused word's reason is what lint-titles says about it, word for word.
    (banned,) = lint_title("最佳", rules)
    assert banned.message.startswith("“最佳”是") and "极限词" in banned.message
    assert dropped(best, "最佳") == banned.message
    assert "温柔风" in best.title  # the room 连衣裙女 would have taken


def test_the_best_candidate_does_not_depend_on_n():
    rules = load_rules("taobao")
    firsts = {compose_titles(DRESS, rules, n=n)[0].title for n in (1, 2, 3, 5, 8)}
    assert len(firsts) == 1


def test_product_words_are_taken_first_and_a_banned_one_is_skipped():
    rules = load_rules("taobao")
    both = TitleParams(product=("T恤",), marketing=("T恤", "爆款"))
    assert compose_titles(both, rules)[0].title == "爆款T恤"
    second = TitleParams(product=("最佳T恤", "短袖T恤"), attribute=("纯棉",))
    assert compose_titles(second, rules)[0].title == "短袖T恤纯棉"
    with pytest.raises(CompositionError, match=r"产品词“最佳T恤”不能用：“最佳”是.*极限词"):
        compose_titles(TitleParams(product=("最佳T恤",)), rules)


def test_a_check_turned_off_refuses_nothing(tmp_path):
    rules = load_rules(store_file(tmp_path, {"checks": {"TITLE010": "off"}}))
    best = compose_titles(TitleParams(product=("T恤",), marketing=("最佳",)), rules)[0]
    assert best.title == "最佳T恤"


def test_keyword_data_ranks_by_the_terms_covered_in_any_order():
    scores = KeywordScores.from_stats(
        [
            Stat("碎花连衣裙", 80_000, 0.05, 0.03, 10_000),
            Stat("雪纺连衣裙", 1_000, 0.01, 0.01, 500_000),
        ]
    )
    row = TitleParams(product=("连衣裙",), attribute=("雪纺", "碎花"))
    rules = load_rules("taobao")
    composer = TitleComposer(rules, keywords=scores)
    best = composer.compose(row, 3)[0]
    assert "碎花" in best.title and best.title.index("连衣裙") < best.title.index("碎花")
    assert composer.keywords is not None
    assert composer.keywords.title_value("连衣裙碎花") == pytest.approx(1.0)


def test_a_missing_rate_takes_the_median_and_zero_stays_zero():
    scores = KeywordScores.from_stats(
        [
            Stat("甲", 100, 0.10, 0.10, 1),
            Stat("乙", 100, None, 0.10, 1),  # 点击率 "-": the median 0.10
            Stat("丙", 100, 0.0, 0.10, 1),  # 点击率 0%: worth nothing
            Stat("丁", 100, 0.20, 0.10, 1),
        ]
    )
    assert scores.values["甲"] == pytest.approx(scores.values["乙"])
    assert scores.values["丙"] == 0.0
    assert scores.values["丁"] == 1.0
