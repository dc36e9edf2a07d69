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

__all__ = ["Placement", "Placer", "place_image"]

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
    names = _names(tuple((role, tuple(group)) for role, group in layout.items()))
    return _place(display, names, forced)


class Placer:
    """:func:`place_image` for one layout and forced role, for a batch of images.

    The layout's names are folded once, and each folder's role and product and
    each file name's role and slot are worked out once for the batch: the
    images of a folder share them, and names repeat from folder to folder.
    """

    def __init__(self, layout: Mapping[Any, Sequence[str]], forced: str | None = None) -> None:
        self._names = _names(tuple((role, tuple(group)) for role, group in layout.items()))
        self._forced = forced
        self._folders: dict[str, tuple[Any, str]] = {}
        self._stems: dict[str, tuple[Any, int | None]] = {}

    def __call__(self, display: str) -> Placement:
        """What :func:`place_image` gives for ``display`` with this layout and role."""
        head, slash, name = display.rpartition("/")
        if name in ("", ".", ".."):
            return _place(display, self._names, self._forced)
        folder = head + slash
        place = self._folders.get(folder)
        if place is None:
            place = self._folders[folder] = _folder(folder, self._names)
        stem = _stem(name)
        named = self._stems.get(stem)
        if named is None:
            named = self._stems[stem] = _name_place(stem, self._names)
        role = named[0] if self._forced is None else self._forced
        if place[0] is not None:
            role = role or place[0]
        return Placement(role, named[1], place[1])


def _place(display: str, names: tuple[tuple[Any, str], ...], forced: str | None) -> Placement:
    head, slash, name = display.rpartition("/")
    if name in ("", ".", ".."):  # not a plain file name: PurePosixPath says what it is
        path = PurePosixPath(display)
        named, slot = _name_place(path.stem, names)
        folder_role, product = _place_folder(path.parts[:-1], names)
    else:
        # Names repeat from folder to folder (01.jpg …), and every image of a
        # folder shares its folder's role and product: each worked out once.
        named, slot = _name_place(_stem(name), names)
        folder_role, product = _folder(head + slash, names)
    role = named if forced is None else forced
    if folder_role is not None:
        role = role or folder_role
    return Placement(role, slot, product)


@lru_cache(maxsize=4096)
def _name_place(stem: str, names: tuple[tuple[Any, str], ...]) -> tuple[Any, int | None]:
    """(the role a file name begins with, the slot its last number gives) of a stem."""
    folded = _fold(stem)
    role = next((r for r, name in names if folded.startswith(name)), None)
    number = _NUMBER.search(folded)
    slot = int(number.group(1)) if number and len(number.group(1)) <= 2 else None
    return role, slot


def _stem(name: str) -> str:
    """The name less its suffix, as ``PurePosixPath.stem`` has it."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


@lru_cache(maxsize=4096)
def _folder(folder: str, names: tuple[tuple[Any, str], ...]) -> tuple[Any, str]:
    """(the role the innermost role folder gives, the product folder) of a folder."""
    return _place_folder(PurePosixPath(folder).parts, names)


def _place_folder(parts: tuple[str, ...], names: tuple[tuple[Any, str], ...]) -> tuple[Any, str]:
    folders = [_fold(part) for part in parts]
    for index in range(len(folders) - 1, -1, -1):
        match = next((r for r, name in names if folders[index] == name), None)
        if match is not None:
            product = parts[:index]
            return match, PurePosixPath(*product).as_posix() if product else "."
    return None, PurePosixPath(*parts).as_posix() if parts else "."


@lru_cache(maxsize=8)
def _names(layout: tuple[tuple[Any, tuple[str, ...]], ...]) -> tuple[tuple[Any, str], ...]:
    """(role, folded name) pairs, longer names first: 白底图 before 白底, 3x4 before 3."""
    names = [(role, _fold(name)) for role, group in layout for name in group]
    names.sort(key=lambda rn: -len(rn[1]))
    return tuple(names)
