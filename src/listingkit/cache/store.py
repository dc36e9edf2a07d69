"""Where the cache lives, and one cache file read and written safely.

The folder is the platform's per-user cache folder: ``$XDG_CACHE_HOME`` (or
``~/.cache``) on Linux and other Unix, ``~/Library/Caches`` on macOS,
``%LOCALAPPDATA%`` on Windows, each with ``listingkit/`` under it. These three
rules are all ``platformdirs`` would give here, so it is not a dependency.

A cache file is JSON, replaced whole (a temporary file renamed over it), so a
reader sees the old file or the new one and never part of one; when two runs
write at once the last one wins. A file that is not a regular file (a link, a
FIFO), too large, not JSON or not of the expected shape is ignored. The
results folder is kept under :data:`MAX_FOLDER_BYTES` by removing the files
used longest ago.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HASH_CHUNK = 1 << 20

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_FOLDER_BYTES",
    "NO_CACHE_ENV",
    "Removed",
    "Usage",
    "cache_enabled",
    "cache_folder",
    "clean",
    "read_bytes",
    "read_json",
    "results_folder",
    "usage",
    "write_bytes",
    "write_json",
]

#: Set to 1 (or yes/true/on) to run without the cache, as ``--no-cache`` does.
NO_CACHE_ENV = "LISTINGKIT_NO_CACHE"
#: A cache file larger than this is not read (and not written).
MAX_FILE_BYTES = 64 << 20
#: The results folder is trimmed to this many bytes, oldest files first.
MAX_FOLDER_BYTES = 256 << 20

_TEMPORARY_PREFIX = ".tmp-"


def cache_enabled(no_cache: bool = False) -> bool:
    """False when ``--no-cache`` was given or ``LISTINGKIT_NO_CACHE`` is set to a true value."""
    value = os.environ.get(NO_CACHE_ENV, "").strip().lower()
    return not no_cache and value not in ("1", "yes", "true", "on")


def cache_folder() -> Path:
    """listingkit's folder in the user's cache folder (not created here)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "listingkit" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "listingkit"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec: a relative value is invalid and must be ignored.
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "listingkit"


def results_folder() -> Path:
    """Where per-file results are kept: one file per set of rules and checks."""
    return cache_folder() / "results"


def read_json(path: Path) -> Any:
    """The JSON value in ``path``; None when it is missing, not a regular file, or not JSON.

    Opened without following a link and without blocking on a FIFO.
    """
    data = read_bytes(path)
    if data is None:
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def content_hash(
    path: str | os.PathLike[str], *, max_bytes: int | None = None
) -> tuple[os.stat_result, str] | None:
    """A regular file's status and the SHA-256 of its content; None when it is not a
    regular file, is larger than ``max_bytes`` or cannot be read. Opened without
    blocking: a FIFO put where a file was must not hang the run."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return None
        if max_bytes is not None and status.st_size > max_bytes:
            return None
        digest = hashlib.sha256()
        with os.fdopen(descriptor, "rb", buffering=0, closefd=False) as handle:
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return status, digest.hexdigest()


def read_bytes(path: Path) -> bytes | None:
    """The bytes of ``path``; None when it is missing, not a regular file, or too large.

    Opened without following a link and without blocking on a FIFO.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FILE_BYTES:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        return data if len(data) <= MAX_FILE_BYTES else None
    except OSError:
        return None
    finally:
        os.close(descriptor)


def write_json(path: Path, value: Any) -> bool:
    """Replace ``path`` with ``value`` as JSON, atomically; False (and nothing left) on failure."""
    try:
        data = json.dumps(value, separators=(",", ":")).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):
        return False
    return write_bytes(path, data)


def write_bytes(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data``, atomically; False (and nothing left) on failure."""
    if len(data) > MAX_FILE_BYTES:
        return False
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=_TEMPORARY_PREFIX, dir=path.parent)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)  # replaces a link or FIFO at ``path``, never writes through it
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return False
    _trim(path.parent, keep=path)
    return True


def _entries(folder: Path) -> list[tuple[Path, os.stat_result]]:
    found: list[tuple[Path, os.stat_result]] = []
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                with contextlib.suppress(OSError):
                    found.append((Path(entry.path), entry.stat(follow_symlinks=False)))
    except OSError:
        return []
    return found


def _trim(folder: Path, keep: Path) -> None:
    """Remove the files used longest ago until the folder is under :data:`MAX_FOLDER_BYTES`."""
    files = sorted(_entries(folder), key=lambda item: item[1].st_mtime_ns)
    total = sum(status.st_size for _, status in files)
    for path, status in files:
        if total <= MAX_FOLDER_BYTES:
            return
        if path != keep:
            with contextlib.suppress(OSError):
                os.unlink(path)
                total -= status.st_size


@dataclass(frozen=True, slots=True)
class Usage:
    """What the cache holds: its folder, how many result files, how many bytes."""

    folder: Path
    files: int
    bytes: int


#: The sub-folders of the cache folder listingkit keeps: per-file image results,
#: validated rules (:mod:`listingkit.ruleset.cache`) and whole reports of repeat
#: runs (:mod:`listingkit.cache.runs`).
_KEPT = ("results", "rules", "runs")


def _kept_files() -> list[tuple[Path, os.stat_result]]:
    base = cache_folder()
    return [
        (path, status)
        for name in _KEPT
        for path, status in _entries(base / name)
        if not stat.S_ISDIR(status.st_mode)
    ]


def usage() -> Usage:
    """The cache folder and what it holds (results and rules; 0 files when empty)."""
    files = _kept_files()
    return Usage(cache_folder(), len(files), sum(s.st_size for _, s in files))


@dataclass(frozen=True, slots=True)
class Removed:
    """What :func:`clean` removed, and what it could not."""

    folder: Path
    files: int
    bytes: int
    failed: tuple[Path, ...] = ()


def clean() -> Removed:
    """Remove every cached file, results and rules (and leftover temporary files).

    The folders stay.
    """
    removed, size, failed = 0, 0, []
    for path, status in _kept_files():
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        except OSError:
            failed.append(path)
            continue
        removed += 1
        size += status.st_size
    return Removed(cache_folder(), removed, size, tuple(failed))
