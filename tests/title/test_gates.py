"""The composer gates candidates on the selected title checks, as the linter stamps them.

A title check declared ``gate=True`` is one a composed title must pass; the
composer names no check. These tests add a check at run time and change a
check's level in a store rule file, and ask ``titles`` and ``lint-titles``
(the CLI, in-process) the same question.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from listingkit import codes, load_rules, registry
from listingkit.findings import Hit, Severity
from listingkit.ruleset import Rules
from listingkit.title.compose import Dropped, TitleComposer, TitleParams, compose_titles
from listingkit.title.lint import TitleInput, TitleLinter, lint_title
from listingkit.title.subject import TitleSubject
from tests.checks.test_cases import store_file
from tests.conftest import Run

DOC = Path(__file__).resolve().parents[2] / "docs" / "titles.md"
WORD = "温柔风"  # what the throwaway check flags
ROW = ["A1", "连衣裙", "女装", "碎花、雪纺", "最佳", f"夏季、{WORD}"]
HEADERS = ["货号", "产品词", "类目词", "属性词", "营销词", "修饰词"]


def _flag_word(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    """标题含测试用的词。

    ## 检查什么
    标题里的“温柔风”。

    ## 为什么
    只在测试里登记，证明组标题会避开任何一项必须通过的检查。

    ## 示例
    Okay: 夏季碎花连衣裙
    TITLE099: 温柔风连衣裙
    """
    start = subject.text.find(WORD)
    while start >= 0:
        yield Hit(f"“{WORD}”是测试用的词", hint="删除它", span=(start, start + len(WORD)))
        start = subject.text.find(WORD, start + 1)


def _register(monkeypatch: pytest.MonkeyPatch, *, gate: bool) -> None:
    """TITLE099 as a maintainer adds it, gone again after the test."""
    registry.all_checks()  # the shipped checks are in the registry before it is copied
    monkeypatch.setitem(codes.CODES, "TITLE099", "throwaway-word")
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    registry.check("TITLE099", "throwaway-word", subject="title", gate=gate)(_flag_word)


def _sheet(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".git").mkdir(exist_ok=True)  # the store-file walk stops here
    path = folder / "参数表.csv"
    lines = [",".join(HEADERS), ",".join(ROW)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _first_row(cli: Callable[..., Run], sheet: Path) -> dict[str, str]:
    """``listingkit titles SHEET -o 标题.xlsx``: the first row of the workbook, by header."""
    out = sheet.parent / "标题.xlsx"
    run = cli("titles", str(sheet), "--platform", "taobao", "-o", str(out), "--exit-zero")
    assert run.status == 0, run.err
    book = openpyxl.load_workbook(out).active
    assert book is not None
    grid = [["" if v is None else str(v) for v in row] for row in book.iter_rows(values_only=True)]
    return dict(zip(grid[0], grid[1], strict=True))


def _lint_findings(cli: Callable[..., Run], folder: Path, title: str) -> list[dict[str, object]]:
    """``listingkit lint-titles`` on one title, as JSON findings."""
    path = folder / "标题.txt"
    path.write_text(title + "\n", encoding="utf-8")
    run = cli("lint-titles", str(path), "--platform", "taobao", "--format", "json", "--exit-zero")
    assert run.status == 0, run.err
    findings: list[dict[str, object]] = json.loads(run.out)["findings"]
    return findings


def test_titles_keeps_the_word_when_no_check_flags_it(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    row = _first_row(cli, _sheet(tmp_path / "店"))
    assert WORD in row["候选标题1"]


@pytest.mark.parametrize("gate", [True, False], ids=["gate", "not-a-gate"])
def test_a_check_added_at_run_time_gates_titles(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gate: bool
) -> None:
    _register(monkeypatch, gate=gate)
    folder = tmp_path / "店"
    row = _first_row(cli, _sheet(folder))
    if gate:
        # Left out, for the check's own words; the rest of the row is composed as ever.
        assert WORD not in row["候选标题1"] and "连衣裙" in row["候选标题1"]
        assert f"{WORD}（“{WORD}”是测试用的词）" in row["省略的词"].split("；")
    else:
        assert WORD in row["候选标题1"]  # lint-titles reports it; composing ignores it
    # lint-titles reports the same check on the word, whether it gates or not.
    found = _lint_findings(cli, folder, f"夏季{WORD}连衣裙")
    assert [(f["code"], f["severity"]) for f in found] == [("TITLE099", "error")]


def test_a_gate_finds_a_word_only_the_whole_title_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two words that meet to form the flagged word: the hit's span names the word to drop."""
    _register(monkeypatch, gate=True)
    params = TitleParams(product=("连衣裙",), attribute=("碎花",), modifier=("温柔", "风"))
    every = compose_titles(params, load_rules("taobao"), n=50)
    assert every and all(WORD not in candidate.title for candidate in every)
    # The whole title 连衣裙碎花温柔风 is flagged from 温: the word there is left out.
    flagged = Dropped("温柔", "modifier", f"“{WORD}”是测试用的词")
    assert any(flagged in candidate.dropped for candidate in every)


def test_info_in_a_store_file_keeps_the_word_in_titles_and_lint_titles_says_info(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    # Without the store file the banned word is refused, and lint-titles says warning
    # (the 广告法 basis is grade B, so a finding on it is capped like any platform number).
    plain = tmp_path / "平台"
    row = _first_row(cli, _sheet(plain))
    assert "最佳" not in row["候选标题1"] and row["省略的词"].startswith("最佳（“最佳”是")
    (error,) = _lint_findings(cli, plain, "最佳碎花连衣裙")
    assert (error["code"], error["severity"]) == ("TITLE010", "warning")

    store = tmp_path / "店"
    sheet = _sheet(store)
    store_file(store, {"checks": {"TITLE010": "info"}})
    row = _first_row(cli, sheet)
    title = row["候选标题1"]
    assert "最佳" in title and "最佳" not in row["省略的词"]
    found = _lint_findings(cli, store, title)
    assert [(f["code"], f["severity"]) for f in found] == [("TITLE010", "info")]

    # The composer's own finding on that title: the same check, the same severity.
    rules = load_rules(store / "listingkit.toml")
    params = TitleParams(
        product=("连衣裙",),
        category=("女装",),
        attribute=("碎花", "雪纺"),
        marketing=("最佳",),
        modifier=("夏季", WORD),
    )
    best = TitleComposer(rules).compose(params, 1)[0]
    assert best.title == title
    assert [(f.code, f.severity) for f in best.findings] == [("TITLE010", Severity.INFO)]


@pytest.mark.parametrize("platform", ["taobao", "douyin"])
def test_a_candidates_findings_are_what_the_linter_gives_for_its_gates(
    tmp_path: Path, platform: str
) -> None:
    """Whatever the rule file says, both paths stamp the same findings."""
    checks = {"TITLE010": "info", "TITLE020": "info", "TITLE030": "info"}
    data = {"platform": platform, "checks": checks, "title_rules": {"foreign_brands": ["耐克"]}}
    rules = load_rules(store_file(tmp_path, data))
    params = TitleParams(
        product=("养生壶",),
        brand=("耐克",),
        attribute=("1.8升", "1.8", "秒杀"),
        marketing=("最佳",),
    )
    composer = TitleComposer(rules)
    gates = {spec.code for spec in composer.gates.checks}
    assert gates == {"TITLE010", "TITLE020", "TITLE030"}
    linter = TitleLinter(rules)
    candidates = composer.compose(params, 5)
    assert candidates
    for candidate in candidates:
        linted = [f for f in linter.lint(TitleInput(candidate.title)) if f.code in gates]
        assert list(candidate.findings) == linted
    best = candidates[0]
    assert {"耐克", "最佳", "1.8"} <= set(best.words)  # nothing is refused at info
    assert {f.code for f in best.findings} == gates


def test_a_repeat_turned_off_is_kept_and_one_left_on_is_left_out(tmp_path: Path) -> None:
    params = TitleParams(product=("连衣裙",), attribute=("碎花", "连衣裙女"))
    (on,) = compose_titles(params, load_rules("taobao"), n=1)
    assert "连衣裙女" not in on.words
    assert [d.reason for d in on.dropped if d.word == "连衣裙女"] == ["与产品词重复"]
    off = load_rules(store_file(tmp_path, {"checks": {"TITLE020": "off"}}))
    (kept,) = compose_titles(params, off, n=1)
    assert "连衣裙女" in kept.words
    assert lint_title(kept.title, off) == []


def test_ignored_checks_do_not_gate() -> None:
    params = TitleParams(product=("T恤",), marketing=("最佳",))
    rules = load_rules("taobao")
    assert compose_titles(params, rules)[0].title == "T恤"
    assert compose_titles(params, rules, ignore=("TITLE010",))[0].title == "最佳T恤"
    by_name = compose_titles(params, rules, select=("TITLE0",), ignore=("banned-word",))
    assert by_name[0].title == "最佳T恤"


def test_the_page_names_every_gate() -> None:
    """docs/titles.md 1.3 lists the checks a composed title must pass."""
    line = next(x for x in DOC.read_text(encoding="utf-8").splitlines() if x.startswith("现在是 "))
    named = set(re.findall(r"TITLE\d{3}", line))
    gates = {spec.code for spec in registry.all_checks() if spec.family == "TITLE" and spec.gate}
    assert named == gates, (
        f"docs/titles.md 1.3 names {sorted(named)} as the checks a composed title must pass, "
        f"but the checks declared gate=True are {sorted(gates)}: edit the line “现在是 …”"
    )
