"""Compose many rows on every core.

Rows are independent, so a large sheet is cut into chunks composed by worker
processes, each with its own composer (and its own jieba, loaded in parallel).
Below a thousand rows the start-up of a second jieba costs more than it saves,
and the rows are composed in this process. Results come back in row order.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from listingkit.ruleset import Rules
from listingkit.title.compose import CompositionError, TitleCandidate, TitleComposer, TitleParams
from listingkit.title.score import KeywordScores
from listingkit.workers import process_pool

__all__ = ["PARALLEL_MIN_ROWS", "RowResult", "compose_many"]

PARALLEL_MIN_ROWS = 1000
_CHUNK = 250

#: Per row: its candidates, or why it has none.
RowResult = list[TitleCandidate] | str

_worker: tuple[TitleComposer, int] | None = None


def _compose_rows(composer: TitleComposer, rows: Sequence[TitleParams], n: int) -> list[RowResult]:
    results: list[RowResult] = []
    for params in rows:
        try:
            results.append(composer.compose(params, n))
        except CompositionError as exc:
            results.append(str(exc))
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
) -> list[RowResult]:
    """Candidates (or the reason there are none) for every row, in order.

    ``select``/``ignore`` pick the title checks, and so the gates every
    candidate passes (see :mod:`listingkit.title.gates`).
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(rows) < PARALLEL_MIN_ROWS:
        composer = TitleComposer(
            rules, keywords=keywords, segmenter=segmenter, select=select, ignore=ignore
        )
        return _compose_rows(composer, rows, n)
    chunks = [rows[i : i + _CHUNK] for i in range(0, len(rows), _CHUNK)]
    initargs = (rules, keywords, segmenter, n, tuple(select), tuple(ignore))
    with process_pool(workers, initializer=_start_worker, initargs=initargs) as pool:
        return [result for chunk in pool.map(_work, chunks) for result in chunk]
