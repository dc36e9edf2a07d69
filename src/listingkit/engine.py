"""Run checks over subjects and stamp their hits into findings; run families over paths.

The engine, not the check, decides a finding's severity: the rule file's
``[checks]`` level if it sets one, else the check's default, lowered to a
warning when the number applied has evidence grade B or C or no source at
all; a store's own number (本店设定) keeps the check's default.

:func:`check_paths` walks the user's paths once and runs every family whose
subjects a selected check reads through the protocol of :mod:`listingkit.family`.
It names no family: :data:`listingkit.codes.ADAPTERS` says which module to
import for which family, and only a family some selected check needs is imported.
"""

from __future__ import annotations

import importlib
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from typing import Any

from listingkit.arguments import code_list, kind_of, path_list, role_argument, rules_argument
from listingkit.codes import ADAPTER_KINDS, ADAPTERS, FAMILY_SUBJECTS, family_of
from listingkit.errors import ArgumentError
from listingkit.family import Family, Found, Job, Load, Pipeline, RunOptions
from listingkit.findings import Finding, Hit, Location, Report, Severity
from listingkit.registry import CheckSpec, Selection, checks_for
from listingkit.ruleset import Rules
from listingkit.subjects import file_subject, walk
from listingkit.timelimit import DEFAULT_TIMEOUT, checked_timeout

__all__ = [
    "Progress",
    "active_checks",
    "check_files",
    "check_paths",
    "executor_argument",
    "families_for",
    "read_each",
    "run_checks",
    "stamp",
]

#: Called as (subjects read, subjects to read in all) while a batch runs.
Progress = Callable[[int, int], None]

# How reads are handed out. On the default pool, as many pieces per process as
# keep the progress bar moving and both processes busy to the end (more when
# each read decodes pixels); on an executor the caller gives, whose size is
# not known, batches small enough to spread over many workers and large
# enough that a cluster's cost per task (about a millisecond) stays small.
_PIECES_PER_PROCESS = (8, 32)  # (header reads, heavy reads)
_SMALLEST_PIECE = (16, 4)
_GIVEN_BATCH = (64, 8)
_GIVEN_SPREAD = 16  # a small run is still split into this many tasks


def stamp(spec: CheckSpec, hit: Hit, where: Location, rules: Rules) -> Finding:
    """Turn a check's hit into a finding with code, severity, source and place.

    ``where`` is the subject's place; the hit may narrow it to a row or a span.
    """
    source = hit.source
    severity = spec.severity
    if hit.severity is not None and hit.severity.rank < severity.rank:
        severity = hit.severity
    if hit.rule_key is not None:
        source, ceiling = _cited(rules, hit.rule_key)
        if ceiling.rank < severity.rank:
            severity = ceiling
    level = _level(rules, spec)
    if level is not None:
        severity = level
    if hit.row is None and not hit.column and not hit.span:
        location = where  # the subject's own place, unchanged
    else:
        location = Location(
            where.path,
            where.sheet,
            hit.row if hit.row is not None else where.row,
            hit.column or where.column,
            hit.span or where.span,
        )
    return Finding(
        location, spec.code, spec.name, severity, hit.message, hit.hint, source, hit.data
    )


# Rules never change once built: what a fact or a check's level gives is worked
# out once per rules, not once per finding.


def _cited(rules: Rules, key: str) -> tuple[str | None, Severity]:
    """The citation of the fact at ``key`` and the strongest severity it allows."""
    memo_key = ("cited", key)
    cited: tuple[str | None, Severity] | None = rules.memo.get(memo_key)
    if cited is None:
        fact = rules.fact(key)
        cited = rules.memo[memo_key] = (fact.citation(), Severity(fact.ceiling))
    return cited


def _level(rules: Rules, spec: CheckSpec) -> Severity | None:
    """The severity ``[checks]`` sets for ``spec`` (None when unset or off)."""
    memo_key = ("level", spec.code, spec.name)
    try:
        return rules.memo[memo_key]  # type: ignore[no-any-return]
    except KeyError:
        level = rules.check_level(spec.code, spec.name)
        chosen = Severity(level) if level is not None and level != "off" else None
        rules.memo[memo_key] = chosen
        return chosen


def active_checks(subject: str, rules: Rules, selection: Selection) -> list[CheckSpec]:
    """The selected checks for a kind of subject, less those the rule file turns off."""
    return [
        spec
        for spec in checks_for(subject, selection.codes())
        if rules.check_level(spec.code, spec.name) != "off"
    ]


def run_checks(
    specs: Sequence[CheckSpec], subject: Any, where: Location, rules: Rules
) -> list[Finding]:
    """Every finding of ``specs`` on one subject."""
    return [stamp(spec, hit, where, rules) for spec in specs for hit in spec.run(subject, rules)]


# -- which families ----------------------------------------------------------------


def kinds_read(codes: Iterable[str]) -> frozenset[str]:
    """The kinds of subject the checks of ``codes`` may read (no family imported)."""
    kinds: set[str] = set()
    for code in codes:
        kinds |= FAMILY_SUBJECTS.get(family_of(code), frozenset())
    return frozenset(kinds)


def families_for(codes: Iterable[str]) -> list[Family]:
    """The families that build a kind of subject some check of ``codes`` reads.

    Only their adapters are imported: ``--select IMG`` never loads the title
    family (nor jieba), and FILE003 alone still starts the image family, which
    is the one that finds an image unreadable.
    """
    wanted = kinds_read(codes)
    return [
        _adapter(prefix) for prefix in ADAPTERS if ADAPTER_KINDS.get(prefix, frozenset()) & wanted
    ]


def _adapter(prefix: str) -> Family:
    family = getattr(importlib.import_module(ADAPTERS[prefix]), "FAMILY", None)
    if not isinstance(family, Family) or family.prefix != prefix:
        raise TypeError(f"{ADAPTERS[prefix]} must define FAMILY = Family({prefix!r}, …)")
    return family


# -- where reads run ---------------------------------------------------------------


def executor_argument(value: object, name: str = "executor") -> Executor | None:
    """``value`` if it is a ``concurrent.futures.Executor`` (or None); otherwise say so."""
    if value is None or isinstance(value, Executor):
        return value
    raise ArgumentError(
        f"参数 {name} 应为 concurrent.futures.Executor（如 ThreadPoolExecutor、"
        f"ProcessPoolExecutor、distributed.Client.get_executor()）或 None，实际是 {kind_of(value)}"
    )


Work = tuple[Callable[[Any], Any], Any]  # (a reader, one task for it)


def _read_batch(batch: Sequence[Work]) -> list[Any]:
    """Read a batch of tasks; what runs in a worker, so a top-level function."""
    return [reader(task) for reader, task in batch]


def _batches(work: Sequence[Work], size: int) -> list[list[Work]]:
    return [list(work[start : start + size]) for start in range(0, len(work), size)]


def read_each(
    work: Sequence[Work],
    load: Load,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Iterator[Any]:
    """What each reader gives for its task, in order, each as soon as it is read.

    With ``executor`` the reads run there, in batches, whatever their number
    (the executor is the caller's: it is not shut down). Without one, in this
    process, or on a pool of as many processes as cores when ``load`` says the
    reads are worth it; the pool is torn down on an exception or a signal.
    """
    heavy = int(load.heavy)
    if executor is not None:
        size = max(1, min(_GIVEN_BATCH[heavy], math.ceil(len(work) / _GIVEN_SPREAD)))
        batches = executor.map(_read_batch, _batches(work, size))
        yield from _counted(_flat(batches), len(work), progress)
        return
    workers = os.cpu_count() or 1
    if workers < 2 or not load.parallel or not work:
        yield from _counted((reader(task) for reader, task in work), len(work), progress)
        return
    from listingkit.workers import process_pool  # multiprocessing only when a pool runs

    pieces = workers * _PIECES_PER_PROCESS[heavy]
    size = max(_SMALLEST_PIECE[heavy], len(work) // pieces)
    with process_pool(workers) as pool:
        batches = pool.map(_read_batch, _batches(work, size))
        yield from _counted(_flat(batches), len(work), progress)


def _flat(batches: Iterable[list[Any]]) -> Iterator[Any]:
    for batch in batches:
        yield from batch


def _counted(reads: Iterable[Any], total: int, progress: Progress | None) -> Iterator[Any]:
    for done, read in enumerate(reads, 1):
        if progress is not None:
            progress(done, total)
        yield read


# -- one run -----------------------------------------------------------------------


def _found(paths: Sequence[str | os.PathLike[str]]) -> Found:
    walked = walk(paths)
    files = tuple(file_subject(path, display) for path, display in walked.files)
    return Found(files, tuple(walked.folders), frozenset(os.fspath(p) for p in paths))


def check_paths(
    paths: Iterable[str | os.PathLike[str]],
    rules: Rules,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
    role: str | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
    families: Sequence[Family] | None = None,
    cache: bool = False,
) -> Report:
    """Run every family a selected check needs over the files under ``paths``; one report.

    ``families``: the families to consider (default: every family of
    :data:`listingkit.codes.ADAPTERS`, each imported only when needed); a family
    runs when a selected check reads a kind of subject it builds. The other
    arguments are those of :func:`check_files`.
    """
    paths, rules = path_list(paths), rules_argument(rules)
    select, ignore = code_list(select, "select"), code_list(ignore, "ignore")
    timeout, role = checked_timeout(timeout), role_argument(role)
    executor = executor_argument(executor)
    selection = Selection(tuple(select), tuple(ignore))
    codes = selection.codes()
    if families is None:
        chosen = families_for(codes)
    else:
        wanted = kinds_read(codes)
        chosen = [family for family in families if family.kinds & wanted]
    options = RunOptions(timeout=timeout, role=role, cache=bool(cache))
    pipelines = [family.start(rules, selection, options) for family in chosen]

    found = _found(paths)
    jobs: list[tuple[Pipeline, Job]] = [
        (pipeline, job) for pipeline in pipelines for job in pipeline.take(found)
    ]
    reading = [(pipeline, job) for pipeline, job in jobs if job.task is not None]
    loads = [
        pipeline.load([job for owner, job in reading if owner is pipeline])
        for pipeline in pipelines
    ]
    load = Load(any(x.parallel for x in loads), any(x.heavy for x in loads))
    work = [(pipeline.reader, job.task) for pipeline, job in reading]
    # Each subject is checked as its read comes back, while the workers read the next.
    reads = read_each(work, load, executor=executor, progress=progress)
    subjects: dict[str, None] = {}
    findings: list[Finding] = []
    for pipeline, job in jobs:
        checked = pipeline.check(job, next(reads) if job.task is not None else None)
        subjects.update(dict.fromkeys(checked.subjects))
        findings += checked.findings
    for pipeline in pipelines:
        findings += pipeline.finish()
    return Report(rules.platform, findings, list(subjects))


def check_files(
    paths: Iterable[str | os.PathLike[str]],
    rules: Rules,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    executor: Executor | None = None,
    cache: bool = False,
) -> Report:
    """Check every file under ``paths`` (folders walked recursively) with every selected family.

    Every file gets the file checks (FILE0xx); images are checked by their role
    (IMG0xx) and title files (``*.txt`` whose name holds 标题 or title, one title
    per line) by the title checks (TITLE0xx), all in one report.

    ``paths`` is a list of paths; a single ``str`` or path object is taken as
    one path, and a single string for ``select``/``ignore`` as one entry.
    ``timeout``: seconds one file's read may take (None or 0: no limit;
    enforced on a process's main thread only, so not in a thread pool);
    ``progress`` is called as (files read, files to read in all).

    ``executor``: where files are read, any ``concurrent.futures.Executor``
    (a ``ThreadPoolExecutor``, a ``ProcessPoolExecutor``, a Dask cluster's
    ``Client.get_executor()``); it is used whatever the batch size and never
    shut down. By default a large batch is read on as many processes as cores
    (from 400 images, or fewer when pixels are decoded), a small one in this
    process. The report is the same whatever reads the files. ``cache``: take
    what was read of an unchanged image from the user's cache folder and keep
    what is read (:mod:`listingkit.cache`); the report is the same either way.
    Arguments of the wrong kind raise :class:`ArgumentError`.
    """
    return check_paths(
        paths,
        rules,
        select=select,
        ignore=ignore,
        timeout=timeout,
        progress=progress,
        executor=executor,
        cache=cache,
    )
