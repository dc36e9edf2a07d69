"""The file-system side of a rename: conflicts, the order of moves, a rename that never overwrites.

A plan is a set of steps ``old → new`` (paths relative to one folder). Before
anything moves, :func:`find_conflicts` looks at the disk and lists every
reason the plan cannot run as a whole. :func:`order_moves` turns the steps into
a list of single renames in which every target is free at its turn: chains run
from their end, and swaps and cycles go through a temporary name in the same
folder. :func:`rename_no_replace` performs one of them and refuses to overwrite.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from listingkit.errors import ListingkitError
from listingkit.printable import printable

__all__ = [
    "TEMP_PREFIX",
    "Conflict",
    "Move",
    "RenameConflictError",
    "find_conflicts",
    "folder_name_key",
    "fsync_folder",
    "inside",
    "link_in_path",
    "order_moves",
    "probe_case_insensitive",
    "rename_no_replace",
    "replace_mode",
]

#: Temporary names of a rename in progress; the planner never takes these files as photos.
TEMP_PREFIX = ".listingkit-tmp-"

# Messages list this many conflicts, then a count.
_LIST_LIMIT = 30


@dataclass(frozen=True, slots=True)
class Conflict:
    """One reason a plan cannot run: ``kind`` (English) and a Chinese ``message``.

    Kinds: ``outside`` (a name outside the folder), ``symlink`` (a link in the
    way), ``missing`` (an old name that is not there), ``target-exists`` (a
    target held by a file that is not moved away), ``same-target`` (two files
    to one name), ``case-clash`` / ``unicode-clash`` (names equal but for
    letter case, or NFC/NFD twins), ``item`` (a 货号 that cannot be written).
    """

    kind: str
    message: str
    paths: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "message": self.message, "paths": list(self.paths)}


class RenameConflictError(ListingkitError):
    """A plan refused as a whole before anything moved; the message lists every conflict."""

    def __init__(self, conflicts: Sequence[Conflict], folder: str = "") -> None:
        self.conflicts = tuple(conflicts)
        shown = [f"  {c.message}" for c in self.conflicts[:_LIST_LIMIT]]
        if len(self.conflicts) > _LIST_LIMIT:
            shown.append(f"  …… 共 {len(self.conflicts)} 处")
        head = f"{printable(folder)}：" if folder else ""
        super().__init__(
            f"{head}改名计划有 {len(self.conflicts)} 处冲突，一个文件都没有改名"
            "（RENAME）：\n" + "\n".join(shown)
        )


@dataclass(frozen=True, slots=True)
class Move:
    """One rename as it is carried out and journaled: ``source → target``, relative paths."""

    source: str
    target: str


def inside(relative: str) -> bool:
    """Whether ``relative`` names a file inside the folder: relative, no ``..``, no NUL."""
    if not relative or "\0" in relative or "\\" in relative:
        return False
    path = PurePosixPath(relative)
    if path.is_absolute() or relative.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in relative.split("/"))


def folder_name_key(case_insensitive: bool, unicode_insensitive: bool) -> Callable[[str], str]:
    """The key under which the folder's file system treats two names as one."""

    def key(name: str) -> str:
        if unicode_insensitive:
            name = unicodedata.normalize("NFC", name)
        if case_insensitive:
            name = name.casefold()
        return name

    return key


def probe_case_insensitive(folder: Path, *, write: bool) -> tuple[bool, bool]:
    """``(case_insensitive, unicode_insensitive)`` for the file system holding ``folder``.

    Read-only first: an existing name with a letter is looked up with its case
    swapped (and one with an accent in its other normal form). When no name
    tells and ``write`` is true, a probe file is created and removed; otherwise
    the answer is "sensitive", and the conflict check treats clashes as
    conflicts anyway.
    """
    case: bool | None = None
    uni: bool | None = None
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            name = entry.name
            if case is None and name.swapcase() != name:
                case = _same_entry(folder, name, name.swapcase())
            if uni is None:
                other = unicodedata.normalize("NFD", name)
                if other == name:
                    other = unicodedata.normalize("NFC", name)
                if other != name:
                    uni = _same_entry(folder, name, other)
            if case is not None and uni is not None:
                break
    if (case is None or uni is None) and write:
        token = secrets.token_hex(4)
        probe = f".listingkit-probe-{token}-\u00e9a"
        path = folder / probe
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError:
            return bool(case), bool(uni)
        try:
            if case is None:
                case = _same_entry(folder, probe, probe.upper())
            if uni is None:
                uni = _same_entry(folder, probe, unicodedata.normalize("NFD", probe))
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)
    return bool(case), bool(uni)


def _same_entry(folder: Path, name: str, other: str) -> bool:
    try:
        a = os.lstat(folder / name)
        b = os.lstat(folder / other)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None


def link_in_path(folder: Path, relative: str) -> str | None:
    """The first folder on the way to ``relative`` that is a symbolic link (or not a folder)."""
    parts = relative.split("/")[:-1]
    here = folder
    for depth, part in enumerate(parts, start=1):
        here = here / part
        info = _lstat(here)
        if info is None:
            return None
        if not stat.S_ISDIR(info.st_mode):
            return "/".join(parts[:depth])
    return None


def _pair(a: str, b: str) -> tuple[str, str]:
    return printable(a), printable(b)


def find_conflicts(
    folder: Path,
    steps: Sequence[tuple[str, str]],
    *,
    case_insensitive: bool,
    unicode_insensitive: bool,
) -> list[Conflict]:
    """Every reason the steps cannot run together, from the disk as it is now.

    A target is free when nothing is there, or the file there is itself moved
    away by another step. Names equal but for letter case or Unicode normal
    form clash even on a file system that keeps them apart: on Windows and
    macOS, and in a zip opened there, one would hide the other.
    """
    conflicts: list[Conflict] = []
    key = folder_name_key(case_insensitive, unicode_insensitive)
    olds = {key(old): old for old, _ in steps}
    by_target: dict[str, list[str]] = {}
    for old, new in steps:
        for name in (old, new):
            if not inside(name):
                conflicts.append(
                    Conflict(
                        "outside",
                        f"{printable(name)} 不在文件夹之内（绝对路径、.. 或空名），拒绝改名",
                        (name,),
                    )
                )
        if not (inside(old) and inside(new)):
            continue
        for name in (old, new):
            link = link_in_path(folder, name)
            if link is not None:
                conflicts.append(
                    Conflict(
                        "symlink",
                        f"{printable(link)} 是符号链接或不是文件夹，不会经过它改名",
                        (name,),
                    )
                )
        info = _lstat(folder / old)
        if info is None:
            conflicts.append(
                Conflict("missing", f"{printable(old)} 不存在（计划之后被移走了？）", (old,))
            )
        elif not stat.S_ISREG(info.st_mode):
            conflicts.append(
                Conflict(
                    "symlink",
                    f"{printable(old)} 不是普通文件（符号链接、文件夹或设备），不会改它的名",
                    (old,),
                )
            )
        by_target.setdefault(key(new), []).append(old)
        target = _lstat(folder / new)
        if target is None or key(new) in olds:
            continue
        if info is not None and (target.st_dev, target.st_ino) == (info.st_dev, info.st_ino):
            continue  # the same file under another case or normal form: a case-only rename
        conflicts.append(
            Conflict(
                "target-exists",
                f"{printable(old)} → {printable(new)}：{printable(new)} 已存在，且不在改名之列；"
                "不会覆盖它，请先移走或改名",
                (old, new),
            )
        )
    for olds_to_one in by_target.values():
        if len(olds_to_one) > 1:
            names = "、".join(printable(o) for o in olds_to_one)
            shared = dict(steps)[olds_to_one[0]]
            conflicts.append(
                Conflict(
                    "same-target",
                    f"{names} 都要改成 {printable(shared)}，会互相覆盖",
                    (*olds_to_one, shared),
                )
            )
    conflicts += _clashes(folder, steps, case_insensitive)
    return conflicts


def _clashes(
    folder: Path, steps: Sequence[tuple[str, str]], case_insensitive: bool
) -> list[Conflict]:
    """New names that equal another name of the finished folder but for case or normal form."""
    moved = {old for old, _ in steps}
    by_dir: dict[str, set[str]] = {}
    for _, new in steps:
        if inside(new):
            by_dir.setdefault(str(PurePosixPath(new).parent), set()).add(new)
    conflicts: list[Conflict] = []
    for parent, new_names in by_dir.items():
        base = folder if parent == "." else folder / parent
        try:
            present = {name if parent == "." else f"{parent}/{name}" for name in os.listdir(base)}
        except OSError:
            present = set()
        final = (present - moved) | new_names
        seen: dict[str, str] = {}
        for name in sorted(final):
            for kind, folded in (
                ("unicode-clash", unicodedata.normalize("NFC", name)),
                ("case-clash", unicodedata.normalize("NFC", name).casefold()),
            ):
                other = seen.get(kind + "\0" + folded)
                if (
                    other is not None
                    and other != name
                    and (name in new_names or other in new_names)
                ):
                    a, b = _pair(other, name)
                    why = (
                        "只差大小写" if kind == "case-clash" else "是同一个名字的 NFC/NFD 两种写法"
                    )
                    where = (
                        "这个文件系统不区分大小写，改名会覆盖"
                        if case_insensitive
                        else "在 Windows、macOS 或解压后会互相覆盖"
                    )
                    conflicts.append(Conflict(kind, f"{a} 与 {b} {why}，{where}", (other, name)))
                    break
                seen.setdefault(kind + "\0" + folded, name)
    return conflicts


def order_moves(
    steps: Sequence[tuple[str, str]],
    *,
    key: Callable[[str], str],
    token: str | None = None,
) -> list[Move]:
    """Single renames, in an order where every target is free at its turn.

    A step whose target is the old name of a step still waiting runs after it;
    when only cycles remain (a→b, b→a), one file of a cycle moves to a
    temporary name in its own folder first. A rename that changes only case or
    normal form goes through a temporary name too: on a file system that
    ignores the difference the target "exists" already.
    """
    token = token or secrets.token_hex(4)
    counter = 0

    def temporary(name: str) -> str:
        nonlocal counter
        counter += 1
        parent = PurePosixPath(name).parent
        temp = f"{TEMP_PREFIX}{token}-{counter}"
        return temp if str(parent) == "." else f"{parent}/{temp}"

    moves: list[Move] = []
    pending: dict[str, tuple[str, str]] = {}  # key(source) → (source, target)
    for old, new in steps:
        if old == new:
            continue
        if key(old) == key(new):
            temp = temporary(old)
            moves.append(Move(old, temp))
            old = temp
        pending[key(old)] = (old, new)
    while pending:
        free = [k for k, (_, new) in pending.items() if key(new) not in pending]
        if free:
            for k in free:
                source, target = pending.pop(k)
                moves.append(Move(source, target))
            continue
        # Only cycles are left: park one file, which frees its name for the step before it.
        k = next(iter(pending))
        source, target = pending.pop(k)
        temp = temporary(source)
        moves.append(Move(source, temp))
        pending[key(temp)] = (temp, target)
    return moves


# --- one rename that never overwrites --------------------------------------------------------

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1  # linux/fs.h
_RENAME_EXCL = 0x4  # macOS sys/stdio.h


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _libc()
_RENAMEAT2 = getattr(_LIBC, "renameat2", None) if sys.platform.startswith("linux") else None
_RENAMEX_NP = getattr(_LIBC, "renamex_np", None) if sys.platform == "darwin" else None


def replace_mode() -> str:
    """How :func:`rename_no_replace` keeps from overwriting on this system.

    ``renameat2`` (Linux, atomic), ``renamex_np`` (macOS, atomic), ``windows``
    (``os.rename`` never replaces there), else ``link`` (a hard link, which
    fails on an existing name, then unlink) with ``check`` (look, then rename:
    a file created in between would be overwritten) where links do not work.
    """
    if _RENAMEAT2 is not None:
        return "renameat2"
    if _RENAMEX_NP is not None:
        return "renamex_np"
    if os.name == "nt":
        return "windows"
    return "link"


def _call(function: object, *args: object) -> int | None:
    """Call a libc rename; None when the file system does not support the flag."""
    result = function(*args)  # type: ignore[operator]
    if result == 0:
        return 0
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return None
    raise OSError(code, os.strerror(code))


def rename_no_replace(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``; raise ``FileExistsError`` if ``target`` exists.

    Atomic where the system offers it (see :func:`replace_mode`); same folder,
    so the same file system. Errors carry both names.
    """
    try:
        if _RENAMEAT2 is not None:
            done = _call(
                _RENAMEAT2,
                _AT_FDCWD,
                os.fsencode(source),
                _AT_FDCWD,
                os.fsencode(target),
                ctypes.c_uint(_RENAME_NOREPLACE),
            )
            if done is not None:
                return
        elif _RENAMEX_NP is not None:
            done = _call(
                _RENAMEX_NP, os.fsencode(source), os.fsencode(target), ctypes.c_uint(_RENAME_EXCL)
            )
            if done is not None:
                return
        if os.name == "nt":
            os.rename(source, target)
            return
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise
            # No hard links here (FAT, some network shares): look, then rename.
            if os.path.lexists(target):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST)) from None
            os.rename(source, target)
            return
        os.unlink(source)
    except OSError as exc:
        exc.filename, exc.filename2 = os.fspath(source), os.fspath(target)
        raise


def fsync_folder(folder: Path) -> None:
    """Make the folder's entries (a rename, a new journal) durable.

    A no-op where a folder cannot be opened (Windows).
    """
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def names_of(moves: Iterable[Move]) -> set[str]:
    return {name for move in moves for name in (move.source, move.target)}
