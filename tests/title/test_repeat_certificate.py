"""A title the characters alone clear of repeats has none, however it is segmented.

``may_repeat`` lets the composer and TITLE020 skip segmenting a title; a
title it clears must give no repeat with the segmenter's tokens, nor with any
other cut of the same text into tokens.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

from listingkit import load_rules
from listingkit.text.segment import Token, get_segmenter
from listingkit.title.lint import lint_title
from listingkit.title.repeat import find_repeats, may_repeat

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "titles"

# fmt: off
WORDS = [
    *"裙衣裤包的款本只风中",
    *["连衣裙", "碎花连衣裙", "碎花", "T恤", "纯棉T恤", "纯棉", "打底", "打底衫"],
    *["猫砂", "豆腐猫砂"],
    *["运动耳机", "耳机", "蓝牙耳机", "三脚架", "遥控三脚架", "不掉毛", "毛", "百搭", "百搭款"],
    *["ins风", "TF卡", "A面", "MAX", "潘多拉", "潘多拉MAX", "Pro", "pro", "V领", "2XL", "XL"],
    *["2024新款", "2024", "300ml", "300ML", "1.8升", "1.8", "2层", "2", "24色", "24盘", "4盘"],
    *["x8", "A4", "小米8", "1000元", "1000", "5W-30", "0.5", "1.80", "02", "-", "/", "+", "."],
    *["夏季", "韩版", "女装", "保温杯", "大容量", "不锈钢", "手机壳", "数据线", "快充", "充电宝"],
]
# fmt: on


def _titles(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8))) for _ in range(count)]


def _random_cut(text: str, rng: random.Random) -> list[Token]:
    """``text`` cut into tokens at random places: a segmentation no segmenter promises."""
    cuts = sorted(rng.sample(range(1, len(text)), rng.randint(0, len(text) - 1)))
    bounds = [0, *cuts, len(text)]
    return [Token(text[a:b], a, b) for a, b in itertools.pairwise(bounds)]


def test_a_cleared_title_has_no_repeat_with_the_segmenters_tokens_or_any_cut():
    segmenter = get_segmenter("jieba")
    rng = random.Random(7)
    cleared = flagged = 0
    for title in _titles(6000, 20261127):
        if may_repeat(title):
            flagged += bool(find_repeats(segmenter.tokenize(title)))
            continue
        cleared += 1
        assert find_repeats(segmenter.tokenize(title)) == [], title
        for _ in range(3):
            assert find_repeats(_random_cut(title, rng)) == [], title
    # Both sides are well represented: the test can fail either way.
    assert cleared > 1000
    assert flagged > 100


def test_titles_the_check_flags_are_never_cleared():
    segmenter = get_segmenter("jieba")
    lines = (FIXTURES / "标题.txt").read_text(encoding="utf-8").splitlines()
    repeating = [t for t in lines if t.strip() and find_repeats(segmenter.tokenize(t))]
    assert repeating
    assert all(may_repeat(t) for t in repeating)
    for title in ["连衣裙碎花连衣裙", "保温杯300ml大容量300ML", "纯棉T恤韩版T恤", "2层置物架2"]:
        assert may_repeat(title), title


def test_numbers_that_may_be_equal_are_not_cleared():
    # The same value in two places, written differently: 1.80 and 1.8, 02 and 2.
    assert may_repeat("保温杯1.8升大容量1.80")
    assert may_repeat("收纳盒02层加厚2层")
    # One number whose pieces could only overlap: nothing to compare it with.
    assert not may_repeat("2024新款女装连衣裙")
    assert not may_repeat("保温杯300ml不锈钢")


def test_lint_findings_are_the_same_whether_or_not_the_title_is_cleared():
    rules = load_rules("taobao")
    for title in ["2024新款女装碎花连衣裙", "夏季连衣裙碎花连衣裙", "ins风V领纯棉T恤"]:
        codes = [f.code for f in lint_title(title, rules)]
        assert ("TITLE020" in codes) == bool(find_repeats(get_segmenter().tokenize(title)))
