"""The rules a run works with: validated, and able to say where each fact comes from.

This is what checks import. It is built by :mod:`listingkit.ruleset.loader`
(or read back by :mod:`listingkit.ruleset.cache`) and never reads a file
itself. It imports neither pydantic nor TOML, so a run whose rules come from
the cache loads neither: the words a citation is made of live here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from listingkit.ruleset.locate import KeyPath, Origin
    from listingkit.ruleset.models import PlatformRules, Source

__all__ = [
    "GRADE_CEILING",
    "IMAGE_ROLES",
    "SOURCE_JOIN",
    "STORE_CHOICE",
    "FactInfo",
    "Rules",
    "cite",
]

#: The source recorded for a number a store sets without naming one: its own choice.
STORE_CHOICE = ""

#: The strongest level a check may report with a number of each grade (only a
#: platform's own text, grade A, makes an error).
GRADE_CEILING = {"A": "error", "B": "warning", "C": "warning"}

#: How a list extended across files names its several sources in ``source_for``.
SOURCE_JOIN = " + "

#: The image roles a rule file has a table for (``[images.<role>]``), in the order shown.
IMAGE_ROLES = ("main", "main_3x4", "white_background", "detail", "sku", "long")


def cite(source: Source) -> str:
    """``淘宝发布页配置（GitHub …，2024-12，A 级）``."""
    details = [d for d in (source.where, source.seen) if d]
    details.append(f"{source.grade} 级")
    return f"{source.title}（{'，'.join(details)}）"


@dataclass(frozen=True, slots=True)
class FactInfo:
    """One fact as resolved: value, source, grade and where it was set.

    A fact is a platform's number with its source, a store's own choice (set
    in the store's file without a source: as binding as the store wants), or
    listingkit's default when no file sets it.
    """

    key: str
    value: Any
    source_name: str | None
    sources: tuple[Source, ...]
    origin: Origin | None

    grade_cap: str | None = None

    @property
    def source(self) -> Source | None:
        """The source, or the weakest one for a list extended across files."""
        return max(self.sources, key=lambda s: s.grade, default=None)

    @property
    def grade(self) -> str | None:
        """The evidence grade, no better than an ``inherited_grade`` that applies."""
        if self.source is None:
            return None
        return max(self.source.grade, self.grade_cap or "A")

    @property
    def is_set(self) -> bool:
        """False when the value is the model's default or missing altogether."""
        return self.origin is not None

    @property
    def is_store_choice(self) -> bool:
        """Set by the store's own file without a source: the store's rule, not a platform's."""
        return self.origin is not None and self.source_name == STORE_CHOICE

    @property
    def ceiling(self) -> str:
        """The strongest level a finding on this fact may have before ``[checks]``.

        A store's own choice is not capped; a platform's number is capped by its
        grade; a number with no source at all (listingkit's default) is a warning.
        """
        if self.is_store_choice:
            return "error"
        return GRADE_CEILING[self.grade] if self.grade else "warning"

    def citation(self) -> str | None:
        """``淘宝发布页配置（GitHub …，2024-12，A 级）`` or ``本店设定（listingkit.toml:12）``."""
        if self.is_store_choice:
            return f"本店设定（{self.origin}）"
        if not self.sources:
            return None
        cited = "；".join(cite(source) for source in self.sources)
        if self.grade_cap and self.grade != self.source.grade:  # type: ignore[union-attr]
            cited += (
                f"；沿用自 {self.origin.file if self.origin else '上级规则'}，按 {self.grade} 级"
            )
        return cited


@dataclass(frozen=True)
class Rules:
    """Validated rules of one platform (and store), with provenance."""

    model: PlatformRules
    files: tuple[str, ...]
    provenance: Mapping[KeyPath, Origin] = field(repr=False)
    #: file → the best grade its facts keep here (set by a later file's ``inherited_grade``)
    grade_caps: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: the rule files and word lists read, on disk (a run must never write over them)
    paths: tuple[Path, ...] = field(default=(), repr=False)
    #: what is worked out from these rules, kept: they never change once built
    memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def platform(self) -> str:
        return self.model.platform

    @property
    def display_name(self) -> str:
        return self.model.display_name

    def origin(self, key: str) -> Origin | None:
        return self.provenance.get(tuple(key.split(".")))

    def fact(self, key: str) -> FactInfo:
        """The fact at a dotted key such as ``images.main.max_bytes``."""
        memo_key = ("fact", key)
        found = self.memo.get(memo_key)
        if found is None:
            found = self.memo[memo_key] = self._fact(key)
        return found

    def _fact(self, key: str) -> FactInfo:
        *table_path, name = key.split(".")
        table: Any = self.model
        for part in table_path:
            table = getattr(table, part, None) if table is not None else None
        # A table that holds facts says which (a validated table or its cached view).
        fact_fields = getattr(table, "fact_fields", None)
        if fact_fields is None or name not in fact_fields():
            raise KeyError(f"{key} is not a fact of the rule-file schema")
        value = getattr(table, name)
        origin = self.origin(key)
        source_name = table.source_of(name) if origin is not None else None
        names = source_name.split(SOURCE_JOIN) if source_name else []
        sources = tuple(self.model.sources[n] for n in names if n in self.model.sources)
        cap = self.grade_caps.get(origin.file) if origin else None
        return FactInfo(key, value, source_name, sources, origin, cap)

    def facts(self) -> Iterator[FactInfo]:
        """Every fact field of every table present, set or not."""
        for prefix, table in self.model.sourced_tables():
            for name in table.fact_fields():
                yield self.fact(f"{prefix}.{name}")

    def check_level(self, code: str, name: str) -> str | None:
        """The level ``[checks]`` sets for a check (by code or name), if any."""
        return self.model.checks.get(code) or self.model.checks.get(name)
