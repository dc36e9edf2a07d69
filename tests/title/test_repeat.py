"""What counts as a repeated word (TITLE020) and what the composer leaves out for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from listingkit import load_rules
from listingkit.text.segment import get_segmenter
from listingkit.title.compose import TitleParams, compose_titles
from listingkit.title.lint import lint_title
from listingkit.title.repeat import find_repeats, word_repeat, word_terms

LABELLED = Path(__file__).resolve().parent.parent / "data" / "titles_labelled.jsonl"


@pytest.fixture(scope="module")
def taobao():
    return load_rules("taobao")


def flagged(title: str) -> list[str]:
    return [r.flagged.text for r in find_repeats(get_segmenter().tokenize(title))]


def hints(title: str, rules) -> list[str]:
    return [f.hint or "" for f in lint_title(title, rules, select=["TITLE020"])]


# -- the linter ------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "羽绒服女 面包服 短款 加厚",  # share 服 only
        "小型犬成犬狗粮鸡肉味",  # share 犬 only
        "小型犬 泰迪 狗粮 幼犬",
        "篮球比赛 翻分牌 分牌 记分器",  # 翻分牌 is no kind of 分牌
        "铅画纸 A4 画纸 美术生",
        "作文本 小学生 田字格 本",  # a lone counter
        "毛衣女不掉毛 毛",  # 不掉毛 keeps its 毛
        "潘多拉魔盒 街机 潘多拉MAX 双人摇杆",  # model names
        "汽车机油5000公里 50公里",  # different quantities
        "麻将机 4盘 24盘",
        "保鲜盒 24盘 240",  # 24 is not inside 240
        "2024新款 2024",  # bare numbers: years, model numbers
        "三脚架 脚架",  # 三脚架 is no kind of 脚架
        "钢化膜手机壳 iPhone15【钢化膜 2片装】",  # the spec in brackets
        "钢化膜 iPhone15 全屏  钢化膜 2片装",  # the spec after a wide gap
        "钢化膜 iPhone15 全屏\u3000钢化膜",  # … or a full-width space
        "纸尿裤L码超薄透气 XL码",  # size codes
        # Search phrases sharing a head noun: each reaches searches of its own.
        "Bose SoundSport Free 真无线蓝牙耳机 运动耳机 博士防掉落耳塞 黑色",
        "手机三脚架网红直播支架蓝牙遥控三脚架",
        "卡色手机镜头 微距镜头 鱼眼镜头",
        "软橡皮 高光橡皮 可塑橡皮泥",
        "遥控取暖茶几 升降茶几",
        "纯棉T恤男 短袖T恤",
        "直播三脚架手机支架 直播设备三角架",  # 直播 begins two different phrases
        # Sales-property text after a long title body (a JD product name).
        "丙烯颜料300ml 初学者流体画墙绘纺织涂鸦材料丙烯画 银色 300ML丙烯",
        "钢笔成人美工笔中小学生刚笔书法男女生练字礼盒套装刻字礼物66 土豪金 钢笔+5个笔尖+蓝色墨水",
        "五层组合收纳架糖果彩色文件架创意塑料资料托盘办公桌面整理 五层绿色",
        "手机三脚架网红直播支架桌面自拍杆蓝牙遥控抖音神器 【女神粉】自带三脚架+蓝牙遥控",
    ],
)
def test_not_repeats(title, taobao):
    assert lint_title(title, taobao, select=["TITLE020"]) == []


@pytest.mark.parametrize(
    ("title", "word"),
    [
        ("手机三脚架 网红直播支架 三脚架", "三脚架"),
        ("T恤 纯棉T恤男短袖", "T恤"),  # the bare copy: 纯棉T恤 already says it
        ("电暖桌升降茶几遥控取暖茶几取暖桌升降茶几", "升降茶几"),  # the same phrase twice
        ("齐心(COMIX) 皮面笔记本 齐心(COMIX) C4612J", "齐心"),  # brand with its Latin name
        ("华为畅享9手机壳 畅享9Plus保护壳 畅享9Plus硅胶套", "9Plus"),
        # A bare word after a long title body is the title's own word, not a spec.
        ("羽绒服女短款2024新款冬季外套加厚保暖 羽绒服", "羽绒服"),
        ("数据线苹果快充iPhone15充电线加长 数据线 1米", "数据线"),
        ("棉语清仓女装T恤纯棉短袖同款夏季 T恤", "T恤"),
        ("法式连衣裙女夏季收腰显瘦气质 裙", "裙"),  # a lone 裙 is in 连衣裙
        ("猫砂 豆腐猫砂 除臭", "猫砂"),  # the more specific word stays
        ("收纳盒 桌面收纳盒 化妆品整理盒", "收纳盒"),  # the bare copy goes
        ("打底衫女春秋 打底", "打底"),
        ("养生壶304 1.8升1.8", "1.8"),
        ("充值卡话费1000元1000", "1000"),
        ("保温饭盒上班族便携 2层 2", "2"),
        ("300ml保温杯300ML", "300ML"),
        ("钢化膜 iPhone15 2片装 2片", "2片"),
        ("钢化膜 手机壳 钢化膜", "钢化膜"),  # one wide gap is needed for a spec part
        ("钢化膜手机壳【钢化膜 2片装 钢化膜】", "钢化膜"),  # a repeat inside the spec part
    ],
)
def test_repeats(title, word):
    assert flagged(title) == [word]


def test_one_finding_per_word_naming_every_copy(taobao):
    title = "电暖桌升降茶几遥控取暖茶几取暖桌升降茶几智能升降茶几烤火炉 升降茶几"
    (finding,) = lint_title(title, taobao, select=["TITLE020"])
    assert finding.data["word"] == "升降茶几"
    assert finding.data["count"] == 3
    spans = finding.data["spans"]
    # 智能升降茶几 and the last copy: 升降 has another modifier there, or is free; 茶几 is the copy.
    assert [title[a:b] for a, b in spans] == ["升降茶几", "茶几", "茶几"]
    assert "共 3 处" in (finding.hint or "")
    assert finding.location.span == tuple(spans[0])


def test_a_single_repeat_carries_its_one_span(taobao):
    (finding,) = lint_title("钢化膜 手机壳 钢化膜", taobao, select=["TITLE020"])
    assert finding.data["count"] == 1
    assert finding.data["spans"] == [[8, 11]]
    assert "共" not in (finding.hint or "")


def test_single_characters_inside_words_are_never_deletion_hints(taobao):
    for title in ("毛衣女不掉毛加厚毛", "作文本小学生本", "冷饮机自助果汁机商用搅拌饮料机"):
        assert not any("删掉" in hint and len(hint.split("“")[1].split("”")[0]) == 1
                       for hint in hints(title, taobao))  # fmt: skip


@pytest.mark.skipif(not LABELLED.is_file(), reason="the labelled titles are not in this checkout")
def test_the_linter_agrees_with_the_labelled_titles():
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines if line.strip()]
    assert sum(1 for entry in entries if entry["repeats"]) >= 20
    wrong = []
    for entry in entries:
        found = flagged(entry["title"])
        if sorted(w.casefold() for w in found) != sorted(w.casefold() for w in entry["repeats"]):
            wrong.append((entry["title"], entry["repeats"], found))
    assert wrong == []


# -- one answer for words and titles ---------------------------------------------

WORDS = ["猫砂", "豆腐猫砂", "羽绒服", "面包服", "连衣裙", "碎花连衣裙", "裙", "1.8升", "1.8",
         "24盘", "240", "潘多拉MAX", "潘多拉", "作文本", "本", "不掉毛", "毛", "收纳盒",
         "桌面收纳盒", "2层", "2", "ins风", "ins"]  # fmt: skip


@pytest.mark.parametrize("earlier", WORDS)
def test_word_repeat_is_find_repeats_on_the_two_words(earlier):
    segmenter = get_segmenter()
    for later in WORDS:
        title = f"{earlier} {later}"
        repeats = find_repeats(segmenter.tokenize(title))
        answer = word_repeat(
            word_terms(segmenter.tokenize(earlier)), word_terms(segmenter.tokenize(later))
        )
        if answer is None:
            assert repeats == [], title
        else:
            cut = len(earlier) + 1
            flagged_later = [r for r in repeats if r.flagged.start >= cut]
            assert bool(flagged_later) == answer, title
            assert repeats, title


# -- the composer ----------------------------------------------------------------


def compose(rules, product, *attributes):
    return compose_titles(TitleParams(product=product, attribute=attributes), rules, n=1)[0]


def left_out(candidate) -> dict[str, str]:
    return {d.word: d.reason for d in candidate.dropped}


def test_words_that_share_a_character_are_both_kept(taobao):
    assert compose(taobao, "羽绒服", "面包服", "加厚").title == "羽绒服面包服加厚"
    assert compose(taobao, "狗粮", "小型犬", "成犬").title == "狗粮小型犬成犬"
    assert compose(taobao, "记分牌", "翻分牌", "篮球").title == "记分牌翻分牌篮球"


def test_the_more_specific_word_stays(taobao):
    segmenter = get_segmenter()
    terms = [word_terms(segmenter.tokenize(w)) for w in ("猫砂", "豆腐猫砂")]
    assert word_repeat(*terms) is False  # the earlier, shorter word is the one to delete
    assert flagged("猫粮 猫砂 豆腐猫砂 除臭") == ["猫砂"]
    candidate = compose(taobao, "猫粮", "猫砂", "豆腐猫砂", "除臭")
    assert "豆腐猫砂" in candidate.title
    # Written glued (猫粮猫砂豆腐猫砂), 猫砂 is part of the phrase 猫粮猫砂: no repeat left.
    assert lint_title(candidate.title, taobao, select=["TITLE020"]) == []


def test_a_word_that_extends_the_product_word_leads_the_title_in_its_place(taobao):
    candidate = compose(taobao, "猫砂", "豆腐猫砂", "除臭")
    # 豆腐猫砂, the more valuable search, is kept; the bare 猫砂 would only repeat it.
    assert candidate.title == "豆腐猫砂除臭"
    (dropped,) = [d for d in candidate.dropped if d.word == "猫砂"]
    assert (dropped.part, dropped.reason) == ("product", "已包含在“豆腐猫砂”里")
    assert lint_title(candidate.title, taobao, select=["TITLE020"]) == []


def test_a_word_that_only_begins_with_the_product_word_is_another_product(taobao):
    # 猫砂盆 is a litter box, not cat litter: the product word stays.
    candidate = compose(taobao, "猫砂", "猫砂盆", "除臭")
    assert candidate.title.startswith("猫砂") and "猫砂盆" not in candidate.words


@pytest.mark.parametrize(
    ("attributes", "gone"),
    [(("304", "1.8升", "1.8"), "1.8"), (("1000元", "1000"), "1000")],
)
def test_a_number_is_not_written_twice(taobao, attributes, gone):
    candidate = compose(taobao, "养生壶", *attributes)
    assert "1.8升1.8" not in candidate.title and "1000元1000" not in candidate.title
    assert left_out(candidate)[gone].startswith("与")


def test_different_numbers_are_both_kept(taobao):
    assert compose(taobao, "麻将机", "4盘", "24盘").title == "麻将机4盘24盘"


def test_a_lone_character_between_brackets_or_dashes_is_a_code_not_a_word():
    # A JD spec: the plug type of a converter, written (直-直); not a repeated word.
    assert flagged("转换头 直头 (直-直) 黑色") == []
    assert flagged("连衣裙 裙 夏季") == ["裙"]  # between spaces it is a word
