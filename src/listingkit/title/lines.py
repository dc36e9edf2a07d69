"""A title file: one title per line, read safely, numbered as editors number lines."""

from __future__ import annotations

from pathlib import Path

from listingkit.safeio import MAX_TEXT_FILE_BYTES, decode_text, read_input, show_path

__all__ = ["title_lines"]


def title_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, title) of every non-blank line of a title file.

    Blank lines, and lines of only spaces (full-width ones too), separate titles
    and are skipped. A line of only invisible characters (U+200B, a control
    character) is not blank to this reader: it is returned, and the title checks
    report it as an empty title (TITLE002).

    Regular files only, bounded: a pipe or a link to /dev/zero is refused unread
    (:class:`~listingkit.errors.InputError`). Lines end at ``\\n`` (and ``\\r\\n``)
    only, as editors number them; a form feed, NEL or U+2028 inside a title stays
    in it, for the title checks to report.
    """
    data = read_input(path, what="标题文件", limit=MAX_TEXT_FILE_BYTES)
    text = decode_text(data, shown=show_path(path), what="标题文件")
    lines = (line.removesuffix("\r") for line in text.split("\n"))
    return [(number, line) for number, line in enumerate(lines, 1) if line.strip()]
