"""What was read of each image, kept between runs, keyed by the file's content.

A repeat run of ``listingkit images`` or ``listingkit check`` over the same
folder reads again only the files that changed. Each image's read (its header
facts, and the background measure and watermark search when they were asked
for) is kept under its path with the hash of its content (SHA-256, the fastest
collision-resistant hash of the standard library on CPUs with SHA extensions)
and what was asked of it (pixel limit, white level, the watermark template's
own hash). The file's size, modification and change times, device and inode
are a fast pre-check: when all are as recorded, the read is taken without
opening the file; when any differs, or the file was modified within
:data:`RACY_SECONDS` of the moment it was recorded (a change in the same tick
of a coarse clock keeps the same times, the case git calls "racy"), the
content is hashed again, and the read is taken only if the hash is the same.

One cache file per scope: the listingkit version and the modification times
of its image modules (an edited checkout is another version), the rule files'
content, and the selected checks. Only reads that decode pixels (white
background, watermark) are kept: a header read is about as cheap as looking
it up. A read that timed out or met an operating-system error is not kept:
another run may well succeed.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from listingkit.cache.scope import RACY_SECONDS as _RACY_SECONDS
from listingkit.cache.scope import READS_KIND, digest, reads_file, reads_scope
from listingkit.cache.store import content_hash, read_json, write_json
from listingkit.family import Load
from listingkit.image.background import BackgroundFacts, EdgeStat
from listingkit.image.probe import ImageFacts
from listingkit.subjects import ImageError

if TYPE_CHECKING:  # the reader's own types; it hands itself in (it imports this module)
    from listingkit.image.run import Progress, Read, Task

__all__ = [
    "MAX_ENTRIES",
    "RACY_SECONDS",
    "Fresh",
    "HashedReader",
    "ImageReads",
    "Stamp",
    "stamp_of",
    "worth_keeping",
]

#: A file modified this close to (or after) the moment its entry was recorded is
#: hashed again before its read is used: 2 s covers the coarsest file-system clock (FAT).
RACY_SECONDS = _RACY_SECONDS
#: Entries kept per cache file; beyond, those used longest ago are dropped.
MAX_ENTRIES = 50_000

_FORMAT = 1
_KIND = READS_KIND
# Errors that say nothing about the content: the next run may read the file.
_TRANSIENT = frozenset({"timeout", "unreadable"})
_RACY_NS = int(RACY_SECONDS * 1e9)


@dataclass(frozen=True, slots=True)
class Stamp:
    """A file as it was when its content was hashed."""

    size: int
    mtime_ns: int
    ctime_ns: int
    device: int
    inode: int
    seen_ns: int  # the clock just before the file was looked at
    digest: str

    def same_file(self, status: os.stat_result) -> bool:
        return (
            status.st_size == self.size
            and status.st_mtime_ns == self.mtime_ns
            and status.st_ctime_ns == self.ctime_ns
            and status.st_dev == self.device
            and status.st_ino == self.inode
        )

    def racy(self) -> bool:
        """Modified so near the moment it was recorded that the times may hide a change."""
        latest = max(self.mtime_ns, self.ctime_ns)
        return latest >= self.seen_ns - _RACY_NS


def stamp_of(path: Path) -> Stamp | None:
    """Hash a regular file's content with its times; None when it cannot be read."""
    seen = time.time_ns()
    hashed = content_hash(path)
    if hashed is None:
        return None
    status, digest = hashed
    return Stamp(
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
        status.st_dev,
        status.st_ino,
        seen,
        digest,
    )


@dataclass(frozen=True, slots=True)
class Fresh:
    """A read done this run, with the stamp of the content it was read from (None: keep it not)."""

    stamp: Stamp | None
    read: Read


def worth_keeping(task: Task) -> bool:
    """Whether a read is kept: only one that decodes pixels. A header read costs less
    than hashing the whole file would on the first run, and about a lookup on the next."""
    return task.white_level is not None or task.watermark is not None


@dataclass(frozen=True)
class HashedReader:
    """``reader`` (:func:`~listingkit.image.run.perform`), the file hashed first; runs
    where the reader would, so it pickles (``reader`` is a top-level function).

    Hashed first: a change during the read leaves a hash that no longer matches.
    """

    reader: Callable[[Task], Read]

    def __call__(self, task: Task) -> Fresh:
        stamp = stamp_of(task.path) if worth_keeping(task) else None
        read = self.reader(task)
        if isinstance(read.facts, ImageError) and read.facts.kind in _TRANSIENT:
            stamp = None
        return Fresh(stamp, read)


# -- a read as JSON ------------------------------------------------------------------


def _encode(read: Read) -> list[Any]:
    facts = read.facts
    if isinstance(facts, ImageError):
        head: list[Any] = ["error", facts.reason, facts.kind]
    else:
        head = ["facts", *(getattr(facts, name) for name in _FACT_NAMES)]
    background = read.background
    measured = None
    if background is not None:
        measured = [
            [[e.edge, e.off_white, e.darkest] for e in background.edges],
            background.fill,
            background.area,
            None if background.bbox is None else list(background.bbox),
            list(background.decoded_size),
        ]
    match = read.watermark
    found = None if match is None else [list(match.box), match.scale, match.score]
    return [head, measured, found, read.watermark_checked]


Types = frozenset[type]
_CONTAINS = frozenset.__contains__
_INT, _STR, _BOOL = Types({int}), Types({str}), Types({bool})
_NUMBER, _LIST, _OPTIONAL_LIST = Types({int, float}), Types({list}), Types({list, type(None)})
_OPTIONAL_INT, _OPTIONAL_STR = Types({int, type(None)}), Types({str, type(None)})
# The types of an ImageFacts as _encode lists them (after the "facts" tag); by
# exact type, so a bool is not taken for a count.
_FACT_TYPES = (_INT, _STR, _OPTIONAL_STR, _INT, _INT, _OPTIONAL_INT, _STR, _INT, _BOOL,
               _OPTIONAL_STR, _INT, _BOOL)  # fmt: skip
_ENTRY_TYPES = (*[_INT] * 6, _STR, _STR, _LIST, _INT)  # Stamp, asked, read, last used
_READ_TYPES = (_LIST, _OPTIONAL_LIST, _OPTIONAL_LIST, _BOOL)
_ERROR_TYPES = (_STR, _STR, _STR)
_MEASURE_TYPES = (_LIST, _NUMBER, _NUMBER, _OPTIONAL_LIST, _LIST)
_EDGES_TYPES = (_LIST,) * 4
_EDGE_TYPES = (_STR, _NUMBER, _INT)
_MATCH_TYPES = (_LIST, _NUMBER, _NUMBER)
_PAIR_TYPES = (_INT, _INT)
_BOX_TYPES = (_INT,) * 4
_FACT_NAMES = ("bytes", "format", "extension_format", "width", "height", "orientation", "mode",
               "bits", "has_alpha", "icc_description", "frames", "progressive")  # fmt: skip
#: Whether ImageFacts is still the one this layout was written for; if not, nothing is kept.
LAYOUT_KNOWN = tuple(f.name for f in fields(ImageFacts)) == ("path", *_FACT_NAMES)


# (types asked, types found) pairs already found to fit: entries repeat a few shapes.
_FITTING: set[tuple[tuple[Types, ...], tuple[type, ...]]] = set()


def _typed(values: list[Any], types: tuple[Types, ...]) -> list[Any]:
    """``values`` when each has its type; ValueError otherwise."""
    if type(values) is not list:
        raise ValueError
    shape = (types, tuple(map(type, values)))
    if shape not in _FITTING:
        if len(values) != len(types) or not all(map(_CONTAINS, types, shape[1])):
            raise ValueError
        _FITTING.add(shape)
    return values


def _decode(value: Any, path: Path, read_type: type[Read]) -> Read:
    """The read ``_encode`` wrote; ValueError when the value is not of that shape.

    Numbers come back as the types they were written as (JSON keeps 1 and 1.0 apart).
    """
    parts = _typed(value, _READ_TYPES)
    head, measured, found, checked = parts
    facts: ImageFacts | ImageError
    if head and head[0] == "error":
        _, reason, kind = _typed(head, _ERROR_TYPES)
        facts = ImageError(reason, kind)
    elif head and head[0] == "facts":
        facts = ImageFacts(path, *_typed(head[1:], _FACT_TYPES))
    else:
        raise ValueError
    background = None
    if measured is not None:
        edges, fill, area, bbox, decoded = _typed(measured, _MEASURE_TYPES)
        background = BackgroundFacts(
            edges=tuple(
                EdgeStat(*_typed(edge, _EDGE_TYPES)) for edge in _typed(edges, _EDGES_TYPES)
            ),
            fill=fill,
            area=area,
            bbox=None if bbox is None else _box(bbox),
            decoded_size=_pair(decoded),
        )
    match = None
    if found is not None:
        from listingkit.image.watermark import WatermarkMatch

        box, scale, score = _typed(found, _MATCH_TYPES)
        match = WatermarkMatch(_box(box), scale, score)
    return read_type(facts, background, match, checked)


def _pair(value: Any) -> tuple[int, int]:
    width, height = _typed(value, _PAIR_TYPES)
    return width, height


def _box(value: Any) -> tuple[int, int, int, int]:
    left, top, right, bottom = _typed(value, _BOX_TYPES)
    return left, top, right, bottom


# -- the cache of one run ------------------------------------------------------------


class ImageReads:
    """The kept reads of one scope: look a task up, keep what was read, save once at the end."""

    #: Reads taken from a cache, reads done afresh, and decoding reads done but not kept
    #: (a timeout, an operating-system error, no template), by every cache of this process:
    #: the command line keeps a whole report only after a run whose every read is kept.
    taken: ClassVar[int] = 0
    done: ClassVar[int] = 0
    unkept: ClassVar[int] = 0

    def __init__(
        self,
        path: Path,
        scope: str,
        *,
        reader: Callable[[Task], Read],
        read_type: type[Read],
        load: Callable[[Sequence[Task]], Load],
    ) -> None:
        self.path = path
        self.scope = scope
        #: What reads a file this cache does not hold (and hashes it): hand it to workers.
        self.fresh_reader = HashedReader(reader)
        self._read_type = read_type
        self._load = load
        self._entries: dict[str, list[Any]] = {}
        self._templates: dict[str, str | None] = {}
        self._asks: dict[tuple[object, ...], str] = {}  # what was asked → its key, per run
        self._changed = False
        self._loaded = False  # read on the first lookup: a header-only run never reads it

    def _read_file(self) -> None:
        self._loaded = True
        loaded = read_json(self.path)
        if (
            isinstance(loaded, dict)
            and loaded.get("kind") == _KIND
            and loaded.get("format") == _FORMAT
            and loaded.get("scope") == self.scope
            and isinstance(loaded.get("entries"), dict)
        ):
            self._entries = loaded["entries"]

    @classmethod
    def for_run(
        cls,
        rule_paths: Sequence[Path],
        platform: str,
        codes: Iterable[str],
        *,
        reader: Callable[[Task], Read],
        read_type: type[Read],
        load: Callable[[Sequence[Task]], Load],
    ) -> ImageReads:
        """The cache of the run with these rule files, platform and selected check codes;
        ``reader`` reads one task into a ``read_type``, ``load`` says how heavy tasks are."""
        scope = reads_scope(rule_paths, platform, codes)
        return cls(reads_file(scope), scope, reader=reader, read_type=read_type, load=load)

    def _asked(self, task: Task) -> str | None:
        """What was asked of the file, as a key; None when it cannot be known (no template)."""
        if not LAYOUT_KNOWN:
            return None
        template = None
        if task.watermark is not None:
            if task.watermark not in self._templates:
                stamp = stamp_of(Path(task.watermark))
                self._templates[task.watermark] = None if stamp is None else stamp.digest
            template = self._templates[task.watermark]
            if template is None:
                return None
        asked = (task.max_pixels, task.white_level, task.watermark is not None, template)
        key = self._asks.get(asked)
        if key is None:
            key = self._asks[asked] = digest(*asked)
        return key

    def lookup(self, task: Task) -> Read | None:
        """The kept read of ``task``'s file when its content is the same, else None."""
        if not worth_keeping(task):
            return None
        if not self._loaded:
            self._read_file()
        key = os.path.abspath(task.path)
        entry = self._entries.get(key)
        asked = self._asked(task)
        if entry is None or asked is None:
            return None
        try:
            *recorded, kept_asked, read, _ = _typed(entry, _ENTRY_TYPES)
            stamp = Stamp(*recorded)
            if kept_asked != asked:
                return None
            result = _decode(read, task.path, self._read_type)
        except (ValueError, TypeError, IndexError):
            del self._entries[key]
            self._changed = True
            return None
        try:
            status = os.stat(task.path)
        except OSError:
            return None
        if not stamp.same_file(status) or stamp.racy():
            again = stamp_of(task.path)
            if again is None or again.digest != stamp.digest:
                return None
            self._entries[key] = self._entry(again, asked, read)
            self._changed = True
        ImageReads.taken += 1
        return result

    def _entry(self, stamp: Stamp, asked: str, read: Any) -> list[Any]:
        return [
            stamp.size,
            stamp.mtime_ns,
            stamp.ctime_ns,
            stamp.device,
            stamp.inode,
            stamp.seen_ns,
            stamp.digest,
            asked,
            read,
            time.time_ns(),
        ]

    def keep(self, task: Task, fresh: Fresh) -> Read:
        """Keep a read done this run (when its content was hashed); return the read."""
        ImageReads.done += 1
        asked = self._asked(task)
        if fresh.stamp is not None and asked is not None:
            if not self._loaded:
                self._read_file()
            key = os.path.abspath(task.path)
            self._entries[key] = self._entry(fresh.stamp, asked, _encode(fresh.read))
            self._changed = True
        elif worth_keeping(task):  # a header read is never kept, and need not be
            ImageReads.unkept += 1
        return fresh.read

    def read_through(
        self,
        tasks: Sequence[Task],
        progress: Progress | None = None,
        executor: Executor | None = None,
    ) -> Iterator[Read]:
        """Each task's read, in order: kept ones from the cache, the others read and kept."""
        from listingkit.engine import read_each

        kept = [self.lookup(task) for task in tasks]
        missing = [task for task, read in zip(tasks, kept, strict=True) if read is None]
        work = [(self.fresh_reader, task) for task in missing]
        fresh = read_each(work, self._load(missing), executor=executor, progress=progress)
        for task, read in zip(tasks, kept, strict=True):
            yield read if read is not None else self.keep(task, next(fresh))

    def save(self) -> None:
        """Write the cache file when anything changed (nothing said if it cannot be)."""
        if not self._loaded:
            return
        if not self._changed:
            with contextlib.suppress(OSError):  # mark it used, for the folder's trimming
                os.utime(self.path, follow_symlinks=False)
            return
        entries = self._entries
        if len(entries) > MAX_ENTRIES:
            newest = sorted(entries.items(), key=_last_used, reverse=True)[:MAX_ENTRIES]
            entries = dict(newest)
        document = {"kind": _KIND, "format": _FORMAT, "scope": self.scope, "entries": entries}
        if write_json(self.path, document):
            self._changed = False


def _last_used(item: tuple[str, list[Any]]) -> int:
    value = item[1][-1] if isinstance(item[1], list) and item[1] else 0
    return value if isinstance(value, int) else 0
