"""Cell values as the text an operator typed, and cells that list several words."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal

__all__ = ["CellValue", "cell_text", "display_width", "split_list"]

#: What a spreadsheet reader hands over for one cell.
CellValue = int | float | str | bool | dt.date | dt.time | dt.datetime | dt.timedelta | None

# Excel shows at most 15 significant digits; beyond that a float's digits are
# noise the operator never typed (0.1 + 0.2 shows as 0.3).
_EXCEL_DIGITS = 15
# Below 1e15 every integral float is an exact integer Excel displays in full.
_EXACT_INTEGER = 1e15
# Magnitudes written out in full; outside this range Excel itself shows 1E+21.
_PLAIN_RANGE = (1e-9, 1e21)

# Whitespace plus the zero-width characters that ride along when text is pasted
# from a web page; str.strip() leaves those in place.
_EDGE = re.compile(r"^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$")

# 、 , ， ; ； / ／ ｜ | and any whitespace run (\s covers U+3000 and NBSP).
_LIST_SEPARATORS = re.compile(r"[、,，;；/／｜|\s]+")


def cell_text(value: CellValue) -> str:
    """A cell's value as the text the operator typed, surrounding whitespace removed."""
    return _EDGE.sub("", _raw_text(value))


def _raw_text(value: CellValue) -> str:
    # bool before int: True is an int to Python but TRUE to Excel.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.timedelta):
        return _duration_text(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    return str(value)


def _float_text(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    # Readers give every number as a float: 123.0 was typed as 123.
    if value.is_integer() and abs(value) < _EXACT_INTEGER:
        return str(int(value))
    text = format(value, f".{_EXCEL_DIGITS}g")
    low, high = _PLAIN_RANGE
    if "e" in text and low <= abs(value) < high:
        # 1e-07 → 0.0000001: scientific notation is not what anyone typed.
        text = format(Decimal(text), "f")
    return text


def _duration_text(value: dt.timedelta) -> str:
    # Excel's [h]:mm:ss: hours keep counting past a day (30:00:00, not "1 day, 6:00:00").
    total = round(value.total_seconds())
    sign = "-" if total < 0 else ""
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{seconds:02d}"


def split_list(text: str) -> list[str]:
    """The words of a cell that lists several, in order, each once.

    Splits on 、 , ， ; ； / ｜ | line breaks and runs of half- or full-width spaces.
    """
    words: list[str] = []
    seen: set[str] = set()
    for part in _LIST_SEPARATORS.split(text):
        word = cell_text(part)
        if word and word not in seen:
            seen.add(word)
            words.append(word)
    return words


def display_width(text: str) -> int:
    """Columns the text takes in a grid font: Chinese and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
