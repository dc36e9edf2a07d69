"""Rows handed over as they are composed give what the whole sheet gives at once.

``listingkit titles -o 标题.xlsx`` writes each row while the workers compose the
next ones, and reads a large sheet in a second process while the dictionary
loads. The workbook, the JSON rows, the report and every message must be what
composing the whole sheet first gives.
"""

from __future__ import annotations

import json
import multiprocessing
import random
from pathlib import Path

import openpyxl
import pytest

from listingkit import load_rules
from listingkit.sheets import KeywordStat, read_sheet
from listingkit.title.batch import PARALLEL_MIN_ROWS
from listingkit.title.score import KeywordScores
from listingkit.title.sheet import compose_sheet, stream_sheet, titles_workbook_rows

HEADERS = ["货号", "类目词", "品牌", "产品词", "属性词", "营销词", "修饰词", "标题", "备注"]
ATTRIBUTES = ["纯棉", "雪纺", "碎花", "收腰", "显瘦", "宽松", "V领", "圆领", "加绒", "百搭"]
PRODUCTS = ["连衣裙", "T恤", "卫衣", "牛仔裤", "保温杯"]
# Existing titles: a banned word, a repeated word, formula-looking text, none.
TITLES = ["最好的纯棉T恤女夏季", "连衣裙连衣裙女夏季新款", "=SUM(A1)", ""]
ROWS = PARALLEL_MIN_ROWS + 200  # composed on the pool

TWO_CORES = pytest.mark.skipif((multiprocessing.cpu_count() or 1) < 2, reason="one core")


def parameter_sheet(path: Path, rows: int = ROWS, *, padding: int = 0) -> Path:
    """A parameter sheet; ``padding`` random characters per row make the file large."""
    rng = random.Random(11)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("参数")
    sheet.append(HEADERS)
    for i in range(rows):
        product = "" if i % 97 == 5 else PRODUCTS[i % len(PRODUCTS)]
        note = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(padding))
        sheet.append(
            [
                f"A{i:05d}",
                "女装",
                "花语" if i % 3 else "",
                product,
                "、".join(ATTRIBUTES[i % 6 : i % 6 + 4]),
                "2024新款、最佳" if i % 2 else "爆款",
                "夏季 法式",
                TITLES[i % len(TITLES)],
                note or ("-5%" if i % 13 == 0 else "备注"),
            ]
        )
    book.save(path)
    return path


def keywords() -> KeywordScores:
    return KeywordScores.from_stats(
        [
            KeywordStat("冬季连衣裙", 900, 0.05, 0.02, 100, 2),
            KeywordStat("加厚卫衣", 700, 0.05, 0.02, 100, 3),
            KeywordStat("纯棉t恤", 600, 0.05, 0.02, 100, 4),
        ]
    )


@TWO_CORES
def test_the_workbook_streamed_from_the_pool_is_the_whole_sheets(tmp_path: Path) -> None:
    sheet = read_sheet(parameter_sheet(tmp_path / "参数表.xlsx"))
    rules = load_rules("taobao")
    scores = keywords()
    whole = compose_sheet(sheet, rules, keywords=scores, n=3, workers=1)
    headers, rows = titles_workbook_rows(whole, 3)
    with stream_sheet(sheet, rules, keywords=scores, n=3, workers=2) as stream:
        assert stream.workbook_headers() == headers
        assert list(stream.workbook_rows()) == rows
        report = stream.report()
    assert report.to_dict() == whole.report.to_dict()
    # The sheet's own problems are in it: rows without a product word, old titles.
    codes = {finding.code for finding in report.findings}
    assert {"TITLE040", "TITLE010"} <= codes
    assert any(row[-1] and "TITLE040" in str(row[-1]) for row in rows)
    assert "建议补充的搜索词" in headers


@TWO_CORES
def test_the_outcomes_streamed_from_the_pool_are_the_whole_sheets(tmp_path: Path) -> None:
    sheet = read_sheet(parameter_sheet(tmp_path / "参数表.xlsx"))
    rules = load_rules("taobao")
    whole = compose_sheet(sheet, rules, workers=1)
    with stream_sheet(sheet, rules, workers=2) as stream:
        outcomes = list(stream)
        report = stream.report()
    assert outcomes == whole.outcomes
    assert report.to_dict() == whole.report.to_dict()


def test_the_report_waits_for_the_last_row(tmp_path: Path) -> None:
    sheet = read_sheet(parameter_sheet(tmp_path / "参数表.xlsx", 20))
    with stream_sheet(sheet, load_rules("taobao"), workers=1) as stream:
        rows = iter(stream)
        next(rows)
        with pytest.raises(RuntimeError, match="last row"):
            stream.report()
        assert len(list(rows)) == 19
        assert stream.report().subjects[-1].endswith(":21")


@TWO_CORES
def test_leaving_a_stream_early_stops_its_workers(tmp_path: Path) -> None:
    sheet = read_sheet(parameter_sheet(tmp_path / "参数表.xlsx"))
    before = set(multiprocessing.active_children())
    with stream_sheet(sheet, load_rules("taobao"), workers=2) as stream:
        rows = stream.workbook_rows()
        next(rows)
        assert set(multiprocessing.active_children()) - before  # the pool is running
    assert set(multiprocessing.active_children()) - before == set()


@TWO_CORES
def test_a_large_sheet_gives_the_same_workbook_as_its_json(cli, tmp_path: Path) -> None:
    # Large enough to be read by a second process while the dictionary loads.
    path = parameter_sheet(tmp_path / "参数表.xlsx", padding=120)
    assert path.stat().st_size > 256 * 1024
    out = tmp_path / "标题.xlsx"
    run = cli("titles", str(path), "--platform", "taobao", "-o", str(out), "--no-progress")
    assert run.status == 1  # rows without a product word
    assert f"（{ROWS} 行）" in run.err
    as_json = cli("titles", str(path), "--platform", "taobao", "--format", "json")
    rows = json.loads(as_json.out)["rows"]
    book = openpyxl.load_workbook(out, read_only=True)
    cells = list(book.active.iter_rows(values_only=True))
    header = list(cells[0])
    titles = [header.index(f"候选标题{i}") for i in range(1, 6)]
    assert len(cells) == len(rows) + 1 == ROWS + 1
    for written, row in zip(cells[1:], rows, strict=True):
        assert written[0] == row["item"]
        assert [written[i] or "" for i in titles] == [
            *(c["title"] for c in row["candidates"]),
            *[""] * (5 - len(row["candidates"])),
        ]
        problems = written[header.index("问题")] or ""
        assert problems == "；".join(f"{f['code']} {f['message']}" for f in row["findings"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"PK" + bytes(random.Random(3).randrange(256) for _ in range(300_000)),
            "无法作为工作簿读取",
        ),
        (None, "找不到产品词列"),
    ],
)
def test_a_large_sheet_read_apart_fails_with_the_same_message(
    cli, tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "参数表.xlsx"
    if content is None:  # a real workbook without a product column
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("参数")
        sheet.append(["货号", "名称"])
        rng = random.Random(5)
        for i in range(2000):
            sheet.append([f"A{i}", "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(60))])
        book.save(path)
    else:
        path.write_bytes(content)
    assert path.stat().st_size > 256 * 1024
    run = cli("titles", str(path), "--platform", "taobao")
    assert run.status == 2
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0]
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    "options",
    [
        ["--rules", "没有这个文件.toml"],
        ["--columns", "产品词"],  # not 名称=列名
        ["--columns", "产品词=品名", "--rules", "没有这个文件.toml"],
        ["-o", "参数表.xlsx"],  # the input itself
        ["--sheet-name", "没有这张表"],
    ],
)
def test_a_large_sheet_read_from_the_start_reports_what_a_small_one_does(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    messages = []
    for folder, padding in (("small", 0), ("large", 150)):
        (tmp_path / folder).mkdir()
        path = parameter_sheet(tmp_path / folder / "参数表.xlsx", padding=padding)
        assert (path.stat().st_size > 256 * 1024) == (folder == "large")
        monkeypatch.chdir(tmp_path / folder)
        run = cli("titles", "参数表.xlsx", "--platform", "taobao", *options)
        assert run.status == 2 and run.out == "" and "Traceback" not in run.err
        messages.append(run.err)
    assert messages[0] == messages[1]
    assert len(messages[0].strip().splitlines()) == 1
