"""The commands the README and docs/cli.md show run as written.

Every ``listingkit …`` line of the README's 用法 block is run, in a folder laid
out like a shop's (its sheet, keyword export, title file, product folder and
store rule file, made from the fixtures), by a real ``python -m listingkit``.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def _usage_commands() -> list[str]:
    usage = README.split("## 用法", 1)[1]
    block = re.search(r"```sh\n(.*?)```", usage, re.S)
    assert block, "README 的“用法”一节没有 sh 代码块"
    return [line for line in block.group(1).splitlines() if line.startswith("listingkit ")]


USAGE = _usage_commands()


def _xlsx_from_csv(source: Path, target: Path) -> None:
    book = Workbook()
    sheet = book.active
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.save(target)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding what the README's commands name."""
    folder = tmp_path_factory.mktemp("shop")
    titles = ROOT / "fixtures" / "titles"
    _xlsx_from_csv(titles / "参数表.csv", folder / "参数表.xlsx")
    _xlsx_from_csv(titles / "关键词.csv", folder / "生意参谋.xlsx")
    shutil.copy(titles / "标题.txt", folder / "标题.txt")
    shutil.copytree(ROOT / "fixtures" / "store" / "连衣裙-A001", folder / "商品A")
    shutil.copy(ROOT / "fixtures" / "store" / "listingkit.toml", folder / "listingkit.toml")
    # the sheet the store file names in [naming] products, and as the README's names line gives it
    shutil.copy(ROOT / "fixtures" / "store" / "商品表.csv", folder / "商品表.csv")
    _xlsx_from_csv(ROOT / "fixtures" / "store" / "商品表.csv", folder / "商品表.xlsx")
    # the README's slots line: the shipped products and competitor times
    for name in ("商品.csv", "竞品上架时间.csv"):
        shutil.copy(ROOT / "fixtures" / "slots" / name, folder / name)
    # the README's shop lines: the demo shop, in a repository whose main branch holds it
    shutil.copytree(ROOT / "fixtures" / "demo-shop", folder / "店铺")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "shop"]):
        subprocess.run([*git, *args], cwd=folder, check=True, capture_output=True)
    return folder  # the repository's root: the rule-file lookup stops here


def test_usage_block_has_the_commands_operators_need() -> None:
    assert any("--format sarif -o listingkit.sarif" in line for line in USAGE)
    assert len(USAGE) >= 10


@pytest.mark.parametrize("line", USAGE)
def test_readme_usage_line_runs_as_written(line: str, shop: Path) -> None:
    argv = shlex.split(line, comments=True)
    run = subprocess.run(
        [sys.executable, "-m", "listingkit", *argv[1:]],
        capture_output=True,
        text=True,
        cwd=shop,
        timeout=300,
    )
    # 0 or 1: it ran (1 means it found problems, as the sample product has); 2: it could not
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    if "-o" in argv:
        written = shop / argv[argv.index("-o") + 1]
        assert written.stat().st_size > 0
        if written.suffix == ".sarif":
            sarif = json.loads(written.read_text(encoding="utf-8"))
            assert sarif["version"] == "2.1.0"
            assert sarif["runs"][0]["tool"]["driver"]["name"] == "listingkit"
            assert sarif["runs"][0]["results"], "the sample product has problems to report"


def test_cli_doc_lists_every_command() -> None:
    """Each command and subcommand ``listingkit --help`` offers has a row in docs/cli.md."""

    def commands_of(*argv: str) -> list[str]:
        run = subprocess.run(
            [sys.executable, "-m", "listingkit", *argv, "--help"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        # argparse lists subcommands under their metavar, indented four spaces
        return re.findall(r"^    ([a-z][a-z-]*)\b", run.stdout, re.M)

    top = commands_of()
    assert {"check", "images", "titles", "lint-titles", "rules", "explain"} <= set(top)
    rows = re.findall(r"^\| `listingkit ([a-z-]+(?: [a-z]+)?)", CLI_DOC, re.M)
    for command in top:
        if command == "rules":
            for sub in commands_of("rules"):
                assert f"rules {sub}" in rows, f"docs/cli.md 缺少 listingkit rules {sub}"
        else:
            assert any(row.split()[0] == command for row in rows), (
                f"docs/cli.md 缺少 listingkit {command}"
            )
