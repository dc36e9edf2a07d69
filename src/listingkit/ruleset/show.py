"""Print resolved rules with the source, grade and origin of every fact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from listingkit.ruleset.models import ImagesSpec, Sourced
from listingkit.ruleset.rules import FactInfo, Rules
from listingkit.ruleset.tomlfile import display_path

__all__ = ["rules_to_dict", "rules_to_text"]

MISSING = "未找到公开数值"
DEFAULTED = "未见平台说明，按默认"
_TABLE_TITLES = {"title": "标题", "schedule": "上架时间"}


def _fact_dict(fact: FactInfo) -> dict[str, Any]:
    value = fact.value.model_dump() if hasattr(fact.value, "model_dump") else fact.value
    return {
        "value": value,
        "source": fact.source_name,
        "grade": fact.grade,
        "set_in": str(fact.origin) if fact.origin else None,
        "status": "set" if fact.is_set else ("default" if value is not None else "missing"),
    }


def _settings(table: Sourced) -> dict[str, Any]:
    skip = {"source", "source_for", *type(table).fact_fields()}
    settings = {k: v for k, v in table.model_dump().items() if k not in skip}
    for key in ("word_lists",):  # resolved to absolute paths by the loader
        if key in settings:
            settings[key] = [display_path(Path(p)) for p in settings[key]]
    return settings


def _table_dict(rules: Rules, prefix: str, table: Sourced) -> dict[str, Any]:
    out = {name: _fact_dict(rules.fact(f"{prefix}.{name}")) for name in type(table).fact_fields()}
    out.update(_settings(table))
    return out


def rules_to_dict(rules: Rules) -> dict[str, Any]:
    """The ``rules show --format json`` shape: every fact with source, grade and origin."""
    model = rules.model
    images: dict[str, Any] = {}
    for role, spec in model.images.roles():
        images[role] = _table_dict(rules, f"images.{role}", spec) if spec else None
    return {
        "platform": model.platform,
        "display_name": model.display_name,
        "store": model.store,
        "extends": model.extends,
        "extends_reason": model.extends_reason,
        "files": list(rules.files),
        "sources": {name: src.model_dump() for name, src in model.sources.items()},
        "title": _table_dict(rules, "title", model.title),
        "images": images,
        "schedule": _table_dict(rules, "schedule", model.schedule),
        "naming": model.naming.model_dump(),
        "checks": dict(model.checks),
    }


def _value_text(value: Any) -> str:
    if hasattr(value, "model_dump"):
        value = value.model_dump()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_value_text(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _fact_line(fact: FactInfo) -> str:
    name = fact.key.rsplit(".", 1)[1]
    if not fact.is_set:
        status = DEFAULTED if fact.value is not None else MISSING
        shown = (
            f"{_value_text(fact.value)}（{status}）" if fact.value is not None else f"—（{status}）"
        )
        return f"  {name} = {shown}"
    grade = f"{fact.grade} 级"
    if fact.source and fact.source.grade != fact.grade:
        grade = f"原 {fact.source.grade} 级，沿用按 {fact.grade} 级"
    return f"  {name} = {_value_text(fact.value)}    ← {fact.source_name}（{grade}） {fact.origin}"


def _table_lines(rules: Rules, prefix: str, table: Sourced | None, label: str) -> list[str]:
    lines = [f"[{prefix}] {label}"]
    if table is None:
        return [*lines, f"  （{MISSING}）"]
    lines += [_fact_line(rules.fact(f"{prefix}.{name}")) for name in type(table).fact_fields()]
    for key, value in _settings(table).items():
        if key == "note":
            continue
        lines.append(f"  {key} = {_value_text(value)}    （设置）")
    if table.note:
        lines.append(f"  说明：{table.note}")
    return lines


def rules_to_text(rules: Rules) -> str:
    """A readable listing for operators, in Chinese."""
    model = rules.model
    lines = [f"{model.display_name}（{model.platform}）"]
    if model.store:
        lines.append(f"店铺：{model.store}")
    lines.append(f"规则文件：{' → '.join(rules.files)}")
    if model.extends_reason:
        lines.append(f"继承原因：{model.extends_reason}")
    if model.inherited_grade:
        lines.append(f"继承来的数值在本平台最多按 {model.inherited_grade} 级证据对待")
    lines += ["", "A 级数值默认按错误报告，B、C 级按警告；“←” 后是出处与设定位置。", ""]
    lines += _table_lines(rules, "title", model.title, _TABLE_TITLES["title"])
    for role, spec in model.images.roles():
        field = ImagesSpec.model_fields[role]
        lines += ["", *_table_lines(rules, f"images.{role}", spec, field.description or role)]
    lines += ["", *_table_lines(rules, "schedule", model.schedule, _TABLE_TITLES["schedule"])]
    lines += ["", "[naming] SKU 图命名（设置）"]
    lines += [f"  {k} = {_value_text(v)}" for k, v in model.naming.model_dump().items()]
    if model.checks:
        lines += ["", "[checks] 检查级别（设置）"]
        for code, level in sorted(model.checks.items()):
            origin = rules.origin(f"checks.{code}")
            lines.append(f"  {code} = {level}    {origin or ''}".rstrip())
    lines += ["", "[sources] 出处"]
    for name, src in model.sources.items():
        details = " · ".join(d for d in (src.where, src.seen) if d)
        lines.append(f"  {name}（{src.grade} 级）：{src.title}")
        if details:
            lines.append(f"      {details}")
    return "\n".join(lines) + "\n"
