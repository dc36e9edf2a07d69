"""What checks look at: the subjects a run builds from its inputs.

A subject is built once per input and handed to every check of its kind, so
a file is opened once however many checks read it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from listingkit.errors import InputError
from listingkit.oserrors import NOT_REGULAR, os_reason

__all__ = ["FileSubject", "file_subject", "walk_files"]


@dataclass(frozen=True, slots=True)
class FileSubject:
    """A file on disk: its path, how messages name it, its size, or why it cannot be read."""

    path: Path
    display: str
    size: int
    error: str | None


def file_subject(path: Path, display: str) -> FileSubject:
    """Open the file and read one byte: enough to know it is there and readable."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return FileSubject(path, display, 0, NOT_REGULAR)
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            handle.read(1)
    except OSError as exc:
        return FileSubject(path, display, 0, os_reason(exc))
    return FileSubject(path, display, size, None)


def _is_hidden(path: Path) -> bool:
    return any(part.startswith(".") for part in path.parts if part not in {".", ".."})


def walk_files(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, str]]:
    """(path, display name) of every file under the inputs, in a stable order.

    Folders are walked recursively, skipping hidden files and folders (``.git``,
    ``.DS_Store``); a file named directly is always taken. Display names are
    POSIX paths relative to the folder the user named.
    """
    for given in inputs:
        root = Path(given)
        if root.is_symlink() and not root.exists():
            yield root, root.as_posix()
            continue
        if not root.exists():
            raise InputError(f"路径不存在：{os.fspath(given)}；请检查拼写")
        if root.is_file() or not root.is_dir():
            yield root, root.as_posix()
            continue
        found = sorted(
            p for p in root.rglob("*") if not _is_hidden(p.relative_to(root)) and not p.is_dir()
        )
        for path in found:
            yield path, path.as_posix()
