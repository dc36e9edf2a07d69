"""The Python API checks what it is given (issue point 16).

A single path or word where a collection is meant is taken as one item; a
value of the wrong kind raises ArgumentError (a ListingkitError that is also a
TypeError and ValueError) naming the parameter, never an AttributeError, a
walk of ``/`` or a raw ``itimer_error``.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PIL import Image

from listingkit import (
    ListingkitError,
    TitleInput,
    TitleParams,
    check_files,
    check_images,
    compose_titles,
    lint_title,
    lint_titles,
    load_rules,
)
from listingkit.errors import ArgumentError
from listingkit.registry import Selection
from listingkit.timelimit import checked_timeout, time_limit


@pytest.fixture(scope="module")
def rules():
    return load_rules("taobao")


@pytest.fixture
def product(tmp_path: Path) -> Path:
    folder = tmp_path / "商品A" / "主图"
    folder.mkdir(parents=True)
    Image.new("RGB", (800, 800), "white").save(folder / "01.jpg")
    Image.new("RGB", (100, 100), "white").save(folder / "02.jpg")
    return tmp_path / "商品A"


# --- a single path --------------------------------------------------------------------------


@pytest.mark.parametrize("check", [check_images, check_files])
@pytest.mark.parametrize("as_text", [True, False])
def test_a_single_path_is_one_path(rules, product, check, as_text):
    given = str(product) if as_text else product
    report = check(given, rules)
    assert report.subjects == check([product], rules).subjects
    assert len(report.subjects) == 2
    assert all("商品A" in subject for subject in report.subjects)


@pytest.mark.parametrize("check", [check_images, check_files])
def test_a_single_missing_path_is_named_whole(rules, tmp_path, check):
    missing = tmp_path / "没有这个文件夹"
    with pytest.raises(ListingkitError, match="没有这个文件夹"):
        check(str(missing), rules)


@pytest.mark.parametrize("check", [check_images, check_files])
def test_something_that_is_not_a_path_is_refused(rules, check):
    with pytest.raises(ArgumentError, match="paths 的第 2 项应为路径"):
        check(["a", 3], rules)
    with pytest.raises(ArgumentError, match="参数 paths"):
        check(None, rules)


# --- rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize("wrong", [None, "taobao", {"platform": "taobao"}])
def test_rules_that_are_not_rules_say_to_call_load_rules(product, wrong):
    calls = [
        lambda: check_images([product], wrong),
        lambda: check_files([product], wrong),
        lambda: lint_title("纯棉T恤", wrong),
        lambda: lint_titles([TitleInput("纯棉T恤")], wrong),
        lambda: compose_titles(TitleParams(product=("T恤",)), wrong),
    ]
    for call in calls:
        with pytest.raises(ArgumentError, match=r'参数 rules .*load_rules\("taobao"\)') as caught:
            call()
        assert isinstance(caught.value, (TypeError, ValueError, ListingkitError))


def test_load_rules_of_none_is_an_argument_error():
    with pytest.raises(ArgumentError, match="平台名"):
        load_rules(None)  # type: ignore[arg-type]


# --- words ----------------------------------------------------------------------------------


def test_a_bare_string_is_one_word_in_every_part():
    params = TitleParams(
        product="连衣裙", category="女装", brand="某牌", attribute="碎花", marketing="新款",
        modifier="显瘦",
    )  # fmt: skip
    assert params.product == ("连衣裙",)
    assert (params.category, params.brand, params.attribute) == (("女装",), ("某牌",), ("碎花",))
    assert (params.marketing, params.modifier) == (("新款",), ("显瘦",))
    assert TitleParams(product=["连衣裙", "裙子"]).product == ("连衣裙", "裙子")
    assert TitleParams(product="连衣裙", attribute=None).attribute == ()


def test_composing_from_a_bare_string_keeps_the_word_whole(rules):
    candidates = compose_titles(TitleParams(product="连衣裙"), rules)
    assert candidates
    assert all("连衣裙" in c.title for c in candidates)
    assert all(c.title != "连衣裙, 连衣, 连裙" for c in candidates)
    assert {c.title for c in candidates} == {
        c.title for c in compose_titles(TitleParams(product=("连衣裙",)), rules)
    }


def test_a_word_that_is_not_text_is_refused():
    with pytest.raises(ArgumentError, match=r"TitleParams\.attribute 的第 1 项应为字符串"):
        TitleParams(product="裙", attribute=(1,))
    with pytest.raises(ArgumentError, match=r"TitleParams\.product"):
        TitleParams(product=42)  # type: ignore[arg-type]


def test_lint_title_takes_a_bare_product_word(rules):
    assert lint_title("连衣裙", rules, products="连衣裙") == lint_title(
        "连衣裙", rules, products=("连衣裙",)
    )
    with pytest.raises(ArgumentError, match="参数 text"):
        lint_title(None, rules)  # type: ignore[arg-type]


def test_lint_titles_refuses_a_bare_string_and_wrong_items(rules):
    with pytest.raises(ArgumentError, match="lint_title"):
        lint_titles("全网最佳T恤", rules)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="第 2 项应为 TitleInput"):
        lint_titles([TitleInput("T恤"), "T恤"], rules)  # type: ignore[list-item]


# --- codes ----------------------------------------------------------------------------------


def test_a_bare_code_string_is_one_code(rules, product):
    assert Selection(select="IMG").codes() == Selection(select=("IMG",)).codes()  # type: ignore[arg-type]
    assert Selection(select="TITLE,IMG").select == ("TITLE", "IMG")  # type: ignore[arg-type]
    report = check_images([product], rules, select="IMG001")
    assert report.findings == check_images([product], rules, select=["IMG001"]).findings
    only_size = check_images([product], rules, select="IMG", ignore="IMG0")
    assert all(not f.code.startswith("IMG0") for f in only_size.findings)
    found = lint_title("全网最佳纯棉T恤", rules, select="TITLE010")
    assert [f.code for f in found] == ["TITLE010"]


def test_an_unknown_bare_code_is_named_whole(rules, product):
    with pytest.raises(ListingkitError, match="NOPE") as caught:
        check_images([product], rules, select="NOPE")
    assert "“N”" not in str(caught.value)


def test_a_code_that_is_not_text_is_refused(rules, product):
    with pytest.raises(ArgumentError, match="参数 ignore 的第 1 项"):
        check_images([product], rules, ignore=[1])  # type: ignore[list-item]


# --- timeout --------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, -0.5, math.inf, -math.inf, math.nan, 10**12, True, "30"])
def test_a_timeout_that_is_not_a_usable_number_is_refused(rules, product, bad):
    for call in (
        lambda: check_images([product], rules, timeout=bad),
        lambda: check_files([product], rules, timeout=bad),
    ):
        with pytest.raises(ArgumentError, match="参数 timeout"):
            call()


def test_time_limit_itself_refuses_what_the_timer_cannot_take():
    for bad in (-1, math.inf, math.nan):
        with pytest.raises(ArgumentError, match="timeout"), time_limit(bad):
            pass


@pytest.mark.parametrize(("given", "limit"), [(None, None), (0, None), (0.0, None), (2, 2.0)])
def test_no_limit_and_plain_limits_are_taken(given, limit):
    assert checked_timeout(given) == limit


def test_role_must_be_a_known_role(rules, product):
    with pytest.raises(ArgumentError, match="参数 role"):
        check_images([product], rules, role="主图")
    assert check_images([product], rules, role="main").subjects
