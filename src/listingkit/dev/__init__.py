"""Developer commands: ``python -m listingkit.dev new-check`` and ``python -m listingkit.dev docs``.

``new-check CODE name`` writes everything a new check needs but its logic: the
code's line in :mod:`listingkit.codes`, a stub in the family's checks module
with the three documentation headings, and a case file with one passing and one
failing case. ``docs`` regenerates every page and table built from the
registry (``docs/checks.md``, ``docs/rules.md`` and each marked check table).
The meta-tests name these commands when something is missing or stale.
"""

from __future__ import annotations

from pathlib import Path

from listingkit.errors import UsageError
from listingkit.printable import show_path
from listingkit.safeio import MAX_TEXT_FILE_BYTES, atomic_output, decode_text, read_input

__all__ = ["DOCS_COMMAND", "NEW_CHECK_COMMAND", "read_source", "source_root", "write_source"]

DOCS_COMMAND = "python -m listingkit.dev docs"
NEW_CHECK_COMMAND = "python -m listingkit.dev new-check"


def source_root(root: str | None) -> Path:
    """The repository to edit: ``--root`` or the checkout this package runs from."""
    found = Path(root) if root else Path(__file__).resolve().parents[3]
    if not (found / "src" / "listingkit" / "codes.py").is_file():
        raise UsageError(
            f"{show_path(found)} 不是 listingkit 的源码树（没有 src/listingkit/codes.py）；"
            "用 --root 指向仓库根目录"
        )
    return found


def read_source(path: Path) -> str:
    """A source or documentation file of the tree, as text."""
    shown = show_path(path)
    return decode_text(
        read_input(path, what="源文件", limit=MAX_TEXT_FILE_BYTES), shown=shown, what="源文件"
    )


def write_source(path: Path, text: str) -> None:
    """Replace a file of the tree in one step (it is ours to edit: a developer asked)."""
    with atomic_output(path, force=True) as handle:
        handle.write(text)
