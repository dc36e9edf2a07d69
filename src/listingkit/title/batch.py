"""Compose many rows on every core.

Rows are independent, so a large sheet is cut into chunks composed by worker
processes, each with its own composer. Where workers are forked (Linux), the
dictionary is loaded once, here, before they start, and they share it; where
they are spawned, each loads its own. Below a thousand rows starting workers
costs more than it saves, and the rows are composed in this process. Results
come back in row order; :func:`compose_shaped` hands each over as soon as the
rows before it are done, so a caller can write while the workers compose.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from listingkit.ruleset import Rules
from listingkit.text.segment import get_segmenter
from listingkit.title.compose import (
    CompositionError,
    Suggestion,
    TitleCandidate,
    TitleComposer,
    TitleParams,
)
from listingkit.title.score import KeywordScores
from listingkit.workers import process_pool

__all__ = [
    "PARALLEL_MIN_ROWS",
    "ComposedRow",
    "RowResult",
    "compose_many",
    "compose_shaped",
]

PARALLEL_MIN_ROWS = 1000
_CHUNK = 250


@dataclass(frozen=True)
class ComposedRow:
    """A row's candidates, best first, and the search terms none of them covers."""

    candidates: list[TitleCandidate]
    suggested: list[Suggestion] = field(default_factory=list)


#: Per row: what was composed, or why there is no title.
RowResult = ComposedRow | str

T = TypeVar("T")

#: What a worker makes of each row before sending it back (see :func:`compose_shaped`).
Shape = Callable[[RowResult], object]

_worker: tuple[TitleComposer, int, Shape, Sequence[TitleParams] | None] | None = None


#: Called with (rows done, rows in all) as composing goes on.
Progress = Callable[[int, int], None]
# Rows between two progress calls in this process: often enough for a bar,
# rarely enough to cost nothing.
_PROGRESS_EVERY = 50


def _compose_rows(
    composer: TitleComposer,
    rows: Sequence[TitleParams],
    n: int,
    progress: Progress | None = None,
) -> Iterator[RowResult]:
    for index, params in enumerate(rows, start=1):
        try:
            candidates = composer.compose(params, n)
            yield ComposedRow(candidates, composer.suggest(params, candidates))
        except CompositionError as exc:
            yield str(exc)
        if progress is not None and (index % _PROGRESS_EVERY == 0 or index == len(rows)):
            progress(index, len(rows))


def _start_worker(
    rules: Rules,
    keywords: KeywordScores | None,
    segmenter: str,
    n: int,
    select: Sequence[str],
    ignore: Sequence[str],
    shape: Shape,
    rows: Sequence[TitleParams] | None = None,
) -> None:
    global _worker
    composer = TitleComposer(
        rules, keywords=keywords, segmenter=segmenter, select=select, ignore=ignore
    )
    _worker = (composer, n, shape, rows)


def _work(chunk: Sequence[TitleParams] | range) -> list[object]:
    """The shaped results of a chunk: its rows, or (forked) their positions in the
    rows the worker was started with."""
    assert _worker is not None, "worker started without its composer"
    composer, n, shape, rows = _worker
    if isinstance(chunk, range):
        assert rows is not None, "worker started without the rows"
        chunk = rows[chunk.start : chunk.stop]
    return [shape(result) for result in _compose_rows(composer, chunk, n)]


def _as_is(result: RowResult) -> RowResult:
    return result


def compose_many(
    rows: Sequence[TitleParams],
    rules: Rules,
    *,
    keywords: KeywordScores | None = None,
    n: int = 5,
    segmenter: str = "jieba",
    workers: int | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    progress: Progress | None = None,
) -> list[RowResult]:
    """Candidates and suggested words (or the reason there is no title) for every row, in order.

    Suggested words (see :meth:`TitleComposer.suggest`) need ``keywords``.

    ``select``/``ignore`` pick the title checks, and so the gates every
    candidate passes (see :mod:`listingkit.title.gates`). ``progress`` is
    called with the rows done and the rows in all as chunks come back.
    """
    results = compose_shaped(
        rows,
        rules,
        _as_is,
        keywords=keywords,
        n=n,
        segmenter=segmenter,
        workers=workers,
        select=select,
        ignore=ignore,
        progress=progress,
    )
    return list(results)


def compose_shaped(
    rows: Sequence[TitleParams],
    rules: Rules,
    shape: Callable[[RowResult], T],
    *,
    keywords: KeywordScores | None = None,
    n: int = 5,
    segmenter: str = "jieba",
    workers: int | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    progress: Progress | None = None,
) -> Iterator[T]:
    """:func:`compose_many`'s results one by one, in row order, each as soon as the
    rows before it are done (the workers go on composing meanwhile), turned into
    ``shape(result)`` where it was composed: a worker then sends back only what the
    caller needs. Close the iterator (``contextlib.closing``) when leaving it
    early: that stops the workers at once.

    ``shape`` must be a module-level function (workers may be spawned). ``rows``
    is read a chunk at a time (by the workers themselves where they are forked),
    so a sequence that makes each row's parameters when asked lets the first
    workers start before the last rows are made.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(rows) < PARALLEL_MIN_ROWS:
        composer = TitleComposer(
            rules, keywords=keywords, segmenter=segmenter, select=select, ignore=ignore
        )
        for result in _compose_rows(composer, rows, n, progress):
            yield shape(result)
        return
    forked = multiprocessing.get_start_method() == "fork"
    if forked:
        # Forked workers share the dictionary loaded here instead of each loading its own.
        get_segmenter(segmenter)
    initargs: tuple[object, ...] = (
        rules,
        keywords,
        segmenter,
        n,
        tuple(select),
        tuple(ignore),
        shape,
    )
    # Forked workers also inherit the rows (initargs are not pickled then): each
    # makes its own chunks' parameters from their positions, and this process,
    # which writes the results meanwhile, neither makes nor pickles them.
    initargs += (rows,) if forked else ()
    # What the workers inherit (the sheet, the dictionary, the rules) is kept out of
    # the cycle collector's passes while they run, here and in them: those passes
    # would walk it again and again, and in a worker copy the pages it sits on.
    freeze = forked and gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        yield from _compose_in_pool(rows, workers, initargs, forked, progress)
    finally:
        if freeze:
            gc.unfreeze()


def _compose_in_pool(
    rows: Sequence[TitleParams],
    workers: int,
    initargs: tuple[object, ...],
    forked: bool,
    progress: Progress | None,
) -> Iterator[T]:
    done = 0
    with process_pool(workers, initializer=_start_worker, initargs=initargs) as pool:
        # Every chunk is queued at once; the workers start on the first while the
        # rest are still being made.
        pending = deque(
            pool.submit(_work, range(i, i + _CHUNK) if forked else rows[i : i + _CHUNK])
            for i in range(0, len(rows), _CHUNK)
        )
        while pending:  # in row order, each chunk as soon as it is done
            chunk: list[T] = pending.popleft().result()  # type: ignore[assignment]
            done += len(chunk)
            if progress is not None:
                progress(done, len(rows))
            yield from chunk
