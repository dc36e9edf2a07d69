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

__all__ = [
    "FileSubject",
    "FolderProblem",
    "ImageError",
    "Walk",
    "file_subject",
    "walk",
    "walk_files",
]


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


@dataclass(frozen=True, slots=True)
class ImageError:
    """An image file that could not be read, and why (a probe's ``reason`` and ``kind``).

    Built by the image pipeline, read by FILE003: a data type both use, so it
    lives here rather than in either family.
    """

    reason: str
    kind: str


@dataclass(frozen=True, slots=True)
class FolderProblem:
    """A folder under an input whose files were not checked, and why."""

    path: Path
    display: str
    reason: str
    linked: bool  # a link to a folder, not followed (else: the folder could not be listed)


@dataclass(frozen=True, slots=True)
class Walk:
    """What a walk found: the files, and the folders it could not or would not enter."""

    files: list[tuple[Path, str]]
    folders: list[FolderProblem]


# Not followed below an input: a link to "/" or to a folder's own parent would
# walk the whole disk or go round for ever, and one to a sibling checks it twice.
_LINKED_FOLDER = "这是指向其他文件夹的链接（符号链接），没有进入，以免重复检查或陷入循环"


def walk(inputs: Iterable[str | os.PathLike[str]]) -> Walk:
    """Every file under the inputs, in a stable order, and the folders not walked.

    Folders are walked with an explicit stack (any depth), skipping hidden files
    and folders (``.git``, ``.DS_Store``); links to folders below an input are
    not followed. A file or folder named directly is always taken. Display
    names are POSIX paths as the user wrote the input, then relative to it;
    names that are not UTF-8 keep their bytes as surrogate escapes.
    """
    files: list[tuple[Path, str]] = []
    folders: list[FolderProblem] = []
    for given in inputs:
        root = Path(given)
        if root.is_symlink() and not root.exists():
            files.append((root, root.as_posix()))
            continue
        if not root.exists():
            raise InputError(f"路径不存在：{os.fspath(given)}；请检查拼写")
        if not root.is_dir():
            files.append((root, root.as_posix()))
            continue
        found, problems = _walk_folder(root)
        files += [(path, path.as_posix()) for path in found]
        folders += problems
    return Walk(files, folders)


def _walk_folder(root: Path) -> tuple[list[Path], list[FolderProblem]]:
    found: list[Path] = []
    problems: list[FolderProblem] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            problems.append(FolderProblem(folder, folder.as_posix(), os_reason(exc), False))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                    continue
                if entry.is_symlink() and entry.is_dir():
                    problems.append(FolderProblem(path, path.as_posix(), _LINKED_FOLDER, True))
                    continue
            except OSError:
                pass  # a file whose type cannot be read: reading it says why
            found.append(path)
    found.sort(key=lambda path: path.parts)
    problems.sort(key=lambda problem: problem.path.parts)
    return found, problems


def walk_files(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, str]]:
    """(path, display name) of every file under the inputs, in a stable order.

    The files of :func:`walk`; the folders it could not enter are in its ``folders``.
    """
    yield from walk(inputs).files
