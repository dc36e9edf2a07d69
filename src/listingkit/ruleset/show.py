"""Print resolved rules with the source, grade and origin of every fact.

Values are shown in the units people use (``3 MB``, ``800×800``); a fact
the platform's table leaves empty is either "looked and not found"
(:data:`MISSING`) or, when no check reads it for that role, "does not apply";
a role the platform has no table for does not apply at all. The comment the
file writes next to a key (why a stricter value was chosen) is shown under
it, and a value no check reads is marked. Which keys checks read comes from
the check registry, handed in by the caller: this layer knows no check.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from listingkit.ruleset.comments import comment_at, read_lines
from listingkit.ruleset.models import ImagesSpec, Sourced
from listingkit.ruleset.rules import FactInfo, Rules
from listingkit.ruleset.shown import fact_value_text, value_text
from listingkit.ruleset.tomlfile import display_path

__all__ = ["key_is_read", "rules_to_dict", "rules_to_text"]

MISSING = "未找到公开数值"
DEFAULTED = "未见平台说明，按默认"
NOT_APPLICABLE = "不适用于这类图"
ROLE_ABSENT = "本平台没有这类图，不适用"
UNREAD = "没有检查读取此值"
STORE_CHOICE_LABEL = "本店设定"
SIZE_CONVENTION = "文件大小按 1 KB = 1024 字节、1 MB = 1024 KB（1,048,576 字节）计"
_TABLE_TITLES = {"title": "标题", "schedule": "上架时间"}


def key_is_read(key: str, read_keys: Collection[str] | None) -> bool | None:
    """Whether a check reads ``key`` (``images.<role>.x`` matches every role); None: unknown."""
    if read_keys is None:
        return None
    parts = key.split(".")
    if parts[0] == "images" and len(parts) == 3:
        return key in read_keys or f"images.<role>.{parts[2]}" in read_keys
    return key in read_keys


class _View:
    """What the listing needs besides the rules: which keys checks read, file comments."""

    def __init__(self, rules: Rules, read_keys: Collection[str] | None) -> None:
        self.rules = rules
        self.read_keys = read_keys
        self._paths = dict(zip(rules.files, rules.paths, strict=False))
        self._lines: dict[str, list[str]] = {}

    def comment(self, fact: FactInfo) -> str | None:
        origin = fact.origin
        if origin is None or origin.line is None or origin.file not in self._paths:
            return None
        if origin.file not in self._lines:
            self._lines[origin.file] = read_lines(self._paths[origin.file])
        return comment_at(self._lines[origin.file], origin.line)

    def status(self, fact: FactInfo) -> str:
        if fact.is_set:
            return "set"
        if fact.value is not None:
            return "default"
        return "missing" if key_is_read(fact.key, self.read_keys) is not False else "not_applicable"


def _fact_dict(view: _View, fact: FactInfo, table: Sourced) -> dict[str, Any]:
    value = fact.value.model_dump() if hasattr(fact.value, "model_dump") else fact.value
    name = fact.key.rsplit(".", 1)[1]
    status = view.status(fact)
    return {
        "value": value,
        "source": fact.source_name or None,
        "grade": fact.grade,
        "store_choice": fact.is_store_choice,
        "set_in": str(fact.origin) if fact.origin else None,
        "status": "missing" if status == "not_applicable" else status,
        "shown": fact_value_text(name, fact.value, table.model_dump()),
        "applies": status != "not_applicable",
        "read_by_check": key_is_read(fact.key, view.read_keys),
        "comment": view.comment(fact),
    }


def _settings(table: Sourced) -> dict[str, Any]:
    skip = {"source", "source_for", *type(table).fact_fields()}
    settings = {k: v for k, v in table.model_dump().items() if k not in skip}
    for key in ("word_lists",):  # resolved to absolute paths by the loader
        if key in settings:
            settings[key] = [display_path(Path(p)) for p in settings[key]]
    return settings


def _table_dict(view: _View, prefix: str, table: Sourced) -> dict[str, Any]:
    out = {
        name: _fact_dict(view, view.rules.fact(f"{prefix}.{name}"), table)
        for name in type(table).fact_fields()
    }
    out.update(_settings(table))
    return out


def rules_to_dict(rules: Rules, read_keys: Collection[str] | None = None) -> dict[str, Any]:
    """The ``rules show --format json`` shape: every fact with source, grade and origin.

    ``read_keys`` are the rule-file keys checks read (``images.<role>.x`` for
    any role); without them nothing is marked as unread or not applicable.
    """
    view = _View(rules, read_keys)
    model = rules.model
    images: dict[str, Any] = {}
    for role, spec in model.images.roles():
        images[role] = _table_dict(view, f"images.{role}", spec) if spec else None
    return {
        "platform": model.platform,
        "display_name": model.display_name,
        "aliases": list(model.aliases),
        "store": model.store,
        "extends": model.extends,
        "extends_reason": model.extends_reason,
        "files": list(rules.files),
        "sources": {name: src.model_dump() for name, src in model.sources.items()},
        "title": _table_dict(view, "title", model.title),
        "images": images,
        "roles_not_applicable": [role for role, spec in model.images.roles() if spec is None],
        "schedule": _table_dict(view, "schedule", model.schedule),
        "naming": model.naming.model_dump(),
        "checks": dict(model.checks),
    }


def _fact_lines(view: _View, fact: FactInfo, table: Sourced) -> list[str]:
    name = fact.key.rsplit(".", 1)[1]
    shown = fact_value_text(name, fact.value, table.model_dump())
    status = view.status(fact)
    if status == "not_applicable":
        return []  # listed once under the table, not line by line
    if not fact.is_set:
        return [f"  {name} = {shown}（{DEFAULTED if status == 'default' else MISSING}）"]
    if fact.is_store_choice:
        line = f"  {name} = {shown}    ← {STORE_CHOICE_LABEL} {fact.origin}"
    else:
        grade = f"{fact.grade} 级"
        if fact.source and fact.source.grade != fact.grade:
            grade = f"原 {fact.source.grade} 级，沿用按 {fact.grade} 级"
        line = f"  {name} = {shown}    ← {fact.source_name}（{grade}） {fact.origin}"
    if key_is_read(fact.key, view.read_keys) is False:
        line += f"    （{UNREAD}）"
    lines = [line]
    comment = view.comment(fact)
    if comment:
        lines.append(f"      注：{comment}")
    return lines


def _table_lines(view: _View, prefix: str, table: Sourced | None, label: str) -> list[str]:
    lines = [f"[{prefix}] {label}"]
    if table is None:
        return [*lines, f"  （{ROLE_ABSENT}）"]
    facts = [view.rules.fact(f"{prefix}.{name}") for name in type(table).fact_fields()]
    for fact in facts:
        lines += _fact_lines(view, fact, table)
    for key, value in _settings(table).items():
        if key == "note":
            continue
        lines.append(f"  {key} = {value_text(value)}    （设置）")
    if table.note:
        lines.append(f"  说明：{table.note}")
    skipped = [f.key.rsplit(".", 1)[1] for f in facts if view.status(f) == "not_applicable"]
    if skipped and prefix.startswith("images."):
        lines.append(f"  （{NOT_APPLICABLE}：{'、'.join(skipped)}）")
    return lines


def rules_to_text(rules: Rules, read_keys: Collection[str] | None = None) -> str:
    """A readable listing for operators, in Chinese (``read_keys`` as in :func:`rules_to_dict`)."""
    view = _View(rules, read_keys)
    model = rules.model
    lines = [f"{model.display_name}（{model.platform}）"]
    if model.aliases:
        lines.append(f"别名：{'、'.join(model.aliases)}")
    if model.store:
        lines.append(f"店铺：{model.store}")
    lines.append(f"规则文件：{' → '.join(rules.files)}")
    if model.extends_reason:
        lines.append(f"继承原因：{model.extends_reason}")
    if model.inherited_grade:
        lines.append(f"继承来的数值在本平台最多按 {model.inherited_grade} 级证据对待")
    lines += [
        "",
        "A 级数值默认按错误报告，B、C 级按警告；“←” 后是出处与设定位置，“注”是规则文件里的说明。",
        f"{SIZE_CONVENTION}。",
        "",
    ]
    lines += _table_lines(view, "title", model.title, _TABLE_TITLES["title"])
    for role, spec in model.images.roles():
        field = ImagesSpec.model_fields[role]
        lines += ["", *_table_lines(view, f"images.{role}", spec, field.description or role)]
    lines += ["", *_table_lines(view, "schedule", model.schedule, _TABLE_TITLES["schedule"])]
    lines += ["", "[naming] SKU 图命名（设置）"]
    lines += [f"  {k} = {value_text(v)}" for k, v in model.naming.model_dump().items()]
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
