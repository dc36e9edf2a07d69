"""Issue point 3: a formula behind a control character is still stored as text.

Whether a cell is a formula is decided on the text as it will be stored, after
the control characters are gone, and past leading blanks and invisible marks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from listingkit.sheets import write_xlsx
from tests.hostile.conftest import Proc, leftovers

Run = Callable[..., Proc]
EVIL = '=HYPERLINK("http://evil","点我")'
INVISIBLE = " \t\r\u00a0\u3000\u200b\u200d\u2060\ufeff\u202e"


def _starts_like_a_formula(value: str) -> bool:
    return value.lstrip(INVISIBLE).startswith(("=", "+", "-", "@", "＝"))


@pytest.mark.parametrize(
    "hidden",
    [
        "\x01",
        "\x00\x1b",
        "\x7f",
        "\x85",
        " ",
        "\t",
        "\r",
        "\u200b",
        "\ufeff",
        "\u3000",
        "\x01 \u200b",
    ],
)
def test_formula_behind_hidden_characters_is_text(tmp_path: Path, hidden: str) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["候选标题1", "备注"], [[hidden + EVIL, hidden + "+86 138"]])
    cells = openpyxl.load_workbook(path).active[2]
    for cell in cells:
        assert cell.data_type == "s", (hidden, cell.value)
        assert cell.quotePrefix, (hidden, cell.value)
        assert not any(char in cell.value for char in "\x00\x01\x1b\x7f\x85")
    assert cells[0].value.lstrip(INVISIBLE) == EVIL


def test_full_width_equals_is_kept_as_text(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["a"], [["＝1+2"]])
    cell = openpyxl.load_workbook(path).active["A2"]
    assert cell.data_type == "s" and cell.quotePrefix and cell.value == "＝1+2"


def test_plain_text_gets_no_apostrophe(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["a"], [["连衣裙 = 裙子"], ["A-1"]])
    sheet = openpyxl.load_workbook(path).active
    assert not sheet["A2"].quotePrefix and not sheet["A3"].quotePrefix


def test_titles_keep_a_formula_behind_a_control_character_as_text(
    listingkit: Run, tmp_path: Path
) -> None:
    sheet = tmp_path / "参数表.csv"
    evil = '"\x01=HYPERLINK(""http://evil"",""点我"")"'
    sheet.write_text(
        "货号,类目词,品牌,产品词,属性词,营销词,修饰词,备注\n"
        f"A1,女装,花语,连衣裙,碎花,{evil},夏季,\x01=1+2\n"
        f"A2,,花语,{evil},碎花,{evil},,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.xlsx"
    run = listingkit("titles", sheet, "--platform", "taobao", "-o", out)
    assert run.status in (0, 1), run.stderr
    book = openpyxl.load_workbook(out)
    risky = [
        cell
        for row in book.active.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and _starts_like_a_formula(cell.value)
    ]
    assert risky, "the sheet should have carried the formula text through"
    for cell in risky:
        assert cell.data_type == "s", (cell.coordinate, cell.value)
        assert cell.quotePrefix, (cell.coordinate, cell.value)
        assert "\x01" not in cell.value
    # No cell anywhere is a formula.
    formulas = [c.coordinate for r in book.active.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []
    assert leftovers(tmp_path) == []
