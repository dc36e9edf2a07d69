"""``listingkit titles`` and ``lint-titles`` as operators use them, on real files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

HEADERS = ["货号", "类目词", "品牌", "产品词", "属性词", "营销词", "修饰词", "备注"]
ROWS = [
    [
        "A1001",
        "女装",
        "花语",
        "连衣裙",
        "碎花、雪纺、收腰、显瘦、V领",
        "2024新款,最佳",
        "夏季 法式 气质",
        "=SUM(A1:A2)",
    ],
    ["A1002", "", "", "", "纯棉", "", "", "+86 138"],
    ["A1003", "男装", "", "T恤", "纯棉 短袖 宽松 圆领", "爆款", "夏季", "@home"],
]


def write_xlsx(path: Path, rows: list[list[object]], headers: list[str] = HEADERS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "参数"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                cell.data_type = "s"  # the operator typed text, not a formula
    book.save(path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # keep the store-file walk inside tmp_path
    return write_xlsx(tmp_path / "参数表.xlsx", ROWS)


def test_titles_xlsx_in_xlsx_out(cli, sheet, tmp_path):
    before = digest(sheet)
    out = tmp_path / "标题.xlsx"
    run = cli("titles", str(sheet), "--platform", "taobao", "-n", "3", "-o", str(out))
    assert run.status == 1  # row 3 has no product word: an error finding
    assert digest(sheet) == before
    book = openpyxl.load_workbook(out)
    ws = book.active
    header = [c.value for c in ws[1]]
    assert header == [
        *HEADERS,
        "候选标题1",
        "长度1",
        "候选标题2",
        "长度2",
        "候选标题3",
        "长度3",
        "省略的词",
        "问题",
    ]
    first = {h: c for h, c in zip(header, ws[2], strict=True)}
    title = first["候选标题1"].value
    assert "连衣裙" in title and "最佳" not in title
    assert first["长度1"].value <= 60
    # The reason a word is left out is TITLE010's own message on it.
    assert "最佳（“最佳”是绝对化用语、最高级类极限词：" in first["省略的词"].value
    remark = first["备注"]
    assert remark.value == "=SUM(A1:A2)" and remark.data_type == "s"
    bad = {h: c.value for h, c in zip(header, ws[3], strict=True)}
    assert bad["候选标题1"] in ("", None) and "TITLE040" in bad["问题"]
    assert bad["备注"] == "+86 138"
    assert "第 3 行无法组标题" in run.out or "第 3 行无法组标题" in run.err + run.out


def test_titles_json(cli, sheet):
    run = cli("titles", str(sheet), "--platform", "taobao", "--format", "json")
    assert run.status == 1  # row 3 has no product word
    document = json.loads(run.out)
    # The report's own shape (as `check --format json`), plus the rows.
    assert list(document) == [
        "schema_version",
        "platform",
        "subjects",
        "summary",
        "findings",
        "rows",
    ]
    assert document["schema_version"] == 1 and document["platform"] == "taobao"
    assert document["subjects"] == [f"{sheet.as_posix()}:{n}" for n in (2, 3, 4)]
    rows = document["rows"]
    assert [r["row"] for r in rows] == [2, 3, 4]
    assert set(rows[0]) == {"row", "item", "candidates", "findings"}
    assert [r["item"] for r in rows] == ["A1001", "A1002", "A1003"]
    first = rows[0]
    assert len(first["candidates"]) == 5
    assert set(first["candidates"][0]) == {"title", "units", "dropped"}
    assert all(c["units"] <= 60 for c in first["candidates"])
    assert rows[1]["candidates"] == [] and rows[1]["findings"][0]["code"] == "TITLE040"
    assert rows[1]["findings"][0]["location"]["row"] == 3
    # Every row's findings are also the report's, which the summary counts.
    in_rows = [f for row in rows for f in row["findings"]]
    assert in_rows and all(f in document["findings"] for f in in_rows)
    assert document["summary"]["error"] == 1


def test_titles_json_carries_the_keyword_files_findings_too(cli, sheet, tmp_path):
    keywords = tmp_path / "生意参谋.csv"
    keywords.write_text(
        "关键词,搜索人气,点击率,支付转化率,在线商品数\nV领连衣裙,90000,5.2%,3.1%,12000\n坏行,,,,\n",
        encoding="utf-8",
    )
    argv = ["titles", str(sheet), "--platform", "taobao", "--keywords", str(keywords)]
    document = json.loads(cli(*argv, "--format", "json").out)
    codes = {(Path(f["location"]["path"]).name, f["code"]) for f in document["findings"]}
    # Not a row of the parameter sheet: only the report part can hold it.
    assert ("生意参谋.csv", "SHEET003") in codes
    assert all(
        f["location"]["path"] != keywords.as_posix()
        for r in document["rows"]
        for f in r["findings"]
    )


def test_titles_exit_status_follows_fail_on_and_exit_zero(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    clean = write_xlsx(tmp_path / "参数表.xlsx", [ROWS[0], ROWS[2]])
    for fmt in ("text", "json", "junit", "sarif"):
        argv = ["titles", str(clean), "--platform", "taobao", "--format", fmt]
        assert cli(*argv).status == 0, fmt
    broken = write_xlsx(tmp_path / "缺产品词.xlsx", ROWS)
    for fmt in ("text", "json", "junit", "sarif"):
        argv = ["titles", str(broken), "--platform", "taobao", "--format", fmt]
        assert cli(*argv).status == 1, fmt
        assert cli(*argv, "--exit-zero").status == 0, fmt


def test_keyword_data_ranks_candidates(cli, sheet, tmp_path):
    keywords = tmp_path / "生意参谋.csv"
    keywords.write_text(
        "关键词,搜索人气,点击率,支付转化率,在线商品数\n"
        'V领连衣裙,90000,5.2%,3.1%,"12,000"\n'
        '雪纺连衣裙,1000,1.0%,0.5%,"800,000"\n',
        encoding="utf-8-sig",
    )
    run = cli(
        "titles",
        str(sheet),
        "--platform",
        "taobao",
        "--format",
        "json",
        "--keywords",
        str(keywords),
    )
    best = json.loads(run.out)["rows"][0]["candidates"][0]["title"]
    assert "V领" in best


def test_output_never_overwrites_the_input(cli, sheet):
    before = digest(sheet)
    run = cli("titles", str(sheet), "--platform", "taobao", "-o", str(sheet))
    assert run.status == 2 and "参数表.xlsx" in run.err and "Traceback" not in run.err
    assert digest(sheet) == before


def test_existing_output_needs_force(cli, sheet, tmp_path):
    out = tmp_path / "标题.xlsx"
    out.write_bytes(b"keep me")
    run = cli("titles", str(sheet), "--platform", "taobao", "-o", str(out))
    assert run.status == 2 and out.read_bytes() == b"keep me"
    run = cli("titles", str(sheet), "--platform", "taobao", "-o", str(out), "--force")
    assert run.status == 1 and openpyxl.load_workbook(out).active.max_row == 4


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("旧表.xls", b"\xd0\xcf\x11\xe0 not really", ".xls"),
        ("空表.csv", b"", "空"),
        ("坏表.xlsx", b"PK\x03\x04 truncated", "坏表.xlsx"),
    ],
)
def test_bad_sheets_give_one_message(cli, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    run = cli("titles", str(path), "--platform", "taobao")
    assert run.status == 2 and message in run.err and "Traceback" not in run.err
    assert len(run.err_lines) == 1


def test_missing_product_column_names_the_headers(cli, tmp_path):
    path = write_xlsx(tmp_path / "表.xlsx", [["A1", "碎花"]], headers=["货号", "属性词"])
    run = cli("titles", str(path), "--platform", "taobao")
    assert run.status == 2 and "找不到产品词列" in run.err and "货号、属性词" in run.err
    mapped = cli(
        "titles",
        str(path),
        "--platform",
        "taobao",
        "--columns",
        "产品词=属性词",
        "--format",
        "json",
    )
    assert mapped.status == 0 and json.loads(mapped.out)["rows"][0]["candidates"]


def test_lint_titles_from_text_csv_and_command_line(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    txt = tmp_path / "标题.txt"
    txt.write_text("夏季纯棉短袖T恤男宽松圆领\n全网最佳纯棉T恤\n", encoding="utf-8")
    csv = tmp_path / "标题.csv"
    csv.write_text(
        "货号,标题,产品词\nA1,碎花连衣裙夏季新款 裙,连衣裙\nA2,夏季碎花长裙,连衣裙\n",
        encoding="gb18030",
    )
    run = cli(
        "lint-titles",
        str(txt),
        str(csv),
        "--text",
        "国家级工艺T恤",
        "--platform",
        "taobao",
        "--format",
        "json",
    )
    data = json.loads(run.out)
    assert run.status == 1
    found = {
        (Path(f["location"]["path"]).name, f["location"]["row"], f["code"])
        for f in data["findings"]
    }
    assert found == {
        ("标题.txt", 2, "TITLE010"),
        ("标题.csv", 2, "TITLE020"),
        ("标题.csv", 3, "TITLE031"),
        ("--text", None, "TITLE010"),
    }
    assert len(data["subjects"]) == 5


def test_lint_titles_needs_input(cli):
    run = cli("lint-titles", "--platform", "taobao")
    assert run.status == 2 and "--text" in run.err


def test_output_never_overwrites_the_rule_file(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    rules = tmp_path / "listingkit.toml"
    rules.write_text('extends = "taobao"\n', encoding="utf-8")
    sheet = write_xlsx(tmp_path / "参数表.xlsx", ROWS)
    run = cli("titles", str(sheet), "-o", str(rules))
    assert run.status == 2 and "是本次读取的文件" in run.err
    assert rules.read_text(encoding="utf-8") == 'extends = "taobao"\n'
