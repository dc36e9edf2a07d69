"""Every help text and every argparse message of ``listingkit`` is in Chinese."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from listingkit.cli import build_parser

# argparse's own words, as it prints them when nothing translates them.
ENGLISH = re.compile(
    r"usage:|positional arguments|options:|optional arguments|show this help|"
    r"show program's version|the following arguments are required|invalid choice|"
    r"expected one argument|unrecognized arguments|error:|invalid int value"
)

COMMANDS = [
    [],
    ["check"],
    ["images"],
    ["titles"],
    ["lint-titles"],
    ["rules"],
    ["rules", "list"],
    ["rules", "show"],
    ["rules", "validate"],
    ["rules", "schema"],
    ["explain"],
]


def _listingkit(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *argv], capture_output=True, text=True, timeout=60
    )


def _option_lines_without_help(text: str) -> list[str]:
    """Lines naming an option or argument whose description is missing.

    argparse puts a description after two spaces on the same line, or on the
    next line further indented when the name is long.
    """
    lines = text.splitlines()
    missing = []
    for i, line in enumerate(lines):
        if not re.match(r"^  \S", line):
            continue  # a heading, a description, or the usage lines
        if re.match(r"^  \S.*?\S {2,}\S", line):
            continue  # name and description on one line
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not re.match(r"^ {4,}\S", following):
            missing.append(line)
    return missing


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv) or "listingkit")
def test_help_is_chinese_and_every_option_is_described(argv: list[str]) -> None:
    run = _listingkit(*argv, "--help")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("用法：listingkit")
    assert "显示本帮助并退出" in run.stdout
    assert not ENGLISH.search(run.stdout), run.stdout
    assert _option_lines_without_help(run.stdout) == [], run.stdout


def test_rules_list_and_show_describe_their_options() -> None:
    listing = _listingkit("rules", "list", "--help").stdout
    assert re.search(r"--format \{text,json\}\s+输出格式", listing)
    show = _listingkit("rules", "show", "--help").stdout
    for option in ("--platform NAME", "--rules FILE", "--format {text,json}"):
        assert re.search(re.escape(option) + r"\s+\S", show), option


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["check"], "缺少必需的参数：PATH"),
        (["check", ".", "--format", "xml"], "参数 --format：无效的选项值：'xml'"),
        (["frobnicate"], "无效的选项值：'frobnicate'"),
        (["check", ".", "--timeout"], "参数 --timeout：需要一个值"),
        (["rules", "list", "--extra"], "无法识别的参数：--extra"),
        (["titles", "表.xlsx", "-n", "x"], "参数 -n：不是整数：x"),
    ],
)
def test_argument_errors_are_one_chinese_line(argv: list[str], said: str) -> None:
    run = _listingkit(*argv)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1, run.stderr
    assert said in run.stderr and "用 --help 查看用法" in run.stderr
    assert not ENGLISH.search(run.stderr), run.stderr


def test_argparse_stays_english_for_other_programs() -> None:
    """The translation is in force only while listingkit's own parser speaks."""
    build_parser().format_help()
    other = argparse.ArgumentParser(prog="other")
    assert "show this help message and exit" in other.format_help()
    assert other.format_usage().startswith("usage: other")
