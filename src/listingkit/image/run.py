"""Check images: probe each file's header, run the image checks, count per product.

Only files with an image extension are taken from a folder; a file named on
the command line is always probed. A file that cannot be probed, or that takes
longer than the time allowed per file, is one ``FILE003`` finding and the batch
goes on (an empty file is ``FILE002``, as ``listingkit check`` reports it); so is
a picture format the installed Pillow cannot decode (HEIC). A folder that cannot
be listed, or a link to a folder (not followed), is one ``FILE004`` finding.
"""

from __future__ import annotations

import os
import signal
import stat
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from listingkit.arguments import code_list, path_list, role_argument, rules_argument
from listingkit.engine import active_checks, executor_argument, read_each, run_checks
from listingkit.errors import InputError, ProbeError
from listingkit.family import Load
from listingkit.findings import Finding, Location, Report
from listingkit.image.background import DEFAULT_DECODE_SIZE, BackgroundFacts, measure_reduced
from listingkit.image.checks import (
    READS_BACKGROUND,
    READS_WATERMARK,
    ImageSet,
    ImageSubject,
    needs_white_background,
)
from listingkit.image.decode import Pixels, Wanted, open_image
from listingkit.image.probe import EXTENSION_FORMATS, ImageFacts, header_facts, image_facts
from listingkit.image.roles import Placement, Placer
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.subjects import FileSubject, FolderProblem, ImageError, walk
from listingkit.timelimit import DEFAULT_TIMEOUT, FileTimeout, checked_timeout, time_limit

if TYPE_CHECKING:
    from listingkit.cache.images import ImageReads
    from listingkit.image.watermark import Placement as LogoPlacement
    from listingkit.image.watermark import Watermark, WatermarkMatch

__all__ = [
    "DEFAULT_TIMEOUT",
    "PARALLEL_MIN_FILES",
    "ImageChecker",
    "Progress",
    "check_images",
    "is_image_name",
]

#: Called as (files done, files in all) while a batch runs.
Progress = Callable[[int, int], None]

# Below this many files (or images to decode), a second process costs more than it saves.
# A header read takes about 60 µs here, pickling it to a worker and back costs
# half as much again, and each worker spends some 0.4 s of CPU starting up: on
# 4,000 files the pool cost 20% more CPU than reading in this process and saved
# no time even with the second core idle, so header reads stay here unless a
# batch is very large.
PARALLEL_MIN_FILES = 50_000
PARALLEL_MIN_DECODES = 40
PARALLEL_MIN_SEARCHES = 8  # a watermark search takes about 250 ms


def is_image_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in EXTENSION_FORMATS


class ImageChecker:
    """The selected image checks for one set of rules; feed it files, then finish."""

    def __init__(
        self,
        rules: Rules,
        *,
        role: str | None = None,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self.rules = rules
        self.role = role
        self.timeout = checked_timeout(timeout)
        selection = Selection(tuple(select), tuple(ignore))
        self._image = active_checks("image", rules, selection)
        self._sets = active_checks("image_set", rules, selection)
        self._errors = active_checks("image_error", rules, selection)
        self._files = active_checks("file", rules, selection)
        self._folders = active_checks("folder", rules, selection)
        # Pixels are decoded only for what a selected check says it reads.
        reads = frozenset[str]().union(*(spec.reads for spec in self._image))
        self._white = READS_BACKGROUND in reads
        self._marks = READS_WATERMARK in reads
        mark = rules.model.images.watermark
        if self._marks and mark is not None:
            try:  # a broken template stops the run before any image is read
                _watermark(mark.template)
            except ValueError as exc:
                raise InputError(f"[images.watermark] template：{exc}") from None
        self._slots: dict[tuple[str, str], list[int | None]] = defaultdict(list)
        # What every file's task needs from the rules, read once (rules do not change).
        images = rules.model.images
        self._placer = Placer(images.layout, role)  # each folder placed once
        self._max_pixels = images.max_pixels
        self._white_level = images.white_level
        looked_for = self._marks and mark is not None
        self._template = mark.template if looked_for and mark is not None else None
        self._mark_roles = frozenset(mark.roles) if looked_for and mark is not None else frozenset()
        self._logo = _logo_placement(mark) if looked_for else None

    def place(self, display: str) -> Placement:
        """The role, slot and product of the image named ``display``."""
        return self._placer(display)

    def task(self, path: Path, display: str, placement: Placement | None = None) -> Task:
        """What must be read of one file: its header, and its pixels if it must be white."""
        placement = placement or self.place(display)
        white = self._white and needs_white_background(self.rules, placement.role, placement.slot)
        look = placement.role in self._mark_roles
        return Task(
            path,
            self._max_pixels,
            self._white_level if white else None,
            self._template if look else None,
            self.timeout,
            self._logo if look else None,
        )

    def check(
        self,
        path: Path,
        display: str,
        read: Read | None = None,
        placement: Placement | None = None,
    ) -> list[Finding]:
        """Findings of one image file (``read``: what was read of it, when already done)."""
        where = Location(display)
        placement = placement or self.place(display)
        read = read if read is not None else perform(self.task(path, display, placement))
        if isinstance(read.facts, ImageError):
            if _is_empty(path):  # the same finding as under `check`: FILE002, not FILE003
                empty = FileSubject(path, display, 0, None)
                return run_checks(self._files, empty, where, self.rules)
            return run_checks(self._errors, read.facts, where, self.rules)
        if placement.role is not None:
            self._slots[(placement.product, placement.role)].append(placement.slot)
        subject = ImageSubject(
            read.facts,
            placement.role,
            placement.slot,
            read.background,
            read.watermark,
            read.watermark_checked,
        )
        return run_checks(self._image, subject, where, self.rules)

    def folder(self, problem: FolderProblem) -> list[Finding]:
        """Findings about a folder whose images were not checked."""
        return run_checks(self._folders, problem, Location(problem.display), self.rules)

    def finish(self) -> list[Finding]:
        """Findings about each product's set of images (counts, required slots)."""
        findings: list[Finding] = []
        for (product, role), slots in sorted(self._slots.items()):
            subject = ImageSet(product, role, tuple(slots))
            findings += run_checks(self._sets, subject, Location(product), self.rules)
        return findings


def _is_empty(path: Path) -> bool:
    try:
        status = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size == 0


def check_images(
    paths: Iterable[str | os.PathLike[str]],
    rules: Rules,
    *,
    role: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    executor: Executor | None = None,
    cache: bool = False,
) -> Report:
    """Check every image under ``paths`` (folders walked recursively).

    ``paths`` is a list of paths; a single ``str`` or path object is taken as
    one path. ``role`` forces one role for all of them; otherwise it comes from
    folder and file names (``[images.layout]``). ``select``/``ignore`` take
    codes as ``--select`` does (a single string is one entry). ``timeout``:
    seconds one file may take (None or 0: no limit). ``progress`` is called as
    files are done. ``executor``: where the files are read, any
    ``concurrent.futures.Executor``, as for :func:`~listingkit.engine.check_files`
    (default: this process, or as many processes as cores for a large batch).
    ``cache``: take what was read of an unchanged file from the user's cache
    folder and keep what is read (:mod:`listingkit.cache.images`); the report
    is the same either way. Arguments of the wrong kind raise :class:`ArgumentError`.
    """
    paths, rules = path_list(paths), rules_argument(rules)
    role, timeout = role_argument(role), checked_timeout(timeout)
    executor = executor_argument(executor)
    select, ignore = code_list(select, "select"), code_list(ignore, "ignore")
    checker = ImageChecker(rules, role=role, select=select, ignore=ignore, timeout=timeout)
    given = [os.fspath(p) for p in paths]
    found = walk(given)
    files = [
        (path, display)
        for path, display in found.files
        if os.fspath(path) in given or is_image_name(display)
    ]
    placements = [checker.place(display) for _, display in files]
    tasks = [
        checker.task(path, display, placement)
        for (path, display), placement in zip(files, placements, strict=True)
    ]
    findings = [f for folder in found.folders for f in checker.folder(folder)]
    # Each file is checked as its read comes back, while the workers read the next.
    # -- results cache: kept reads of unchanged files, only the others read --
    # A header read costs about what a lookup would: only reads that decode are kept.
    decoding = cache and load_of(tasks).heavy
    kept = _results_cache(rules, select, ignore) if decoding else None
    if kept is not None:
        reads = kept.read_through(tasks, progress, executor)
    else:
        reads = read_all(tasks, progress, executor)
    # -- end of results cache --
    for (path, display), placement, read in zip(files, placements, reads, strict=True):
        findings += checker.check(path, display, read, placement)
    if kept is not None:
        kept.save()
    findings += checker.finish()
    return Report(rules.platform, findings, [display for _, display in files])


def _results_cache(rules: Rules, select: Sequence[str], ignore: Sequence[str]) -> ImageReads:
    """The kept reads of a run with these rules and checks (:mod:`listingkit.cache.images`)."""
    from listingkit.cache.images import ImageReads

    codes = Selection(tuple(select), tuple(ignore)).codes()
    return ImageReads.for_run(
        rules.paths, rules.platform, codes, reader=perform, read_type=Read, load=load_of
    )


@dataclass(frozen=True, slots=True)
class Task:
    """One file to read: its header always, its pixels (at reduced size) when asked."""

    path: Path
    max_pixels: int
    white_level: int | None  # measure the background with this level; None: do not
    watermark: str | None = None  # look for this watermark template; None: do not
    timeout: float | None = None  # seconds allowed for all of it; None: no limit
    #: Where the store declares its logo goes ([images.watermark] position/region/scale).
    logo: LogoPlacement | None = None


@dataclass(frozen=True, slots=True)
class Read:
    facts: ImageFacts | ImageError
    background: BackgroundFacts | None = None
    watermark: WatermarkMatch | None = None
    watermark_checked: bool = False


def perform(task: Task) -> Read:
    """Read one file; runs in a worker process for large batches."""
    try:
        with time_limit(task.timeout):
            return _read(task)
    except FileTimeout:
        return Read(ImageError(f"读取超过 {task.timeout:g} 秒，已跳过", "timeout"))


def _read(task: Task) -> Read:
    """Open the file once: its header facts, then one decode for every pixel check."""
    white, mark = task.white_level is not None, task.watermark is not None
    if not white and not mark:  # the header only: plain reads when the header reader is sure
        plain = header_facts(task.path, task.max_pixels)
        if plain is not None:
            return Read(plain)
    wanted = Wanted(
        reduced=DEFAULT_DECODE_SIZE if white else None,
        working=_work_width() if mark else None,
        # A coloured shop name is also looked for in its colour's direction.
        working_matrix=_watermark(task.watermark).wanted.working_matrix if task.watermark else None,
    )
    pixels: Pixels | None = None
    try:
        with open_image(task.path, task.max_pixels) as file:
            facts = image_facts(file)
            if white or mark:
                pixels = file.pixels(wanted)
    except ProbeError as exc:
        return Read(ImageError(exc.reason, exc.kind))
    if pixels is None:
        return Read(facts)
    # Out of the reader: what the measures raise is a bug of theirs, not the file's.
    background = None
    if task.white_level is not None and pixels.reduced is not None:
        background = measure_reduced(pixels.reduced, pixels.shown, white_level=task.white_level)
    if task.watermark is None:
        return Read(facts, background)
    match = _watermark(task.watermark).find_in(pixels, placement=task.logo)
    return Read(facts, background, match, watermark_checked=True)


def _work_width() -> int:
    """The watermark search's working width (its module is imported only when searching)."""
    from listingkit.image.watermark import WORK_WIDTH

    return WORK_WIDTH


def _logo_placement(mark: object) -> LogoPlacement | None:
    """The logo placement a watermark spec declares (the search module loads only here)."""
    from listingkit.image.watermark import Placement as Logo

    return Logo.of_rules(mark)


def _watermark(template: str) -> Watermark:
    """The store's watermark, prepared once per process and again when its file changes."""
    try:
        status = os.stat(template)
    except OSError:
        stamp: tuple[int, ...] = ()  # Watermark.load reports the file
    else:
        # ctime moves on every write and cannot be set back, unlike mtime (os.utime).
        stamp = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
    return _prepared_watermark(template, stamp)


@lru_cache(maxsize=4)
def _prepared_watermark(template: str, _stamp: tuple[int, ...]) -> Watermark:
    from listingkit.image.watermark import Watermark

    return Watermark.load(template)


def perform_all(
    tasks: list[Task], progress: Progress | None = None, executor: Executor | None = None
) -> list[Read]:
    """Every file read, in order; a large batch (or much decoding) on as many processes as cores."""
    return list(read_all(tasks, progress, executor))


def load_of(tasks: Sequence[Task]) -> Load:
    """Whether reading ``tasks`` is worth a second process, and whether it decodes pixels."""
    decoding = sum(1 for t in tasks if t.white_level is not None or t.watermark is not None)
    searching = sum(1 for t in tasks if t.watermark is not None)
    parallel = (
        len(tasks) >= PARALLEL_MIN_FILES
        or decoding >= PARALLEL_MIN_DECODES
        or searching >= PARALLEL_MIN_SEARCHES
    )
    return Load(parallel=parallel, heavy=decoding > 0)


def read_all(
    tasks: list[Task], progress: Progress | None = None, executor: Executor | None = None
) -> Iterator[Read]:
    """Each file read, in order, as soon as it is: on ``executor`` when given, else on as
    many processes as cores when worth it (:func:`listingkit.engine.read_each`)."""
    load = load_of(tasks)
    if executor is None and not load.parallel and not load.heavy:
        return iter(_read_headers(tasks, progress))
    work = [(perform, task) for task in tasks]
    return read_each(work, load, executor=executor, progress=progress)


def _read_headers(tasks: Sequence[Task], progress: Progress | None) -> list[Read]:
    """Header reads in this process, each under its time limit, as :func:`perform` reads
    them; the alarm's handler is set once for the batch, not once per file, and a timer
    the caller had set is put back after."""
    limited = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    limits = {task.timeout for task in tasks if task.timeout}
    reads: list[Read] = []
    if not limited or not limits:
        for done, task in enumerate(tasks, 1):
            reads.append(_read(task))
            if progress is not None:
                progress(done, len(tasks))
        return reads
    previous = signal.signal(signal.SIGALRM, _out_of_time)
    started = time.monotonic()
    pending, interval = signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        for done, task in enumerate(tasks, 1):
            reads.append(_timed_header(task))
            if progress is not None:
                progress(done, len(tasks))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if previous is not None:  # None: set outside Python, cannot be put back
            signal.signal(signal.SIGALRM, previous)
        if pending:
            left = max(pending - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, interval)
    return reads


def _out_of_time(signum: int, frame: object) -> None:
    raise FileTimeout


def _timed_header(task: Task) -> Read:
    """One header read under the alarm :func:`_read_headers` set up."""
    try:
        try:
            if task.timeout:
                signal.setitimer(signal.ITIMER_REAL, task.timeout)
            return _read(task)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except FileTimeout:
        return Read(ImageError(f"读取超过 {task.timeout:g} 秒，已跳过", "timeout"))
