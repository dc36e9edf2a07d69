"""Load a rule file: follow ``extends``, merge, validate once, remember provenance.

The steps, each collecting problems instead of stopping at the first:

1. read every file of the ``extends`` chain (unreadable, not UTF-8, TOML
   syntax, unknown platform, cycle);
2. per file, give every fact it sets the source it names (a fact without one
   is a problem: a store's number must not be cited with the platform's
   source);
3. merge base first: tables merge deeply, values and lists replace,
   ``extend_<key>`` appends, ``[checks]`` merges per code; every key
   remembers the file and line that set it;
4. validate the merged data with the pydantic models, then check that every
   named source exists and every code under ``[checks]`` is known.

All problems are raised together as one :class:`RuleFileError`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from listingkit.arguments import kind_of
from listingkit.codes import CODES
from listingkit.errors import ArgumentError, RuleFileError, RuleProblem, UsageError
from listingkit.oserrors import os_reason
from listingkit.ruleset.builtin import builtin_names, builtin_path
from listingkit.ruleset.locate import KeyPath
from listingkit.ruleset.models import (
    IMAGE_ROLES,
    SOURCED_TABLES,
    ImageSpec,
    ImagesSpec,
    NamingSpec,
    PlatformRules,
    ScheduleSpec,
    Source,
    Sourced,
    TitleSpec,
    UnitWeights,
    WatermarkSpec,
)
from listingkit.ruleset.store import STORE_FILE, find_store_file
from listingkit.ruleset.tomlfile import (
    Origin,
    TomlFile,
    display_path,
    read_toml,
    suggest,
    validation_message,
)
from listingkit.safeio.read import file_kind

__all__ = [
    "STORE_FILE",
    "FactInfo",
    "Origin",
    "Rules",
    "find_store_file",
    "load_rules",
    "resolve_rules",
]

EXTEND_PREFIX = "extend_"
#: Problems listed for one load; a hostile file could hold hundreds of thousands.
MAX_PROBLEMS = 100
SOURCE_JOIN = " + "  # how a list extended across files names its several sources


@dataclass(frozen=True, slots=True)
class FactInfo:
    """One platform fact as resolved: value, source, grade and where it was set."""

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

    def citation(self) -> str | None:
        """``淘宝发布页配置（GitHub …，2024-12，A 级）`` — for findings."""
        if not self.sources:
            return None
        cited = "；".join(_cite(source) for source in self.sources)
        if self.grade_cap and self.grade != self.source.grade:  # type: ignore[union-attr]
            cited += (
                f"；沿用自 {self.origin.file if self.origin else '上级规则'}，按 {self.grade} 级"
            )
        return cited


def _cite(source: Source) -> str:
    details = [d for d in (source.where, source.seen) if d]
    details.append(f"{source.grade} 级")
    return f"{source.title}（{'，'.join(details)}）"


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
        *table_path, name = key.split(".")
        table: Any = self.model
        for part in table_path:
            table = getattr(table, part, None) if table is not None else None
        if not isinstance(table, Sourced) or name not in type(table).fact_fields():
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
            for name in type(table).fact_fields():
                yield self.fact(f"{prefix}.{name}")

    def check_level(self, code: str, name: str) -> str | None:
        """The level ``[checks]`` sets for a check (by code or name), if any."""
        return self.model.checks.get(code) or self.model.checks.get(name)


# --------------------------------------------------------------------------
# Reading


def _looks_like_path(ref: str) -> bool:
    return "/" in ref or "\\" in ref or ref.endswith(".toml")


#: Settings that name files, resolved against the folder of the file that names them.
PATH_KEYS: tuple[KeyPath, ...] = (
    ("title", "word_lists"),
    ("title", "extend_word_lists"),
    ("images", "watermark", "template"),
)


def _resolve_paths(raw: TomlFile, problems: list[RuleProblem]) -> None:
    for key_path in PATH_KEYS:
        table = _get_table(raw.data, key_path[:-1])
        name = str(key_path[-1])
        value = table.get(name) if isinstance(table, dict) else None
        entries = value if isinstance(value, list) else [value] if isinstance(value, str) else None
        if table is None or entries is None:
            continue
        resolved: list[Any] = []
        for entry in entries:
            if not isinstance(entry, str):
                resolved.append(entry)  # the model reports the wrong type
                continue
            target = (raw.path.parent / entry).resolve()
            problem = _named_file_problem(target, entry, raw.display)
            if problem is not None:
                where = raw.origin(key_path)
                key = ".".join(map(str, key_path))
                problems.append(RuleProblem(problem[0], where.file, where.line, key, problem[1]))
            resolved.append(str(target))
        table[name] = resolved if isinstance(value, list) else resolved[0]


def _named_file_problem(target: Path, entry: str, named_in: str) -> tuple[str, str] | None:
    """(code, message) when a file a rule file names is missing or not a regular file.

    Only its kind is looked at here, without opening it: a pipe would block an
    open, and a word list is read (safely) later anyway.
    """
    try:
        info = target.stat()
    except FileNotFoundError:
        return "CONF013", f"文件 {entry} 不存在（相对于 {named_in} 所在的文件夹）"
    except OSError as exc:
        return "CONF010", f"无法读取文件 {entry}：{os_reason(exc)}"
    if not stat.S_ISREG(info.st_mode):
        return "CONF010", (
            f"文件 {entry} 是{file_kind(info.st_mode)}，不是普通文件，没有读取；请给出一个普通文件"
        )
    return None


def _read_chain(path: Path, problems: list[RuleProblem]) -> list[TomlFile]:
    """The files of the ``extends`` chain, base first (a loop, so no chain is too long)."""
    chain: list[TomlFile] = []
    seen: tuple[Path, ...] = ()
    next_path: Path | None = path
    while next_path is not None:
        raw = read_toml(next_path, problems)
        if raw is None:
            break
        _resolve_paths(raw, problems)
        chain.insert(0, raw)
        seen = (*seen, next_path.resolve())
        next_path = _extends_target(raw, problems, seen)
    return chain


def _extends_target(
    raw: TomlFile, problems: list[RuleProblem], seen: tuple[Path, ...]
) -> Path | None:
    """The file ``raw`` extends, or None (no ``extends``, or a problem recorded)."""
    ref = raw.data.get("extends")
    if ref is None:
        return None
    where = raw.origin(("extends",))
    if not isinstance(ref, str) or not ref:
        problems.append(
            RuleProblem(
                "CONF003", where.file, where.line, "extends", "应为平台名或规则文件路径（字符串）"
            )
        )
        return None
    target = (raw.path.parent / ref) if _looks_like_path(ref) else builtin_path(ref)
    # A target that exists but is not a regular file is refused by the reader.
    if target is None or not target.exists():
        kind = "文件" if _looks_like_path(ref) else "平台"
        hint = "" if _looks_like_path(ref) else suggest(ref, builtin_names())
        known = "、".join(builtin_names())
        problems.append(
            RuleProblem(
                "CONF007",
                where.file,
                where.line,
                "extends",
                f"未知的{kind} “{ref}”{hint}；可用的平台：{known}，或写相对于本文件的路径",
            )
        )
        return None
    if target.resolve() in seen:
        loop = " → ".join(display_path(p) for p in (*seen, target.resolve()))
        problems.append(
            RuleProblem("CONF008", where.file, where.line, "extends", f"extends 形成循环：{loop}")
        )
        return None
    return target


# --------------------------------------------------------------------------
# Sources per file


@dataclass(frozen=True, slots=True)
class _SourceRef:
    name: str
    origin: Origin
    key: str


def _get_table(data: Mapping[str, Any], path: KeyPath) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(str(part))
    return node


def _attach_sources(raw: TomlFile, problems: list[RuleProblem], refs: list[_SourceRef]) -> None:
    """Give every fact this file sets the source this file names for it."""
    for table_path, model in SOURCED_TABLES.items():
        table = _get_table(raw.data, table_path)
        if not isinstance(table, dict):
            continue
        facts = model.fact_fields()
        dotted = ".".join(table_path)
        default = table.get("source")
        explicit = table.get("source_for")
        explicit = explicit if isinstance(explicit, dict) else {}
        if isinstance(default, str):
            refs.append(
                _SourceRef(default, raw.origin((*table_path, "source")), f"{dotted}.source")
            )
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
                refs.append(_SourceRef(value, where, f"{dotted}.source_for.{name}"))
        resolved = dict(explicit)
        for key in table:
            name = key[len(EXTEND_PREFIX) :] if key.startswith(EXTEND_PREFIX) else key
            if name not in facts:
                continue
            source = explicit.get(name, default)
            if source is None:
                where = raw.origin((*table_path, key))
                problems.append(
                    RuleProblem(
                        "CONF005",
                        where.file,
                        where.line,
                        f"{dotted}.{key}",
                        f'这个数值没有出处；在 [{dotted}] 写 source = "出处名"，'
                        f'或写 source_for.{name} = "出处名"，并在 [sources.出处名] 登记',
                    )
                )
            else:
                resolved[name] = source
        if resolved:
            table["source_for"] = resolved


# --------------------------------------------------------------------------
# Merging


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


# --------------------------------------------------------------------------
# Validation messages


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


def _validate(
    merged: dict[str, Any],
    prov: Mapping[KeyPath, Origin],
    leaf: TomlFile,
    refs: list[_SourceRef],
    problems: list[RuleProblem],
) -> PlatformRules | None:
    model: PlatformRules | None = None
    try:
        model = PlatformRules.model_validate(merged)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            # "Did you mean" costs a fuzzy match; beyond the problems shown it is not said.
            fields_at = _fields_at if len(problems) < MAX_PROBLEMS else _no_fields
            code, message = validation_message(error, fields_at)
            where = _locate(loc, prov, leaf)
            key = _short_key(loc)
            problems.append(RuleProblem(code, where.file, where.line, key, message))

    sources = merged.get("sources")
    known = set(sources) if isinstance(sources, dict) else set()
    seen: set[tuple[str, str]] = set()
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

    checks = merged.get("checks")
    if isinstance(checks, dict):
        names = set(CODES.values())
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
    return model


# --------------------------------------------------------------------------
# Public entry points


def _load_file(path: Path) -> Rules:
    problems: list[RuleProblem] = []
    chain = _read_chain(path, problems)
    if problems or not chain:
        raise RuleFileError(_capped(problems))
    refs: list[_SourceRef] = []
    for raw in chain:
        _attach_sources(raw, problems, refs)
        named = raw.data.get("extends_source")
        if isinstance(named, str):
            refs.append(_SourceRef(named, raw.origin(("extends_source",)), "extends_source"))
    merged: dict[str, Any] = {}
    prov: dict[KeyPath, Origin] = {}
    for raw in chain:
        _merge(merged, raw.data, (), raw, prov, problems)
    model = _validate(merged, prov, chain[-1], refs, problems)
    if model is not None and not problems:
        problems += _word_list_problems(model.title.word_lists)
    if problems or model is None:
        raise RuleFileError(_capped(sorted(problems, key=lambda p: (p.file, p.line or 0))))
    watermark = model.images.watermark
    read = (
        *(raw.path for raw in chain),
        *(Path(p) for p in model.title.word_lists),
        *([Path(watermark.template)] if watermark else []),
    )
    return Rules(model, tuple(raw.display for raw in chain), prov, _grade_caps(chain), read)


def _capped(problems: list[RuleProblem]) -> list[RuleProblem]:
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


def _word_list_problems(paths: list[str]) -> list[RuleProblem]:
    from listingkit.text.wordlist import load_word_lists

    try:
        load_word_lists(paths)
    except RuleFileError as exc:
        return list(exc.problems)
    return []


def _grade_caps(chain: list[TomlFile]) -> dict[str, str]:
    """Each file's facts keep at most the grade a later file's ``inherited_grade`` allows."""
    caps: dict[str, str] = {}
    for index, raw in enumerate(chain):
        cap = raw.data.get("inherited_grade")
        if isinstance(cap, str):
            for earlier in chain[:index]:
                caps[earlier.display] = max(cap, caps.get(earlier.display, "A"))
    return caps


def load_rules(ref: str | os.PathLike[str]) -> Rules:
    """Load a shipped platform by name (``"taobao"``) or a rule file by path.

    Raises :class:`RuleFileError` listing every problem, :class:`UsageError`
    for a name that is neither a platform nor a file, or :class:`ArgumentError`
    for something that is not a name or a path.
    """
    if not isinstance(ref, (str, os.PathLike)):
        raise ArgumentError(
            f'load_rules 的参数应为平台名（如 "taobao"）或规则文件路径，实际是 {kind_of(ref)}'
        )
    text = os.fspath(ref)
    path = Path(text)
    if path.exists():
        return _load_file(path)  # a folder or unreadable file is reported as CONF010
    builtin = builtin_path(text)
    if builtin is not None:
        return _load_file(builtin)
    if _looks_like_path(text):
        raise UsageError(f"规则文件 {text} 不存在；请检查路径")
    raise UsageError(
        f"未知的平台 “{text}”{suggest(text, builtin_names())}；"
        f"可用的平台：{'、'.join(builtin_names())}"
    )


def resolve_rules(
    platform: str | None = None,
    rules_file: str | os.PathLike[str] | None = None,
    start: str | os.PathLike[str] = ".",
) -> Rules:
    """The rules a command uses: ``--rules``, else a store file, else ``--platform``.

    A store file found from ``start`` upward is used when it builds on the
    requested platform (or when none was requested); see :func:`find_store_file`
    for where the search stops and which files it refuses.
    """
    if rules_file is not None:
        rules = load_rules(Path(rules_file))
        if platform and rules.platform != platform:
            raise UsageError(
                f"规则文件 {rules.files[-1]} 属于平台 {rules.platform}，"
                f"与 --platform {platform} 不一致"
            )
        return rules
    store = find_store_file(start)
    if store is not None:
        rules = load_rules(store)
        if not platform or rules.platform == platform:
            return rules
    if not platform:
        raise UsageError(
            f"没有指定平台：请加 --platform（{'、'.join(builtin_names())}），"
            f"或在商品文件夹上层放一个 {STORE_FILE}"
        )
    return load_rules(platform)
