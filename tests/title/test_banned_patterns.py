"""TITLE010 on the shipped word list: patterns reach the words a list of
literals misses, and the allow-list keeps sizes, titles of works, job titles
and material content clean."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit import lint_title, load_rules
from listingkit.ruleset import Rules
from tests.conftest import Run


@pytest.fixture(scope="module")
def taobao() -> Rules:
    return load_rules("taobao")


def banned(title: str, rules: Rules) -> list[tuple[str, tuple[int, int] | None]]:
    """(word as written, span) of every TITLE010 finding."""
    found = [f for f in lint_title(title, rules) if f.code == "TITLE010"]
    return [(title[f.location.span[0] : f.location.span[1]], f.location.span) for f in found]  # type: ignore[index]


@pytest.mark.parametrize(
    ("title", "word"),
    [
        ("超轻最轻薄羽绒服女", "最轻"),
        ("充电最快的数据线", "最快"),
        ("最耐用的登山鞋", "最耐"),
        ("最省电的空调扇", "最省"),
        ("今年最潮卫衣男", "最潮"),
        ("最实用收纳盒", "最实"),
        ("祖传秘方老膏药贴", "祖传秘方"),
        ("特效去屑洗发水", "特效"),
        ("卖疯了的网红杯子", "卖疯了"),
        ("再不抢就没了纯棉T恤", "再不抢就没了"),
        ("行业领袖品质床垫", "行业领袖"),
        ("首屈一指的好茶叶", "首屈一指"),
        ("销冠款电动牙刷", "销冠"),
        ("销量第1名保温杯", "第1"),
        ("Top 1 蓝牙耳机", "Top 1"),
        ("全网最快发货手机壳", "全网最快"),
        ("史上最快充电宝", "史上最快"),
        ("史上最强充电宝", "最强"),  # a listed word inside a pattern's hit wins
        ("最后1天清仓T恤", "最后1天"),
        ("仅此一天特价茶具", "仅此一天"),
        ("卖疯啦冰丝裤", "卖疯啦"),
    ],
)
def test_words_no_literal_list_held_are_found(taobao: Rules, title: str, word: str) -> None:
    assert [w for w, _ in banned(title, taobao)] == [word]


@pytest.mark.parametrize(
    "title",
    [
        "宝宝第一本认知书撕不烂",
        "第一性原理马斯克传记",
        "第一炉香张爱玲小说集",
        "主治医师考试用书2025",
        "万能遥控器空调通用",
        "万能扳手活动扳手套装",
        "100%纯羊毛围巾女",
        "100%新疆棉短袖T恤",
        "物流周转运输箱塑料",
        "最大码女装胖mm连衣裙",
        "最近很火的帆布包",
        "第一次做妈妈孕妇连衣裙",
        "第1季全集DVD光盘",
        "最后一件清仓价外套",  # 最后 here is order; 清仓 is not in the shipped list
        "最早发货连衣裙",
        "最多可装10kg收纳箱",
        "宝宝第一双鞋学步鞋",
        "初学者第一把吉他",
        "全特效游戏电脑主机",
    ],
)
def test_ordinary_phrases_are_not_banned_words(taobao: Rules, title: str) -> None:
    assert banned(title, taobao) == []


def test_a_listed_word_keeps_its_own_reason_where_a_pattern_also_matches(taobao: Rules) -> None:
    # 最低价 is listed with its own replacement; 最{han} and 史上最{han} also match there.
    found = [f for f in lint_title("史上最低价纯棉T恤", taobao) if f.code == "TITLE010"]
    assert [(f.location.span, f.data["word"], f.data["replace"]) for f in found] == [
        ((2, 5), "最低价", "优惠价")
    ]


def test_a_pattern_hit_names_the_text_as_written_in_the_title(taobao: Rules) -> None:
    (finding,) = [f for f in lint_title("最耐用登山鞋", taobao) if f.code == "TITLE010"]
    assert finding.message.startswith("“最耐”是绝对化用语、最高级类极限词")
    assert finding.data["word"] == "最{han}"


# --- a store's own word list with patterns --------------------------------------

STORE = """\
extends = "taobao"
store = "测试店"

[title]
extend_word_lists = ["店铺词表.toml"]
"""


def test_a_bad_pattern_in_a_store_list_is_one_error_naming_the_file_and_key(
    cli: Callable[..., Run], write: Callable[..., Path]
) -> None:
    write(
        "店铺词表.toml",
        """\
        name = "店铺词表"

        [[category]]
        id = "season"
        label = "换季用语"
        reason = "本店不用"
        words = [
          { word = "清仓", replace = "特惠" },
          { pattern = "(换季|断码", replace = "删除" },
        ]
        """,
    )
    store = write("listingkit.toml", STORE)
    run = cli("lint-titles", "--rules", str(store), "--text", "夏季T恤")
    assert run.status == 2
    assert run.err_lines == [
        "店铺词表.toml:7: category.0.words.1.pattern: 模式“(换季|断码”第 7 个字符处"
        "缺少与“(”配对的“)” [CONF003]"
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('{ pattern = "{size}清仓", replace = "删除" }', "“{size}”不是已定义的词组"),
        ('{ pattern = "断码?", replace = "删除" }', None),
        ('{ pattern = "(?i)断码", replace = "删除" }', "“?”放错了位置"),
        ('{ word = "断码", pattern = "断码", replace = "删除" }', "二者只写一个"),
        ('{ replace = "删除" }', "二者只写一个"),
    ],
)
def test_pattern_entries_are_checked_when_the_list_loads(
    cli: Callable[..., Run], write: Callable[..., Path], entry: str, message: str | None
) -> None:
    write(
        "店铺词表.toml",
        f'name = "店铺词表"\n\n[[category]]\nid = "x"\nlabel = "本店"\nreason = "本店不用"\n'
        f"words = [{entry}]\n",
    )
    run = cli("rules", "validate", str(write("listingkit.toml", STORE)))
    if message is None:  # 断码? can still not match nothing: 断 is required
        assert run.status == 0, run.err
        return
    assert run.status == 2
    assert len(run.err_lines) == 1
    assert run.err_lines[0].startswith("店铺词表.toml:")
    assert message in run.err_lines[0]


def test_a_pattern_that_can_match_nothing_is_refused(
    cli: Callable[..., Run], write: Callable[..., Path]
) -> None:
    write(
        "店铺词表.toml",
        'name = "店铺词表"\n\n[[allow]]\npattern = "(最|第)?"\nreason = "x"\n',
    )
    run = cli("rules", "validate", str(write("listingkit.toml", STORE)))
    assert run.status == 2
    assert run.err_lines == [
        "店铺词表.toml:4: allow.0.pattern: 模式“(最|第)?”可能匹配空字符串；去掉多余的 ? [CONF003]"
    ]


# --- the store example of docs/titles.md ------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "titles.md"
HEADING = "### 店铺如何加一个词、一个模式或一条例外"


def _doc_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return text[start:end]


def test_the_store_example_in_the_docs_adds_a_word_a_pattern_and_an_exception(
    cli: Callable[..., Run], write: Callable[..., Path]
) -> None:
    section = _doc_section()
    for body in re.findall(r"```toml\n(.*?)```", section, re.DOTALL):
        name = body.splitlines()[0].removeprefix("# ").strip()
        write(name, body)
    (command,) = re.findall(r"```sh\n(.*?)\n```", section, re.DOTALL)
    argv = shlex.split(command)
    assert argv[0] == "listingkit"
    run = cli(*argv[1:], "--format", "json")
    assert run.status == 0, run.err  # warnings only
    found = [
        (f["location"]["span"], f["data"]["word"])
        for f in json.loads(run.out)["findings"]
        if f["code"] == "TITLE010"
    ]
    title = argv[argv.index("--text") + 1]
    assert [(title[a:b], word) for (a, b), word in found] == [
        ("夏季甩卖", "{season}季(断码|甩卖)"),
        ("清仓", "清仓"),
        ("最快", "最{han}"),
    ]
    # the exception of the word list, and the written-out check of a bad pattern
    assert _titles_banned(cli, "清仓说明公告牌") == []
    write(
        "本店词表.toml",
        Path("本店词表.toml").read_text(encoding="utf-8").replace("(断码", "(断码("),
    )
    bad = cli(*argv[1:])
    assert bad.status == 2
    assert bad.err_lines[0].startswith("本店词表.toml:")
    assert "category.0.words.1.pattern" in bad.err_lines[0]


def _titles_banned(cli: Callable[..., Run], title: str) -> list[str]:
    run = cli("lint-titles", "--rules", "listingkit.toml", "--text", title, "--format", "json")
    assert run.status in (0, 1), run.err
    return [f["data"]["word"] for f in json.loads(run.out)["findings"] if f["code"] == "TITLE010"]
