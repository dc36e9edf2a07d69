"""A paragraph read as a title, or a whole file on one line, is one finding in seconds.

The model-number pattern once backtracked quadratically: an 80,000-letter title
took about a minute, a 1 MB line hours. Each run here has a generous subprocess
timeout: a quadratic step fails it by a wide margin, a slow machine does not.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from listingkit.title.checks import MAX_TITLE_CHARS
from tests.hostile.conftest import Proc

# Seconds; a quadratic pass over these inputs takes minutes to hours.
LIMIT = 60


def _lint(listingkit: Callable[..., Proc], *argv: str) -> list[dict[str, Any]]:
    proc = listingkit(
        "lint-titles", *argv, "--platform", "taobao", "--format", "json", timeout=LIMIT
    )
    assert proc.status == 1, (proc.status, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    findings: list[dict[str, Any]] = json.loads(proc.out)["findings"]
    return findings


@pytest.mark.parametrize(
    "title",
    [
        "a" * 80_000,  # one run of letters: the shape that made the old pattern quadratic
        "5W-30" * 16_000,  # one model number 80,000 characters long
        "最佳" * 40_000,  # a banned word at every other character
        "连衣裙 " * 20_000,  # a repeated word 20,000 times
    ],
    ids=["letters", "model-number", "banned-words", "repeated-words"],
)
def test_an_80000_character_title_is_one_finding(
    listingkit: Callable[..., Proc], tmp_path: Path, title: str
) -> None:
    path = tmp_path / "标题.txt"
    path.write_text(title + "\n", encoding="utf-8")
    findings = _lint(listingkit, path.name)
    assert [f["code"] for f in findings] == ["TITLE001"]
    assert findings[0]["data"] == {"actual": len(title), "limit": MAX_TITLE_CHARS, "unit": "字"}
    assert str(MAX_TITLE_CHARS) in findings[0]["message"]


def test_a_one_megabyte_line_is_one_finding(
    listingkit: Callable[..., Proc], tmp_path: Path
) -> None:
    path = tmp_path / "标题.txt"
    path.write_bytes(b"x" * 1_000_000 + b"\n")
    assert [f["code"] for f in _lint(listingkit, path.name)] == ["TITLE001"]


def test_a_long_sheet_cell_is_one_finding(listingkit: Callable[..., Proc], tmp_path: Path) -> None:
    path = tmp_path / "标题.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["标题"], ["A" * 80_000], ["夏季纯棉短袖T恤"]])
    findings = _lint(listingkit, path.name)
    assert [(f["code"], f["location"]["row"]) for f in findings] == [("TITLE001", 2)]


def test_titles_at_the_cap_are_checked_in_full_and_in_time(
    listingkit: Callable[..., Proc], tmp_path: Path
) -> None:
    # 60 different titles of the worst shapes at the cap (different, so that no
    # segmentation is cached): anything quadratic at 1,000 characters would cost
    # far more than the time limit.
    shapes = ["a" * 1000, "a-" * 500, "最" * 1000, "连衣裙" * 333, "最佳第一" * 250, "裙子" * 500]
    lines = [f"{i:03d}" + shapes[i % len(shapes)][3:] for i in range(60)]
    assert all(len(line) <= MAX_TITLE_CHARS for line in lines)
    path = tmp_path / "标题.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    findings = _lint(listingkit, path.name)
    assert {"TITLE001", "TITLE010", "TITLE020"} <= {f["code"] for f in findings}
    # Every length finding is the platform's limit of 60, none the cap's.
    assert {f["data"]["limit"] for f in findings if f["code"] == "TITLE001"} == {60}


def test_segmenting_a_long_text_is_linear(tmp_path: Path) -> None:
    # Below the cap nothing needs this, but the composer segments sheet cells of
    # any length, and the old pattern took minutes on 200,000 letters.
    code = (
        "from listingkit.text.segment import get_segmenter, protected_spans\n"
        "text = 'a' * 200_000 + '-1'\n"
        "assert list(protected_spans(text, ['b'])) == [(0, len(text))]\n"
        "get_segmenter('jieba').tokenize('夏季' + 'a' * 80_000 + '连衣裙')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=LIMIT, cwd=tmp_path)
