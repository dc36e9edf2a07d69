"""What a caller of the Python API hands in, turned into what the library works with.

A ``str`` is itself an iterable, so ``check_images("/some/dir", rules)`` would
walk ``"/"``, ``"s"``, ``"o"`` … and ``select="IMG"`` would select ``I``, ``M``
and ``G``. The public functions pass their arguments through here first: a
single path, word or code where a collection is meant is taken as one item,
and anything of the wrong kind raises :class:`~listingkit.errors.ArgumentError`
naming the parameter.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from listingkit.errors import ArgumentError

if TYPE_CHECKING:
    from listingkit.ruleset.rules import Rules

__all__ = [
    "code_list",
    "each_of",
    "kind_of",
    "path_list",
    "role_argument",
    "rules_argument",
    "word_tuple",
]

T = TypeVar("T")


def kind_of(value: object) -> str:
    """How a message names what was given: ``None``, ``int 3``, ``str``."""
    if value is None:
        return "None"
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{type(value).__name__} {shown}"


def rules_argument(value: object, name: str = "rules") -> Rules:
    """``value`` if it is loaded rules; otherwise say how to get them."""
    from listingkit.ruleset.rules import Rules

    if isinstance(value, Rules):
        return value
    raise ArgumentError(
        f"参数 {name} 应为 load_rules() 返回的规则，实际是 {kind_of(value)}；"
        '请先调用 load_rules("taobao")（平台名）或 load_rules("listingkit.toml")（规则文件）'
    )


def _is_path(value: object) -> bool:
    return isinstance(value, (str, bytes, os.PathLike))


def path_list(value: object, name: str = "paths") -> list[str]:
    """Paths as strings. A single ``str``, ``bytes`` or path object is one path."""
    if _is_path(value):
        return [os.fsdecode(value)]  # type: ignore[arg-type]
    if not isinstance(value, Iterable):
        raise ArgumentError(
            f"参数 {name} 应为一个路径或路径的列表，实际是 {kind_of(value)}；"
            '例如 ["商品A/"] 或 "商品A/"'
        )
    paths: list[str] = []
    for index, item in enumerate(value, start=1):
        if not _is_path(item):
            raise ArgumentError(
                f"参数 {name} 的第 {index} 项应为路径（str 或 pathlib.Path），"
                f"实际是 {kind_of(item)}"
            )
        paths.append(os.fsdecode(item))
    return paths


def word_tuple(value: object, name: str) -> tuple[str, ...]:
    """Words as a tuple. A single ``str`` is one word, never its characters; None is none."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (bytes, bytearray)) or not isinstance(value, Iterable):
        raise ArgumentError(
            f'{name} 应为一个词或词的元组，实际是 {kind_of(value)}；例如 ("连衣裙",) 或 "连衣裙"'
        )
    words = tuple(value)
    for index, word in enumerate(words, start=1):
        if not isinstance(word, str):
            raise ArgumentError(f"{name} 的第 {index} 项应为字符串，实际是 {kind_of(word)}")
    return words


def code_list(value: object, name: str) -> tuple[str, ...]:
    """Check codes, prefixes or names, as ``--select``/``--ignore`` take them.

    A single ``str`` is one entry (or several separated by commas, as on the
    command line), never its characters; None is none.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (bytes, bytearray)) or not isinstance(value, Iterable):
        raise ArgumentError(
            f"参数 {name} 应为检查代码或代码的列表，实际是 {kind_of(value)}；"
            '例如 "IMG" 或 ["IMG01", "FILE"]'
        )
    codes: list[str] = []
    for index, entry in enumerate(value, start=1):
        if not isinstance(entry, str):
            raise ArgumentError(
                f"参数 {name} 的第 {index} 项应为检查代码（字符串），实际是 {kind_of(entry)}"
            )
        codes += [part.strip() for part in entry.split(",") if part.strip()]
    return tuple(codes)


def each_of(kind: type[T], value: object, name: str, hint: str = "") -> Iterator[T]:
    """The items of an iterable of ``kind``, checked one by one as they are used."""
    if isinstance(value, (str, bytes, bytearray, kind)) or not isinstance(value, Iterable):
        raise ArgumentError(
            f"参数 {name} 应为 {kind.__name__} 的列表，实际是 {kind_of(value)}{hint}"
        )
    return _checked(kind, value, name)


def _checked(kind: type[T], items: Iterable[object], name: str) -> Iterator[T]:
    for index, item in enumerate(items, start=1):
        if not isinstance(item, kind):
            raise ArgumentError(
                f"参数 {name} 的第 {index} 项应为 {kind.__name__}，实际是 {kind_of(item)}"
            )
        yield item


def role_argument(value: object, name: str = "role") -> str | None:
    """An image role (``main``, ``detail`` …) or None."""
    from listingkit.ruleset.rules import IMAGE_ROLES

    if value is None or (isinstance(value, str) and value in IMAGE_ROLES):
        return value
    raise ArgumentError(
        f"参数 {name} 应为图片角色之一：{'、'.join(IMAGE_ROLES)}，或 None，实际是 {kind_of(value)}"
    )
