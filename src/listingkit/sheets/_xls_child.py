"""The child process of :mod:`listingkit.sheets.legacy`: read one .xls worksheet, answer in JSON.

Run as a script (``python -P this_file``) with standard library and python-calamine
only, so the child starts in a fraction of the time importing listingkit takes.
Standard input: ``{"path": copy of the file, "wanted": sheet name or null}`` as
JSON (the parent writes the copy, named .xls, and removes it whatever happens
here). Standard output: one ASCII JSON object, the cells or ``{"error": kind, …}``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import unicodedata
from typing import Any

# listingkit.sheets.guard.MAX_AREA; a test keeps the two equal.
MAX_AREA = 5_000_000


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    answer = read_path(str(request["path"]), request["wanted"])
    # ASCII JSON as bytes: the answer survives whatever encoding the console has.
    sys.stdout.buffer.write(json.dumps(answer).encode("ascii"))


def read_path(path: str, wanted: str | None) -> dict[str, Any]:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        with CalamineWorkbook.from_path(path) as book:
            names = [str(name) for name in book.sheet_names]
            name = choose(book, names, wanted)
            if name is None:
                if wanted is None:
                    return {"error": "empty"}
                return {"error": "missing", "names": names, "wanted": wanted}
            sheet = book.get_sheet_by_name(name)
            start = sheet.start
            if start is None:
                return {"name": name, "top": 0, "left": 0, "rows": []}
            if sheet.height * sheet.width > MAX_AREA:
                return {"error": "size", "name": name, "height": sheet.height, "width": sheet.width}
            cells = sheet.to_python(skip_empty_area=True)
    except PasswordError:
        return {"error": "password"}
    except CalamineError as exc:
        return {"error": "broken", "detail": str(exc)}
    rows = [[encode(value) for value in row] for row in cells]
    return {"name": name, "top": start[0], "left": start[1], "rows": rows}


def encode(value: object) -> object:
    """A cell as JSON; dates and durations tagged, so the parent gets the same Python value."""
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"timedelta": value.total_seconds()}
    return value


def choose(book: Any, names: list[str], wanted: str | None) -> str | None:
    """The sheet as :func:`listingkit.sheets.reader._pick_sheet` picks it."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    if wanted is None:
        for meta in book.sheets_metadata:
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet:
                return str(meta.name)
        return names[0] if names else None
    if wanted in names:
        return wanted

    def key(text: str) -> str:
        return unicodedata.normalize("NFKC", text).strip().casefold()

    same = [name for name in names if key(name) == key(wanted)]
    return same[0] if len(same) == 1 else None


if __name__ == "__main__":
    main()
