"""The parameter sheet's column names as operators write them (light: no composer imported)."""

from __future__ import annotations

__all__ = ["COLUMN_LABELS"]

#: The Chinese name of each parameter column, as operators write it in --columns.
COLUMN_LABELS = {
    "item": "货号",
    "category": "类目词",
    "brand": "品牌",
    "product": "产品词",
    "attribute": "属性词",
    "marketing": "营销词",
    "modifier": "修饰词",
    "title": "标题",
}
