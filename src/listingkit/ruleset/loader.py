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

Import these from :mod:`listingkit.ruleset`; the names that moved out of this
module (``Rules``, ``FactInfo``, ``Origin``, the store search) are still
importable from here.
"""

from __future__ import annotations

import os
from pathlib import Path

from listingkit.arguments import kind_of
from listingkit.errors import ArgumentError, RuleFileError, RuleProblem, UsageError
from listingkit.ruleset.builtin import builtin_names, builtin_path
from listingkit.ruleset.chain import looks_like_path, read_chain
from listingkit.ruleset.merge import merge_chain
from listingkit.ruleset.rules import FactInfo, Rules
from listingkit.ruleset.sources import SourceRef, attach_sources, grade_caps, unknown_sources
from listingkit.ruleset.store import STORE_FILE, find_store_file
from listingkit.ruleset.tomlfile import Origin, suggest
from listingkit.ruleset.validation import capped, unknown_checks, validate_model
from listingkit.ruleset.wordlists import word_list_problems

__all__ = [
    "STORE_FILE",
    "FactInfo",
    "Origin",
    "Rules",
    "find_store_file",
    "load_rules",
    "resolve_rules",
]


def _load_file(path: Path) -> Rules:
    problems: list[RuleProblem] = []
    chain = read_chain(path, problems)
    if problems or not chain:
        raise RuleFileError(capped(problems))
    refs: list[SourceRef] = []
    for raw in chain:
        attach_sources(raw, problems, refs)
    merged, prov = merge_chain(chain, problems)
    model = validate_model(merged, prov, chain[-1], problems)
    problems += unknown_sources(merged, refs)
    problems += unknown_checks(merged, prov, chain[-1])
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
    if looks_like_path(text):
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
