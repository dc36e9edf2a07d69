"""Validating merged rules, in messages an operator can act on.

The merged data is validated once by the pydantic models; each error becomes
a problem located at the file and line that set the key (via provenance),
with a "did you mean" for an unknown key. A code under ``[checks]`` must be a
known check code or name. However many problems a hostile file holds, at
most :data:`MAX_PROBLEMS` are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from listingkit.codes import CODES
from listingkit.errors import RuleProblem
from listingkit.ruleset.locate import KeyPath
from listingkit.ruleset.models import (
    IMAGE_ROLES,
    ImageSpec,
    ImagesSpec,
    NamingSpec,
    PlatformRules,
    ScheduleSpec,
    Source,
    TitleSpec,
    UnitWeights,
    WatermarkSpec,
)
from listingkit.ruleset.tomlfile import Origin, TomlFile, suggest, validation_message

__all__ = ["MAX_PROBLEMS", "capped", "unknown_checks", "validate_model"]

#: Problems listed for one load; a hostile file could hold hundreds of thousands.
MAX_PROBLEMS = 100


def validate_model(
    merged: dict[str, Any],
    prov: Mapping[KeyPath, Origin],
    leaf: TomlFile,
    problems: list[RuleProblem],
) -> PlatformRules | None:
    """The validated model, or None with a problem added per pydantic error."""
    try:
        return PlatformRules.model_validate(merged)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            # "Did you mean" costs a fuzzy match; beyond the problems shown it is not said.
            fields_at = _fields_at if len(problems) < MAX_PROBLEMS else _no_fields
            code, message = validation_message(error, fields_at)
            where = _locate(loc, prov, leaf)
            key = _short_key(loc)
            problems.append(RuleProblem(code, where.file, where.line, key, message))
    return None


def unknown_checks(
    merged: Mapping[str, Any], prov: Mapping[KeyPath, Origin], leaf: TomlFile
) -> list[RuleProblem]:
    """CONF009 for each key under ``[checks]`` that is neither a code nor a check name."""
    checks = merged.get("checks")
    if not isinstance(checks, dict):
        return []
    names = set(CODES.values())
    problems: list[RuleProblem] = []
    for key in checks:
        if key in CODES or key in names:
            continue
        where = prov.get(("checks", key), Origin(leaf.display, None))
        problems.append(
            RuleProblem(
                "CONF009",
                where.file,
                where.line,
                f"checks.{key}",
                f"未知的检查代码{suggest(key, [*CODES, *names])}；"
                "用 listingkit explain --all 查看全部",
            )
        )
    return problems


def capped(problems: list[RuleProblem]) -> list[RuleProblem]:
    """At most :data:`MAX_PROBLEMS` problems, then one line counting the rest."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = problems[MAX_PROBLEMS:]
    summary = RuleProblem(
        rest[0].code,
        rest[0].file,
        None,
        None,
        f"还有 {len(rest):,} 个问题没有列出；请先修正上面的 {MAX_PROBLEMS} 个",
    )
    return [*problems[:MAX_PROBLEMS], summary]


def _fields_at(loc: KeyPath) -> list[str]:
    model = _model_at(loc)
    return list(model.model_fields) if model else []


def _model_at(loc: KeyPath) -> type[BaseModel] | None:
    """The model whose fields are allowed at ``loc`` (for "did you mean")."""
    if not loc:
        return PlatformRules
    head, *rest = loc
    if head == "sources":
        return Source if len(rest) == 1 else None
    if head == "images":
        if not rest:
            return ImagesSpec
        if rest == ["watermark"]:
            return WatermarkSpec
        return ImageSpec if len(rest) == 1 and rest[0] in IMAGE_ROLES else None
    nested: dict[str, type[BaseModel]] = {
        "title": TitleSpec,
        "naming": NamingSpec,
        "schedule": ScheduleSpec,
    }
    if head == "title" and rest == ["unit_weights"]:
        return UnitWeights
    return nested.get(str(head)) if not rest else None


def _no_fields(loc: KeyPath) -> list[str]:
    return []


def _short_key(loc: KeyPath) -> str | None:
    """The dotted key, cut short: a hostile file may have a key of a megabyte."""
    key = ".".join(str(p) for p in loc)
    return key if len(key) <= 120 else f"{key[:117]}…"


def _locate(loc: KeyPath, prov: Mapping[KeyPath, Origin], leaf: TomlFile) -> Origin:
    key = loc
    while key:
        if key in prov:
            return prov[key]
        key = key[:-1]
    return Origin(leaf.display, None)
