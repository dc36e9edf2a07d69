"""Word-list files are rule data: the rule loader reads and validates them, and a word it
calls a duplicate is one the title matcher could not tell apart from the other."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from listingkit import lint_title, load_rules
from tests.conftest import Run

STORE = """\
extends = "taobao"
store = "测试店"

[title]
extend_word_lists = ["店铺词表.toml"]
"""


def word_list(*words: str) -> str:
    entries = ", ".join(f'{{ word = "{word}", replace = "删除" }}' for word in words)
    return (
        'name = "店铺词表"\n\n'
        "[[category]]\n"
        'id = "rank"\n'
        'label = "排名用语"\n'
        'reason = "无法证实的排名"\n'
        f"words = [{entries}]\n"
    )


def test_a_word_listed_twice_in_another_width_and_case_is_one_problem(
    cli: Callable[..., Run], write: Callable[..., Path]
) -> None:
    write("店铺词表.toml", word_list("ＭＡＸ．１", "max.1"))
    store = write("listingkit.toml", STORE)
    run = cli("rules", "validate", str(store))
    assert run.status == 2, run.err
    assert run.err_lines == [
        "店铺词表.toml:7: category.0.words.1: “max.1”与“ＭＡＸ．１”重复"
        "（忽略全半角和大小写后相同）；请删去一个 [CONF003]"
    ]


def test_the_matcher_finds_a_listed_word_in_any_width_and_case(
    write: Callable[..., Path],
) -> None:
    write("店铺词表.toml", word_list("ＭＡＸ．１"))
    rules = load_rules(write("listingkit.toml", STORE))
    assert Path("店铺词表.toml").resolve() in rules.paths
    found = [f for f in lint_title("夏季max.1连衣裙", rules) if "排名用语" in f.message]
    assert [(f.code, f.location.span) for f in found] == [("TITLE010", (2, 7))]


def test_a_word_list_rewritten_in_place_with_its_mtime_set_back_is_read_again(
    tmp_path: Path,
) -> None:
    import os

    from listingkit.ruleset.wordlists import load_word_list

    path = tmp_path / "店铺词表.toml"
    path.write_text(word_list("AAAA"), encoding="utf-8")
    first = load_word_list(path)
    before = os.stat(path)
    path.write_text(word_list("BBBB"), encoding="utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    assert [w.word for w in first.words] == ["AAAA"]
    assert [w.word for w in load_word_list(path).words] == ["BBBB"]
