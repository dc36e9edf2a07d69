"""Every kind of rule-file mistake gives one line: file, line, key, what to do, code.

Each case runs ``listingkit rules validate FILE`` in-process and reads stderr as
an operator would: exit status 2, one line per problem, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run

STORE_HEAD = 'extends = "taobao"\nstore = "测试店"\n'


def validate(cli: Callable[..., Run], path: Path) -> Run:
    run = cli("rules", "validate", str(path))
    assert run.status == 2, run.err
    assert "Traceback" not in run.err
    assert run.out == ""
    return run


def only_line(run: Run) -> str:
    assert len(run.err_lines) == 1, run.err
    return run.err_lines[0]


def test_toml_syntax_error_names_line_and_column(cli, write):
    path = write("listingkit.toml", STORE_HEAD + "[title]\nmax_units = = 60\n")
    line = only_line(validate(cli, path))
    assert line.startswith(f"{path.name}:4:")
    assert "第 13 列" in line and line.endswith("[CONF001]")


def test_unknown_key_suggests_the_close_one(cli, write):
    path = write(
        "listingkit.toml",
        STORE_HEAD + '[sources.s]\ntitle = "本店"\ngrade = "A"\n'
        '[images.main]\nsource = "s"\nmin_sid_px = 700\n',
    )
    line = only_line(validate(cli, path))
    assert line == (
        f"{path.name}:8: images.main.min_sid_px: 未知的键（是否想写 min_side_px？） [CONF002]"
    )


def test_unknown_table_suggests_the_role(cli, write):
    path = write("listingkit.toml", STORE_HEAD + '[images.white_backgroud]\nnote = "x"\n')
    line = only_line(validate(cli, path))
    assert ":3: images.white_backgroud: 未知的键（是否想写 white_background？）" in line


def test_wrong_type(cli, write):
    path = write(
        "listingkit.toml",
        STORE_HEAD + '[sources.s]\ntitle = "本店"\ngrade = "A"\n'
        '[images.detail]\nsource = "s"\nmin_width_px = "宽"\n',
    )
    line = only_line(validate(cli, path))
    assert ":8: images.detail.min_width_px: 类型不对：应为整数" in line
    assert line.endswith("[CONF003]")


def test_out_of_range_value(cli, write):
    path = write(
        "listingkit.toml",
        STORE_HEAD + '[sources.s]\ntitle = "本店"\ngrade = "A"\n'
        '[images.main]\nsource = "s"\nmax_bytes = 0\n',
    )
    line = only_line(validate(cli, path))
    assert ":8: images.main.max_bytes: 取值 0 超出范围：应在 1 字节到 1 GiB 之间 [CONF003]" in line


def test_inconsistent_range_names_both_keys(cli, write):
    path = write(
        "listingkit.toml",
        STORE_HEAD + '[sources.s]\ntitle = "本店"\ngrade = "A"\n'
        '[images.detail]\nsource = "s"\nmin_width_px = 2000\n',
    )
    line = only_line(validate(cli, path))
    assert "images.detail: min_width_px 2000 大于 max_width_px 1500 [CONF003]" in line


def test_number_without_source_in_a_shipped_file(cli, write, monkeypatch):
    """Only a shipped platform file must source every number; a store's is its own choice."""
    path = write("shipped/myplatform.toml", STORE_HEAD + '[images.main]\nmax_bytes = "2MB"\n')
    monkeypatch.setattr("listingkit.ruleset.sources.rules_dir", lambda: path.parent)
    line = only_line(validate(cli, path))
    assert line.startswith(
        f"shipped/{path.name}:4: images.main.max_bytes: 内置规则文件里的数值没有出处"
    )
    assert line.endswith("[CONF005]")


def test_source_name_that_does_not_exist(cli, write):
    path = write(
        "listingkit.toml",
        STORE_HEAD + '[sources.store-guide]\ntitle = "本店"\ngrade = "A"\n'
        '[images.main]\nsource = "store-guid"\nmax_bytes = "2MB"\n',
    )
    line = only_line(validate(cli, path))
    assert ":7: images.main.source: 出处 “store-guid” 不存在（是否想写 store-guide？）" in line
    assert line.endswith("[CONF006]")


def test_extends_unknown_platform(cli, write):
    path = write("listingkit.toml", 'extends = "taobo"\n')
    line = only_line(validate(cli, path))
    assert ":1: extends: 未知的平台 “taobo”（是否想写 taobao？）" in line
    assert line.endswith("[CONF007]")


def test_extends_unknown_file(cli, write):
    path = write("listingkit.toml", 'extends = "base/shop.toml"\n')
    line = only_line(validate(cli, path))
    assert ":1: extends: 未知的文件 “base/shop.toml”" in line and line.endswith("[CONF007]")


def test_extends_cycle(cli, write):
    write("a.toml", 'extends = "b.toml"\n')
    path = write("b.toml", 'extends = "a.toml"\n')
    line = only_line(validate(cli, path))
    assert "extends: extends 形成循环：" in line and line.endswith("[CONF008]")
    assert "a.toml" in line and "b.toml" in line


def test_unknown_check_code(cli, write):
    path = write("listingkit.toml", STORE_HEAD + '[checks]\nFIEL001 = "off"\n')
    line = only_line(validate(cli, path))
    assert ":4: checks.FIEL001: 未知的检查代码（是否想写 FILE001？）" in line
    assert line.endswith("[CONF009]")


def test_unknown_check_level(cli, write):
    path = write("listingkit.toml", STORE_HEAD + '[checks]\nFILE001 = "warn"\n')
    line = only_line(validate(cli, path))
    assert ":4: checks.FILE001: 取值 'warn' 不在允许的范围" in line
    assert "是否想写 warning" in line


def test_unreadable_file(cli, tmp_path):
    folder = tmp_path / "listingkit.toml"
    folder.mkdir()
    line = only_line(validate(cli, folder))
    assert "规则文件是一个文件夹" in line and line.endswith("[CONF010]")


def test_not_utf8(cli, write):
    path = write("listingkit.toml", STORE_HEAD + 'store = "某某旗舰店"\n', encoding="gb18030")
    line = only_line(validate(cli, path))
    assert ":2:" in line and "不是 UTF-8 编码" in line and line.endswith("[CONF011]")


def test_extend_of_a_non_list(cli, write):
    path = write(
        "listingkit.toml",
        STORE_HEAD + '[sources.s]\ntitle = "本店"\ngrade = "A"\n'
        '[images.main]\nsource = "s"\nextend_max_bytes = ["1"]\n',
    )
    line = only_line(validate(cli, path))
    assert ":8: images.main.extend_max_bytes:" in line and line.endswith("[CONF012]")


def test_missing_required_key(cli, write):
    path = write("standalone.toml", 'platform = "myshop"\n')
    line = only_line(validate(cli, path))
    assert "display_name: 缺少必填项 [CONF004]" in line


def test_all_problems_in_one_pass(cli, write):
    path = write(
        "listingkit.toml",
        STORE_HEAD + '[images.main]\nmax_bytes = "2MB"\nmin_sid_px = 3\n[checks]\nIMG999 = "off"\n',
    )
    run = validate(cli, path)
    codes = sorted(line.rsplit("[", 1)[1] for line in run.err_lines)
    assert codes == ["CONF002]", "CONF009]"]  # the unsourced max_bytes is the store's choice


@pytest.mark.parametrize("name", ["taobao", "fixtures/store/listingkit.toml"])
def test_valid_files_pass(cli, name):
    root = Path(__file__).resolve().parents[2]
    target = name if "/" not in name else str(root / name)
    run = cli("rules", "validate", target)
    assert run.status == 0 and "规则有效" in run.out and run.err == ""
