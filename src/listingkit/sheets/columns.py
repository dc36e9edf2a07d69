"""Which header holds which field: aliases operators use, and the user's own mapping."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from listingkit.errors import SheetError
from listingkit.sheets.model import Sheet, did_you_mean, name_list

__all__ = [
    "KEYWORD_COLUMNS",
    "PARAMETER_COLUMNS",
    "PRODUCT_COLUMNS",
    "find_columns",
    "normalise_header",
]

#: Parameter sheet (one product per row) → candidate titles. Earlier aliases win.
PARAMETER_COLUMNS: Mapping[str, Sequence[str]] = MappingProxyType(
    {
        "item": ("货号", "款号", "商品编码", "商家编码", "SKU"),
        "category": ("类目词", "类目", "品类词", "品类"),
        "brand": ("品牌", "品牌名"),
        "product": ("产品词", "核心词", "品名", "产品"),
        "attribute": ("属性词", "属性", "卖点词", "卖点"),
        "marketing": ("营销词", "促销词", "营销"),
        "modifier": ("修饰词", "修饰", "长尾词"),
        "title": ("标题", "宝贝标题", "商品标题", "title"),
    }
)

#: Keyword sheet exported from 生意参谋 (搜索分析 / 选词助手).
KEYWORD_COLUMNS: Mapping[str, Sequence[str]] = MappingProxyType(
    {
        "keyword": ("关键词", "搜索词", "关键字"),
        "popularity": ("搜索人气",),
        "click_rate": ("点击率",),
        "conversion": ("支付转化率", "转化率"),
        "competition": ("在线商品数", "商品数"),
    }
)

#: Product sheet for photo names: 货号 and, optionally, the colour/SKU of each row.
PRODUCT_COLUMNS: Mapping[str, Sequence[str]] = MappingProxyType(
    {
        "item": ("货号", "款号", "商品编码", "商家编码", "款式编号", "item", "item no"),
        "colour": ("颜色", "颜色分类", "SKU", "规格", "销售属性", "colour", "color"),
    }
)

# A note in brackets at the end of a header: 产品词（必填）, 品牌(选填), 标题【可选】.
# NFKC has already turned full-width （）［］ into ASCII ones.
_TRAILING_NOTE = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】)\s*$")


def normalise_header(text: str) -> str:
    """The form headers are compared in: NFKC, no spaces, case-folded, trailing note gone."""
    name = unicodedata.normalize("NFKC", text).strip()
    while match := _TRAILING_NOTE.search(name):
        rest = name[: match.start()].strip()
        if not rest:  # a header that is nothing but brackets keeps them
            break
        name = rest
    return "".join(name.split()).casefold()


def find_columns(
    sheet_or_headers: Sheet | Sequence[str],
    aliases: Mapping[str, Sequence[str]],
    mapping: Mapping[str, str] | None = None,
    *,
    labels: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Map field names to the headers that hold them; fields not found are left out.

    ``mapping`` (field → header, from the user) wins over aliases; a mapped header
    that is not in the sheet is a :class:`SheetError`. Fields in ``mapping`` but
    not in ``aliases`` are returned too. A header serves one field only, so
    "产品" cannot be taken by both product and title. ``labels`` (field → the
    Chinese name operators use) words the error.
    """
    if isinstance(sheet_or_headers, Sheet):
        headers, source = sheet_or_headers.headers, sheet_or_headers.where
    else:
        headers, source = list(sheet_or_headers), None
    found = {
        field: _mapped_header((labels or {}).get(field, field), header, headers, source)
        for field, header in (mapping or {}).items()
    }
    taken = set(found.values())
    keys = {header: normalise_header(header) for header in headers}
    for field, names in aliases.items():
        if field in found:
            continue
        header = _first_alias(names, headers, keys, taken)
        if header is not None:
            found[field] = header
            taken.add(header)
    order = [*aliases, *(field for field in found if field not in aliases)]
    return {field: found[field] for field in order if field in found}


def _first_alias(
    names: Sequence[str], headers: Sequence[str], keys: Mapping[str, str], taken: set[str]
) -> str | None:
    # Alias order decides (支付转化率 before 转化率), then column order.
    for name in names:
        wanted = normalise_header(name)
        for header in headers:
            if header not in taken and keys[header] == wanted:
                return header
    return None


def _mapped_header(field: str, header: str, headers: Sequence[str], source: str | None) -> str:
    if header in headers:
        return header
    wanted = normalise_header(header)
    for candidate in headers:  # the user typed it with other spacing or width
        if normalise_header(candidate) == wanted:
            return candidate
    prefix = f"{source}：" if source else ""
    hint = did_you_mean(header, headers, normalise_header)
    raise SheetError(
        f"{prefix}找不到列“{header}”（指定给 {field}）；表头有：{name_list(headers)}。"
        f"{hint}请按表头原样填写列名"
    )
