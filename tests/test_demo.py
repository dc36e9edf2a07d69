"""The shipped demo shop: the README's first command, its findings, every format of them.

The demo shop (``fixtures/demo-shop``, made by ``fixtures/make_demo_shop.py``)
holds a problem of every check family on purpose and passes everywhere else.
Its JSON report is compared with ``tests/data/demo-shop.json`` whole: messages,
places, sources. After a deliberate change, regenerate it with
``LISTINGKIT_UPDATE_GOLDEN=1 python3 -m pytest tests/test_demo.py``.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook

from listingkit.cli.common import is_ours
from listingkit.output import FORMATS
from tests.test_project import _readme_commands

ROOT = Path(__file__).resolve().parent.parent
SHOP = "fixtures/demo-shop"
GOLDEN = ROOT / "tests" / "data" / "demo-shop.json"
SARIF_SCHEMA = ROOT / "tests" / "output" / "schemas" / "sarif-schema-2.1.0.json"


def _run(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_readme_demo_writes_the_shop_report(tmp_path: Path) -> None:
    install_and_run, _ = _readme_commands()
    command = shlex.split(install_and_run.split("&&", 1)[1])
    assert command[:3] == ["listingkit", "check", SHOP]
    # written where the README says, here in a folder of the test's own
    target = tmp_path / command[command.index("-o") + 1]
    argv = [*command[1:]]
    argv[argv.index("-o") + 1] = str(target)
    run = _run(*argv)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr  # --exit-zero
    # the last line says what was found and where the report is
    assert "发现 4 个错误、8 个警告、1 个提示" in run.stderr and str(target) in run.stderr
    page = target.read_text(encoding="utf-8")
    assert is_ours(target)
    for item in ("A101", "A102", "A103", "A104", "A105", "A106", "B201"):
        assert f"货号 {item}" in page or f">{item}<" in page, item
    without = _run(*[part for part in argv if part != "--exit-zero"], "--force")
    assert without.returncode == 1  # errors: CI stops here


def test_the_demo_shop_gives_its_golden_findings() -> None:
    run = _run("check", SHOP, "--format", "json")
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    if os.environ.get("LISTINGKIT_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert report == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_every_check_family_fires_and_the_clean_products_stay_clean() -> None:
    report = json.loads(GOLDEN.read_text(encoding="utf-8"))
    codes = {f["code"] for f in report["findings"]}
    assert {code.rstrip("0123456789") for code in codes} >= {
        "FILE", "TITLE", "IMG", "SKU", "SLOT", "SHOP",
    }  # fmt: skip
    places = [f["location"]["path"] for f in report["findings"]]
    assert not [p for p in places if "/A101/" in p or "/A106/" in p]
    rows = {f["location"].get("row") for f in report["findings"] if p_is_sheet(f)}
    assert 2 not in rows and 7 not in rows  # the sheet rows of A101 and A106


def p_is_sheet(finding: dict[str, dict[str, str]]) -> bool:
    return finding["location"]["path"].endswith("商品.xlsx")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cards = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("section", "article", "div") and "card" in classes:
            self.cards += 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_the_demo_shop(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"报告.{fmt}"
    run = _run("check", SHOP, "--format", fmt, "-o", str(target))
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    findings = len(json.loads(GOLDEN.read_text(encoding="utf-8"))["findings"])
    if fmt == "xlsx":
        book = load_workbook(target)
        assert book.sheetnames[:2] == ["汇总", "问题"]
        assert book["问题"].max_row == 1 + findings
        summary_items = [row[0] for row in book["汇总"].iter_rows(min_row=2, values_only=True)]
        assert {"A101", "A105", "B201"} <= set(summary_items)
        return
    text = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert len(json.loads(text)["findings"]) == findings
    elif fmt == "sarif":
        sarif = json.loads(text)
        jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(
            sarif
        )
        assert len(sarif["runs"][0]["results"]) == findings
    elif fmt == "junit":
        suite = ET.fromstring(text)
        assert int(suite.get("failures") or suite[0].get("failures") or 0) > 0
    elif fmt == "github":
        assert (
            sum(
                line.startswith(("::error ", "::warning ", "::notice "))
                for line in text.splitlines()
            )
            == findings
        )
    elif fmt == "html":
        tags = _Tags()
        tags.feed(text)
        assert tags.cards >= 7  # a card per product, the folder not in the sheet among them
    else:
        assert "发现 4 个错误、8 个警告、1 个提示" in text
