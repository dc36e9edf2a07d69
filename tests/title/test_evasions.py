"""TITLE010 sees through the ways sellers dodge a word list, and reports each
hit where it stands in the title as written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit import lint_title, load_rules
from listingkit.ruleset import Rules
from listingkit.text.evasion import fold_for_matching


@pytest.fixture(scope="module")
def taobao() -> Rules:
    return load_rules("taobao")


def hits(title: str, rules: Rules) -> list[tuple[str, tuple[int, int]]]:
    """(text as written, span) of every TITLE010 finding."""
    found = []
    for finding in lint_title(title, rules):
        if finding.code == "TITLE010":
            span = finding.location.span
            assert span is not None
            found.append((title[span[0] : span[1]], span))
    return found


@pytest.mark.parametrize(
    ("title", "written", "span"),
    [
        # width and case
        ("ＮＯ．１爆款纯棉T恤", "ＮＯ．１", (0, 4)),
        ("纯棉T恤ｔｏｐ１爆款", "ｔｏｐ１", (4, 8)),
        # traditional characters
        ("最佳質量純棉T恤", "最佳", (0, 2)),
        ("全網最低價純棉T恤", "全網最低價", (0, 5)),
        ("銷冠款電動牙刷", "銷冠", (0, 2)),
        # circled, parenthesised, superscript and full-width digits
        ("销量第①名保温杯", "第①", (2, 4)),
        ("销量第⑴名保温杯", "第⑴", (2, 4)),
        ("销量第¹名保温杯", "第¹", (2, 4)),
        ("销量第１名保温杯", "第１", (2, 4)),
        ("销量第❶名保温杯", "第❶", (2, 4)),
        ("销量第Ⅰ名保温杯", "第Ⅰ", (2, 4)),
        # noise between the characters of a word
        ("夏季最-好的T恤", "最-好", (2, 5)),
        ("夏季最 好 T恤", "最 好", (2, 5)),
        ("夏季最*佳T恤", "最*佳", (2, 5)),
        ("夏季最·佳T恤", "最·佳", (2, 5)),
        ("夏季最🔥好T恤", "最🔥好", (2, 5)),
        ("夏季最--好T恤", "最--好", (2, 6)),
        ("夏季最＋好T恤", "最＋好", (2, 5)),
        ("销量第 ①保温杯", "第 ①", (2, 5)),
        ("夏季最\u200b佳T恤", "最\u200b佳", (2, 5)),
        # pinyin
        ("zui好的纯棉T恤", "zui好", (0, 4)),
        ("ZUI佳纯棉T恤", "ZUI佳", (0, 4)),
        ("纯棉T恤 zuihao", "zuihao", (5, 11)),
        ("纯棉T恤 zui jia", "zui jia", (5, 12)),
        ("diyi品牌纯棉T恤", "diyi", (0, 4)),
        ("TOP 1 蓝牙耳机", "TOP 1", (0, 5)),
        ("TOP1蓝牙耳机", "TOP1", (0, 4)),
        ("No1蓝牙耳机", "No1", (0, 3)),
        ("NO.1蓝牙耳机", "NO.1", (0, 4)),
        # variant and homophone characters
        ("销量第壹保温杯", "第壹", (2, 4)),
        ("醉好用的保温杯", "醉好", (0, 2)),
        ("蕞佳搭配西装外套", "蕞佳", (0, 2)),
        ("di一名充电宝", "di一", (0, 3)),
        ("guojiaji认证空气炸锅", "guojiaji", (0, 8)),
        ("zuchuan秘方头疗", "zuchuan", (0, 7)),
    ],
)
def test_an_evasion_is_found_and_reported_as_written(
    taobao: Rules, title: str, written: str, span: tuple[int, int]
) -> None:
    assert hits(title, taobao) == [(written, span)]


@pytest.mark.parametrize(
    "title",
    [
        "奥林巴斯Zuiko镜头",
        "Suzuki摩托车头盔",
        "TOP10榜单收纳盒",
        "NO.12号色口红",
        "货号ZX-最1机械键盘",
        "第一次做妈妈孕妇装",
        "第 一 次做妈妈孕妇装",
        "zui近很火的帆布包",
        "夏季 纯棉 短袖 T恤",
        "中国 宴会 餐具套装",  # 国宴 would span the space between two words
        "全场最 好评如潮的T恤",  # 最 好 here is glued to 场 and 评: two words, not 最好
        "夏季最---好T恤",  # three noise characters: not a word any more
    ],
)
def test_look_alikes_and_word_boundaries_stay_clean(taobao: Rules, title: str) -> None:
    assert hits(title, taobao) == []


def test_folding_maps_every_character_back_to_the_title() -> None:
    folded = fold_for_matching("ＮＯ．①最-佳質量zui好")
    assert folded.text == "no.1最佳质量最好"
    assert folded.span(0, 4) == (0, 4)
    assert folded.span(4, 6) == (4, 7)  # 最-佳: the hyphen is inside the span
    assert folded.span(6, 8) == (7, 9)
    assert folded.span(8, 10) == (9, 13)  # zui好


def test_a_store_allow_word_is_matched_on_the_folded_title_too(
    write: Callable[..., Path],
) -> None:
    store = write(
        "listingkit.toml",
        """\
        extends = "taobao"

        [title]
        allow_words = ["第一滴血"]
        """,
    )
    rules = load_rules(store)
    assert hits("第一滴血电影海报", rules) == []
    assert hits("第一-滴血电影海报", rules) == []
    assert hits("第一滴血海报 全網最低價", rules) == [("全網最低價", (7, 12))]
