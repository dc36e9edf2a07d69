"""``[naming]``: listingkit's defaults, a store's overrides, and bad values refused by key."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit import RuleFileError, load_rules
from listingkit.ruleset.models import DEFAULT_NAMING_ROLES, NamingSpec

HEAD = 'extends = "taobao"\nstore = "测试店"\n'


def problems_of(write: Callable[..., Path], body: str) -> list[str]:
    path = write("listingkit.toml", HEAD + body)
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    return str(caught.value).splitlines()


def test_defaults_are_listingkit_settings_a_store_overrides() -> None:
    naming = load_rules("taobao").model.naming
    assert naming.separator == "_"
    assert naming.sequence_width == 2
    assert naming.extension_case == "lower"
    assert ".jpg" in naming.extensions
    assert ".dng" in naming.extensions
    assert naming.roles == DEFAULT_NAMING_ROLES
    fields = NamingSpec.model_fields
    for name in ("separator", "sequence_width", "extension_case", "extensions", "item_pattern"):
        assert fields[name].json_schema_extra is None, name  # a setting, never a platform fact
        assert "listingkit 默认值" in (fields[name].description or ""), name
    assert "listingkit 默认值" in (fields["roles"].description or "")


def test_a_store_overrides_keys_and_single_roles(write: Callable[..., Path]) -> None:
    path = write(
        "listingkit.toml",
        HEAD
        + '[naming]\nsequence_width = 3\nextension_case = "upper"\nextensions = [".JPG", ".png"]\n'
        + '[naming.roles]\ndetail = "{item}{sep}细节{sep}{seq}"\nback = "{item}{sep}背{sep}{seq}"\n'
        + 'main_3x4 = ""\n',
    )
    naming = load_rules(path).model.naming
    assert naming.sequence_width == 3
    assert naming.extension_case == "upper"
    assert naming.extensions == [".jpg", ".png"]
    assert naming.roles == {
        "main": "{item}{sep}{seq}",
        "white_background": "{item}{sep}白底{sep}{seq}",
        "detail": "{item}{sep}细节{sep}{seq}",
        "sku": "{item}{sep}{colour}{sep}{seq}",
        "back": "{item}{sep}背{sep}{seq}",
    }


def test_roles_merge_per_role_across_an_extends_chain(write: Callable[..., Path]) -> None:
    write("base.toml", HEAD + '[naming.roles]\ndetail = "{item}{sep}D{sep}{seq}"\n')
    child = write(
        "listingkit.toml",
        'extends = "base.toml"\nstore = "分店"\n[naming.roles]\nmain = "{item}{sep}M{sep}{seq}"\n',
    )
    roles = load_rules(child).model.naming.roles
    assert roles["detail"] == "{item}{sep}D{sep}{seq}"
    assert roles["main"] == "{item}{sep}M{sep}{seq}"
    assert roles["white_background"] == DEFAULT_NAMING_ROLES["white_background"]


def test_old_template_keys_still_load_as_main_and_sku(write: Callable[..., Path]) -> None:
    path = write(
        "listingkit.toml",
        HEAD
        + '[naming]\ntemplate = "{item}-{seq:03d}"\n'
        + 'colour_template = "{item}_{colour}_{seq:02d}"\n',
    )
    roles = load_rules(path).model.naming.roles
    assert roles["main"] == "{item}-{seq:03d}"
    assert roles["sku"] == "{item}_{colour}_{seq:02d}"
    assert roles["detail"] == DEFAULT_NAMING_ROLES["detail"]


def test_an_old_key_that_disagrees_with_its_role_is_refused(write: Callable[..., Path]) -> None:
    lines = problems_of(
        write, '[naming]\ntemplate = "{item}-{seq}"\n[naming.roles]\nmain = "{item}_{seq}"\n'
    )
    assert len(lines) == 1, lines
    assert "template" in lines[0]
    assert "roles.main" in lines[0]


BAD = [
    # (the [naming] body, the key the line names, words the message holds)
    (
        '[naming.roles]\nmain = "{item}{sep}{size}{sep}{seq}"',
        "naming.roles.main",
        "未知的占位符 {size}",
    ),
    ('[naming.roles]\ndetail = "{item}{sep}详情"', "naming.roles.detail", "缺少 {seq}"),
    ('[naming.roles]\ndetail = "详情{sep}{seq}"', "naming.roles.detail", "缺少 {item}"),
    ('[naming.roles]\nsku = "{item}{colour}{sep}{seq}"', "naming.roles.sku", "之间要有分隔符"),
    ('[naming.roles]\nmain = "{item}{sep}{seq:x}"', "naming.roles.main", "{seq:02d}"),
    ('[naming.roles]\nmain = "{item:>10}{sep}{seq}"', "naming.roles.main", "不能带格式"),
    ('[naming.roles]\nmain = "{item}?{seq}"', "naming.roles.main", "Windows 不允许"),
    ('[naming.roles]\n"主 图" = "{item}{sep}{seq}"', "naming.roles", "角色名"),
    ('[naming]\nseparator = "|"', "naming.separator", "Windows 不允许"),
    ('[naming]\nseparator = ":"', "naming.separator", "Windows 不允许"),
    ('[naming]\nseparator = ""', "naming.separator", "不能是空字符串"),
    ('[naming]\nseparator = "0"', "naming.separator", "不能含数字"),
    ('[naming]\nseparator = "-"', "naming", "item_pattern 允许货号里有分隔符"),
    ('[naming]\nitem_pattern = "[A-Z_]+"', "naming", "item_pattern 允许货号里有分隔符"),
    ('[naming]\nitem_pattern = "[A-Z"', "naming.item_pattern", "不是有效的正则表达式"),
    ('[naming]\nitem_pattern = "[A-Z]*"', "naming.item_pattern", "空的货号"),
    ('[naming]\nitem_pattern = "([a-zA-Z0-9]+-?)+"', "naming.item_pattern", "回溯"),
    ('[naming]\nitem_pattern = "(a|aa)+"', "naming.item_pattern", "回溯"),
    ('[naming]\nitem_pattern = "A)(B"', "naming.item_pattern", "不是有效的正则表达式"),
    ('[naming]\nitem_pattern = "(A)\\\\1"', "naming.item_pattern", "反向引用"),
    ('[naming]\nitem_pattern = "(?P<x>A)"', "naming.item_pattern", "命名分组"),
    ('[naming]\nroles = "{item}_{seq}"', "naming.roles", "应为"),
    ("[naming]\nsequence_width = 0", "naming.sequence_width", "1 到 6"),
    ("[naming]\nsequence_width = 7", "naming.sequence_width", "1 到 6"),
    ('[naming]\nsequence_width = "2"', "naming.sequence_width", "整数"),
    ('[naming]\nextension_case = "title"', "naming.extension_case", "lower"),
    ('[naming]\nextensions = ["jpg"]', "naming.extensions.0", ".jpg"),
    ("[naming]\nextensions = []", "naming.extensions", ""),
    ('[naming]\ntemplate = "{item}{seq}"', "naming", "template 模板"),
    ('[naming.roles]\nback = "{item}{sep}详情{sep}{seq}"', "naming", "模板相同"),
    ("[naming]\ntemplate = 5", "naming.template", "字符串"),
]


@pytest.mark.parametrize(("body", "key", "words"), BAD, ids=[case[2] or case[1] for case in BAD])
def test_a_bad_value_is_one_line_naming_file_and_key(
    write: Callable[..., Path], body: str, key: str, words: str
) -> None:
    lines = problems_of(write, body + "\n")
    assert len(lines) == 1, lines
    assert lines[0].startswith("listingkit.toml:"), lines[0]
    assert f" {key}: " in lines[0], lines[0]
    assert words in lines[0], lines[0]
    assert lines[0].endswith("[CONF003]"), lines[0]


def test_rules_validate_reports_a_bad_naming_key_in_a_real_process(tmp_path: Path) -> None:
    store = tmp_path / "listingkit.toml"
    store.write_text(HEAD + '[naming]\nseparator = "/"\n', encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "listingkit", "rules", "validate", str(store)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert "listingkit.toml:4: naming.separator:" in lines[0]
    assert "Traceback" not in run.stderr


def test_anchors_in_item_pattern_are_dropped(write: Callable[..., Path]) -> None:
    path = write("listingkit.toml", HEAD + '[naming]\nitem_pattern = "^[A-Z][A-Z0-9]*$"\n')
    assert load_rules(path).model.naming.item_pattern == "[A-Z][A-Z0-9]*"


@pytest.mark.parametrize("separator", ["_", "-", "x", ".", "~", "--", "_x", "·"])
def test_the_default_pattern_shortcut_agrees_with_probing_it(separator: str) -> None:
    # The default 货号 pattern is vetted without regex (image runs must not import
    # it); the answer must be the one the probe gives for the same pattern.
    from listingkit.ruleset.models import DEFAULT_ITEM_PATTERN, item_pattern_allows

    wrapped = f"(?:{DEFAULT_ITEM_PATTERN})"  # not the default string: probed with regex
    assert item_pattern_allows(DEFAULT_ITEM_PATTERN, separator) == item_pattern_allows(
        wrapped, separator
    )
