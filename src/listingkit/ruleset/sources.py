"""Sources: every fact a file sets names where its number comes from.

Per file, before merging, each fact the file sets is given the source that
same file names for it (the table's ``source`` or ``source_for.<field>``): a
store's number must never be cited with the platform's source. A number a
store's own file sets without a source is the store's choice (recorded as
:data:`STORE_CHOICE`, shown as 本店设定); in a shipped platform file it is a
CONF005 problem. A source named but never registered under ``[sources]`` is
CONF006. A later file's ``inherited_grade`` caps the grade of the facts it
inherits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from listingkit.errors import RuleProblem
from listingkit.ruleset.builtin import rules_dir
from listingkit.ruleset.locate import table_at
from listingkit.ruleset.models import EXTEND_PREFIX, SOURCED_TABLES
from listingkit.ruleset.rules import GRADE_CEILING, STORE_CHOICE, cite
from listingkit.ruleset.tomlfile import Origin, TomlFile, suggest

__all__ = [
    "GRADE_CEILING",
    "STORE_CHOICE",
    "SourceRef",
    "attach_sources",
    "cite",
    "grade_caps",
    "unknown_sources",
]


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source named by a file: the name, where it is written and under which key."""

    name: str
    origin: Origin
    key: str


def attach_sources(raw: TomlFile, problems: list[RuleProblem], refs: list[SourceRef]) -> None:
    """Give every fact this file sets the source this file names for it.

    Writes the result into the file's ``source_for`` tables; every source name
    met is added to ``refs`` so that :func:`unknown_sources` can check it.
    """
    for table_path, model in SOURCED_TABLES.items():
        table = table_at(raw.data, table_path)
        if not isinstance(table, dict):
            continue
        facts = model.fact_fields()
        dotted = ".".join(table_path)
        default = table.get("source")
        explicit = table.get("source_for")
        explicit = explicit if isinstance(explicit, dict) else {}
        if isinstance(default, str):
            refs.append(SourceRef(default, raw.origin((*table_path, "source")), f"{dotted}.source"))
        for name, value in explicit.items():
            key_path = (*table_path, "source_for", name)
            where = raw.origin(key_path)
            if name not in facts:
                problems.append(
                    RuleProblem(
                        "CONF002",
                        where.file,
                        where.line,
                        f"{dotted}.source_for.{name}",
                        f"不是本表的数值字段{suggest(name, facts)}",
                    )
                )
            elif isinstance(value, str):
                refs.append(SourceRef(value, where, f"{dotted}.source_for.{name}"))
        resolved = dict(explicit)
        shipped = _is_shipped(raw)
        for key in table:
            name = key[len(EXTEND_PREFIX) :] if key.startswith(EXTEND_PREFIX) else key
            if name not in facts:
                continue
            source = explicit.get(name, default)
            if source is None and not shipped:
                resolved[name] = STORE_CHOICE
            elif source is None:
                where = raw.origin((*table_path, key))
                problems.append(
                    RuleProblem(
                        "CONF005",
                        where.file,
                        where.line,
                        f"{dotted}.{key}",
                        f'内置规则文件里的数值没有出处；在 [{dotted}] 写 source = "出处名"，'
                        f'或写 source_for.{name} = "出处名"，并在 [sources.出处名] 登记',
                    )
                )
            else:
                resolved[name] = source
        if resolved:
            table["source_for"] = resolved
    named = raw.data.get("extends_source")
    if isinstance(named, str):
        refs.append(SourceRef(named, raw.origin(("extends_source",)), "extends_source"))


def _is_shipped(raw: TomlFile) -> bool:
    """A platform file shipped with listingkit: every number in it must be sourced."""
    try:
        return raw.path.resolve().parent == rules_dir().resolve()
    except OSError:
        return False


def unknown_sources(merged: Mapping[str, Any], refs: Iterable[SourceRef]) -> list[RuleProblem]:
    """CONF006 for each source named but not registered under ``[sources]``."""
    sources = merged.get("sources")
    known = set(sources) if isinstance(sources, dict) else set()
    seen: set[tuple[str, str]] = set()
    problems: list[RuleProblem] = []
    for ref in refs:
        if ref.name in known or (ref.key, ref.name) in seen:
            continue
        seen.add((ref.key, ref.name))
        problems.append(
            RuleProblem(
                "CONF006",
                ref.origin.file,
                ref.origin.line,
                ref.key,
                f"出处 “{ref.name}” 不存在{suggest(ref.name, known)}；"
                f"请在 [sources.{ref.name}] 登记它",
            )
        )
    return problems


def grade_caps(chain: Sequence[TomlFile]) -> dict[str, str]:
    """Each file's facts keep at most the grade a later file's ``inherited_grade`` allows."""
    caps: dict[str, str] = {}
    for index, raw in enumerate(chain):
        cap = raw.data.get("inherited_grade")
        if isinstance(cap, str):
            for earlier in chain[:index]:
                caps[earlier.display] = max(cap, caps.get(earlier.display, "A"))
    return caps
