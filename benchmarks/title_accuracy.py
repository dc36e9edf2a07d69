"""Precision and recall of TITLE010 (banned word) and TITLE020 (repeated word).

Run from the repository root::

    python3 benchmarks/title_accuracy.py [--platform taobao] [--show-errors N]
                                         [--corpus PATH] [--labelled PATH ...] [--check]

Sources:

- ``tests/data/titles_labelled.jsonl`` (the tuning set) and
  ``tests/data/titles_heldout.jsonl`` (the held-out set): titles written and labelled
  by hand by the listingkit maintainers (see ``tests/data/README.md``). Each line
  names the banned substrings (``banned``) and the repeated words to delete
  (``repeats``) as written in the title. The checks were tuned on the first file
  only; nobody tunes on the held-out one, so its figures are the honest estimate.
  Both are reported, each under a header naming the file; ``--labelled`` (repeatable)
  replaces them with the files given;
- ``jd-gaiic2022-sample.titles.txt`` in the shared corpus folder
  (``../shared/corpus/titles`` next to the repository, or ``--corpus``): 501 real JD
  titles, used only for the TITLE020 rate. The folder is not part of the project;
  without it that part is skipped.

Every labelled title is checked with :func:`listingkit.lint_title`, selecting only
TITLE010 and TITLE020. A finding is a true positive when its span overlaps an
occurrence of a labelled substring of its check (any occurrence: for a repeat the
tool may flag either copy); each labelled substring is matched at most once. A
finding that matches no label is a false positive, a label that no finding matches
a false negative.

The script prints, per labelled file and per check, TP, FP, FN, precision and recall; with
``--show-errors N`` up to N false positives and N false negatives per check, with
the flagged span marked ``⟦…⟧`` (for a false negative, the missed substring). On
the corpus it prints TITLE020 findings per title and titles with at least one, and
with ``--show-errors N`` up to N of those findings (the earlier word marked
``‹…›``). It exits 0; with ``--check`` it exits 1 when an aim is missed on any
labelled file (each file is held to the aims on its own): TITLE010 precision ≥ 0.95
and recall ≥ 0.90, TITLE020 precision ≥ 0.90, at most 0.1 TITLE020 findings per
corpus title.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from listingkit import Finding, __version__, lint_title, load_rules
from listingkit.errors import ListingkitError
from listingkit.printable import printable, show_path
from listingkit.safeio import MAX_TEXT_FILE_BYTES, decode_text, read_input

REPO = Path(__file__).resolve().parents[1]
DEFAULT_LABELLED = REPO / "tests" / "data" / "titles_labelled.jsonl"
DEFAULT_HELDOUT = REPO / "tests" / "data" / "titles_heldout.jsonl"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "titles"
GAIIC_TITLES = "jd-gaiic2022-sample.titles.txt"

BANNED, REPEATED = "TITLE010", "TITLE020"
CODES = (BANNED, REPEATED)
LABEL_FIELD = {BANNED: "banned", REPEATED: "repeats"}

# The aims --check enforces: benchmark targets, not platform rules.
AIM_PRECISION = {BANNED: 0.95, REPEATED: 0.90}
AIM_RECALL = {BANNED: 0.90}
AIM_CORPUS_REPEATS_PER_TITLE = 0.1

Span = tuple[int, int]


class LabelError(ListingkitError):
    """A labelled file that cannot be used; the message names the file and the line."""


# -- the labelled set --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Labelled:
    line: int
    id: str
    title: str
    labels: dict[str, tuple[str, ...]]  # check code -> labelled substrings


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    return None


def load_labelled(path: Path) -> list[Labelled]:
    shown = show_path(path)
    text = decode_text(
        read_input(path, what="标注文件", limit=MAX_TEXT_FILE_BYTES), shown=shown, what="标注文件"
    )
    items: list[Labelled] = []
    ids: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"标注文件 {shown} 第 {number} 行"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelError(
                f"{where} 不是合法的 JSON（{exc.msg}）；每行写一个 JSON 对象"
            ) from None
        if not isinstance(row, dict):
            raise LabelError(f'{where} 不是 JSON 对象；每行写一个 {{"id": …, "title": …}}')
        ident, title = row.get("id"), row.get("title")
        if not isinstance(ident, str) or not ident:
            raise LabelError(f'{where}：缺少 id 或 id 不是文字；请写成 "id": "t0001"')
        if ident in ids:
            raise LabelError(f"{where}：id {printable(ident)} 与前面的行重复；请改成唯一的 id")
        ids.add(ident)
        if not isinstance(title, str) or not title:
            raise LabelError(f"{where}：缺少 title 或 title 不是文字")
        labels: dict[str, tuple[str, ...]] = {}
        for code, key in LABEL_FIELD.items():
            words = _strings(row.get(key))
            if words is None:
                raise LabelError(f"{where}：{key} 应为文字列表（没有时写 []），每项是标题里的原文")
            missing = [w for w in words if w not in title]
            if missing:
                raise LabelError(
                    f"{where}：{key} 里的 {printable(missing[0])!r} 不在标题里；请按标题原文写"
                )
            labels[code] = words
        items.append(Labelled(number, ident, title, labels))
    return items


# -- matching ----------------------------------------------------------------------


def occurrences(title: str, word: str) -> list[Span]:
    spans: list[Span] = []
    start = title.find(word)
    while start != -1:
        spans.append((start, start + len(word)))
        start = title.find(word, start + 1)
    return spans


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def match(title: str, words: Sequence[str], spans: Sequence[Span]) -> dict[int, int]:
    """Finding index -> label index, as many pairs as possible (each label used once)."""
    fits = [
        [j for j, w in enumerate(words) if any(overlaps(s, o) for o in occurrences(title, w))]
        for s in spans
    ]
    owner: dict[int, int] = {}  # label -> finding

    def place(finding: int, seen: set[int]) -> bool:
        for label in fits[finding]:
            if label in seen:
                continue
            seen.add(label)
            if label not in owner or place(owner[label], seen):
                owner[label] = finding
                return True
        return False

    for finding in range(len(spans)):
        place(finding, set())
    return {finding: label for label, finding in owner.items()}


@dataclass(frozen=True, slots=True)
class Miss:
    """A false positive (a finding) or a false negative (a labelled substring)."""

    item: Labelled
    span: Span
    note: str


@dataclass
class Score:
    tp: int = 0
    fp: list[Miss] = field(default_factory=list)
    fn: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        flagged = self.tp + len(self.fp)
        return self.tp / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        labelled = self.tp + len(self.fn)
        return self.tp / labelled if labelled else None


def span_of(finding: Finding, title: str) -> Span:
    # A finding without a span is placed on the whole title: it still says "here".
    return finding.location.span or (0, len(title))


def score(items: Iterable[Labelled], platform: str) -> dict[str, Score]:
    rules = load_rules(platform)
    scores = {code: Score() for code in CODES}
    for item in items:
        findings = lint_title(item.title, rules, select=CODES)
        for code in CODES:
            mine = [f for f in findings if f.code == code]
            spans = [span_of(f, item.title) for f in mine]
            words = item.labels[code]
            pairs = match(item.title, words, spans)
            result = scores[code]
            result.tp += len(pairs)
            for index, finding in enumerate(mine):
                if index not in pairs:
                    result.fp.append(Miss(item, spans[index], finding.message))
            used = set(pairs.values())
            for index, word in enumerate(words):
                if index not in used:
                    where = occurrences(item.title, word)[-1]
                    result.fn.append(Miss(item, where, f"未报：{word}"))
    return scores


# -- the corpus --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorpusHit:
    row: int
    title: str
    finding: Finding


def corpus_repeats(path: Path, platform: str) -> tuple[int, list[CorpusHit]]:
    shown = show_path(path)
    text = decode_text(
        read_input(path, what="语料文件", limit=MAX_TEXT_FILE_BYTES), shown=shown, what="语料文件"
    )
    rules = load_rules(platform)
    titles = 0
    hits: list[CorpusHit] = []
    for row, line in enumerate(text.splitlines(), 1):
        line = line.rstrip("\r")
        if not line:
            continue
        titles += 1
        for finding in lint_title(line, rules, select=REPEATED):
            hits.append(CorpusHit(row, line, finding))
    return titles, hits


# -- output ------------------------------------------------------------------------


def marked(text: str, span: Span, first: Span | None = None) -> str:
    """The title with ``⟦span⟧`` (and ``‹first›`` before it), control characters escaped."""
    marks = [(span[0], span[1], "⟦", "⟧")]
    if first is not None and first[1] <= span[0]:
        marks.insert(0, (first[0], first[1], "‹", "›"))
    pieces: list[str] = []
    position = 0
    for start, end, left, right in marks:
        pieces += [text[position:start], left, text[start:end], right]
        position = end
    pieces.append(text[position:])
    return printable("".join(pieces))


def first_span(finding: Finding) -> Span | None:
    first = finding.data.get("first")
    if isinstance(first, Sequence) and len(first) == 2:
        return int(first[0]), int(first[1])
    return None


def ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def print_scores(scores: dict[str, Score], show: int) -> None:
    for code in CODES:
        s = scores[code]
        print(
            f"{code}: TP {s.tp}  FP {len(s.fp)}  FN {len(s.fn)}  "
            f"precision {ratio(s.precision)}  recall {ratio(s.recall)}"
        )
    if show <= 0:
        return
    for code in CODES:
        for kind, misses in (
            ("false positives", scores[code].fp),
            ("false negatives", scores[code].fn),
        ):
            if not misses:
                continue
            print(
                f"\n{code} {kind}: {len(misses)}{'' if len(misses) <= show else f', first {show}'}"
            )
            for miss in misses[:show]:
                print(f"  {miss.item.id} {marked(miss.item.title, miss.span)}")
                print(f"      {printable(miss.note)}")


def aims_missed(scores: dict[str, Score], where: str) -> list[str]:
    """The labelled-set aims missed, each prefixed with ``where`` (the file's name)."""
    prefix = f"{where}: "
    missed: list[str] = []
    for code, aim in AIM_PRECISION.items():
        got = scores[code].precision
        if got is not None and got < aim:
            missed.append(f"{prefix}{code} precision {got:.3f} < {aim}")
    for code, aim in AIM_RECALL.items():
        got = scores[code].recall
        if got is not None and got < aim:
            missed.append(f"{prefix}{code} recall {got:.3f} < {aim}")
    return missed


def corpus_aim_missed(corpus_rate: float | None) -> list[str]:
    if corpus_rate is not None and corpus_rate > AIM_CORPUS_REPEATS_PER_TITLE:
        return [
            f"{REPEATED} on the corpus {corpus_rate:.3f} per title > {AIM_CORPUS_REPEATS_PER_TITLE}"
        ]
    return []


# -- main --------------------------------------------------------------------------


def parse_args(argv: Iterable[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--platform", default="taobao", help="rules to check with (default taobao)")
    parser.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="list up to N false positives and N false negatives per check, and N corpus findings",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help=f"folder of real titles (default {DEFAULT_CORPUS})",
    )
    parser.add_argument(
        "--labelled",
        type=Path,
        action="append",
        metavar="PATH",
        help=(
            "labelled titles, JSON lines; may be given more than once, each file is "
            f"reported on its own (default {DEFAULT_LABELLED} and {DEFAULT_HELDOUT})"
        ),
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when an aim is missed")
    return parser.parse_args(list(argv) if argv is not None else None)


def main(argv: Iterable[str] | None = None) -> int:
    args = parse_args(argv)
    paths: list[Path] = args.labelled or [DEFAULT_LABELLED, DEFAULT_HELDOUT]
    missed: list[str] = []
    try:
        # Every file is read first, so a bad label stops the run before any output.
        sets = [(path, load_labelled(path)) for path in paths]
        print(f"listingkit {__version__}, platform {args.platform}")
        for path, items in sets:
            print(f"\n== labelled {show_path(path)} ==")
            started = time.perf_counter()
            scores = score(items, args.platform)
            with_banned = sum(1 for i in items if i.labels[BANNED])
            with_repeats = sum(1 for i in items if i.labels[REPEATED])
            print(
                f"{len(items)} titles ({with_banned} with banned words, "
                f"{with_repeats} with repeats), linted in {time.perf_counter() - started:.1f} s\n"
            )
            print_scores(scores, args.show_errors)
            missed += aims_missed(scores, path.name)
        corpus_rate: float | None = None
        gaiic = args.corpus / GAIIC_TITLES
        if gaiic.is_file():
            titles, hits = corpus_repeats(gaiic, args.platform)
            flagged = len({hit.row for hit in hits})
            corpus_rate = len(hits) / titles if titles else 0.0
            print(
                f"\ncorpus {show_path(gaiic)}: {titles} titles, {REPEATED} {len(hits)} findings "
                f"({corpus_rate:.3f} per title), {flagged} titles with at least one"
            )
            for hit in hits[: max(args.show_errors, 0)]:
                span = span_of(hit.finding, hit.title)
                print(f"  {hit.row}: {marked(hit.title, span, first_span(hit.finding))}")
        else:
            print(f"\ncorpus: {show_path(gaiic)} not found, {REPEATED} corpus rate skipped")
    except ListingkitError as exc:
        print(f"title_accuracy: {exc}", file=sys.stderr)
        return 2
    missed += corpus_aim_missed(corpus_rate)
    print("\naims: " + ("all met" if not missed else "missed: " + "; ".join(missed)))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
