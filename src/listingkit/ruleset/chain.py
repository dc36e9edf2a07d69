"""Reading a rule file and every file it ``extends``, and the files it names.

The chain is followed in a loop (no chain is too long) and problems are
collected, not raised: an unreadable file, one not UTF-8, TOML syntax, an
unknown platform, a loop. Settings that name files (word lists, a watermark
template) are resolved against the folder of the file that names them, and a
named file that is missing or not a regular file is a problem of that file.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from listingkit.errors import RuleProblem
from listingkit.oserrors import os_reason
from listingkit.ruleset.builtin import builtin_path, known_names_text, platform_names
from listingkit.ruleset.locate import KeyPath, table_at
from listingkit.ruleset.tomlfile import TomlFile, display_path, read_toml, suggest
from listingkit.safeio.read import file_kind

__all__ = ["PATH_KEYS", "looks_like_path", "read_chain"]

#: Settings that name files, resolved against the folder of the file that names them.
PATH_KEYS: tuple[KeyPath, ...] = (
    ("title", "word_lists"),
    ("title", "extend_word_lists"),
    ("images", "watermark", "template"),
    ("naming", "products"),
)


def looks_like_path(ref: str) -> bool:
    """Whether ``extends`` names a file rather than a shipped platform (id or alias)."""
    return "/" in ref or "\\" in ref or ref.endswith(".toml")


def read_chain(path: Path, problems: list[RuleProblem]) -> list[TomlFile]:
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


def _resolve_paths(raw: TomlFile, problems: list[RuleProblem]) -> None:
    for key_path in PATH_KEYS:
        table = table_at(raw.data, key_path[:-1])
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
    target = (raw.path.parent / ref) if looks_like_path(ref) else builtin_path(ref)
    # A target that exists but is not a regular file is refused by the reader.
    if target is None or not target.exists():
        kind = "文件" if looks_like_path(ref) else "平台"
        hint = "" if looks_like_path(ref) else suggest(ref, platform_names())
        known = known_names_text()
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
