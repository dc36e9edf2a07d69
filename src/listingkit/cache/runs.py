"""A whole report kept with every input it was made from, for the same command run again.

``listingkit images`` run again over a folder where nothing changed prints the
report it printed before, without reading or checking an image. The kept
report (its text, and a JSON file naming the text by its hash with everything
below) is used only when every input is as it was, each checked as
:mod:`listingkit.cache.images` checks a kept read:

- every file the walk finds (the same files, in the same order, and the same
  folders it could not enter) with the same size, modification and change
  times, device and inode, none of them modified within
  :data:`~listingkit.cache.images.RACY_SECONDS` of the moment they were
  first looked at (such a report is not kept at all);
- the rule files' content (hashed) and the platform, the watermark template's
  content, the listingkit version and every one of its source files' size and
  modification time;
- the command line, the working folder, the environment variables a report
  can depend on (:func:`keyed`: not a CI runner's run number or commit) and
  whether standard output and standard error are terminals;
- the kept image reads themselves (their cache file as it was left).

A report is kept only after a run whose every image read is kept too (none
timed out or met an operating-system error), and only when no file changed
while it ran: on a repeat run, the times of every file are the same after the
run as before it; on a first run, walked only after it (a run that may keep
nothing pays no walk of its own), no file's change time is after the run
started. One file per command line and working folder, in ``runs/`` of the
cache folder, written atomically; ignored when it is corrupt, of another shape
or made for other inputs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from listingkit.cache.scope import RACY_SECONDS
from listingkit.cache.store import (
    cache_folder,
    content_hash,
    read_bytes,
    read_json,
    write_bytes,
    write_json,
)

__all__ = ["KeptRun", "kept_run_file", "keyed", "runs_folder"]

_KIND = "listingkit run"
_FORMAT = 1
_RACY_NS = int(RACY_SECONDS * 1e9)
# The variables a report can depend on: those listingkit reads (a test finds every
# one its source names), Python's own (imports, encodings, hashing), the locale, the
# time zone and terminal width, where caches and settings live, and the image and
# array libraries' switches. The rest (a CI runner's run number and commit, a
# shell's PWD and SHLVL) change from one run to the next and would keep a kept
# report from ever being used where it matters most: a check on every commit.
_KEYED_NAMES = frozenset(
    {
        "CI", "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "LINES",
        "HOME", "LOCALAPPDATA", "APPDATA", "LANG", "LANGUAGE", "TZ",
    }
)  # fmt: skip
_KEYED_PREFIXES = ("LISTINGKIT_", "PYTHON", "LC_", "XDG_", "PILLOW_", "NPY_", "NUMPY_")

Stat = tuple[int, int, int, int, int]


def runs_folder() -> Path:
    """Where whole reports are kept (under the cache folder)."""
    return cache_folder() / "runs"


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()


def kept_run_file(command: object) -> Path:
    """The file that describes the kept report of ``command`` run in the working folder
    (the report's text is beside it, in the file of the same name ending ``.txt``)."""
    return runs_folder() / f"run-{_digest((os.getcwd(), command))[:32]}.json"


def keyed(name: str) -> bool:
    """Whether a kept report depends on the environment variable ``name``."""
    return name in _KEYED_NAMES or name.startswith(_KEYED_PREFIXES)


def _keyed_environment() -> list[tuple[str, str]]:
    return sorted(kv for kv in os.environ.items() if keyed(kv[0]))


def _stat_of(path: str) -> Stat | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
        status.st_dev,
        status.st_ino,
    )


def _source_files() -> list[object]:
    """listingkit's version and each of its source files' name, size and modification time."""
    import listingkit
    from listingkit import _version

    root = Path(listingkit.__file__).parent
    found: list[object] = [_version.__version__]
    stack = [root]
    while stack:
        folder = stack.pop()
        with contextlib.suppress(OSError), os.scandir(folder) as listing:
            for entry in sorted(listing, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    stack.append(Path(entry.path))
                elif entry.name.endswith((".py", ".toml", ".json")):
                    status = entry.stat()
                    found.append((entry.path, status.st_size, status.st_mtime_ns))
    return found


def _contents(paths: Iterable[str | None]) -> list[object]:
    hashed: list[object] = []
    for path in paths:
        if path is None:
            hashed.append(None)
            continue
        content = content_hash(path)
        hashed.append((path, None if content is None else content[1]))
    return hashed


class KeptRun:
    """The kept report of one command line: replay it when nothing changed, or keep a new one.

    ``command``: what decides the report besides the files (the parsed options);
    ``files``: (path, display) of every file the walk found, in order;
    ``problems``: the folders the walk could not enter, as plain values;
    ``rule_paths``, ``platform``, ``template``: the rules and the watermark
    template (None: none); ``reads_file``: the kept image reads' cache file.
    """

    def __init__(
        self,
        command: object,
        files: Sequence[tuple[str, str]],
        problems: Sequence[object],
        *,
        rule_paths: Sequence[str],
        platform: str,
        template: str | None,
        reads_file: Path,
    ) -> None:
        cwd = os.getcwd()
        self.path = kept_run_file(command)
        self._text_path = self.path.with_suffix(".txt")
        self._reads_file = reads_file
        self._files = files
        self._walked = _digest(([*files], [*problems]))
        self._identity = _digest(
            (
                _KIND,
                _FORMAT,
                cwd,
                command,
                _keyed_environment(),
                [_tty(fd) for fd in (1, 2)],
                _source_files(),
                platform,
                _contents([*rule_paths, template]),
            )
        )
        self._seen = 0  # not started: every file counts as too recent, nothing is kept
        self._before: list[Stat | None] | None = None

    def replay(self) -> tuple[int, str] | None:
        """(exit status, report text) kept for exactly these inputs, or None."""
        document = read_json(self.path)
        if not isinstance(document, dict):
            return None
        status, digest, stats = document.get("status"), document.get("text"), document.get("stats")
        if (
            document.get("kind") != _KIND
            or document.get("format") != _FORMAT
            or document.get("identity") != self._identity
            or document.get("walked") != self._walked
            or document.get("reads") != _listed(_stat_of(os.fspath(self._reads_file)))
            or type(status) is not int
            or type(digest) is not str
            or type(stats) is not list
            or len(stats) != len(self._files)
        ):
            return None
        for (path, _), kept in zip(self._files, stats, strict=True):
            now = _stat_of(path)
            if now is None or kept != list(now):
                return None
        data = read_bytes(self._text_path)
        if data is None or hashlib.sha256(data).hexdigest() != digest:
            return None  # the report's own file is missing, or another run's
        for used in (self.path, self._text_path):  # used: the folder's trimming keeps them
            with contextlib.suppress(OSError):
                os.utime(used, follow_symlinks=False)
        return status, data.decode("utf-8", "surrogatepass")

    def start(self, *, at: int | None = None, look: bool = True) -> None:
        """Note when the run started (``at``, from :func:`time.time_ns`; default now) and,
        with ``look``, every file's times before the run reads it.

        Without ``look`` (a first run, walked only after it), :meth:`keep` relies on the
        change time alone: writing, replacing or renaming a file sets its change time to
        the present, and no user can set it back, so a file whose change time is before
        the start is the file the run read.
        """
        self._seen = time.time_ns() if at is None else at
        self._before = [_stat_of(path) for path, _ in self._files] if look else None

    def keep(self, status: int, text: str) -> None:
        """Keep the report of the run just done, when every file is as it was before it
        and none was modified so recently that a change could hide from its times."""
        after = [_stat_of(path) for path, _ in self._files]
        if self._before is not None and after != self._before:
            return
        for kept in after:
            if kept is None or max(kept[1], kept[2]) >= self._seen - _RACY_NS:
                return
        reads = _stat_of(os.fspath(self._reads_file))
        if reads is None:
            return
        # The text in a file of its own (a JSON string of it would be slow to read back),
        # written first; the document names it by its hash.
        data = text.encode("utf-8", "surrogatepass")
        if not write_bytes(self._text_path, data):
            return
        document: dict[str, Any] = {
            "kind": _KIND,
            "format": _FORMAT,
            "identity": self._identity,
            "walked": self._walked,
            "reads": list(reads),
            "stats": [list(kept) for kept in after if kept is not None],
            "status": status,
            "text": hashlib.sha256(data).hexdigest(),
        }
        write_json(self.path, document)


def _listed(value: Stat | None) -> list[int] | None:
    return None if value is None else list(value)


def _tty(descriptor: int) -> bool:
    try:
        return os.isatty(descriptor)
    except OSError:
        return False
