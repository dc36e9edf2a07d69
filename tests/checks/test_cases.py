"""Run every data case under tests/cases against the real checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from listingkit import check_files, load_rules
from tests.checks.cases import Case, load_cases


def _store_file(folder: Path, checks: dict[str, str]) -> Path:
    lines = ['extends = "taobao"', "[checks]", *(f'{k} = "{v}"' for k, v in checks.items())]
    path = folder / "listingkit.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _make_files(root: Path, specs: list[dict[str, str]]) -> None:
    for spec in specs:
        path = root / spec["name"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if "link_to" in spec:
            os.symlink(root / spec["link_to"], path)
        else:
            path.write_text(spec.get("content", ""), encoding="utf-8")


@pytest.mark.parametrize("case", load_cases(), ids=lambda c: c.id)
def test_case(case: Case, tmp_path: Path) -> None:
    product = tmp_path / "商品"
    product.mkdir()
    _make_files(product, case.data.get("files", []))
    rules = load_rules(_store_file(tmp_path, case.data.get("checks", {})))
    report = check_files([product], rules)
    got = [f.code for f in report.findings]
    assert got == case.expect, [f.message for f in report.findings]
    if "severity" in case.data:
        assert {str(f.severity) for f in report.findings} == {case.data["severity"]}
