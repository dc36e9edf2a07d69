"""Write an output file whole or not at all, and never over what it must not touch.

The rules, in the order they are checked:

- a target that exists and is not a regular file (a device such as
  ``/dev/null``, a FIFO, a folder, a socket) is refused: renaming over it would
  replace the device with a file;
- a target that is one of the run's inputs is refused, ``--force`` or not;
- an existing regular file is replaced only when it is ours (a report or sheet
  listingkit wrote, recognised by its marker and owned by the current user) or
  ``force`` is given;
- the content goes to a fresh temporary file in the target's folder, created
  with ``O_EXCL | O_NOFOLLOW`` under an unpredictable name (a planted symlink
  is never followed), synced, then renamed over the target; on any error or
  signal the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Literal, cast, overload

from listingkit.errors import OutputError
from listingkit.printable import show_path
from listingkit.safeio.read import file_kind

__all__ = ["atomic_output", "check_target", "has_marker", "remove_temporaries"]

_REASONS = {
    errno.EACCES: "没有写入权限（文件在 Excel/WPS 中打开时也会这样，请先关闭）",
    errno.EPERM: "没有写入权限（文件在 Excel/WPS 中打开时也会这样，请先关闭）",
    errno.ENOSPC: "磁盘空间不足",
    getattr(errno, "EDQUOT", -1): "超出磁盘配额",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.ENOENT: "文件夹不存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EIO: "磁盘写入出错",
}
_ATTEMPTS = 16
_MARKER_HEAD = 64 * 1024

# Temporary files being written now, so a signal handler can remove them.
_live: set[str] = set()
_live_lock = threading.Lock()


def write_reason(exc: OSError) -> str:
    """An operating-system error while writing, in words an operator understands."""
    known = _REASONS.get(exc.errno or 0)
    detail = exc.strerror or type(exc).__name__
    return f"{known}（{detail}）" if known else detail


def has_marker(*markers: bytes) -> Callable[[Path], bool]:
    """A test for "this file is ours": one of ``markers`` in its first 64 KiB."""

    def test(path: Path) -> bool:
        try:
            with open(path, "rb") as handle:
                head = handle.read(_MARKER_HEAD)
        except OSError:
            return False
        return any(marker in head for marker in markers)

    return test


def _same_file(target: Path, given: Path) -> bool:
    try:
        return os.path.samefile(target, given)
    except (OSError, ValueError):
        return False


def check_target(
    target: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    force: bool = False,
    ours: Callable[[Path], bool] | None = None,
    option: str = "--output",
) -> Path:
    """Refuse, before any work, a target that must not be written; return it as a Path.

    Raises :class:`OutputError` with one line naming the target and what to do.
    """
    path = Path(target)
    shown = show_path(path)
    for given in inputs:
        if _same_file(path, Path(given)):
            raise OutputError(
                f"{option} {shown} 是本次读取的文件，写入会覆盖原始数据，没有写；请换一个文件名"
            )
    try:
        info = os.stat(path)  # follows a link: what matters is what it points at
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"无法写入 {shown}：{write_reason(exc)}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{option} {shown} 是一个文件夹；请给出文件名")
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(
                f"{option} {shown} 是{file_kind(info.st_mode)}，不是普通文件，没有写入；"
                "请给出一个普通文件的名字"
            )
        if not force and not _is_ours(path, info, ours):
            raise OutputError(
                f"{option} {shown} 已存在，且不是 listingkit 写的文件，没有覆盖；"
                f"要覆盖它请加 --force，或给 {option} 换一个文件名"
            )
    elif os.path.islink(path) and not force:  # a dangling link: writing would create its target
        raise OutputError(
            f"{option} {shown} 是指向不存在文件的链接，没有写；"
            f"要替换这个链接请加 --force，或给 {option} 换一个文件名"
        )
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(f"无法写入 {shown}：文件夹 {show_path(parent)} 不存在；请先创建它")
    return path


def _is_ours(path: Path, info: os.stat_result, ours: Callable[[Path], bool] | None) -> bool:
    if ours is None or os.path.islink(path):
        return False
    # A file someone else owns is never "ours", even with our marker in it.
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return False
    return ours(path)


def _create_temporary(target: Path) -> tuple[int, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        name = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 less the umask: the result is readable as any new file would be.
            descriptor = os.open(name, flags, 0o666)
        except FileExistsError:
            continue
        with _live_lock:
            _live.add(name)
        return descriptor, name
    raise OutputError(f"无法在 {show_path(target.parent)} 里建立临时文件；请检查这个文件夹")


def _forget(name: str) -> None:
    with _live_lock:
        _live.discard(name)
    with contextlib.suppress(OSError):
        os.unlink(name)


def remove_temporaries() -> None:
    """Remove every temporary file still being written (for signal handlers)."""
    with _live_lock:
        names = list(_live)
        _live.clear()
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)


@overload
def atomic_output(
    target: str | os.PathLike[str],
    *,
    binary: Literal[False] = ...,
    inputs: Sequence[str | os.PathLike[str]] = ...,
    force: bool = ...,
    ours: Callable[[Path], bool] | None = ...,
    option: str = ...,
) -> contextlib.AbstractContextManager[IO[str]]: ...


@overload
def atomic_output(
    target: str | os.PathLike[str],
    *,
    binary: Literal[True],
    inputs: Sequence[str | os.PathLike[str]] = ...,
    force: bool = ...,
    ours: Callable[[Path], bool] | None = ...,
    option: str = ...,
) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def atomic_output(
    target: str | os.PathLike[str],
    *,
    binary: bool = False,
    inputs: Sequence[str | os.PathLike[str]] = (),
    force: bool = False,
    ours: Callable[[Path], bool] | None = None,
    option: str = "--output",
) -> contextlib.AbstractContextManager[IO[str]] | contextlib.AbstractContextManager[IO[bytes]]:
    """A file handle whose content replaces ``target`` when the block ends without error.

    Text handles write UTF-8 with ``\\n`` line ends. Any exception (or signal)
    inside the block removes the temporary file and leaves ``target`` as it
    was; an operating-system error becomes :class:`OutputError` naming the
    target and the reason (disk full, read-only, permission).
    """
    manager = _atomic(target, binary, inputs, force, ours, option)
    return cast("contextlib.AbstractContextManager[IO[str]]", manager)


@contextlib.contextmanager
def _atomic(
    target: str | os.PathLike[str],
    binary: bool,
    inputs: Sequence[str | os.PathLike[str]],
    force: bool,
    ours: Callable[[Path], bool] | None,
    option: str,
) -> Iterator[IO[bytes] | IO[str]]:
    path = check_target(target, inputs=inputs, force=force, ours=ours, option=option)
    shown = show_path(path)
    try:
        descriptor, name = _create_temporary(path)
    except OSError as exc:
        raise OutputError(f"无法写入 {shown}：{write_reason(exc)}") from None
    try:
        raw = os.fdopen(descriptor, "wb")
        handle: IO[bytes] | IO[str] = (
            raw if binary else io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        )
        with handle:
            yield handle
            handle.flush()
            os.fsync(raw.fileno())
        os.replace(name, path)
        with _live_lock:
            _live.discard(name)
    except OSError as exc:
        _forget(name)
        raise OutputError(f"无法写入 {shown}：{write_reason(exc)}") from None
    except BaseException:
        _forget(name)
        raise
