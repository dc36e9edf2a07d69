"""Calibrate the title checks on real titles: counts, examples, lengths, repeated words.

Run from the repository root::

    python3 benchmarks/calibrate_titles.py [--corpus PATH] [--platforms jd,taobao,douyin]
                                           [--examples 10] [--segmenter jieba|rjieba]

The corpus is the shared folder of real inputs (``../shared/corpus/titles`` next to
the repository; see its README). It is not part of the project: a fresh clone has
no such folder, and the project's tests never read it. Sources:

- ``jd-gaiic2022-sample.titles.txt``: 501 real JD titles, one per line;
- ``jd-gaiic2022-sample.bio.txt``: the same titles, one character per line with
  entity tags (B-n / I-n / O; 1 ≈ brand, 4 ≈ product word, 3/38/39 ≈ model,
  16 ≈ colour, 18/54 ≈ size or spec; the numbers are inferred, not official);
- ``jd-mepave-sample.{train,valid,test}.tsv``: JD fashion title and copy fragments
  with inline attribute tags (``<颜色>…</颜色>``), stripped here to get the text.

Every title is linted with every platform's rules (all TITLE checks). The script
prints, per check code and platform, how many findings each source gets; up to
``--examples`` titles per code with the flagged span marked ``⟦…⟧`` (for TITLE020
the earlier word it repeats is marked ``‹…›``); the length distribution in each
platform's counting units; and a breakdown of TITLE020 (repeated-word) hits by
shape and, on the tagged JD titles, by what the entity tags say about the two
words. Nothing is caught: an exception while linting a real title is a bug.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from listingkit import Finding, __version__, load_rules
from listingkit.text.width import measure
from listingkit.text.wordlist import normal_form
from listingkit.title.lint import TitleInput, TitleLinter

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "titles"
PLATFORMS = ("jd", "taobao", "douyin")

GAIIC_TITLES = "jd-gaiic2022-sample.titles.txt"
GAIIC_BIO = "jd-gaiic2022-sample.bio.txt"
MEPAVE_GLOB = "jd-mepave-sample.*.tsv"

_TAG = re.compile(r"</?[^<>]+>")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_DIGIT_END = re.compile(r"\d$")


# -- corpus ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Title:
    source: str  # "gaiic" or "mepave"
    path: str  # file name inside the corpus
    row: int  # line number in that file
    text: str

    @property
    def label(self) -> str:
        """``gaiic:12`` or ``mepave.test:12`` (the three MEPAVE files number rows separately)."""
        if self.source == "mepave":
            return f"mepave.{self.path.split('.')[-2]}:{self.row}"
        return f"{self.source}:{self.row}"


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    tag: str


@dataclass
class Corpus:
    titles: list[Title] = field(default_factory=list)
    # GAIIC titles by row: their entities and, per character, the entity index (or None)
    entities: dict[int, tuple[list[Entity], list[int | None]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, source: str) -> int:
        return sum(1 for t in self.titles if t.source == source)


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").split("\n")


def load_corpus(folder: Path) -> Corpus:
    corpus = Corpus()
    gaiic = folder / GAIIC_TITLES
    if gaiic.is_file():
        for row, line in enumerate(read_lines(gaiic), 1):
            line = line.rstrip("\r")
            if line:
                corpus.titles.append(Title("gaiic", gaiic.name, row, line))
    else:
        corpus.notes.append(f"没有 {GAIIC_TITLES}，跳过 GAIIC 标题")
    mepave_files = sorted(folder.glob(MEPAVE_GLOB))
    if not mepave_files:
        corpus.notes.append(f"没有 {MEPAVE_GLOB}，跳过 MEPAVE 片段")
    for path in mepave_files:
        odd = differ = 0
        for row, line in enumerate(read_lines(path), 1):
            line = line.rstrip("\r")
            if not line:
                continue
            fields = line.split("\t")
            if len(fields) != 4:
                odd += 1
                continue
            text = _TAG.sub("", fields[3])
            differ += text != fields[2]
            if text:
                corpus.titles.append(Title("mepave", path.name, row, text))
        if odd:
            corpus.notes.append(f"{path.name}：{odd} 行不是 4 列，已跳过")
        if differ:
            corpus.notes.append(
                f"{path.name}：{differ} 行去掉标签后与第 3 列不同（用去标签的文本）"
            )
    bio = folder / GAIIC_BIO
    if bio.is_file() and gaiic.is_file():
        _attach_entities(corpus, bio)
    return corpus


def _parse_bio(path: Path) -> list[list[tuple[str, str]]]:
    """Titles as (character, tag) lists; a blank line ends a title; a space is ``'  O'``."""
    titles: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in read_lines(path):
        line = line.rstrip("\r")
        if not line:
            if current:
                titles.append(current)
                current = []
            continue
        if len(line) < 3 or line[1] != " ":
            raise SystemExit(f"{path.name}：无法识别的行 {line!r}")
        current.append((line[0], line[2:]))
    if current:
        titles.append(current)
    return titles


def _attach_entities(corpus: Corpus, path: Path) -> None:
    gaiic = [t for t in corpus.titles if t.source == "gaiic"]
    tagged = _parse_bio(path)
    if len(tagged) != len(gaiic):
        corpus.notes.append(
            f"{path.name} 有 {len(tagged)} 条，标题文件有 {len(gaiic)} 条：不用标注"
        )
        return
    for title, chars in zip(gaiic, tagged, strict=True):
        if "".join(c for c, _ in chars) != title.text:
            corpus.notes.append(f"{path.name} 与标题文件第 {title.row} 行的文字不同：不用标注")
            corpus.entities.clear()
            return
        entities: list[Entity] = []
        owner: list[int | None] = []
        for index, (_, tag) in enumerate(chars):
            kind, _, name = tag.partition("-")
            last = entities[-1] if entities else None
            if kind == "I" and last and last.end == index and last.tag == name:
                entities[-1] = Entity(last.start, index + 1, name)
            elif kind in ("B", "I"):
                entities.append(Entity(index, index + 1, name))
            owner.append(len(entities) - 1 if kind in ("B", "I") else None)
        corpus.entities[title.row] = (entities, owner)


# -- linting -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LintHit:
    platform: str
    title: Title
    finding: Finding


def lint_all(corpus: Corpus, platforms: Sequence[str], segmenter: str) -> list[LintHit]:
    hits: list[LintHit] = []
    for platform in platforms:
        linter = TitleLinter(load_rules(platform), segmenter=segmenter)
        for title in corpus.titles:
            # No try/except: a crash on a real title is a bug to report, with the title.
            findings = linter.lint(TitleInput(title.text, path=title.path, row=title.row))
            hits += (LintHit(platform, title, f) for f in findings)
    return hits


# -- rendering ---------------------------------------------------------------------


def visible(text: str) -> str:
    """Spaces and invisible characters made visible inside a marked span."""
    out = []
    for char in text:
        if char == " ":
            out.append("␠")
        elif char == "\t":
            out.append("⇥")
        elif unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp"):
            out.append(f"<U+{ord(char):04X}>")
        else:
            out.append(char)
    return "".join(out)


def marked(
    text: str, span: tuple[int, int] | None, first: tuple[int, int] | None = None, width: int = 24
) -> str:
    """The title with ``⟦span⟧`` (and ``‹first›``), cut to ``width`` characters around them."""
    if span is None:
        return text if len(text) <= 2 * width + 10 else text[: 2 * width + 10] + "…"
    start, end = span
    marks = [(start, end, "⟦", "⟧")]
    if first is not None and first[1] <= start:
        marks.insert(0, (first[0], first[1], "‹", "›"))
    lo = max(0, marks[0][0] - width)
    hi = min(len(text), end + width)
    pieces = ["…" if lo > 0 else ""]
    position = lo
    for a, b, left, right in marks:
        if a - position > 2 * width:  # a long gap between the two marks
            pieces += [text[position : position + width], "…", text[a - width // 2 : a]]
        else:
            pieces.append(text[position:a])
        pieces += [
            left,
            visible(text[a:b]) if b - a < 60 else visible(text[a : a + 57]) + "…",
            right,
        ]
        position = b
    pieces.append(text[position:hi])
    pieces.append("…" if hi < len(text) else "")
    return "".join(pieces)


def first_span(finding: Finding) -> tuple[int, int] | None:
    first = finding.data.get("first")
    if isinstance(first, Sequence) and len(first) == 2:
        return int(first[0]), int(first[1])
    return None


def print_table(hits: list[LintHit], corpus: Corpus, platforms: Sequence[str]) -> None:
    sources = [s for s in ("gaiic", "mepave") if corpus.count(s)]
    counts: Counter[tuple[str, str, str]] = Counter()
    names: dict[str, str] = {}
    flagged: dict[tuple[str, str], set[int]] = defaultdict(set)
    for hit in hits:
        counts[hit.finding.code, hit.platform, hit.title.source] += 1
        names[hit.finding.code] = hit.finding.name
        flagged[hit.platform, hit.title.source].add(id(hit.title))
    header = ["code", "name"] + [f"{p}:{s}" for p in platforms for s in sources]
    rows = [
        [code, names[code]] + [str(counts[code, p, s]) for p in platforms for s in sources]
        for code in sorted(names)
    ]
    rows.append(
        ["", "titles with ≥1 finding"]
        + [f"{len(flagged[p, s])}/{corpus.count(s)}" for p in platforms for s in sources]
    )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def print_examples(hits: list[LintHit], limit: int) -> None:
    by_code: dict[str, dict[tuple[str, int, tuple[int, int] | None, str], list[LintHit]]] = (
        defaultdict(dict)
    )
    for hit in hits:
        f = hit.finding
        key = (hit.title.path, hit.title.row, f.location.span, f.message)
        by_code[f.code].setdefault(key, []).append(hit)
    for code in sorted(by_code):
        groups = list(by_code[code].values())
        print(
            f"\n{code} {groups[0][0].finding.name}: {len(groups)} distinct findings"
            f"{'' if len(groups) <= limit else f', first {limit}'}"
        )
        # Spread the examples over the titles: one per title first, in corpus order.
        seen: set[tuple[str, int]] = set()
        chosen: list[list[LintHit]] = []
        for group in groups:
            where = (group[0].title.path, group[0].title.row)
            if where not in seen and len(chosen) < limit:
                seen.add(where)
                chosen.append(group)
        for group in groups:
            if len(chosen) >= limit:
                break
            if group not in chosen:
                chosen.append(group)
        for group in chosen:
            hit = group[0]
            f = hit.finding
            on = ",".join(h.platform for h in group)
            span = f.location.span
            print(f"  {hit.title.label} [{on}] {marked(hit.title.text, span, first_span(f))}")
            print(f"      {f.severity}: {f.message}")


def print_lengths(corpus: Corpus, platforms: Sequence[str]) -> None:
    shown: dict[str, str] = {}
    for platform in platforms:
        spec = load_rules(platform).model.title
        limit = spec.max_units
        print(f"\n{platform}: max_units = {limit}, weights = {spec.unit_weights}")
        same = shown.setdefault(f"{limit} {spec.unit_weights}", platform)
        if same != platform:
            print(f"  same limit and counting as {same}: same numbers")
            continue
        for source in ("gaiic", "mepave"):
            units = [
                measure(t.text, spec.unit_weights).units
                for t in corpus.titles
                if t.source == source
            ]
            if not units:
                continue
            over = sum(u > limit for u in units) if limit is not None else 0
            q = statistics.quantiles(units, n=10) if len(units) > 1 else [units[0]] * 9
            print(
                f"  {source}: n={len(units)} min={min(units)} p10={q[0]:.0f} "
                f"median={statistics.median(units):.0f} p90={q[8]:.0f} max={max(units)}"
                + (f"; over {limit}: {over} ({over / len(units):.0%})" if limit else "")
            )
            step = 20
            buckets: Counter[int] = Counter((u - 1) // step for u in units)
            top = max(buckets)
            for b in range(top + 1):
                n = buckets[b]
                bar = "#" * round(40 * n / len(units) * 2)
                print(f"    {b * step + 1:>4}–{(b + 1) * step:<4} {n:>4} {bar}")


# -- TITLE020 breakdown ------------------------------------------------------------


def _entity_at(owner: list[int | None], start: int, end: int) -> int | None:
    """The entity holding most characters of ``start:end`` (None if mostly untagged)."""
    ((best, _),) = Counter(owner[start:end]).most_common(1)
    return best


def judge_with_tags(
    corpus: Corpus, row: int, text: str, first: tuple[int, int], second: tuple[int, int]
) -> str:
    """What the entity tags say about a repeated-word hit on a GAIIC title."""
    entities, owner = corpus.entities[row]
    e1, e2 = _entity_at(owner, *first), _entity_at(owner, *second)
    if e1 is None or e2 is None:
        return "one word untagged (O)"
    if e1 == e2:
        return "both words inside one entity"
    a, b = entities[e1], entities[e2]
    x1, x2 = normal_form(text[a.start : a.end]), normal_form(text[b.start : b.end])
    if x1 == x2 or x1 in x2 or x2 in x1:
        same = a.tag == b.tag
        return "entities repeat, same tag" if same else "entities repeat, tags differ"
    k1, k2 = normal_form(text[slice(*first)]), normal_form(text[slice(*second)])
    if k1 == k2 and len(k1) > 1:
        return "same word in two different entities"
    return "different entities (entity-level no repeat)"


def _shape(text: str, first: tuple[int, int], second: tuple[int, int]) -> list[str]:
    k1, k2 = normal_form(text[slice(*first)]), normal_form(text[slice(*second)])
    shorter, short_span = (k1, first) if len(k1) <= len(k2) else (k2, second)
    labels = []
    if k1 == k2:
        labels.append("exact repeat")
    elif len(k2) < len(k1):
        labels.append("later word inside earlier longer word")
    else:
        labels.append("later word contains earlier shorter word (hint deletes the longer)")
    if not _HAN.search(shorter):
        labels.append("shorter key has no Han (Latin/model/number)")
    elif len(shorter) == 1:
        before = text[short_span[0] - 1] if short_span[0] > 0 else ""
        after = text[short_span[1]] if short_span[1] < len(text) else ""
        glued = bool(_HAN.match(before) or _HAN.match(after))
        labels.append("shorter key is 1 Han char, " + ("glued to Han" if glued else "standalone"))
    else:
        labels.append("shorter key is ≥2 Han chars")
    if " " in text[: second[0]] and " " not in text[second[1] :]:
        labels.append("flagged word in the last space-separated segment")
    for span in (first, second):
        if (
            span[0] > 0
            and _DIGIT_END.search(text[: span[0]])
            and (span[1] - span[0] == 1 or len(text[slice(*span)]) <= 2)
        ):
            labels.append("a word right after a number (unit?)")
            break
    return labels


def print_repeats(hits: list[LintHit], corpus: Corpus, platform: str, limit: int) -> None:
    repeats = [h for h in hits if h.finding.code == "TITLE020" and h.platform == platform]
    print(
        f"\nTITLE020 on {platform}: {len(repeats)} hits "
        f"({sum(h.title.source == 'gaiic' for h in repeats)} GAIIC, "
        f"{sum(h.title.source == 'mepave' for h in repeats)} MEPAVE)"
    )
    shapes: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    pairs: Counter[tuple[str, str]] = Counter()
    for hit in repeats:
        first, second = first_span(hit.finding), hit.finding.location.span
        if first is None or second is None:
            continue
        text = hit.title.text
        pairs[text[slice(*first)], text[slice(*second)]] += 1
        for label in _shape(text, first, second):
            shapes[label] += 1
        if hit.title.source == "gaiic" and hit.title.row in corpus.entities:
            verdict = judge_with_tags(corpus, hit.title.row, text, first, second)
            verdicts[verdict] += 1
            if len(examples[verdict]) < limit:
                examples[verdict].append(f"{hit.title.row}: {marked(text, second, first, 12)}")
    print("  by shape (a hit can have several labels):")
    for label, n in shapes.most_common():
        print(f"    {n:>5}  {label}")
    print(
        "  most frequent pairs (earlier ~ flagged): "
        + "，".join(f"{a}~{b}×{n}" for (a, b), n in pairs.most_common(30))
    )
    if verdicts:
        print("  GAIIC hits judged by the entity tags (a proxy, not gold):")
        for verdict, n in verdicts.most_common():
            print(f"    {n:>5}  {verdict}")
            for line in examples[verdict]:
                print(f"             {line}")


# -- main --------------------------------------------------------------------------


def parse_args(argv: Iterable[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help=f"folder of real titles (default {DEFAULT_CORPUS})",
    )
    parser.add_argument(
        "--platforms",
        default=",".join(PLATFORMS),
        help="comma-separated platforms (default jd,taobao,douyin)",
    )
    parser.add_argument("--examples", type=int, default=10, help="examples per code")
    parser.add_argument("--segmenter", choices=("jieba", "rjieba"), default="jieba")
    return parser.parse_args(list(argv) if argv is not None else None)


def main(argv: Iterable[str] | None = None) -> int:
    args = parse_args(argv)
    folder: Path = args.corpus
    if not folder.is_dir():
        print(
            f"calibrate_titles: corpus folder not found: {folder}\n"
            "It is the shared real-data folder (../shared/corpus/titles next to the "
            "repository), not part of the project; pass --corpus PATH.",
            file=sys.stderr,
        )
        return 2
    platforms = [p.strip() for p in args.platforms.split(",") if p.strip()]
    corpus = load_corpus(folder)
    if not corpus.titles:
        print(f"calibrate_titles: no titles found in {folder}", file=sys.stderr)
        return 2
    print(f"listingkit {__version__}, segmenter {args.segmenter}, corpus {folder}")
    print(
        f"titles: gaiic {corpus.count('gaiic')}, mepave {corpus.count('mepave')}; "
        f"tagged GAIIC titles: {len(corpus.entities)}"
    )
    for note in corpus.notes:
        print(f"note: {note}")
    started = time.perf_counter()
    hits = lint_all(corpus, platforms, args.segmenter)
    print(
        f"linted {len(corpus.titles)} titles × {len(platforms)} platforms "
        f"in {time.perf_counter() - started:.1f} s, no exception\n"
    )
    print_table(hits, corpus, platforms)
    print("\n== examples (⟦flagged span⟧, ‹earlier word› for TITLE020) ==")
    print_examples(hits, args.examples)
    print("\n== title length in counting units ==")
    print_lengths(corpus, platforms)
    print("\n== TITLE020 repeated-word breakdown ==")
    print_repeats(hits, corpus, platforms[0], args.examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
