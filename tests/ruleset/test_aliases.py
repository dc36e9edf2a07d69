"""Platforms by the names operators use (淘宝, 抖店 …), and a platform name never reads a folder."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit.errors import RuleFileError, UsageError
from listingkit.ruleset import load_rules
from listingkit.ruleset.builtin import alias_conflicts, builtin_aliases, builtin_names
from tests.conftest import Run

ALIASES = {
    "淘宝": "taobao",
    "天猫": "tmall",
    "京东": "jd",
    "拼多多": "pdd",
    "抖音": "douyin",
    "抖店": "douyin",
    "快手": "kuaishou",
    "1688": "1688",
}


def _listingkit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("alias", "platform"), ALIASES.items())
def test_an_alias_loads_its_platform(alias: str, platform: str) -> None:
    assert load_rules(alias).platform == platform


@pytest.mark.parametrize(("alias", "platform"), [("淘宝", "taobao"), ("抖店", "douyin")])
def test_platform_option_and_rules_show_take_an_alias(
    cli: Callable[..., Run], alias: str, platform: str
) -> None:
    run = cli("lint-titles", "--platform", alias, "--text", "全网最佳纯棉T恤")
    assert run.status != 2 and "TITLE010" in run.out, run.err
    shown = json.loads(cli("rules", "show", alias, "--format", "json").out)
    assert shown["platform"] == platform
    shown = json.loads(cli("rules", "show", "--platform", alias, "--format", "json").out)
    assert shown["platform"] == platform


def test_aliases_are_unique_and_listed(cli: Callable[..., Run]) -> None:
    seen: dict[str, str] = {}
    for platform, aliases in builtin_aliases().items():
        assert aliases, f"{platform} lists no aliases"
        for alias in aliases:
            assert alias not in seen and alias not in builtin_names(), alias
            seen[alias] = platform
    rows = json.loads(cli("rules", "list", "--format", "json").out)
    assert {row["platform"]: row["aliases"] for row in rows}["douyin"] == [
        "抖音",
        "抖店",
        "抖音电商",
    ]
    text = cli("rules", "list").out
    assert "别名 淘宝" in text and "别名 抖音、抖店" in text


def test_extends_takes_an_alias(write: Callable[..., Path]) -> None:
    write("listingkit.toml", 'extends = "淘宝"\nstore = "测试店"\n')
    rules = load_rules("listingkit.toml")
    assert rules.platform == "taobao" and rules.files[0] == "rules/taobao.toml"


def test_a_rule_file_may_not_take_another_platforms_alias(write: Callable[..., Path]) -> None:
    assert alias_conflicts("mine", ["京东"]) == [("京东", "jd")]
    write(
        "mine.toml",
        'platform = "mine"\ndisplay_name = "我的平台"\naliases = ["京东"]\n',
    )
    with pytest.raises(RuleFileError) as caught:
        load_rules("mine.toml")
    assert "mine.toml:3: aliases: 别名 “京东” 已是平台 jd 的名字" in str(caught.value)


def test_a_folder_named_like_the_platform_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "taobao").mkdir()  # a shop's folder, as shops often name them
    (tmp_path / "淘宝").mkdir()
    run = _listingkit(tmp_path, "lint-titles", "--platform", "taobao", "--text", "全网最佳纯棉T恤")
    assert run.returncode != 2 and "TITLE010" in run.stdout, run.stderr
    assert "CONF010" not in run.stdout + run.stderr
    run = _listingkit(tmp_path, "rules", "show", "淘宝", "--format", "json")
    assert run.returncode == 0 and json.loads(run.stdout)["platform"] == "taobao", run.stderr
    run = _listingkit(tmp_path, "rules", "show", "taobao")
    assert run.returncode == 0 and run.stdout.startswith("淘宝（taobao）"), run.stderr


def test_a_platform_name_takes_a_path_only_when_it_ends_in_toml(
    write: Callable[..., Path], tmp_path: Path
) -> None:
    write("shop/listingkit.toml", 'extends = "taobao"\nstore = "测试店"\n')
    assert load_rules("shop/listingkit.toml").model.store == "测试店"
    assert load_rules(tmp_path / "shop" / "listingkit.toml").model.store == "测试店"
    with pytest.raises(UsageError, match=r"未知的平台 “shop”.*请用 --rules 指定"):
        load_rules("shop")
    with pytest.raises(UsageError, match=r"规则文件 nope\.toml 不存在"):
        load_rules("nope.toml")
