"""Word-list files (``rules/words/*.toml``): banned words grouped by category.

Each category carries the reason, a default severity and, where it differs
from the list's, its own ``basis`` (the law it rests on) and ``grade`` (how
well that basis is evidenced, as for a rule-file source); each word a
suggested replacement. A finding is capped by its grade like any platform
number; a list with no grade (a store's own) is the store's choice.
``[[allow]]`` phrases contain a banned word but are fine (第一次, 最近). A
store adds its own files through ``[title] extend_word_lists`` in its rule file.

An entry (or an allow item) may be a ``pattern`` instead of a ``word`` (or
``phrase``): ``最{han}``, ``万能{tool}``, with ``{name}`` naming a list of the
file's ``[sets]`` table. Patterns are read by
:func:`listingkit.folding.compile_pattern` here, when the list loads, so a bad
one is a CONF003 naming the file, line and key, never a failure mid-check.

Word lists are rule data: they are read, validated and reported (CONF0xx)
here, like the rule file that names them. Finding their words in a title is
the text layer's work (:mod:`listingkit.text.words`); both fold spellings with
:func:`listingkit.folding.normal_form`, so a word this loader calls a
duplicate is one the matcher could not tell apart.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from listingkit.errors import RuleFileError, RuleProblem
from listingkit.folding import (
    BUILTIN_SETS,
    CompiledPattern,
    PatternError,
    compile_pattern,
    normal_form,
)
from listingkit.ruleset.locate import KeyPath, line_of
from listingkit.ruleset.sources import GRADE_CEILING
from listingkit.ruleset.tomlfile import read_toml, validation_message

__all__ = [
    "BannedWord",
    "WordList",
    "load_word_list",
    "load_word_lists",
    "word_list_problems",
]

Level = Literal["error", "warning", "info"]
Grade = Literal["A", "B", "C"]
_LEVELS: tuple[Level, ...] = ("info", "warning", "error")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordEntry(_Strict):
    word: str | None = Field(None, min_length=1, description="词语（与 pattern 二选一）")
    pattern: str | None = Field(
        None, min_length=1, description="模式，如 最{adj}、第[一1]名（与 word 二选一）"
    )
    replace: str = Field(min_length=1, description="替换建议；没有合适的替换写“删除”")
    severity: Level | None = Field(None, description="覆盖分类的级别")
    reason: str | None = Field(None, description="覆盖分类的原因")
    basis: str | None = Field(None, description="覆盖分类的依据（法条）")
    grade: Grade | None = Field(None, description="覆盖分类的证据等级")

    @model_validator(mode="after")
    def _one_of_word_and_pattern(self) -> WordEntry:
        if (self.word is None) == (self.pattern is None):
            raise ValueError("每一项写 word（一个词）或 pattern（一个模式），二者只写一个")
        return self


class WordCategory(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    label: str
    reason: str
    severity: Level = "error"
    basis: str | None = Field(None, description="本类的依据，覆盖词表的 basis")
    grade: Grade | None = Field(None, description="本类依据的证据等级，覆盖词表的 grade")
    words: list[WordEntry] = Field(default_factory=list)


class AllowPhrase(_Strict):
    phrase: str | None = Field(None, min_length=1, description="例外短语（与 pattern 二选一）")
    pattern: str | None = Field(None, min_length=1, description="例外模式（与 phrase 二选一）")
    reason: str

    @model_validator(mode="after")
    def _one_of_phrase_and_pattern(self) -> AllowPhrase:
        if (self.phrase is None) == (self.pattern is None):
            raise ValueError("每条例外写 phrase（一个短语）或 pattern（一个模式），二者只写一个")
        return self


class WordListFile(_Strict):
    name: str
    basis: str | None = None
    grade: Grade | None = Field(None, description="basis 的证据等级；不写表示店铺自定的词表")
    sets: dict[str, list[str]] = Field(
        default_factory=dict, description='模式里用 {名称} 引用的词组，如 adj = ["好", "佳"]'
    )
    category: list[WordCategory] = Field(default_factory=list)
    allow: list[AllowPhrase] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BannedWord:
    word: str
    replace: str
    severity: Level
    reason: str
    category: str
    list_name: str
    basis: str | None
    #: evidence grade of ``basis``; None for a store's own list (its choice, not capped)
    grade: str | None = None
    #: the list file as messages name it
    list_file: str = ""
    #: for a pattern entry (``word`` is then the pattern as written)
    pattern: CompiledPattern | None = None

    @property
    def level(self) -> Level:
        """The word's severity, no stronger than its basis's grade allows."""
        if self.grade is None:
            return self.severity
        ceiling: Level = "error" if GRADE_CEILING[self.grade] == "error" else "warning"
        return min(self.severity, ceiling, key=_LEVELS.index)

    def citation(self) -> str:
        """``广告法极限词：《…》第九条第（三）项…（B 级）`` or ``本店设定（words/my.toml）``."""
        basis = f"：{self.basis}" if self.basis else ""
        if self.grade is None:
            return f"本店设定（{self.list_file}）{self.list_name}{basis}"
        return f"{self.list_name}{basis}（{self.grade} 级）"


@dataclass(frozen=True, slots=True)
class WordList:
    path: Path
    name: str
    words: tuple[BannedWord, ...]
    allow: tuple[str, ...]
    allow_patterns: tuple[CompiledPattern, ...] = ()


_FIELDS: dict[int, list[str]] = {
    0: list(WordListFile.model_fields),
    2: list(WordCategory.model_fields),
    4: list(WordEntry.model_fields),
}


def _fields_at(loc: KeyPath) -> list[str]:
    if loc and loc[0] == "allow":
        return list(AllowPhrase.model_fields)
    return _FIELDS.get(len(loc), [])


@lru_cache(maxsize=64)
def _load(path: Path, _stamp: tuple[int, ...]) -> WordList:
    problems: list[RuleProblem] = []
    raw = read_toml(path, problems, what="词表")
    if raw is None:
        raise RuleFileError(problems)
    try:
        parsed = WordListFile.model_validate(raw.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            code, message = validation_message(error, _fields_at)
            key = ".".join(str(p) for p in loc)
            problems.append(RuleProblem(code, raw.display, line_of(raw.lines, loc), key, message))
        raise RuleFileError(problems) from None
    words: list[BannedWord] = []
    seen: dict[str, str] = {}
    sets = {name: list(members) for name, members in parsed.sets.items()}
    for name in sets:
        if name in BUILTIN_SETS or not name.isidentifier():
            message = (
                f"词组名“{name}”不可用：应为字母开头的英文名，且不能是 {'、'.join(BUILTIN_SETS)}"
            )
            problems.append(
                RuleProblem(
                    "CONF003", raw.display, line_of(raw.lines, ("sets",)), f"sets.{name}", message
                )
            )

    def compiled(source: str, loc: KeyPath) -> CompiledPattern | None:
        try:
            return compile_pattern(source, sets)
        except PatternError as exc:
            key = ".".join(str(p) for p in loc)
            problems.append(
                RuleProblem("CONF003", raw.display, line_of(raw.lines, loc[:4]), key, str(exc))
            )
            return None

    for ci, category in enumerate(parsed.category):
        for wi, entry in enumerate(category.words):
            pattern = None
            if entry.pattern is not None:
                pattern = compiled(entry.pattern, ("category", ci, "words", wi, "pattern"))
                if pattern is None:
                    continue
            written = entry.word if entry.word is not None else entry.pattern
            assert written is not None  # the model requires one of them
            key = ("pattern:" if pattern else "") + normal_form(written)
            if key in seen:
                problems.append(
                    RuleProblem(
                        "CONF003",
                        raw.display,
                        line_of(raw.lines, ("category", ci, "words")),
                        f"category.{ci}.words.{wi}",
                        f"“{written}”与“{seen[key]}”重复（忽略全半角和大小写后相同）；请删去一个",
                    )
                )
                continue
            seen[key] = written
            words.append(
                BannedWord(
                    word=written,
                    replace=entry.replace,
                    severity=entry.severity or category.severity,
                    reason=entry.reason or category.reason,
                    category=category.label,
                    list_name=parsed.name,
                    basis=entry.basis or category.basis or parsed.basis,
                    grade=entry.grade or category.grade or parsed.grade,
                    list_file=raw.display,
                    pattern=pattern,
                )
            )
    allow: list[str] = []
    allow_patterns: list[CompiledPattern] = []
    for ai, item in enumerate(parsed.allow):
        if item.phrase is not None:
            allow.append(item.phrase)
        elif item.pattern is not None:
            found = compiled(item.pattern, ("allow", ai, "pattern"))
            if found is not None:
                allow_patterns.append(found)
    if problems:
        raise RuleFileError(problems)
    return WordList(path, parsed.name, tuple(words), tuple(allow), tuple(allow_patterns))


def load_word_list(path: str | os.PathLike[str]) -> WordList:
    """Load and validate one word-list file (cached until the file changes)."""
    resolved = Path(path).resolve()
    try:
        status = resolved.stat()
    except OSError:
        stamp: tuple[int, ...] = ()  # read_toml reports the file as unreadable
    else:
        # ctime moves on every write and cannot be set back, unlike mtime (os.utime).
        stamp = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
    return _load(resolved, stamp)


def load_word_lists(paths: Sequence[str]) -> list[WordList]:
    """Load several lists, raising one error with the problems of all of them."""
    loaded: list[WordList] = []
    problems: list[RuleProblem] = []
    for path in paths:
        try:
            loaded.append(load_word_list(path))
        except RuleFileError as exc:
            problems += exc.problems
    if problems:
        raise RuleFileError(problems)
    return loaded


def word_list_problems(paths: Sequence[str]) -> list[RuleProblem]:
    """The problems of the word lists a rule file names (none when all load)."""
    try:
        load_word_lists(paths)
    except RuleFileError as exc:
        return list(exc.problems)
    return []
