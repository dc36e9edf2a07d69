"""The shapes the sheet layer hands out, and the wording shared by its messages."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from listingkit.printable import printable, show_path

__all__ = [
    "CellRange",
    "DuplicateHeader",
    "Sheet",
    "SheetProblem",
    "SheetRow",
    "column_name",
    "did_you_mean",
    "name_list",
    "where",
]

# Lists in messages stop here: a 60-column export would drown the advice.
_LIST_LIMIT = 20


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its row number as Excel shows it, and its cells as text by header."""

    row: int
    values: dict[str, str]

    def get(self, header: str, default: str = "") -> str:
        return self.values.get(header, default)


@dataclass(frozen=True, slots=True)
class CellRange:
    """A rectangle of cells, 0-based and inclusive; shown as Excel shows it (``C3:C12``)."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def first(self) -> str:
        """The top-left cell, the only one of a merged range that keeps a value."""
        return f"{column_name(self.left)}{self.top + 1}"

    def __str__(self) -> str:
        last = f"{column_name(self.right)}{self.bottom + 1}"
        return self.first if last == self.first else f"{self.first}:{last}"


@dataclass(frozen=True, slots=True)
class DuplicateHeader:
    """Header cells that name the same column; only the first is read under that name.

    ``cells`` are Excel references (``B1``, ``E1``), ``texts`` the headers as written.
    """

    cells: tuple[str, ...]
    texts: tuple[str, ...]


@dataclass(slots=True)
class Sheet:
    """A table read from one worksheet or CSV file, every cell already text.

    ``name`` is the worksheet name, or None for a CSV file. ``header_row`` is the
    row number (as Excel shows it) of the header; ``rows`` hold only non-empty rows
    after it, each with every header as a key.
    """

    path: Path
    name: str | None
    headers: list[str]
    rows: list[SheetRow]
    header_row: int = 1
    # header -> Excel column letter; columns can be dropped, so position is not enough
    letters: dict[str, str] = field(default_factory=dict, repr=False)
    #: Headers written twice (the later columns are read as "标题 (2)" …).
    duplicate_headers: list[DuplicateHeader] = field(default_factory=list)
    #: Merged ranges in the header or the data: only their first cell has a value.
    merged: list[CellRange] = field(default_factory=list)
    #: Merged ranges beyond those listed in ``merged``.
    more_merged: int = 0

    def column_letter(self, header: str) -> str:
        """The column letter ("B") of a header, for messages such as "B 列"."""
        if header in self.letters:
            return self.letters[header]
        if header in self.headers:
            return column_name(self.headers.index(header))
        raise KeyError(header)

    @property
    def where(self) -> str:
        """The file (and worksheet) in the words messages use."""
        return where(self.path, self.name)


@dataclass(frozen=True, slots=True)
class SheetProblem:
    """One cell or row that could not be used; the rest of the sheet still was."""

    row: int | None
    column: str | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message}；{self.hint}"


def column_name(index: int) -> str:
    """Excel's column letters for a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def where(path: Path | str, sheet: str | None = None) -> str:
    """``参数表.xlsx（工作表“参数”）``, or the path alone for a CSV file; controls escaped."""
    shown = show_path(path)
    return f"{shown}（工作表“{printable(sheet)}”）" if sheet is not None else shown


def name_list(names: Iterable[str]) -> str:
    """“a”、“b”、“c” — cut short with a count when there are many."""
    items = list(names)
    if not items:
        return "（没有）"
    shown = "、".join(f"“{name}”" for name in items[:_LIST_LIMIT])
    if len(items) > _LIST_LIMIT:
        shown += f" 等 {len(items)} 个"
    return shown


def did_you_mean(
    wanted: str, candidates: Iterable[str], normalise: Callable[[str], str] = str
) -> str:
    """``是不是“x”？`` for the closest candidate, or "" when nothing is close.

    Names are compared after ``normalise`` (so full-width letters or spacing do
    not hide a match) but the suggestion is shown as it is written in the file.
    """
    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(normalise(candidate), candidate)
    close = difflib.get_close_matches(normalise(wanted), list(by_key), n=1, cutoff=0.5)
    return f"是不是“{by_key[close[0]]}”？" if close else ""
