"""docs/titles.md shows real output: its commands and snippets are run again here.

Conventions the page follows (and this test relies on):

- a ```sh block holding one ``listingkit …`` line, followed *directly* by a
  ```text block: that block is the command's whole output (standard error,
  then standard output, as a terminal shows them);
- the same, but with a line saying 节选 between the two blocks: the block is an
  excerpt (its lines appear in the output, in order), or for a ```json block,
  the output document with some fields left out and some of its ``rows``,
  each row complete;
- a ```python block followed directly by a ```text block: what the snippet prints.

Commands run from the repository root, except one that writes a file (``-o``):
that runs in a temporary copy of ``fixtures/titles``. Paths in the output are
shown as the program prints them (relative to the working folder), so the
page's blocks are compared as they are. Every command exits 0 or 1, except
``REFUSED`` (``-o`` naming the sheet it reads), which must exit 2.
"""

from __future__ import annotations

import itertools
import json
import re
import shlex
import shutil
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from listingkit import load_rules
from listingkit.registry import all_checks
from listingkit.sheets import read_keywords, read_sheet
from listingkit.title.compose import CompositionError, Dropped, TitleComposer, TitleParams
from listingkit.title.score import KeywordScores
from listingkit.title.sheet import compose_sheet
from tests.conftest import Run

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "titles.md"
FIXTURES = ROOT / "fixtures" / "titles"
WORKED = (
    "listingkit titles fixtures/titles/参数表.csv --platform taobao "
    "--keywords fixtures/titles/关键词.csv -n 3"
)
#: 6.3: the worked example told to write over the sheet it reads (refused, exit 2).
REFUSED = f"{WORKED} -o fixtures/titles/参数表.csv"
_FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    lang: str
    body: str
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    """Something the page runs (a command or a snippet) and the output it shows."""

    source: str
    lang: str  # "sh" or "python"
    shown: Block
    excerpt: bool

    @property
    def id(self) -> str:
        first = self.source.splitlines()[0]
        return first if self.lang == "sh" else f"python: {first[:40]}"


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _blocks(text: str) -> list[Block]:
    return [Block(m.group(1), m.group(2), m.start(), m.end()) for m in _FENCE.finditer(text)]


def _examples(text: str) -> list[Example]:
    found = []
    blocks = _blocks(text)
    for first, second in itertools.pairwise(blocks):
        gap = text[first.end : second.start]
        lines = [line for line in first.body.splitlines() if line.strip()]
        if first.lang == "sh":
            if len(lines) != 1 or not lines[0].startswith("listingkit "):
                continue
        elif first.lang != "python":
            continue
        if not gap.strip() and second.lang == "text":
            found.append(Example(first.body.strip(), first.lang, second, excerpt=False))
        elif first.lang == "sh" and "节选" in gap and second.lang in ("text", "json"):
            found.append(Example(first.body.strip(), first.lang, second, excerpt=True))
    return found


EXAMPLES = _examples(_doc())


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # The page shows the text format; inside GitHub Actions "auto" would be github.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(ROOT)


def _writing_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of fixtures/titles to run a command that writes a file in."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures" / "titles")
    (tmp_path / ".git").mkdir()  # keep the store-file walk inside tmp_path
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(
    command: str, cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Run:
    argv = shlex.split(command)
    assert argv[0] == "listingkit"
    if "-o" in argv or "--output" in argv:
        _writing_copy(tmp_path, monkeypatch)
    return cli(*argv[1:])


def _in_order(wanted: list[str], real: list[str]) -> str | None:
    """The first excerpt line not found (after the previous one) in the real lines."""
    rest = iter(real)
    for line in wanted:
        if not any(candidate == line for candidate in rest):
            return line
    return None


def test_the_page_has_the_worked_example_and_the_python_snippet() -> None:
    exact = {e.source for e in EXAMPLES if e.lang == "sh" and not e.excerpt}
    assert WORKED in exact
    assert f"{WORKED} -o 标题.xlsx" in exact
    assert REFUSED in exact
    assert any(e.source == f"{WORKED} --format json" and e.excerpt for e in EXAMPLES)
    snippets = [e.source for e in EXAMPLES if e.lang == "python"]
    assert any("TitleComposer" in s and "lint_title(" in s for s in snippets)


@pytest.mark.parametrize(
    "example", [e for e in EXAMPLES if e.lang == "sh" and e.source != REFUSED], ids=lambda e: e.id
)
def test_command_output_is_what_the_page_shows(
    example: Example, cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = _run(example.source, cli, tmp_path, monkeypatch)
    assert run.status in (0, 1), run.err
    real = run.err + run.out  # as a terminal shows them
    shown = example.shown.body
    if not example.excerpt:
        assert real.rstrip("\n") == shown.rstrip("\n")
    elif example.shown.lang == "json":
        document = json.loads(run.out)
        excerpt = json.loads(shown)
        rows = excerpt.pop("rows")
        assert rows, "the excerpt shows no rows"
        by_row = {obj["row"]: obj for obj in document["rows"]}
        for obj in rows:
            assert obj == by_row[obj["row"]]
        for key, value in excerpt.items():
            assert document[key] == value, key
    else:
        missing = _in_order(shown.splitlines(), real.splitlines())
        assert missing is None, f"not in the output (or out of order): {missing}"


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.lang == "python"], ids=lambda e: e.id)
def test_python_snippet_prints_what_the_page_shows(
    example: Example, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    exec(compile(example.source, str(DOC), "exec"), {"__name__": "docs_titles_snippet"})
    assert capsys.readouterr().out.rstrip("\n") == example.shown.body.rstrip("\n")


def test_worked_example_exits_1_and_is_the_same_every_run(
    cli: Callable[..., Run],
) -> None:
    argv = shlex.split(WORKED)[1:]
    first, second = cli(*argv), cli(*argv)
    assert first.status == second.status == 1
    assert first.out == second.out


def _worked_argv(keywords: bool) -> list[str]:
    """The worked example (6.2) without ``-n 3``; with or without the keyword file."""
    argv = shlex.split(WORKED)[1:]
    assert argv[-2:] == ["-n", "3"] and argv[4] == "--keywords"
    return argv[:-2] if keywords else [*argv[:4], *argv[6:-2]]


def _titles_by_row(cli: Callable[..., Run], n: str, keywords: bool) -> dict[int, list[str]]:
    """The worked example with ``-n n``: each row's candidate titles, best first."""
    run = cli(*_worked_argv(keywords), "-n", n, "--format", "json")
    assert run.status == 1, run.err
    rows = json.loads(run.out)["rows"]
    return {o["row"]: [c["title"] for c in o["candidates"]] for o in rows}


@pytest.mark.parametrize("keywords", [True, False], ids=["keywords", "no-keywords"])
def test_first_candidates_do_not_depend_on_n_as_the_page_says(
    cli: Callable[..., Run], keywords: bool
) -> None:
    """1.6: on every row, -n 1, -n 3 and -n 5 list the same first candidates."""
    one, three, five = (_titles_by_row(cli, n, keywords) for n in ("1", "3", "5"))
    assert one.keys() == three.keys() == five.keys() == {2, 3, 4, 5}
    assert [row for row, titles in five.items() if not titles] == [4]  # LK24003: no product word
    for row in five:
        assert len(five[row]) in (0, 5), row
        assert one[row] == five[row][:1], row
        assert three[row] == five[row][:3], row  # -n only says how many are listed


def test_a_word_the_title_check_removes_is_ranked_again() -> None:
    """1.4 step 3 and 1.6: a candidate the whole-title check shortens is ranked again.

    “五一” and “流行” meet as “一流” (1.3, last row): every candidate that keeps
    “五一” loses it to the check, and the best title is the variant that left
    “五一” out and used the room for “小清新” — whatever ``n`` is.
    """
    composer = TitleComposer(load_rules("taobao"))
    params = TitleParams(
        product=("T恤",),
        category=("流行女装",),
        attribute=("纯棉", "宽松", "短袖", "圆领"),
        marketing=("五一",),
        modifier=("夏季", "百搭", "韩版", "学生", "显瘦", "休闲", "小清新"),
    )
    every = composer.compose(params, n=50)
    checked = [c for c in every if any("“一流”" in d.reason for d in c.dropped)]
    assert len(checked) == len(every) - 1  # all but the best lost “五一” to the check
    best = every[0]
    assert Dropped("五一", "marketing", "本候选未用此词") in best.dropped
    assert "小清新" in best.words
    assert every == sorted(every, key=lambda c: (-c.score, -c.units, c.title))
    for n in range(1, len(every) + 1):
        assert composer.compose(params, n=n) == every[:n], n


@pytest.mark.parametrize("keywords", [True, False], ids=["keywords", "no-keywords"])
def test_candidates_are_listed_best_first_and_keep_brand_and_category(keywords: bool) -> None:
    """1.4 and 1.5: every variant of every row, in rank order; brand and category stay."""
    scores = None
    if keywords:
        scores = KeywordScores.from_stats(read_keywords(FIXTURES / "关键词.csv").stats)
    sheet = read_sheet(FIXTURES / "参数表.csv")
    result = compose_sheet(sheet, load_rules("taobao"), keywords=scores, n=50)
    lists = [outcome.candidates for outcome in result.outcomes if outcome.candidates]
    assert len(lists) == 3
    for candidates in lists:
        assert len(candidates) > 5
        assert candidates == sorted(candidates, key=lambda c: (-c.score, -c.units, c.title))
        assert all("棉语" in c.words and "女装" in c.words for c in candidates)
        left_out = {d.part for c in candidates for d in c.dropped if d.reason == "本候选未用此词"}
        assert left_out and left_out <= {"attribute", "marketing", "modifier", "product"}


def test_a_main_product_word_too_long_gives_way() -> None:
    """1.2, item 1: the next product word that fits leads; TITLE040 only when none fits."""
    composer = TitleComposer(load_rules("taobao"))
    too_long = "超" * 31  # 62 units, over taobao's 60
    (candidate,) = composer.compose(TitleParams(product=(too_long, "T恤"), category=("女装",)))
    assert candidate.title == "女装T恤"
    assert candidate.dropped == (Dropped(too_long, "product", "超出长度上限"),)
    with pytest.raises(CompositionError, match="长度上限"):
        composer.compose(TitleParams(product=(too_long, too_long + "超")))


def test_text_output_file_holds_what_the_screen_shows(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """6.3: ``-o 结果.txt`` writes the worked example's text output (6.2), nothing on screen."""
    (shown,) = [e.shown.body for e in EXAMPLES if e.source == WORKED and not e.excerpt]
    folder = _writing_copy(tmp_path, monkeypatch)
    run = cli(*shlex.split(WORKED)[1:], "-o", "结果.txt")
    assert (run.status, run.out, run.err) == (1, "", "")
    written = (folder / "结果.txt").read_text(encoding="utf-8")
    assert written.rstrip("\n") == shown.rstrip("\n")
    assert "-o 结果.txt" in _doc()


def _refused_runs() -> list[tuple[str, str]]:
    """Commands whose ``-o`` names a file the run reads, and that file."""
    sheet, keywords = "fixtures/titles/参数表.csv", "fixtures/titles/关键词.csv"
    titles = "fixtures/titles/标题.txt"
    return [
        (REFUSED, sheet),
        (f"{WORKED} -o {keywords}", keywords),
        (f"{WORKED} --format json -o {sheet}", sheet),
        (f"listingkit lint-titles {titles} --platform taobao -o {titles}", titles),
    ]


@pytest.mark.parametrize(("command", "target"), _refused_runs(), ids=lambda v: v)
def test_output_naming_an_input_is_refused(
    command: str,
    target: str,
    cli: Callable[..., Run],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """6.3 and 3: ``-o`` naming the sheet, the keyword file or a title file exits 2."""
    (shown,) = [e.shown.body for e in EXAMPLES if e.source == REFUSED and not e.excerpt]
    assert shlex.split(REFUSED)[-1] in shown
    folder = _writing_copy(tmp_path, monkeypatch)
    before = {p: p.read_bytes() for p in (folder / "fixtures" / "titles").rglob("*") if p.is_file()}
    run = cli(*shlex.split(command)[1:])
    expected = shown.replace(shlex.split(REFUSED)[-1], target)
    assert (run.status, run.out, run.err.rstrip("\n")) == (2, "", expected.rstrip("\n"))
    after = {p: p.read_bytes() for p in (folder / "fixtures" / "titles").rglob("*") if p.is_file()}
    assert after == before


def test_workbook_output_naming_its_sheet_is_refused(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """6.3: a workbook read as the sheet is not written over, not even with --force."""
    folder = _writing_copy(tmp_path, monkeypatch)
    assert cli(*shlex.split(WORKED)[1:], "-o", "标题.xlsx").status == 1
    before = (folder / "标题.xlsx").read_bytes()
    run = cli("titles", "标题.xlsx", "--platform", "taobao", "-o", "标题.xlsx", "--force")
    assert (run.status, run.out) == (2, "")
    assert (folder / "标题.xlsx").read_bytes() == before


def test_a_missing_rate_is_the_median_the_page_names(tmp_path: Path) -> None:
    """1.5 and 6.2: 法式连衣裙's 转化率 is "-" and counts as the column's median."""
    path = FIXTURES / "关键词.csv"
    stats = read_keywords(path).stats
    (missing,) = [s for s in stats if s.conversion is None]
    assert missing.keyword == "法式连衣裙"
    median = statistics.median(s.conversion for s in stats if s.conversion is not None)
    named = set(re.findall(r"中位数 ([0-9.]+%)", _doc()))
    assert named == {f"{median:.2%}"}  # every median the page names is this one
    assert any(s.conversion == 0 for s in stats)  # and a real 0.00% is shown too

    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("法式连衣裙,"))
    assert line.count(",-,") == 1
    filled = tmp_path / "关键词.csv"
    filled.write_text(text.replace(line, line.replace(",-,", f",{median:.2%},")), "utf-8")

    def values(where: Path) -> dict[str, float]:
        return KeywordScores.from_stats(read_keywords(where).stats).values

    assert values(path) == pytest.approx(values(filled))


def _table(text: str, first_header: str) -> list[list[str]]:
    """The cells of the Markdown table whose header row starts with ``first_header``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_workbook_columns_are_what_the_page_shows(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _writing_copy(tmp_path, monkeypatch)
    run = cli(*shlex.split(WORKED)[1:], "-o", "标题.xlsx")
    assert run.status == 1
    sheet = openpyxl.load_workbook(folder / "标题.xlsx").active
    assert sheet is not None and sheet.title == "标题"
    grid = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    headers, data = grid[0], grid[1:]
    table = _table(_doc(), "列")
    assert [row[0] for row in table] == headers
    by_item = {row[0]: row for row in data}
    items = next(row[1:] for row in table if row[0] == "货号")
    for index, item in enumerate(items, start=1):
        assert [row[index] for row in table] == by_item[item], item


def test_checks_table_matches_the_registry() -> None:
    # the table is generated (python -m listingkit.dev docs); its fifth column lists the keys
    rows = [row[:4] for row in _table(_doc(), "代码") if row[0].startswith("TITLE")]
    expected = [
        [spec.code, spec.name, spec.severity.label, spec.doc.partition("\n")[0].strip()]
        for spec in all_checks()
        if spec.code.startswith("TITLE")
    ]
    assert rows == expected


@pytest.mark.parametrize(
    "path",
    [
        FIXTURES / "参数表.csv",
        FIXTURES / "关键词.csv",
        FIXTURES / "标题.txt",
        FIXTURES / "店铺示例" / "listingkit.toml",
        FIXTURES / "店铺示例" / "我的词表.toml",
    ],
    ids=lambda p: p.relative_to(FIXTURES).as_posix(),
)
def test_input_files_are_shown_as_they_are(path: Path) -> None:
    bodies = {block.body for block in _blocks(_doc())}
    assert path.read_text(encoding="utf-8") in bodies


def test_rule_file_lines_are_quoted_as_they_are() -> None:
    (quoted,) = [
        b.body for b in _blocks(_doc()) if b.lang == "toml" and b.body.startswith("[title]\n")
    ]
    assert quoted in (ROOT / "rules" / "taobao.toml").read_text(encoding="utf-8")
