"""``rules validate``: a typo in ``extends`` does not hide the file's other problems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import Run

TYPO = """
    extends = "taobo"
    store = "测试店"

    [sources.store-guide]
    title = "本店视觉规范"
    grade = "A"

    [images.main]
    source = "store-guide"
    min_sid_px = 900

    [title]
    source = "store-guide"
    max_units = -5

    [checks]
    TITLE999 = "off"
"""


def test_unknown_extends_and_the_other_problems_in_one_pass(
    cli: Callable[..., Run], write: Callable[..., Path]
) -> None:
    write("listingkit.toml", TYPO)
    run = cli("rules", "validate", "listingkit.toml")
    assert run.status == 2
    lines = run.err_lines
    assert any(
        line.startswith("listingkit.toml:1: extends: 未知的平台 “taobo”（是否想写 taobao？）")
        and line.endswith("[CONF007]")
        for line in lines
    ), lines
    assert any(
        "listingkit.toml:10: images.main.min_sid_px: 未知的键（是否想写 min_side_px？） [CONF002]"
        in line
        for line in lines
    ), lines
    assert any(
        "listingkit.toml:14: title.max_units:" in line and "[CONF003]" in line for line in lines
    )
    assert any("checks.TITLE999" in line and "[CONF009]" in line for line in lines), lines
    # what the parent would have supplied (platform, display_name) is not reported missing
    assert not any("CONF004" in line for line in lines), lines


def test_a_typo_alone_is_one_problem(cli: Callable[..., Run], write: Callable[..., Path]) -> None:
    write("listingkit.toml", 'extends = "淘寶"\nstore = "测试店"\n')
    run = cli("rules", "validate", "listingkit.toml")
    assert run.status == 2
    assert len(run.err_lines) == 1 and "[CONF007]" in run.err_lines[0], run.err_lines
    assert "taobao（淘宝）" in run.err_lines[0]
