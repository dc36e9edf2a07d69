"""File names that work here but break elsewhere, and 货号 values unsafe in a name.

Photos travel: a designer's Mac, the operator's Windows PC, a zip, a network
share. Windows refuses ``<>:"/\\|?*``, control characters, a trailing dot or
space and the device names (CON, NUL, COM1 …, with any extension); most file
systems refuse a name over 255 bytes; Windows and macOS treat names that differ
only in letter case, or only in Unicode normalisation (NFC/NFD), as one file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from listingkit.printable import printable

__all__ = ["RESERVED_NAMES", "clashing_names", "name_problems", "unsafe_item"]

#: Device names Windows keeps for itself, whatever the extension.
RESERVED_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)
_WINDOWS_CHARS = '<>:"/\\|?*'
_MAX_NAME_BYTES = 255


def _shown(text: str) -> str:
    return f"“{printable(text)}”"


def _is_control(char: str) -> bool:
    return ord(char) < 32 or 0x7F <= ord(char) <= 0x9F


def _reserved(name: str) -> bool:
    # Windows ignores the extension and trailing spaces: "nul.jpg" and "CON .png" are devices.
    return name.split(".", 1)[0].rstrip(" ").upper() in RESERVED_NAMES


def name_problems(name: str) -> list[tuple[str, str]]:
    """Why ``name`` would break on another system: ``[(kind, message)]``, empty when fine.

    Kinds: ``"windows_char"``, ``"control_char"``, ``"trailing"``, ``"reserved"``,
    ``"too_long"``.
    """
    problems: list[tuple[str, str]] = []
    shown = _shown(name)
    chars = sorted({c for c in name if c in _WINDOWS_CHARS})
    if chars:
        listed = " ".join(chars)
        problems.append(
            ("windows_char", f"{shown} 里有 Windows 不允许的字符 {listed}；请换成 _ 或 -")
        )
    if any(_is_control(c) for c in name):
        problems.append(("control_char", f"{shown} 里有看不见的控制字符；请重新输入文件名"))
    if name.endswith((".", " ")):
        problems.append(
            ("trailing", f"{shown} 以点或空格结尾，Windows 会去掉它或打不开；请去掉结尾的点和空格")
        )
    if _reserved(name):
        problems.append(
            ("reserved", f"{shown} 是 Windows 的设备名（CON、NUL、COM1 等），不能做文件名；请改名")
        )
    size = len(name.encode("utf-8", "surrogateescape"))
    if size > _MAX_NAME_BYTES:
        problems.append(
            (
                "too_long",
                f"{shown} 有 {size} 字节（UTF-8），超过 {_MAX_NAME_BYTES} 字节，"
                "多数系统存不下；请缩短",
            )
        )
    return problems


def _fold_case(name: str) -> str:
    # Simple one-to-one case mapping, as file systems do: "ß" does not become "ss".
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in name)


def clashing_names(names: Iterable[str]) -> list[tuple[str, str, str]]:
    """Pairs ``(a, b, kind)`` that one system would take for the same file.

    ``kind`` is ``"unicode"`` when the two are equal after NFC (one written
    NFC, one NFD, as macOS writes), else ``"case"`` when they differ only in
    letter case. Each later name is paired with the first name it clashes with.
    """
    by_form: dict[str, str] = {}
    by_case: dict[str, str] = {}
    pairs: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        form = unicodedata.normalize("NFC", name)
        folded = _fold_case(form)
        first = by_form.setdefault(form, name)
        if first != name:
            pairs.append((first, name, "unicode"))
            continue
        first = by_case.setdefault(folded, name)
        if first != name:
            pairs.append((first, name, "case"))
    return pairs


def unsafe_item(item: str) -> str | None:
    """Why a 货号 cannot be part of a file name (a Chinese sentence), else None."""
    if not item:
        return "货号是空的；请在商品表里填上货号"
    if "/" in item or "\\" in item:
        return "货号里有 / 或 \\，会被当成文件夹；请在商品表里换成 -"
    if ".." in item:
        return "货号里有 ..，会被当成上一级文件夹；请在商品表里改掉"
    if len(item) >= 2 and item[1] == ":" and item[0].isascii() and item[0].isalpha():
        return "货号以盘符（如 C:）开头，会被当成另一个磁盘；请在商品表里改掉"
    if any(_is_control(c) for c in item):
        return "货号里有看不见的控制字符；请在商品表里重新输入"
    chars = sorted({c for c in item if c in _WINDOWS_CHARS})
    if chars:
        return f"货号里有 Windows 文件名不允许的字符 {' '.join(chars)}；请在商品表里换掉"
    if item != item.strip(" ") or item.startswith(".") or item.endswith("."):
        return "货号开头或结尾有空格或点，文件名里会丢掉或变成隐藏文件；请在商品表里去掉"
    if _reserved(item):
        return f"货号 {_shown(item)} 是 Windows 的设备名（CON、NUL 等），不能做文件名；请改货号"
    return None
