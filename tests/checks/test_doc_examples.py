"""The ``Okay:`` and ``TITLEnnn:`` lines in each title check's docs are run (pycodestyle).

A line may start with its setting in Chinese, as the docs show it:
``（在抖音电商的规则下）``, ``（在 min_units = 20 的规则下）`` or ``（产品词为 连衣裙）``.
``\\t`` and ``\\uXXXX`` stand for the character they name.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from listingkit import load_rules
from listingkit.registry import all_checks
from listingkit.title.lint import lint_title
from tests.checks.test_cases import store_file

_SETTING = re.compile(r"^（在(?P<rules>.+?)的规则下）")
_PRODUCT = re.compile(r"^（产品词为 (?P<product>.+?)）")
_ESCAPE = re.compile(r"\\t|\\u([0-9a-fA-F]{4})")


def _examples() -> list[tuple[str, str, str]]:
    found = []
    for spec in all_checks():
        if spec.subject != "title":
            continue
        section = spec.doc.split("## 示例", 1)[1]
        for line in section.strip().splitlines():
            label, _, text = line.strip().partition(": ")
            if label in ("Okay", spec.code):
                found.append((spec.code, label, text))
    return found


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else "\t", text)


def _rules_for(setting: str | None, tmp_path: Path):
    if setting is None:
        return load_rules("taobao")
    names = {load_rules(n).display_name: n for n in ("douyin", "jd", "pdd", "tmall", "1688")}
    if setting.strip() in names:
        return load_rules(names[setting.strip()])
    key, _, value = setting.strip().partition(" = ")
    return load_rules(
        store_file(tmp_path, {"title_rules": {key: tomllib.loads(f"v = {value}")["v"]}})
    )


EXAMPLES = _examples()


@pytest.mark.parametrize(
    ("code", "label", "text"), EXAMPLES, ids=[f"{c}-{label}" for c, label, _ in EXAMPLES]
)
def test_doc_example(code: str, label: str, text: str, tmp_path: Path) -> None:
    setting = _SETTING.match(text)
    rules_setting = setting["rules"] if setting else None
    text = text[setting.end() :] if setting else text
    product = _PRODUCT.match(text)
    products = (product["product"],) if product else ()
    text = _unescape(text[product.end() :] if product else text)
    findings = lint_title(text, _rules_for(rules_setting, tmp_path), products=products)
    codes = {f.code for f in findings}
    where = f"the ## 示例 section of {code} in src/listingkit/title/checks.py"
    if label == "Okay":
        assert code not in codes, f"“Okay: {text}” in {where} is flagged: {findings}"
    else:
        assert code in codes, f"“{code}: {text}” in {where} is not flagged: {findings}"


def test_every_title_check_has_both_kinds_of_example() -> None:
    examples = EXAMPLES
    for spec in all_checks():
        if spec.subject == "title":
            labels = {label for code, label, _ in examples if code == spec.code}
            assert labels == {"Okay", spec.code}, (
                f"{spec.code}: its ## 示例 section needs an “Okay: …” line and a"
                f" “{spec.code}: …” line (found {sorted(labels)})"
            )
