"""Which role an image plays, from where it lies and what it is called.

Designers keep a product's images in folders (主图/, 白底/, 详情/, SKU/ …) or
name them so (主图1.jpg, 白底.jpg). A file name beginning wins over its
folder — the white-background shot kept as 主图/白底.jpg is the white
background image — and the number in the name is its slot (主图3.jpg, 03.jpg).
The names are the rule file's ``[images.layout]``; ``--role`` overrides all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

__all__ = ["Placement", "place_image"]

_NUMBER = re.compile(r"(\d+)(?!.*\d)")


@dataclass(frozen=True, slots=True)
class Placement:
    role: str | None
    slot: int | None
    product: str  # the product folder the image belongs to, for counting per product


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def place_image(
    display: str, layout: Mapping[Any, Sequence[str]], forced: str | None = None
) -> Placement:
    """The role, slot and product folder of an image named ``display`` (a POSIX path)."""
    path = PurePosixPath(display)
    folders = [_fold(part) for part in path.parts[:-1]]
    stem = _fold(path.stem)
    names = _names(tuple((role, tuple(group)) for role, group in layout.items()))
    role = forced
    product_parts = path.parts[:-1]
    if role is None:
        role = next((r for r, name in names if stem.startswith(name)), None)
    for index in range(len(folders) - 1, -1, -1):
        match = next((r for r, name in names if folders[index] == name), None)
        if match is not None:
            role = role or match
            product_parts = path.parts[:index]
            break
    number = _NUMBER.search(stem)
    slot = int(number.group(1)) if number and len(number.group(1)) <= 2 else None
    product = PurePosixPath(*product_parts).as_posix() if product_parts else "."
    return Placement(role, slot, product)


@lru_cache(maxsize=8)
def _names(layout: tuple[tuple[Any, tuple[str, ...]], ...]) -> list[tuple[Any, str]]:
    """(role, folded name) pairs, longer names first: 白底图 before 白底, 3x4 before 3."""
    names = [(role, _fold(name)) for role, group in layout for name in group]
    names.sort(key=lambda rn: -len(rn[1]))
    return names
