"""Merging the files of a chain, base first, remembering where every key was set.

Tables merge deeply, values and lists replace, ``extend_<key>`` appends to a
list (and then cites the sources of both files), ``[checks]`` merges per code
as any table does. Provenance maps every key path to the file and line that
set it last.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from listingkit.errors import RuleProblem
from listingkit.ruleset.locate import KeyPath
from listingkit.ruleset.models import EXTEND_PREFIX, SOURCE_JOIN
from listingkit.ruleset.tomlfile import Origin, TomlFile

__all__ = ["merge_chain"]


def merge_chain(
    chain: Sequence[TomlFile], problems: list[RuleProblem]
) -> tuple[dict[str, Any], dict[KeyPath, Origin]]:
    """The merged data of the chain (base first) and where each key was set."""
    merged: dict[str, Any] = {}
    prov: dict[KeyPath, Origin] = {}
    for raw in chain:
        _merge(merged, raw.data, (), raw, prov, problems)
    return merged, prov


def _record(prov: dict[KeyPath, Origin], path: KeyPath, value: Any, raw: TomlFile) -> None:
    """Remember where ``value`` and every key inside it was set."""
    pending = [(path, value)]
    while pending:
        here, node = pending.pop()
        prov[here] = raw.origin(here)
        if isinstance(node, dict):
            pending.extend(((*here, key), inner) for key, inner in node.items())


def _copied(value: Any) -> Any:
    """A copy of TOML data: its tables and lists new, its scalars (immutable) shared.

    Quicker than ``copy.deepcopy`` on a list of a million items, which a hostile
    file may hold; recursion is bounded by the reader's nesting limit.
    """
    if type(value) is dict:
        return {key: _copied(inner) for key, inner in value.items()}
    if type(value) is list:
        return [_copied(inner) if type(inner) in (dict, list) else inner for inner in value]
    return value


def _merge(
    base: dict[str, Any],
    child: Mapping[str, Any],
    path: KeyPath,
    raw: TomlFile,
    prov: dict[KeyPath, Origin],
    problems: list[RuleProblem],
) -> None:
    inherited: dict[str, str] = {}  # extended list → the source of its inherited items
    for key, value in child.items():
        if key.startswith(EXTEND_PREFIX) and path:
            target = key[len(EXTEND_PREFIX) :]
            existing = base.get(target) or []
            if not isinstance(value, list) or not isinstance(existing, list):
                where = raw.origin((*path, key))
                problems.append(
                    RuleProblem(
                        "CONF012",
                        where.file,
                        where.line,
                        ".".join((*map(str, path), key)),
                        f"{key} 只能追加到列表；{target} 不是列表，或 {key} 的值不是列表",
                    )
                )
                continue
            base[target] = existing + [v for v in value if v not in existing]
            prov[(*path, target)] = raw.origin((*path, key))
            base_source = (base.get("source_for") or {}).get(target)
            if existing and isinstance(base_source, str):
                inherited[target] = base_source
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            # Recursion is bounded: the reader refuses files nested deeper than MAX_NESTING.
            prov[(*path, key)] = raw.origin((*path, key))  # the last file to touch a table
            _merge(base[key], value, (*path, key), raw, prov, problems)
        else:
            base[key] = _copied(value)
            _record(prov, (*path, key), value, raw)
    # An extended list holds items from both files: cite both sources.
    for target, base_source in inherited.items():
        own = base.setdefault("source_for", {}).get(target)
        names = dict.fromkeys([*base_source.split(SOURCE_JOIN), *(own or "").split(SOURCE_JOIN)])
        base["source_for"][target] = SOURCE_JOIN.join(n for n in names if n)
