"""Keyword coverage by text, the operator's order within a part, and suggested words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from listingkit import load_rules
from listingkit.sheets import KeywordStat
from listingkit.text.segment import get_segmenter
from listingkit.title.compose import TitleComposer, TitleParams
from listingkit.title.score import KeywordScores
from tests.checks.test_cases import store_file


def stat(keyword: str, popularity: float) -> KeywordStat:
    # Same rates and competition for every term: the value follows 搜索人气.
    return KeywordStat(keyword, popularity, 0.05, 0.02, 1_000, 2)


def scores(*stats: KeywordStat) -> KeywordScores:
    return KeywordScores.from_stats(stats).split_terms(get_segmenter().is_word)


CAT_FOOD = scores(
    stat("幼猫猫粮", 10_000),
    stat("猫粮10kg", 5_000),
    stat("成猫猫粮", 3_000),
    stat("狗粮", 8_000),
    stat("猫砂", 0.0),
)


@pytest.mark.parametrize(
    ("title", "term", "covered"),
    [
        ("皇家幼猫猫粮", "幼猫猫粮", True),  # as written
        ("幼猫营养猫粮", "幼猫猫粮", True),  # at its word boundary, in order
        ("猫粮全价幼猫", "幼猫猫粮", True),  # the formula's order: product word first
        ("幼猫粮", "幼猫猫粮", False),  # 幼猫 and 猫粮 would share a character
        ("猫咪干粮10kg", "猫粮10kg", False),  # single characters cover nothing
        ("猫咪主粮 10kg", "猫粮10kg", False),
        ("猫粮 全价 10KG", "猫粮10kg", True),  # letter case folded
        ("猫粮１０ｋｇ", "猫粮10kg", True),  # full-width folded
    ],
)
def test_a_term_is_covered_by_its_text_or_its_whole_words(title, term, covered):
    assert CAT_FOOD.covers(title, term) is covered


def test_a_term_cuts_only_where_it_has_a_word_boundary():
    # The segmenter cuts 幼猫猫粮 as 幼/猫猫/粮; the term's own boundary is 幼猫|猫粮.
    assert CAT_FOOD.parts["幼猫猫粮"] == (("幼猫", "猫粮"),)
    assert CAT_FOOD.parts["猫粮10kg"] == (("猫粮", "10kg"),)
    assert "狗粮" not in CAT_FOOD.parts  # one word: covered only as written
    assert CAT_FOOD.title_value("猫粮幼猫") == pytest.approx(1.0)
    assert CAT_FOOD.title_value("猫咪干粮") == 0.0


def test_a_word_relates_to_a_term_it_covers_or_is_a_piece_of():
    assert CAT_FOOD.word_value("幼猫") == pytest.approx(1.0)
    assert CAT_FOOD.word_value("10kg") == pytest.approx(0.5)
    assert CAT_FOOD.word_value("成猫猫粮冻干") == pytest.approx(0.3)  # covers 成猫猫粮
    assert CAT_FOOD.word_value("猫") == 0.0  # inside 猫粮 by accident only
    assert CAT_FOOD.word_value("粮") == 0.0


def test_value_picks_the_words_and_the_sheet_keeps_their_order():
    keywords = scores(stat("女", 9_000), stat("男", 100))
    composer = TitleComposer(load_rules("taobao"), keywords=keywords)
    best = composer.compose(TitleParams(product="T恤", attribute=("男", "女")), 3)[0]
    assert best.title == "T恤男女"


def test_value_decides_what_is_left_out_when_space_is_short(tmp_path):
    rules = load_rules(store_file(tmp_path, {"title_rules": {"max_units": 14}}))
    keywords = scores(stat("女款T恤", 9_000), stat("纯棉T恤", 50))
    row = TitleParams(product="T恤", attribute=("纯棉", "男款", "女款", "宽松"))
    best = TitleComposer(rules, keywords=keywords).compose(row, 3)[0]
    # 女款 is worth most: it goes in first, and still stands where the sheet put it.
    assert best.title == "T恤纯棉女款"
    assert {d.word: d.reason for d in best.dropped}["男款"] == "超出长度上限"


def test_a_category_word_without_value_goes_before_a_valuable_attribute(tmp_path):
    rules = load_rules(store_file(tmp_path, {"title_rules": {"max_units": 14}}))
    row = TitleParams(product="猫粮", category="宠物食品", attribute=("全价", "天然", "幼猫"))
    best = TitleComposer(rules, keywords=CAT_FOOD).compose(row, 5)[0]
    assert "幼猫" in best.title and "宠物食品" not in best.title
    assert {d.word: d.part for d in best.dropped}["宠物食品"] == "category"
    # Without keyword data the category word keeps its place ahead of attributes.
    plain = TitleComposer(rules).compose(row, 5)
    assert all(c.title.startswith("宠物食品猫粮") for c in plain)


def test_the_brand_and_the_main_product_word_are_never_left_out(tmp_path):
    rules = load_rules(store_file(tmp_path, {"title_rules": {"max_units": 14}}))
    row = TitleParams(product="猫粮", brand="喵星", attribute=("幼猫", "全价"))
    for candidate in TitleComposer(rules, keywords=CAT_FOOD).compose(row, 5):
        assert candidate.title.startswith("喵星猫粮")


def test_suggested_words_are_valuable_related_and_missing_from_every_candidate():
    composer = TitleComposer(load_rules("taobao"), keywords=CAT_FOOD)
    row = TitleParams(product="猫粮", attribute=("幼猫", "全价"))
    candidates = composer.compose(row, 3)
    suggested = composer.suggest(row, candidates)
    # 幼猫猫粮 is covered, 狗粮 is another product, 猫砂 is worth nothing.
    assert [s.keyword for s in suggested] == ["猫粮10kg", "成猫猫粮"]
    assert suggested[0].value == pytest.approx(0.5)
    assert suggested[0].to_dict() == {"keyword": "猫粮10kg", "value": 0.5}
    assert TitleComposer(load_rules("taobao")).suggest(row, candidates) == []


def test_suggested_words_share_a_whole_word_with_the_product_word():
    keywords = scores(stat("冰丝打底衫", 9_000), stat("打底裤", 8_000), stat("冰丝凉席", 7_000))
    composer = TitleComposer(load_rules("taobao"), keywords=keywords)
    row = TitleParams(product="打底衫T恤", attribute=("修身",))
    suggested = composer.suggest(row, composer.compose(row, 3))
    assert [s.keyword for s in suggested] == ["冰丝打底衫"]


def test_at_most_five_suggestions_best_first():
    many = scores(*(stat(f"{w}猫粮", 1_000 * (i + 1)) for i, w in enumerate("大小老新鲜冻全")))
    composer = TitleComposer(load_rules("taobao"), keywords=many)
    row = TitleParams(product="猫粮")
    suggested = composer.suggest(row, composer.compose(row, 3))
    values = [s.value for s in suggested]
    assert len(suggested) == 5 and values == sorted(values, reverse=True)


# -- the command, end to end -------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def command_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    sheet = _workbook(
        tmp_path / "参数表.xlsx",
        [
            ["货号", "类目词", "产品词", "属性词"],
            ["CAT1", "宠物食品", "猫粮", "全价、天然、幼猫"],
            ["TEE1", "", "T恤", "男款 女款"],
        ],
    )
    keywords = _workbook(
        tmp_path / "关键词.xlsx",
        [
            ["关键词", "搜索人气", "点击率", "支付转化率", "在线商品数"],
            ["幼猫猫粮", "10,000", "5.00%", "2.00%", "1,000"],
            ["狗粮", "8,000", "5.00%", "2.00%", "1,000"],
            ["猫粮10kg", "5,000", "5.00%", "2.00%", "1,000"],
            ["女款T恤", "4,000", "5.00%", "2.00%", "1,000"],
            ["纯棉T恤", "3,500", "5.00%", "2.00%", "1,000"],
            ["成猫猫粮", "3,000", "5.00%", "2.00%", "1,000"],
            ["男款T恤", "500", "5.00%", "2.00%", "1,000"],
        ],
    )
    rules = store_file(tmp_path, {"title_rules": {"max_units": 14}})
    return sheet, keywords, rules


def _titles(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "listingkit", "titles", *map(str, args)]
    return subprocess.run(
        command, capture_output=True, text=True, env=os.environ.copy(), check=False, timeout=120
    )


def test_titles_command_keeps_order_drops_by_value_and_suggests(command_files, tmp_path):
    sheet, keywords, rules = command_files
    out = tmp_path / "标题.xlsx"
    run = _titles(sheet, "--rules", rules, "--keywords", keywords, "-n", "3", "-o", out)
    assert run.returncode == 0, run.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    header = rows[0]
    cells = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    cat, tee = cells
    assert "幼猫" in cat["候选标题1"] and "宠物食品" not in cat["候选标题1"]
    assert "宠物食品（超出长度上限）" in cat["省略的词"]
    assert tee["候选标题1"] == "T恤男款女款"
    assert "建议补充的搜索词" in header
    assert cat["建议补充的搜索词"] == "猫粮10kg、成猫猫粮"
    assert tee["建议补充的搜索词"] == "纯棉T恤"

    run = _titles(sheet, "--rules", rules, "--keywords", keywords, "-n", "3", "--format", "json")
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    cat_row, tee_row = document["rows"]
    assert [s["keyword"] for s in cat_row["suggested"]] == ["猫粮10kg", "成猫猫粮"]
    assert cat_row["suggested"][0]["value"] == pytest.approx(0.5)
    assert tee_row["suggested"] == [{"keyword": "纯棉T恤", "value": 0.35}]
    assert tee_row["candidates"][0]["title"] == "T恤男款女款"

    plain = _titles(sheet, "--rules", rules, "--format", "json")
    assert plain.returncode == 0, plain.stderr
    # Without keyword data there is nothing to suggest: no field, no column.
    assert all("suggested" not in row for row in json.loads(plain.stdout)["rows"])
