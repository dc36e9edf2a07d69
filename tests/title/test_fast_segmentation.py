"""A composed title is segmented where its words meet, with the tokens of the whole title.

The composer reads each candidate's tokens from its words' own segmentations,
joined at junctions the segmenter proves no dictionary word and no run of
unknown characters crosses; words whose junction is not proven are segmented
together. Every candidate composed from the labelled title sets and from a
generated parameter sheet must get exactly the tokens of the title segmented
whole, and the findings ``lint-titles`` gives the title.
"""

from __future__ import annotations

import importlib.util
import json
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from listingkit import load_rules
from listingkit.text.segment import Token, get_segmenter
from listingkit.title.compose import TitleCandidate, TitleComposer, TitleParams
from listingkit.title.context import TitleContext
from listingkit.title.lint import lint_title
from tests.checks.test_cases import store_file

DATA = Path(__file__).resolve().parent.parent / "data"
SEGMENTERS = ["jieba", *(["rjieba"] if importlib.util.find_spec("rjieba") else [])]

CATEGORY = ["女装", "男装", "童装", "家居", "数码配件", "户外", "母婴", "美妆", "鞋靴", "箱包"]
BRAND = ["花语", "木子", "小鹿", "北极熊", "蓝海", "星河", "ZARA", "", ""]
PRODUCT = ["连衣裙", "T恤", "卫衣", "牛仔裤", "羽绒服", "打底衫", "保温杯", "数据线"]
PRODUCT += ["手机壳", "双肩包", "运动鞋", "皮鞋", "睡衣", "围巾", "猫砂", "豆腐猫砂"]
ATTRIBUTE = ["纯棉", "雪纺", "碎花", "收腰", "显瘦", "宽松", "修身", "加绒", "加厚", "薄款"]
ATTRIBUTE += ["高腰", "V领", "圆领", "长袖", "短袖", "中长款", "百搭", "防水", "大容量"]
ATTRIBUTE += ["不锈钢", "真皮", "针织", "条纹", "格子", "纯色", "300ML", "1.8升", "5W-30", "一"]
ATTRIBUTE += ["语录", "棉语款"]
MARKETING = ["2024新款", "爆款", "新品", "包邮", "现货", "特价", "同款", "网红", "最佳", "秒杀"]
MODIFIER = ["夏季", "秋冬", "春秋", "韩版", "法式", "复古", "学生", "气质", "ins风", "潮流"]
MODIFIER += ["主播同款", "七一", "院", "制冷"]


def _labelled_rows() -> list[TitleParams]:
    """The words of every labelled title written with spaces: product word first."""
    rows = []
    for name in ("titles_labelled.jsonl", "titles_heldout.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            words = json.loads(line)["title"].split() if line.strip() else []
            if len(words) > 1:
                rows.append(TitleParams(product=words[0], attribute=tuple(words[1:])))
    return rows


def _generated_rows(count: int = 400) -> list[TitleParams]:
    rng = random.Random(20261127)
    return [
        TitleParams(
            product=tuple(rng.sample(PRODUCT, rng.randint(1, 2))),
            category=rng.choice(CATEGORY),
            brand=rng.choice(BRAND) or None,
            attribute=tuple(rng.sample(ATTRIBUTE, rng.randint(3, 8))),
            marketing=tuple(rng.sample(MARKETING, rng.randint(1, 3))),
            modifier=tuple(rng.sample(MODIFIER, rng.randint(1, 4))),
        )
        for _ in range(count)
    ]


ROWS = _labelled_rows() + _generated_rows()


def _in_title_order(title: str, words: Sequence[str]) -> list[str] | None:
    """The candidate's words as the title writes them (one space at most between)."""

    def place(position: int, left: tuple[str, ...]) -> list[str] | None:
        if not left:
            return [] if position == len(title) else None
        start = position + 1 if position and title.startswith(" ", position) else position
        for word in sorted(set(left), key=len, reverse=True):
            if title.startswith(word, start):
                rest = list(left)
                rest.remove(word)
                found = place(start + len(word), tuple(rest))
                if found is not None:
                    return [word, *found]
        return None

    return place(0, tuple(words))


def _composed(composer: TitleComposer) -> list[TitleCandidate]:
    candidates = []
    for params in ROWS:
        try:
            candidates += composer.compose(params, n=5)
        except Exception as exc:  # a row with no title (TITLE040) has nothing to compare
            assert type(exc).__name__ == "CompositionError", exc
    return candidates


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    # Store brands kept whole, one of them (棉语) no dictionary word.
    folder = tmp_path_factory.mktemp("rules")
    return load_rules(store_file(folder, {"title_rules": {"own_brands": ["棉语", "木子"]}}))


@pytest.mark.parametrize("segmenter", SEGMENTERS)
def test_every_candidate_gets_the_tokens_of_the_title_segmented_whole(segmenter, rules):
    composer = TitleComposer(rules, segmenter=segmenter)
    candidates = _composed(composer)
    assert len(candidates) > 2000
    fresh, other = TitleContext(rules, segmenter), TitleContext(rules, segmenter)
    protect = [*fresh.spec.own_brands, *fresh.spec.foreign_brands]
    whole_segmenter = get_segmenter(segmenter)
    proven = 0
    for candidate in candidates:
        words = _in_title_order(candidate.title, candidate.words)
        assert words is not None, candidate
        whole = whole_segmenter.tokenize(candidate.title, protect)
        joined = fresh.tokens_at_junctions(words, candidate.title)
        if joined is not None:
            proven += 1
            assert joined == whole, candidate.title
        # What the composer's gates read: the same tokens, proven or not.
        assert other.joined_tokens(words, candidate.title) == whole
    if segmenter == "jieba":
        # Most titles are read from their words' tokens: the comparison above is no formality.
        assert proven > 0.9 * len(candidates)
    else:
        assert proven == 0  # rjieba's dictionary cannot be walked by prefix: segmented whole


@pytest.mark.parametrize("segmenter", SEGMENTERS)
def test_every_candidate_has_the_findings_lint_titles_gives(segmenter, rules):
    composer = TitleComposer(rules, segmenter=segmenter)
    gates = {spec.code for spec in composer.gates.checks}
    for candidate in _composed(composer)[::7]:
        linted = lint_title(candidate.title, rules, segmenter=segmenter)
        expected = [(f.code, f.message, f.location.span) for f in linted if f.code in gates]
        assert [(f.code, f.message, f.location.span) for f in candidate.findings] == expected


def _texts(tokens: Sequence[Token]) -> list[str]:
    return [token.text for token in tokens]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("真皮", "鞋靴"),  # 皮鞋 is a dictionary word across the junction
        ("修身", "长袖"),  # 身长
        ("秋冬", "夏季"),  # 冬夏
        ("一", "主播同款"),  # no word crosses; the HMM joins the single characters 一主播
    ],
)
def test_a_junction_a_word_or_an_unknown_run_crosses_is_not_proven(left, right, rules):
    segmenter = get_segmenter("jieba")
    assert not segmenter.separable(left, right)
    title = left + right
    context = TitleContext(rules)
    assert context.joined_tokens([left, right], title) == segmenter.tokenize(title)


def test_the_fallback_changes_the_tokens_where_words_do_not_split(rules):
    segmenter = get_segmenter("jieba")
    for left, right in [("真皮", "鞋靴"), ("一", "主播同款")]:
        whole = _texts(segmenter.tokenize(left + right))
        own = _texts(segmenter.tokenize(left)) + _texts(segmenter.tokenize(right))
        assert whole != own, (left, right)
        context = TitleContext(rules)
        assert _texts(context.joined_tokens([left, right], left + right)) == whole


def test_a_word_that_spans_a_whole_word_between_two_is_caught(rules):
    # 一院制 runs from 七一 over 院 into 制冷. No dictionary word ends inside 院
    # (一院 is no word) and each side ends or starts in a word of two, so only
    # the walk that sees 一院 may run on past 院 keeps 七一|院 from being proven.
    segmenter = get_segmenter("jieba")
    words = ["七一", "院", "制冷"]
    title = "".join(words)
    whole = _texts(segmenter.tokenize(title))
    assert "一院制" in whole
    assert [_texts(segmenter.tokenize(word)) for word in words] == [["七一"], ["院"], ["制冷"]]
    assert not segmenter.separable("七一", "院")
    assert _texts(TitleContext(rules).joined_tokens(words, title)) == whole


def test_a_junction_proven_keeps_each_words_tokens(rules):
    segmenter = get_segmenter("jieba")
    assert segmenter.separable("纯棉", "连衣裙")
    context = TitleContext(rules)
    tokens = context.tokens_at_junctions(["纯棉", "连衣裙"], "纯棉连衣裙")
    assert tokens is not None
    assert [(t.text, t.start, t.end) for t in tokens] == [("纯棉", 0, 2), ("连衣裙", 2, 5)]


def test_a_brand_spelt_across_two_words_is_segmented_whole(rules):
    # 纯棉 + 语录 writes 棉语, the store's own brand, across a junction the
    # dictionary alone would prove: the brand kept whole decides.
    assert get_segmenter("jieba").separable("纯棉", "语录")
    context = TitleContext(rules)
    assert context.tokens_at_junctions(["纯棉", "语录"], "纯棉语录") is None
    whole = get_segmenter("jieba").tokenize("纯棉语录", ["棉语", "木子"])
    assert context.joined_tokens(["纯棉", "语录"], "纯棉语录") == whole
    assert _texts(whole) == ["纯", "棉语", "录"]


def test_words_between_spaces_join_with_a_space_token(rules):
    context = TitleContext(rules)
    tokens = context.tokens_at_junctions(["ZARA", "T恤"], "ZARA T恤")
    assert tokens == get_segmenter("jieba").tokenize("ZARA T恤", ["棉语", "木子"])
    assert tokens is not None and _texts(tokens) == ["ZARA", " ", "T恤"]
