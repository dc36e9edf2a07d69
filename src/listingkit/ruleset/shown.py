"""Fact values in the units people use: ``3 MB``, ``800×800``, ``70%``, ``60 分钟``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["byte_size_text", "fact_value_text", "value_text"]

#: Sides that make a width × height pair when both are set.
_PAIRS = {
    "min_width_px": "min_height_px",
    "max_width_px": "max_height_px",
    "recommended_width_px": "recommended_height_px",
}
_UNITS = {"min_count": "张", "max_count": "张", "lead_minutes": "分钟", "cycle_days": "天"}


def byte_size_text(size: int) -> str:
    """``3 MB`` for 3,145,728: K and M are binary multiples, as rule files read them."""
    for factor, unit in ((1024**3, "GB"), (1024**2, "MB"), (1024, "KB")):
        if size >= factor:
            amount = size / factor
            number = f"{amount:g}" if amount == round(amount, 2) else f"{amount:.2f}"
            return f"{number} {unit}"
    return f"{size} 字节"


def value_text(value: Any) -> str:
    """A setting's value as TOML-like text (for values without a unit)."""
    if hasattr(value, "model_dump"):
        value = value.model_dump()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {value_text(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def fact_value_text(name: str, value: Any, table: Mapping[str, Any]) -> str:
    """The value of fact ``name`` in its unit; ``table`` holds its neighbours (for pairs)."""
    if value is None:
        return "—"
    if name == "max_bytes" and isinstance(value, int):
        return f"{byte_size_text(value)}（{value:,} 字节）"
    if name == "min_side_px":
        return f"{value}×{value}（宽、高都不小于 {value} px）"
    if name in _PAIRS and table.get(_PAIRS[name]) is not None:
        return f"{value} px（与 {_PAIRS[name]} 合为 {value}×{table[_PAIRS[name]]}）"
    if name.endswith("_px"):
        return f"{value} px"
    if name in ("min_fill", "max_fill") and isinstance(value, float):
        return f"{value:.0%}"
    if name in _UNITS:
        return f"{value} {_UNITS[name]}"
    if name in ("formats", "peaks", "required_slots") and isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value_text(value)
