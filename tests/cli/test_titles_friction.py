"""The title commands as an operator meets them: the real CLI on real files.

A progress bar on a long lint-titles run, a refusal to overwrite that says
how to overwrite, lint-titles on the workbook titles wrote, empty titles.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    # Not a CI job, whatever runs the tests: the bar's own rules are under test.
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "GITHUB_ACTIONS"}}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    return env


def listingkit(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=_env(),
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # no store rule file above tmp_path is used
    return tmp_path


def _params(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["货号", "类目词", "产品词", "属性词"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _set_cell(path: Path, row: int, header: str, value: str) -> None:
    """Write one cell of a workbook, its column found by header (not by position)."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=row, column=headers.index(header) + 1, value=value)
    book.save(path)


def _report(run: subprocess.CompletedProcess[str]) -> dict:
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


PARAMS = [
    ["A1", "女装", "连衣裙", "碎花 雪纺 收腰 显瘦"],
    ["A2", "男装", "T恤", "纯棉 宽松 圆领 短袖"],
    ["A3", "家居", "保温杯", "大容量 316不锈钢"],
]


# -- 1. a progress bar on a terminal -------------------------------------------------


def _on_a_terminal(folder: Path, *argv: str) -> tuple[subprocess.CompletedProcess[bytes], str]:
    """Run listingkit with its standard error on a pseudo-terminal; what it drew there.

    The terminal is read while the command runs, as a terminal would be: a
    leader read only afterwards may find the buffer gone once the other end
    has closed.
    """
    leader, follower = pty.openpty()
    drawn = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                return
            if not chunk:
                return
            drawn.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "listingkit", *argv],
            stdout=subprocess.PIPE,
            stderr=follower,
            cwd=folder,
            env=_env(),
        ) as process:
            os.close(follower)
            follower = -1
            out, _ = process.communicate(timeout=300)
        reader.join(timeout=30)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    run = subprocess.CompletedProcess(process.args, process.returncode, out, b"")
    return run, bytes(drawn).decode()


def test_lint_titles_draws_a_bar_on_a_terminal_and_clears_it(folder: Path) -> None:
    titles = [f"夏季新款纯棉短袖T恤男宽松圆领{i}号" for i in range(8000)]
    (folder / "标题.txt").write_text("\n".join(titles) + "\n", encoding="utf-8")
    run, shown = _on_a_terminal(
        folder, "lint-titles", "标题.txt", "--platform", "taobao", "--format", "json"
    )
    assert run.returncode == 0
    assert json.loads(run.stdout)["summary"]["subjects"] == 8000  # the report is untouched
    assert "\r检查标题 " in shown and "/8000 个 " in shown, shown[-300:]
    assert "8000/8000 个" in shown and shown.endswith("\r\x1b[K")  # cleared at the end


def test_titles_draws_a_bar_by_rows_on_a_terminal_and_clears_it(folder: Path) -> None:
    # Enough rows for the parallel path (the bar moves as each chunk comes back)
    # and for composing to outlast the bar's one-second delay on a fast machine.
    rows = [[f"A{i}", "女装", "连衣裙", f"碎花 雪纺 收腰 {i}号"] for i in range(5000)]
    _params(folder / "params.xlsx", rows)
    run, shown = _on_a_terminal(
        folder, "titles", "params.xlsx", "--platform", "taobao", "-n", "1", "--format", "json"
    )
    assert run.returncode == 0, shown[-500:]
    assert len(json.loads(run.stdout)["rows"]) == 5000
    assert "\r组标题 " in shown and "/5000 行 " in shown, shown[-300:]
    assert "5000/5000 行" in shown and shown.endswith("\r\x1b[K")


# -- 2. a refusal to overwrite names the file and --force --------------------------------


def test_a_file_listingkit_did_not_write_is_refused_naming_it_and_force(folder: Path) -> None:
    _params(folder / "params.xlsx", PARAMS)
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "别人的表"
    foreign.save(folder / "标题.xlsx")
    targets = {
        "xlsx": ("titles", "params.xlsx", "-o", "标题.xlsx"),
        "json": ("lint-titles", "--text", "纯棉T恤", "--format", "json", "-o", "报告.json"),
        "sarif": ("lint-titles", "--text", "纯棉T恤", "--format", "sarif", "-o", "报告.sarif"),
        "junit": ("lint-titles", "--text", "纯棉T恤", "--format", "junit", "-o", "报告.xml"),
    }
    for kind, argv in targets.items():
        target = folder / argv[-1]
        if kind != "xlsx":
            target.write_text("别人的文件\n", encoding="utf-8")
        before = target.read_bytes()
        run = listingkit(*argv, "--platform", "taobao", cwd=folder)
        assert run.returncode == 2, (kind, run.stderr)
        assert run.stdout == ""
        lines = run.stderr.splitlines()
        assert len(lines) == 1, (kind, run.stderr)
        assert argv[-1] in lines[0] and "--force" in lines[0] and "不是 listingkit 写的" in lines[0]
        assert "要覆盖它请加 --force" in lines[0]
        assert target.read_bytes() == before, kind
        forced = listingkit(*argv, "--platform", "taobao", "--force", cwd=folder)
        assert forced.returncode in (0, 1), (kind, forced.stderr)
        assert target.read_bytes() != before, kind


def test_a_workbook_titles_wrote_is_replaced_and_the_help_says_so(folder: Path) -> None:
    _params(folder / "params.xlsx", PARAMS)
    first = listingkit(
        "titles", "params.xlsx", "--platform", "taobao", "-o", "标题.xlsx", cwd=folder
    )
    assert first.returncode == 0, first.stderr
    _params(folder / "params.xlsx", PARAMS[:1])
    again = listingkit(
        "titles", "params.xlsx", "--platform", "taobao", "-o", "标题.xlsx", cwd=folder
    )
    assert again.returncode == 0, again.stderr
    assert openpyxl.load_workbook(folder / "标题.xlsx").active.max_row == 2  # the new result
    help_text = listingkit("titles", "--help", cwd=folder).stdout
    compact = "".join(help_text.split())  # argparse wraps the help at any width
    assert "已存在的文件是listingkit写的报告或表格时直接替换" in compact
    assert "不是时拒绝写入（要替换它请加--force）" in compact


# -- 3. lint-titles reads the workbook titles wrote ----------------------------------------


@pytest.fixture
def titles_workbook(folder: Path) -> Path:
    _params(folder / "params.xlsx", PARAMS)
    run = listingkit("titles", "params.xlsx", "--platform", "taobao", "-o", "标题.xlsx", cwd=folder)
    assert run.returncode == 0, run.stderr
    return folder / "标题.xlsx"


def test_lint_titles_checks_every_candidate_of_a_titles_workbook(
    folder: Path, titles_workbook: Path
) -> None:
    clean = _report(
        listingkit(
            "lint-titles", titles_workbook, "--platform", "taobao", "--format", "json", cwd=folder
        )
    )
    assert clean["summary"]["subjects"] == 3  # one per row, whatever the number of candidates
    _set_cell(titles_workbook, 2, "候选标题1", "全网最佳碎花连衣裙女")
    _set_cell(titles_workbook, 4, "候选标题5", "第一保温杯大容量")
    report = _report(
        listingkit(
            "lint-titles",
            titles_workbook,
            "--platform",
            "taobao",
            "--format",
            "json",
            "--fail-on",
            "warning",
            cwd=folder,
        )
    )
    where = {
        (f["location"]["row"], f["location"]["column"])
        for f in report["findings"]
        if f["code"] == "TITLE010"
    }
    assert where == {(2, "候选标题1"), (4, "候选标题5")}


def test_an_explicit_title_column_is_the_only_one_checked(
    folder: Path, titles_workbook: Path
) -> None:
    _set_cell(titles_workbook, 2, "候选标题1", "全网最佳碎花连衣裙女")
    _set_cell(titles_workbook, 3, "候选标题2", "全网最佳纯棉T恤男")
    run = listingkit(
        "lint-titles",
        titles_workbook,
        "--platform",
        "taobao",
        "--format",
        "json",
        "--columns",
        "标题=候选标题2",
        cwd=folder,
    )
    columns = {(f["location"]["row"], f["location"]["column"]) for f in _report(run)["findings"]}
    assert columns == {(3, "候选标题2")}


def test_a_row_without_candidates_is_not_an_empty_title(folder: Path) -> None:
    _params(folder / "params.xlsx", [PARAMS[0], ["A9", "女装", "", "碎花"]])
    made = listingkit(
        "titles", "params.xlsx", "--platform", "taobao", "-o", "标题.xlsx", cwd=folder
    )
    assert made.returncode == 1, made.stderr  # row 3 has no product word: TITLE040
    run = listingkit(
        "lint-titles", "标题.xlsx", "--platform", "taobao", "--format", "json", cwd=folder
    )
    assert [f["code"] for f in _report(run)["findings"]] == []


def test_a_sheet_without_any_title_column_says_how_to_name_one(folder: Path) -> None:
    _params(folder / "params.xlsx", PARAMS)
    run = listingkit("lint-titles", "params.xlsx", "--platform", "taobao", cwd=folder)
    assert run.returncode == 2
    assert "找不到标题列" in run.stderr and "--columns 标题=列名" in run.stderr


# -- 4. an empty title is a finding --------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000\u3000", "\u200b", "\u200b \u2060"])
def test_an_empty_title_given_on_the_command_line_is_an_error(folder: Path, text: str) -> None:
    run = listingkit(
        "lint-titles", "--text", text, "--platform", "taobao", "--format", "json", cwd=folder
    )
    assert run.returncode == 1, run.stderr
    findings = json.loads(run.stdout)["findings"]
    # Only the empty-title finding: "no product word" and the like would repeat it.
    assert [(f["code"], f["severity"]) for f in findings] == [("TITLE002", "error")]
    assert findings[0]["message"].startswith("标题是空的")


def test_empty_cells_of_a_title_column_are_findings_naming_the_row(folder: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["货号", "标题"])
    for row in [["A1", "夏季纯棉短袖T恤男宽松圆领"], ["A2", None], ["A3", "   "], ["A4", "\u200b"]]:
        sheet.append(row)
    book.save(folder / "标题.xlsx")
    run = listingkit(
        "lint-titles", "标题.xlsx", "--platform", "taobao", "--format", "json", cwd=folder
    )
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    found = [(f["code"], f["location"]["row"], f["location"]["column"]) for f in report["findings"]]
    assert found == [("TITLE002", 3, "标题"), ("TITLE002", 4, "标题"), ("TITLE002", 5, "标题")]
    assert report["summary"]["subjects"] == 4


def test_blank_lines_of_a_title_file_separate_titles_and_invisible_ones_are_reported(
    folder: Path,
) -> None:
    text = "夏季纯棉短袖T恤男宽松圆领\n\n   \n\u200b\n碎花雪纺连衣裙女夏\n"
    (folder / "标题.txt").write_text(text, encoding="utf-8")
    run = listingkit(
        "lint-titles", "标题.txt", "--platform", "taobao", "--format", "json", cwd=folder
    )
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert report["subjects"] == ["标题.txt:1", "标题.txt:4", "标题.txt:5"]
    assert [(f["code"], f["location"]["row"]) for f in report["findings"]] == [("TITLE002", 4)]
    assert "U+200B" in report["findings"][0]["message"]


def test_the_severity_of_an_empty_title_decides_the_exit_code(folder: Path) -> None:
    (folder / "listingkit.toml").write_text(
        'extends = "taobao"\n\n[checks]\nTITLE002 = "warning"\n', encoding="utf-8"
    )
    run = listingkit(
        "lint-titles", "--text", "", "--rules", "listingkit.toml", "--format", "json", cwd=folder
    )
    assert run.returncode == 0, run.stderr
    assert [f["severity"] for f in json.loads(run.stdout)["findings"]] == ["warning"]
    failing = listingkit(
        "lint-titles",
        "--text",
        "",
        "--rules",
        "listingkit.toml",
        "--fail-on",
        "warning",
        cwd=folder,
    )
    assert failing.returncode == 1
