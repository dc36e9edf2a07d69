"""Reading TOML files for listingkit: errors with file, line and column, and Chinese messages.

Shared by rule files and word lists, so both report problems the same way.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from listingkit.errors import InputError, RuleProblem
from listingkit.printable import show_path
from listingkit.ruleset.builtin import rules_dir
from listingkit.ruleset.locate import KeyLines, KeyPath, Origin, line_of, scan_key_lines
from listingkit.ruleset.models import shown_value
from listingkit.ruleset.nesting import MAX_NESTING, deep_bracket_line, deep_key_path
from listingkit.safeio.read import MAX_RULE_FILE_BYTES, read_input

__all__ = ["Origin", "TomlFile", "display_path", "read_toml", "suggest", "validation_message"]


@dataclass
class TomlFile:
    """A TOML file as read: where it is, how messages name it, its data and key lines."""

    path: Path
    display: str
    data: dict[str, Any]
    lines: KeyLines

    def origin(self, path: KeyPath) -> Origin:
        return Origin(self.display, line_of(self.lines, path))


_TOML_POSITION = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")


def display_path(path: Path) -> str:
    """How a rule file is named in messages: shipped files as ``rules/<name>``."""
    try:
        return "rules/" + path.resolve().relative_to(rules_dir().resolve()).as_posix()
    except ValueError:
        pass
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path.resolve()) if relative.startswith("..") else relative


def read_toml(path: Path, problems: list[RuleProblem], what: str = "规则文件") -> TomlFile | None:
    """Read and parse a TOML file; on failure add one problem and return None.

    The file is read through the safe reader: a pipe, a device, a folder or a
    file over :data:`MAX_RULE_FILE_BYTES` is one ``CONF010`` problem, never a
    hang. ``what`` names the file in that problem (规则文件, 词表).
    """
    display = display_path(path)
    try:
        raw = read_input(path, what=what, limit=MAX_RULE_FILE_BYTES)
    except InputError as exc:
        # The problem line starts with the file already; say it once.
        shown = show_path(path)
        reason = str(exc).replace(f" {shown} ", "").replace(f" {shown}", "")
        problems.append(RuleProblem("CONF010", display, None, None, reason))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            RuleProblem(
                "CONF011",
                display,
                line,
                None,
                f"不是 UTF-8 编码（第 {exc.start + 1} 字节 0x{raw[exc.start]:02X} 无法解码）；"
                "请用编辑器另存为 UTF-8",
            )
        )
        return None
    deep_line = deep_bracket_line(text)
    if deep_line is not None:
        problems.append(_too_deep(display, deep_line, None))
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.match(str(exc))
        at_line = int(match["line"]) if match else None
        where = f"第 {match['col']} 列：{match['msg']}" if match else str(exc)
        problems.append(
            RuleProblem("CONF001", display, at_line, None, f"TOML 语法错误，{where}；请修正这一行")
        )
        return None
    except RecursionError:  # nesting the bracket scan did not see
        problems.append(_too_deep(display, None, None))
        return None
    lines = scan_key_lines(text)
    deep_key = deep_key_path(data)
    if deep_key is not None:
        # The scan saw the whole key; the walk stopped part of the way down it.
        seen = (n for key, n in lines.items() if key[: len(deep_key)] == deep_key)
        problems.append(_too_deep(display, next(seen, None), deep_key))
        return None
    return TomlFile(path, display, data, lines)


def _too_deep(display: str, line: int | None, key: KeyPath | None) -> RuleProblem:
    shown = ".".join(str(part) for part in key[:4]) + ".…" if key else None
    return RuleProblem(
        "CONF014",
        display,
        line,
        shown,
        f"表或列表嵌套超过 {MAX_NESTING} 层，没有读取；规则文件用不到这么深的嵌套，请检查这一处",
    )


def suggest(word: str, options: Any) -> str:
    options = list(options)
    if not options or len(word) > 200:  # nothing to suggest, or no key anyone meant
        return ""
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"（是否想写 {close[0]}？）" if close else ""


_TYPE_WORDS = {
    "int": "整数",
    "float": "数字",
    "string": "字符串",
    "bool": "true 或 false",
    "list": "列表 [...]",
    "dict": "表 {...}",
    "model": "表 {...}",
}


def validation_message(
    error: Mapping[str, Any], fields_at: Callable[[KeyPath], Sequence[str]]
) -> tuple[str, str]:
    """(code, Chinese message) for one pydantic error.

    ``fields_at(loc)`` names the keys allowed in the table at ``loc``, for the
    "did you mean" of an unknown key.
    """
    kind: str = error["type"]
    loc: KeyPath = tuple(error["loc"])
    value = error.get("input")
    shown = shown_value(value)
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "CONF002", f"未知的键{suggest(str(loc[-1]), fields_at(loc[:-1]))}"
    if kind == "missing":
        return "CONF004", "缺少必填项"
    if kind == "literal_error":
        allowed = ctx.get("expected", "")
        hint = suggest(str(value)[:100], re.findall(r"'([^']*)'", allowed))
        return "CONF003", f"取值 {shown} 不在允许的范围：{allowed}{hint}"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        sign = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<"}.get(kind, "≤")
        limit = next(iter(ctx.values()), "")
        return "CONF003", f"取值 {shown} 超出范围：应 {sign} {limit}"
    if kind == "string_too_short":
        return "CONF003", "不能是空字符串"
    if kind == "string_pattern_mismatch":
        return "CONF003", f"取值 {shown} 格式不对（应匹配 {ctx.get('pattern')}）"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        expected = _TYPE_WORDS.get(kind.split("_")[0], kind.split("_")[0])
        return "CONF003", f"类型不对：应为{expected}，实际是 {shown}"
    if kind == "value_error":
        return "CONF003", str(error["msg"]).removeprefix("Value error, ")
    return "CONF003", f"取值无效：{error['msg']}"
