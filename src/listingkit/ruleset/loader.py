"""Load a rule file: follow ``extends``, merge, validate once, remember provenance.

The steps, each collecting problems instead of stopping at the first, each in
its own module:

1. read every file of the ``extends`` chain (:mod:`~listingkit.ruleset.chain`:
   unreadable, not UTF-8, TOML syntax, unknown platform, cycle);
2. per file, give every fact it sets the source it names
   (:mod:`~listingkit.ruleset.sources`: a fact without one is a problem; a
   store's number must not be cited with the platform's source);
3. merge base first (:mod:`~listingkit.ruleset.merge`): tables merge deeply,
   values and lists replace, ``extend_<key>`` appends, ``[checks]`` merges per
   code; every key remembers the file and line that set it;
4. validate the merged data (:mod:`~listingkit.ruleset.validation`), check
   that every named source exists and every code under ``[checks]`` is known,
   then load the word lists it names (:mod:`~listingkit.ruleset.wordlists`).

All problems are raised together as one :class:`RuleFileError`; the result
is :class:`~listingkit.ruleset.rules.Rules`. Which file a command uses is
:func:`resolve_rules`; finding a store's file is :mod:`~listingkit.ruleset.store`.

With ``cached=True`` (an image run) a rule file whose files have not changed
is read back from :mod:`~listingkit.ruleset.cache` instead: the steps above,
and the pydantic and TOML modules they need, are imported only when a file
has to be read.

Import these from :mod:`listingkit.ruleset`; the names that moved out of this
module (``Rules``, ``FactInfo``, ``Origin``, the store search) are still
importable from here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from listingkit.arguments import kind_of
from listingkit.errors import ArgumentError, RuleFileError, RuleProblem, UsageError
from listingkit.printable import show_path
from listingkit.ruleset.builtin import (
    alias_conflicts,
    builtin_id,
    builtin_path,
    known_names_text,
    platform_names,
)
from listingkit.ruleset.locate import Origin
from listingkit.ruleset.rules import FactInfo, Rules
from listingkit.ruleset.store import STORE_FILE, find_store_file

if TYPE_CHECKING:
    from listingkit.ruleset.models import PlatformRules
    from listingkit.ruleset.tomlfile import TomlFile

__all__ = [
    "STORE_FILE",
    "FactInfo",
    "Origin",
    "Rules",
    "find_store_file",
    "load_rule_file",
    "load_rules",
    "names_file",
    "resolve_rules",
]


#: Problems a file shows only because the file it extends could not be read:
#: a required key or a source the parent would have supplied.
_PARENT_SUPPLIES = frozenset({"CONF004", "CONF006"})


def _load_file(path: Path, cached: bool = False) -> Rules:
    if cached:
        from listingkit.ruleset.cache import cached_rules

        return cached_rules(path, _read_file)
    return _read_file(path)


def _read_file(path: Path) -> Rules:
    """Read, merge and validate ``path`` and what it extends and names."""
    from listingkit.ruleset.chain import read_chain
    from listingkit.ruleset.merge import merge_chain
    from listingkit.ruleset.sources import (
        SourceRef,
        attach_sources,
        grade_caps,
        unknown_sources,
    )
    from listingkit.ruleset.validation import capped, unknown_checks, validate_model
    from listingkit.ruleset.wordlists import word_list_problems

    problems: list[RuleProblem] = []
    chain = read_chain(path, problems)
    if not chain:
        raise RuleFileError(capped(problems))
    # A parent that could not be read (a typo in ``extends``) must not hide the
    # file's own problems: validate what was read, without what it would supply.
    orphaned = bool(problems) and chain[0].data.get("extends") is not None
    read_problems = list(problems)
    refs: list[SourceRef] = []
    for raw in chain:
        attach_sources(raw, problems, refs)
    merged, prov = merge_chain(chain, problems)
    model = validate_model(merged, prov, chain[-1], problems)
    problems += unknown_sources(merged, refs)
    problems += unknown_checks(merged, prov, chain[-1])
    problems += _alias_problems(chain[-1], model)
    if orphaned:
        own = problems[len(read_problems) :]
        problems = read_problems + [p for p in own if p.code not in _PARENT_SUPPLIES]
    if model is not None and not problems:
        problems += word_list_problems(model.title.word_lists)
    if problems or model is None:
        raise RuleFileError(capped(sorted(problems, key=lambda p: (p.file, p.line or 0))))
    watermark = model.images.watermark
    read = (
        *(raw.path for raw in chain),
        *(Path(p) for p in model.title.word_lists),
        *([Path(watermark.template)] if watermark else []),
    )
    return Rules(model, tuple(raw.display for raw in chain), prov, grade_caps(chain), read)


def _alias_problems(leaf: TomlFile, model: PlatformRules | None) -> list[RuleProblem]:
    """CONF003 for each alias the file itself lists that already names another platform."""
    own = leaf.data.get("aliases")
    if model is None or not isinstance(own, list):
        return []
    where = leaf.origin(("aliases",))
    return [
        RuleProblem(
            "CONF003",
            where.file,
            where.line,
            "aliases",
            f"别名 “{alias}” 已是平台 {other} 的名字；每个别名只能指一个平台，请换一个",
        )
        for alias, other in alias_conflicts(model.platform, [a for a in own if isinstance(a, str)])
    ]


def _unknown_platform(text: str) -> UsageError:
    from listingkit.ruleset.tomlfile import suggest

    return UsageError(
        f"未知的平台 “{text}”{suggest(text, platform_names())}；"
        f"可用的平台：{known_names_text()}；规则文件请用 --rules 指定"
    )


def load_rules(ref: str | os.PathLike[str], *, cached: bool = False) -> Rules:
    """Load a shipped platform by id or alias (``"taobao"``, ``"淘宝"``) or a rule file.

    A string names a file only when it ends in ``.toml``; any other string is a
    platform, even where a folder of that name exists (a shop's folder is often
    called ``taobao``). A :class:`os.PathLike` is always a file. Raises
    :class:`RuleFileError` listing every problem, :class:`UsageError` for an
    unknown platform or a missing file, or :class:`ArgumentError` for something
    that is neither a name nor a path.

    ``cached=True`` reads the rules back from the user's cache folder when no
    file they were built from has changed (:mod:`listingkit.ruleset.cache`);
    their ``model`` is then a read-only view with the same values, not a
    pydantic model. ``rules show`` and ``rules validate`` never ask for it.
    """
    if not isinstance(ref, (str, os.PathLike)):
        raise ArgumentError(
            f'load_rules 的参数应为平台名（如 "taobao"）或规则文件路径，实际是 {kind_of(ref)}'
        )
    if isinstance(ref, str) and not names_file(ref):
        builtin = builtin_path(ref)
        if builtin is None:
            raise _unknown_platform(ref)
        return _load_file(builtin, cached)
    text = os.fspath(ref)
    path = Path(text)
    if path.exists() or path.is_symlink():
        return _load_file(path, cached)  # a folder or unreadable file is reported as CONF010
    raise UsageError(f"规则文件 {show_path(text)} 不存在；请检查路径")


def load_rule_file(ref: str | os.PathLike[str], *, cached: bool = False) -> Rules:
    """A file named where a file is expected (``--rules``, ``rules validate``).

    A shipped platform's id or alias there still means the platform (as it
    always has); anything else is a path, with or without ``.toml``.
    """
    if isinstance(ref, str) and not names_file(ref) and builtin_id(ref) is not None:
        return load_rules(ref, cached=cached)
    if not isinstance(ref, (str, os.PathLike)):
        return load_rules(ref)  # refused there, in the API's words
    return load_rules(Path(ref), cached=cached)


def names_file(text: str) -> bool:
    """Whether a name given as a platform is a rule file instead: it ends in ``.toml``."""
    return text.lower().endswith(".toml")


def resolve_rules(
    platform: str | None = None,
    rules_file: str | os.PathLike[str] | None = None,
    start: str | os.PathLike[str] = ".",
    *,
    cached: bool = False,
) -> Rules:
    """The rules a command uses: ``--rules``, else a store file, else ``--platform``.

    A store file found from ``start`` upward is used when it builds on the
    requested platform (or when none was requested); see :func:`find_store_file`
    for where the search stops and which files it refuses. ``cached`` is as
    for :func:`load_rules`.
    """
    wanted = (builtin_id(platform) or platform) if platform else None
    if rules_file is not None:
        rules = load_rule_file(rules_file, cached=cached)
        if wanted and rules.platform != wanted:
            raise UsageError(
                f"规则文件 {rules.files[-1]} 属于平台 {rules.platform}，"
                f"与 --platform {platform} 不一致"
            )
        return rules
    store = find_store_file(start)
    if store is not None:
        rules = load_rules(store, cached=cached)
        if not wanted or rules.platform == wanted:
            return rules
    if not platform:
        raise UsageError(
            f"没有指定平台：请加 --platform（{known_names_text()}），"
            f"或在商品文件夹上层放一个 {STORE_FILE}"
        )
    return load_rules(platform, cached=cached)
