"""Compose many rows on every core.

Rows are independent, so a large sheet is cut into chunks composed by worker
processes, each with its own composer. Where workers are forked (Linux), the
dictionary is loaded once, here, before they start, and they share it; where
they are spawned, each loads its own. Below a thousand rows starting workers
costs more than it saves, and the rows are composed in this process. Results
come back in row order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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

__all__ = ["PARALLEL_MIN_ROWS", "ComposedRow", "RowResult", "compose_many"]

PARALLEL_MIN_ROWS = 1000
_CHUNK = 250


@dataclass(frozen=True)
class ComposedRow:
    """A row's candidates, best first, and the search terms none of them covers."""

    candidates: list[TitleCandidate]
    suggested: list[Suggestion] = field(default_factory=list)


#: Per row: what was composed, or why there is no title.
RowResult = ComposedRow | str

_worker: tuple[TitleComposer, int] | None = None


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
) -> list[RowResult]:
    results: list[RowResult] = []
    for index, params in enumerate(rows, start=1):
        try:
            candidates = composer.compose(params, n)
            results.append(ComposedRow(candidates, composer.suggest(params, candidates)))
        except CompositionError as exc:
            results.append(str(exc))
        if progress is not None and (index % _PROGRESS_EVERY == 0 or index == len(rows)):
            progress(index, len(rows))
    return results


def _start_worker(
    rules: Rules,
    keywords: KeywordScores | None,
    segmenter: str,
    n: int,
    select: Sequence[str],
    ignore: Sequence[str],
) -> None:
    global _worker
    composer = TitleComposer(
        rules, keywords=keywords, segmenter=segmenter, select=select, ignore=ignore
    )
    _worker = (composer, n)


def _work(rows: Sequence[TitleParams]) -> list[RowResult]:
    assert _worker is not None, "worker started without its composer"
    composer, n = _worker
    return _compose_rows(composer, rows, n)


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
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(rows) < PARALLEL_MIN_ROWS:
        composer = TitleComposer(
            rules, keywords=keywords, segmenter=segmenter, select=select, ignore=ignore
        )
        return _compose_rows(composer, rows, n, progress)
    chunks = [rows[i : i + _CHUNK] for i in range(0, len(rows), _CHUNK)]
    if multiprocessing.get_start_method() == "fork":
        # Forked workers share the dictionary loaded here instead of each loading its own.
        get_segmenter(segmenter)
    initargs = (rules, keywords, segmenter, n, tuple(select), tuple(ignore))
    results: list[RowResult] = []
    with process_pool(workers, initializer=_start_worker, initargs=initargs) as pool:
        for chunk in pool.map(_work, chunks):  # in order, as each chunk is done
            results += chunk
            if progress is not None:
                progress(len(results), len(rows))
    return results
