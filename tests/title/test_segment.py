"""Segmentation: what stays whole, and rjieba agreeing with jieba token for token."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from listingkit.text.segment import get_segmenter, protected_spans

TITLES = [
    "夏季新款纯棉短袖T恤男宽松圆领半袖上衣",
    "嘉实多极护全合成机油5W-30 SN级4L",
    "BZ-YQ1722电动车遮阳伞加厚防晒",
    "碎花连衣裙女2024新款法式收腰显瘦气质长裙",
    "加绒卫衣男冬季加厚连帽外套XXL",
    "小米充电宝20000毫安大容量快充移动电源",
    "儿童保温杯316不锈钢带吸管水杯",
    "高腰阔腿裤女垂感直筒拖地裤子春秋款",
    "华为Mate60Pro手机壳磨砂硅胶全包防摔",
    "雾霾蓝针织开衫女短款外搭毛衣",
]


def texts(tokens):
    return [t.text for t in tokens]


def test_model_numbers_and_brands_stay_whole():
    segmenter = get_segmenter("jieba")
    tokens = texts(segmenter.tokenize("嘉实多机油5W-30全合成BZ-YQ1722", protect=["嘉实多"]))
    assert "5W-30" in tokens and "BZ-YQ1722" in tokens and "嘉实多" in tokens


def test_offsets_point_into_the_title():
    title = TITLES[1]
    for token in get_segmenter("jieba").tokenize(title):
        assert title[token.start : token.end] == token.text


@pytest.mark.parametrize("title", TITLES)
def test_rjieba_gives_jiebas_tokens(title):
    fast = get_segmenter("rjieba").tokenize(title, protect=["华为"])
    slow = get_segmenter("jieba").tokenize(title, protect=["华为"])
    assert texts(fast) == texts(slow)


def test_jieba_is_loaded_only_when_a_title_is_segmented():
    code = (
        "import sys\n"
        "from listingkit import load_rules\n"
        "from listingkit.title.compose import TitleComposer\n"
        "TitleComposer(load_rules('taobao'))\n"
        "assert 'jieba' not in sys.modules\n"
        "from listingkit.title.lint import lint_title\n"
        # Clear of repeats by its characters alone (no two characters in a row twice).
        "lint_title('夏季纯棉短袖T恤', load_rules('taobao'))\n"
        "assert 'jieba' not in sys.modules\n"
        # 纯棉 twice: only the segmenter can tell whether it is a repeat.
        "lint_title('夏季纯棉短袖T恤 纯棉', load_rules('taobao'))\n"
        "assert 'jieba' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_a_one_character_store_word_is_still_found():
    from listingkit.text.words import PhraseMatcher

    matcher = PhraseMatcher([("最", "x"), ("最佳", "y")])
    assert [h.text for h in matcher.find("全网最佳")] == ["最佳"]
    assert [h.text for h in matcher.find("最")] == ["最"]


def test_rjieba_agrees_on_every_word_of_the_shipped_dictionary():
    from listingkit.text.segment import user_dictionary

    lines = user_dictionary().read_text(encoding="utf-8").splitlines()
    words = [line.split()[0] for line in lines if line.strip()]
    assert len(words) > 300
    # each word alone, and the words run together four at a time
    texts = words + ["".join(words[i : i + 4]) for i in range(0, len(words), 4)]
    fast, slow = get_segmenter("rjieba"), get_segmenter("jieba")
    differ = [t for t in texts if texts_of(fast, t) != texts_of(slow, t)]
    assert differ == []


def texts_of(segmenter, text):
    return [token.text for token in segmenter.tokenize(text)]


# The pattern the scan in protected_spans replaced: same spans, but quadratic in
# a long run of letters. Kept here as the reference the scan must agree with.
_OLD_CODE = r"[A-Za-z0-9]+(?:[-_./+][A-Za-z0-9]+)+"


def reference_spans(text, protect=()):
    words = sorted(set(protect), key=len, reverse=True)
    alternatives = [regex.escape(w) for w in words if w] + [_OLD_CODE]
    pattern = regex.compile("|".join(alternatives), regex.IGNORECASE)
    return [match.span() for match in pattern.finditer(text)]


def _case_titles():
    titles = list(TITLES)
    for path in sorted((Path(__file__).parent.parent / "cases" / "title").glob("*.toml")):
        titles += [case["title"] for case in tomllib.loads(path.read_text("utf-8"))["case"]
                   if "title" in case]  # fmt: skip
    return titles


@pytest.mark.parametrize("title", _case_titles())
def test_spans_unchanged_on_every_case_title(title):
    protect = ["华为", "嘉实多", "Nike", "ab"]
    assert list(protected_spans(title, protect)) == reference_spans(title, protect)


@pytest.mark.parametrize(
    ("title", "spans"),
    [
        ("机油5W-30全合成", [(2, 7)]),
        ("BZ-YQ1722遮阳伞", [(0, 9)]),
        ("NikeAB-12", [(0, 4), (4, 9)]),  # a brand, then a model number inside the same run
        ("AB-12", [(0, 5)]),
        ("a-", []),
        ("-a-b-", [(1, 4)]),
        ("x--y", []),  # two joiners in a row do not join
    ],
)
def test_model_number_spans(title, spans):
    assert list(protected_spans(title, ["Nike"])) == spans


_ALPHABET = "aZ09K-_./+ 中裙\u212a"  # \u212a KELVIN SIGN: see test_kelvin_sign below


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(alphabet=_ALPHABET.replace("\u212a", ""), max_size=24),
    protect=st.lists(st.text(alphabet=_ALPHABET, max_size=4), max_size=4),
)
def test_spans_agree_with_the_old_pattern(text, protect):
    assert list(protected_spans(text, protect)) == reference_spans(text, protect)


def test_kelvin_sign_is_not_a_letter_of_a_model_number():
    # The old pattern matched case-insensitively, so the Kelvin sign (which folds
    # to "k") counted as a letter; a model number is ASCII only.
    assert list(protected_spans("\u212a-1")) == []
    assert list(protected_spans("k-1")) == [(0, 3)]


def test_a_long_run_of_letters_is_one_pass():
    # 200,000 letters took the old pattern many minutes; any linear scan is instant.
    text = "a" * 200_000 + "-1"
    assert list(protected_spans(text)) == [(0, len(text))]
    assert list(protected_spans("a-" * 50_000, ["a"]))[:2] == [(0, 1), (2, 3)]


WHOLE_WORDS = ["面包服", "羽绒服", "小型犬", "成犬", "幼犬", "豆腐猫砂", "猫砂", "翻分牌", "铅画纸",
               "作文本", "不掉毛", "养生壶", "钢化膜", "记分牌"]  # fmt: skip


@pytest.mark.parametrize("name", ["jieba", "rjieba"])
def test_product_words_and_attributes_stay_whole(name):
    segmenter = get_segmenter(name)
    for word in WHOLE_WORDS:
        assert texts_of(segmenter, word) == [word]
    # run together, each is still one word: none shares a token with its neighbour
    assert texts_of(segmenter, "羽绒服面包服小型犬成犬幼犬") == [
        "羽绒服",
        "面包服",
        "小型犬",
        "成犬",
        "幼犬",
    ]
    assert texts_of(segmenter, "毛衣不掉毛铅画纸作文本") == ["毛衣", "不掉毛", "铅画纸", "作文本"]
