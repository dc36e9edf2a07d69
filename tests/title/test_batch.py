"""Composing on two cores gives exactly what one core gives."""

from __future__ import annotations

import gc
import weakref

from listingkit import load_rules
from listingkit.sheets import KeywordStat
from listingkit.title.batch import compose_many
from listingkit.title.compose import TitleParams
from listingkit.title.score import KeywordScores

ATTRIBUTES = ["纯棉", "雪纺", "碎花", "收腰", "显瘦", "宽松", "V领", "圆领", "加绒", "百搭"]


def rows(count: int) -> list[TitleParams]:
    made = []
    for i in range(count):
        product = ("连衣裙", "T恤", "卫衣", "")[i % 4]
        made.append(
            TitleParams(
                product=(product,),
                category=("女装",),
                attribute=tuple(ATTRIBUTES[i % 7 : i % 7 + 4]),
                marketing=("2024新款", "最佳") if i % 3 else ("爆款",),
                modifier=("夏季", "法式"),
            )
        )
    return made


def test_two_workers_match_one():
    rules = load_rules("taobao")
    given = rows(1200)
    serial = compose_many(given, rules, workers=1)
    parallel = compose_many(given, rules, workers=2)
    assert parallel == serial
    assert serial[3] == "没有产品词：产品词列为空"
    first = serial[0]
    assert not isinstance(first, str)
    assert first.candidates[0].title == "爆款女装连衣裙纯棉雪纺碎花收腰夏季法式"
    assert first.suggested == []  # nothing to suggest without keyword data


def test_suggested_words_come_back_from_the_workers():
    rules = load_rules("taobao")
    keywords = KeywordScores.from_stats(
        [
            KeywordStat("冬季连衣裙", 900, 0.05, 0.02, 100, 2),
            KeywordStat("纯棉连衣裙", 800, 0.05, 0.02, 100, 3),  # in the title: not suggested
            KeywordStat("卫衣男", 500, 0.05, 0.02, 100, 4),  # another product
        ]
    )
    given = rows(1200)
    serial = compose_many(given, rules, keywords=keywords, workers=1)
    assert compose_many(given, rules, keywords=keywords, workers=2) == serial
    first = serial[0]
    assert not isinstance(first, str)
    assert [s.keyword for s in first.suggested] == ["冬季连衣裙"]


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cycle collector frees it


def test_objects_made_before_composing_are_still_collected_after() -> None:
    rules = load_rules("taobao")
    node = _Node()
    gone = weakref.ref(node)
    compose_many(rows(1200), rules, workers=2)
    del node
    gc.collect()
    assert gone() is None
