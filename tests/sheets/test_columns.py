"""find_columns: Chinese headers through aliases and through the user's mapping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit.errors import SheetError
from listingkit.sheets import (
    KEYWORD_COLUMNS,
    PARAMETER_COLUMNS,
    find_columns,
    normalise_header,
    read_sheet,
)

MakeXlsx = Callable[..., Path]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("产品词", "产品词"),
        (" 产品 词 ", "产品词"),
        ("品牌（可选）", "品牌"),
        ("品牌(选填)", "品牌"),
        ("属性词 【必填】", "属性词"),
        ("标题［示例］", "标题"),
        ("ＳＫＵ", "sku"),
        ("Title", "title"),
        ("点击率(%)", "点击率"),
        ("（备注）", "(备注)"),  # nothing but a note: kept
    ],
)
def test_normalise_header(header: str, key: str) -> None:
    assert normalise_header(header) == key


def test_parameter_sheet_headers_found_through_aliases(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(
        "参数表.xlsx",
        [
            [
                "商家编码",
                "品类",
                "品牌名（选填）",
                "核心词",
                "卖点",
                "促销词",
                "长尾词",
                "宝贝标题",
                "备注",
            ],
            ["A1", "女装", "某某", "连衣裙", "显瘦", "新款", "夏季", "", ""],
        ],
    )
    assert find_columns(read_sheet(path), PARAMETER_COLUMNS) == {
        "item": "商家编码",
        "category": "品类",
        "brand": "品牌名（选填）",
        "product": "核心词",
        "attribute": "卖点",
        "marketing": "促销词",
        "modifier": "长尾词",
        "title": "宝贝标题",
    }


def test_only_found_fields_are_returned() -> None:
    assert find_columns(["产品词", "备注"], PARAMETER_COLUMNS) == {"product": "产品词"}
    assert find_columns([], PARAMETER_COLUMNS) == {}


def test_earlier_alias_wins_over_column_order() -> None:
    headers = ["转化率", "支付转化率", "关键词", "搜索人气"]
    found = find_columns(headers, KEYWORD_COLUMNS)
    assert found["conversion"] == "支付转化率"


def test_a_header_serves_one_field() -> None:
    # "产品" is an alias of product; title maps it explicitly, so product gets 产品词.
    found = find_columns(["产品", "产品词"], PARAMETER_COLUMNS, {"title": "产品"})
    assert found == {"product": "产品词", "title": "产品"}


def test_mapping_wins_over_aliases(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("参数表.xlsx", [["产品词", "主推词", "品牌"], ["裙", "连衣裙", "某"]])
    found = find_columns(read_sheet(path), PARAMETER_COLUMNS, {"product": "主推词"})
    assert found["product"] == "主推词"
    assert found["brand"] == "品牌"
    assert list(found) == ["brand", "product"]  # alias-table order


def test_mapping_tolerates_width_and_spacing() -> None:
    found = find_columns(["主推 词（必填）"], PARAMETER_COLUMNS, {"product": "主推词"})
    assert found == {"product": "主推 词（必填）"}


def test_mapping_for_a_field_outside_the_aliases_is_returned() -> None:
    found = find_columns(["产品词", "季节"], PARAMETER_COLUMNS, {"season": "季节"})
    assert found == {"product": "产品词", "season": "季节"}


def test_mapping_to_missing_header_names_file_header_and_suggestion(
    make_xlsx: MakeXlsx,
) -> None:
    path = make_xlsx(
        "参数表.xlsx", sheets={"参数": [["货号", "产品词", "品牌"], ["A1", "裙", "某"]]}
    )
    with pytest.raises(SheetError) as caught:
        find_columns(read_sheet(path), PARAMETER_COLUMNS, {"product": "产品名"})
    message = str(caught.value)
    assert str(path) in message and "参数" in message
    assert "“产品名”" in message and "product" in message
    assert "“货号”、“产品词”、“品牌”" in message
    assert "是不是“产品词”？" in message


def test_mapping_to_missing_header_without_a_close_one() -> None:
    with pytest.raises(SheetError) as caught:
        find_columns(["货号"], PARAMETER_COLUMNS, {"product": "完全不同的名字"})
    message = str(caught.value)
    assert "“完全不同的名字”" in message and "是不是" not in message
