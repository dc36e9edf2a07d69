"""``rules show``: units people use, missing or not applicable, the file's comments, unread keys."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from listingkit.registry import all_checks
from listingkit.ruleset.show import key_is_read
from listingkit.ruleset.shown import byte_size_text
from tests.conftest import Run

STORE = """
    extends = "taobao"
    store = "测试店"

    [sources.store-guide]
    title = "本店视觉规范"
    where = "店铺内部文档"
    grade = "A"

    [images.main]
    source = "store-guide"
    # 本店主图压到 2 MB 以内，
    # 比平台的 3 MiB 更严
    max_bytes = "2MB"
    min_side_px = 900          # 本店相机出图都在 900 以上
    main_slot = 2
"""


def _read_keys() -> frozenset[str]:
    return frozenset(key for spec in all_checks() for key in spec.keys)


def _line(out: str, start: str) -> str:
    return next(line for line in out.splitlines() if line.strip().startswith(start))


def test_sizes_are_shown_in_megabytes_and_pixel_pairs(cli: Callable[..., Run]) -> None:
    out = cli("rules", "show", "jd").out
    assert "min_side_px = 800×800（宽、高都不小于 800 px）    ← jd-image-doc-2016" in out
    assert "1 MB = 1024 KB（1,048,576 字节）" in out
    assert byte_size_text(3 * 1024 * 1024) == "3 MB"
    assert byte_size_text(500 * 1024) == "500 KB"
    assert byte_size_text(1536 * 1024) == "1.5 MB"
    assert byte_size_text(1000) == "1000 字节"


def test_a_store_value_shows_its_unit_and_the_comment_that_explains_it(
    cli: Callable[..., Run], write: Callable[..., Path]
) -> None:
    write("listingkit.toml", STORE)
    out = cli("rules", "show", "--rules", "listingkit.toml").out
    lines = out.splitlines()
    size = _line(out, "max_bytes = 2 MB")
    assert "2,097,152 字节" in size and "listingkit.toml:13" in size
    assert (
        lines[lines.index(size) + 1].strip() == "注：本店主图压到 2 MB 以内， 比平台的 3 MiB 更严"
    )
    side = _line(out, "min_side_px = 900×900")
    assert lines[lines.index(side) + 1].strip() == "注：本店相机出图都在 900 以上"
    data = json.loads(cli("rules", "show", "--rules", "listingkit.toml", "--format", "json").out)
    fact = data["images"]["main"]["max_bytes"]
    assert fact["value"] == 2 * 1024 * 1024 and fact["source"] == "store-guide"
    assert fact["shown"] == "2 MB（2,097,152 字节）"
    assert fact["comment"] == "本店主图压到 2 MB 以内， 比平台的 3 MiB 更严"
    assert fact["set_in"] == "listingkit.toml:13" and fact["status"] == "set"


def test_a_value_no_check_reads_is_marked(
    cli: Callable[..., Run], write: Callable[..., Path]
) -> None:
    assert key_is_read("images.main.main_slot", _read_keys()) is False
    assert key_is_read("images.main.max_bytes", _read_keys()) is True
    write("listingkit.toml", STORE)
    out = cli("rules", "show", "--rules", "listingkit.toml").out
    assert "（没有检查读取此值）" in _line(out, "main_slot = 2")
    assert "没有检查读取此值" not in _line(out, "max_bytes = 2 MB")
    data = json.loads(cli("rules", "show", "--rules", "listingkit.toml", "--format", "json").out)
    assert data["images"]["main"]["main_slot"]["read_by_check"] is False
    assert data["images"]["main"]["max_bytes"]["read_by_check"] is True


def test_not_found_is_told_apart_from_not_applicable(cli: Callable[..., Run]) -> None:
    out = cli("rules", "show", "jd").out
    # JD's title table exists: an empty key a check reads was looked for and not found
    assert "max_units = —（未找到公开数值）" in out.split("[title]")[1].split("\n\n")[0]
    # a key only white-background images have does not apply to main images
    main = out.split("[images.main] ")[1].split("\n\n")[0]
    assert "（不适用于这类图：" in main and "main_slot" in main.split("不适用于这类图")[1]
    assert "main_slot = —" not in main
    # a role the platform has no table for does not apply at all
    assert "[images.main_3x4] 3:4 主图\n  （本平台没有这类图，不适用）" in out
    data = json.loads(cli("rules", "show", "jd", "--format", "json").out)
    assert "main_3x4" in data["roles_not_applicable"] and data["images"]["main_3x4"] is None
    assert data["images"]["main"]["main_slot"]["applies"] is False
    assert data["title"]["max_units"]["applies"] is True
    assert data["title"]["max_units"]["status"] == "missing"


def test_text_from_the_store_file_is_shown_escaped(
    cli: Callable[..., Run], write: Callable[..., Path]
) -> None:
    # A store name with an escape sequence (valid TOML as \u001b) must not reach the terminal raw.
    write(".git/HEAD", "")
    store = write(
        "listingkit.toml", 'extends = "taobao"\nstore = "店\\u001b[2J"\n[title]\nmax_units = 50\n'
    )
    for argv in (("rules", "show", "--rules", str(store)), ("rules", "validate", str(store))):
        run = cli(*argv)
        assert run.status == 0, run.err
        assert "\x1b" not in run.out
    assert "店\\x1b[2J" in cli("rules", "show", "--rules", str(store)).out
