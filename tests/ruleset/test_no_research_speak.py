"""What an operator reads never speaks of how the rules were researched.

Rule files may explain their choices in TOML comments; every string value in
``rules/`` (source titles and places, notes, reasons, word lists) and every
finding message, hint and citation is text an operator reads, so it names a
repository, a file or a page, never an internal index number or the project's
own research process.
"""

from __future__ import annotations

import json
import random
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from listingkit import Finding, check_files, load_rules
from listingkit.ruleset import builtin_names
from listingkit.title.lint import lint_title
from tests.test_project import _readme_commands

ROOT = Path(__file__).resolve().parent.parent.parent
RULES = ROOT / "rules"

#: Words about the research, not about the listing.
RESEARCH_SPEAK = re.compile(
    r"code[- ]?index|本项目(?:的)?研究|研究中|研究笔记|未取回|样本.{0,20}标题里|团队编写",
    re.IGNORECASE,
)


def strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string in parsed TOML data, with its dotted key."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from strings(inner, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from strings(inner, f"{where}[{index}]")


def speaks_of_research(text: str) -> str | None:
    match = RESEARCH_SPEAK.search(text)
    return match[0] if match else None


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("code-index 54559187254", True),
        ("Code index id 7910065702", True),
        ("条文未在本项目研究中取回原文", True),
        ("样本 JD 标题里一次也没有出现", True),
        ("GitHub bububa/opentaobao model/tbitem/Item.go", False),
        ("广告法第九条：不得使用“最高级”“最佳”等用语", False),
    ],
)
def test_the_scan_tells_research_speak_from_sources(text: str, flagged: bool) -> None:
    assert (speaks_of_research(text) is not None) is flagged


@pytest.mark.parametrize(
    "path", sorted(RULES.rglob("*.toml")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_string_in_a_rule_file_speaks_of_research(path: Path) -> None:
    with path.open("rb") as handle:
        data = tomllib.load(handle)  # comments are not values: they may explain
    found = [f"{key} = {text!r}" for key, text in strings(data, "") if speaks_of_research(text)]
    assert not found, f"{path.relative_to(ROOT)}: {found}"


def finding_texts(findings: list[Finding]) -> list[str]:
    return [text for f in findings for text in (f.message, f.hint, f.source) if text]


def research_in(texts: list[str]) -> list[str]:
    return [text for text in texts if speaks_of_research(text)]


def test_the_demo_findings_do_not_speak_of_research() -> None:
    install_and_run, _ = _readme_commands()
    command = shlex.split(install_and_run.split("&&", 1)[1])
    if "-o" in command:  # the report to standard output, not the README's report file
        at = command.index("-o")
        del command[at : at + 2]
    run = subprocess.run(
        [sys.executable, "-m", "listingkit", *command[1:], "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    findings = json.loads(run.stdout)["findings"]
    assert findings, run.stderr
    texts = [f.get(k) or "" for f in findings for k in ("message", "hint", "source")]
    assert not research_in(texts)


TITLES = (
    "全网最低价秒杀第一品牌夏季纯棉短袖T恤男宽松圆领半袖上衣潮流百搭学生休闲打底衫韩版春装",
    "国家级顶级极品纯棉T恤\t男款 100%有效 根治",
    "T恤",
)


@pytest.mark.parametrize("platform", builtin_names())
def test_title_findings_do_not_speak_of_research(platform: str) -> None:
    rules = load_rules(platform)
    findings = [f for title in TITLES for f in lint_title(title, rules)]
    assert findings, f"{platform}: the sample titles should draw findings"
    assert not research_in(finding_texts(findings))


def _noise(path: Path, size: tuple[int, int], grey: bool = False) -> None:
    width, height = size
    if grey:
        Image.new("RGB", size, (200, 200, 200)).save(path, "JPEG")
        return
    noise = random.Random(7).randbytes(width * height * 3)
    Image.frombytes("RGB", size, noise).save(path, "JPEG", quality=98)


@pytest.mark.parametrize("platform", builtin_names())
def test_image_findings_do_not_speak_of_research(platform: str, tmp_path: Path) -> None:
    product = tmp_path / "商品A"
    for folder in ("主图", "白底", "详情"):
        (product / folder).mkdir(parents=True)
    _noise(product / "主图" / "01.jpg", (1500, 1500))  # a few MB of noise: too heavy
    _noise(product / "白底" / "01.jpg", (800, 800), grey=True)  # not white
    _noise(product / "详情" / "01.jpg", (200, 3000))  # narrow and tall
    findings = check_files([product], load_rules(platform)).findings
    assert findings, f"{platform}: the sample images should draw findings"
    assert not research_in(finding_texts(list(findings)))
