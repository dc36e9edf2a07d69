"""SKU0xx: the doc examples of each check, run on real photo files, and what each says.

An example line of a check's ``## 示例`` section names the files of one folder
(separated by spaces), optionally after the product sheet it assumes:
``（商品表：A001 红色、黑色）A001_红色_01.jpg``.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from PIL import Image

from listingkit import check_files, check_names, load_rules
from listingkit.engine import active_checks
from listingkit.family import Found, RunOptions
from listingkit.naming.family import SkuPipeline
from listingkit.registry import Selection, all_checks
from listingkit.subjects import file_subject

SKU_CODES = ("SKU001", "SKU002", "SKU003", "SKU004", "SKU010", "SKU011")
_SHEET = re.compile(r"^（商品表：(?P<item>\S+) (?P<colours>[^）]+)）")


def photo(path: Path, seed: int = 0) -> Path:
    """A real small JPEG of its own picture (noise from ``seed``: never a copy of another)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    noise = random.Random(seed).randbytes(32 * 32 * 3)
    Image.frombytes("RGB", (32, 32), noise).resize((96, 96)).save(path, "JPEG")
    return path


def product_sheet(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["货号,颜色", *(f"{item},{colour}" for item, colour in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _examples() -> list[tuple[str, str, str]]:
    found = []
    for spec in all_checks():
        if spec.code in SKU_CODES:
            section = spec.doc.split("## 示例", 1)[1]
            for line in section.strip().splitlines():
                label, _, text = line.strip().partition(": ")
                if label in ("Okay", spec.code):
                    found.append((spec.code, label, text))
    return found


EXAMPLES = _examples()


@pytest.mark.parametrize(
    ("code", "label", "text"),
    EXAMPLES,
    ids=[f"{code}-{label}-{n}" for n, (code, label, _) in enumerate(EXAMPLES)],
)
def test_doc_example(code: str, label: str, text: str, tmp_path: Path) -> None:
    sheet = None
    setting = _SHEET.match(text)
    if setting:
        colours = setting["colours"].split("、")
        sheet = product_sheet(tmp_path / "商品表.csv", [(setting["item"], c) for c in colours])
        text = text[setting.end() :]
    folder = tmp_path / "商品"
    for seed, name in enumerate(text.split()):
        photo(folder / name, seed)
    report = check_names([folder], rules=load_rules("taobao"), sheet=sheet, select=[code])
    codes = {f.code for f in report.findings}
    where = f"the ## 示例 section of {code} in src/listingkit/naming/checks.py"
    if label == "Okay":
        assert code not in codes, f"“Okay: {text}” in {where} is flagged: {report.findings}"
    else:
        assert code in codes, f"“{code}: {text}” in {where} is not flagged: {report.findings}"


def test_every_sku_check_has_both_kinds_of_example() -> None:
    for code in SKU_CODES:
        labels = {label for c, label, _ in EXAMPLES if c == code}
        assert labels == {"Okay", code}, f"{code}: needs an Okay: line and a {code}: line"


def test_sku001_names_the_part_that_fails(tmp_path: Path) -> None:
    photo(tmp_path / "A001_红色_1.jpg")
    photo(tmp_path / "A001_红色_02.gif", 1)
    report = check_names([tmp_path], rules=load_rules("taobao"), select=["SKU001"])
    assert [f.location.path.rsplit("/", 1)[1] for f in report.findings] == ["A001_红色_1.jpg"]
    (finding,) = report.findings
    assert finding.data["part"] == "seq"
    assert "（序号）" in finding.message and "A001_红色_1.jpg" in finding.message
    assert "listingkit rename" in (finding.hint or "")


def test_sku002_and_sku003_against_the_sheet(tmp_path: Path) -> None:
    sheet = product_sheet(
        tmp_path / "商品表.csv", [("A001", "红色"), ("A001", "黑色"), ("B002", "")]
    )
    folder = tmp_path / "连衣裙-A001"
    photo(folder / "A001_红色_01.jpg")
    photo(folder / "A001_白色_01.jpg", 1)
    photo(folder / "C003_01.jpg", 2)
    report = check_names([folder], rules=load_rules("taobao"), sheet=sheet, select=["SKU00"])
    found = sorted((f.code, f.location.path.rsplit("/", 1)[1], f.message) for f in report.findings)
    assert [(code, where) for code, where, _ in found] == [
        ("SKU002", "A001_白色_01.jpg"),  # 白色 is not a colour of A001
        ("SKU002", "C003_01.jpg"),  # C003 is not in the sheet
        ("SKU003", "连衣裙-A001"),  # no photo for 黑色
    ]
    assert "第 3 行" in found[2][2] and "黑色" in found[2][2]
    # B002 has no photo, but this folder is not B002's: not reported here
    assert not any("B002" in message for _, _, message in found)


def test_without_a_sheet_sku002_and_sku003_do_not_run(tmp_path: Path) -> None:
    photo(tmp_path / "Z999_红色_01.jpg")
    report = check_names([tmp_path], rules=load_rules("taobao"))
    assert {f.code for f in report.findings} == set()


def test_check_reads_the_sheet_named_in_the_rule_file(tmp_path: Path) -> None:
    product_sheet(tmp_path / "商品表.csv", [("A001", "红色"), ("A001", "黑色")])
    rules_file = tmp_path / "listingkit.toml"
    rules_file.write_text(
        'extends = "taobao"\n[naming]\nproducts = "商品表.csv"\n', encoding="utf-8"
    )
    product = tmp_path / "连衣裙-A001"
    photo(product / "SKU" / "A001_红色_01.jpg")
    photo(product / "SKU" / "IMG_4711.JPG", 1)
    photo(
        product / "主图" / "01.jpg", 2
    )  # a main image, placed by its folder: not named by the rule
    report = check_files([product], load_rules(rules_file), select=["SKU"])
    found = sorted((f.code, f.location.path.split("连衣裙-A001/")[1]) for f in report.findings)
    assert found == [("SKU001", "SKU/IMG_4711.JPG"), ("SKU003", "SKU")]


def test_photos_are_decoded_only_for_sku030(tmp_path: Path) -> None:
    rules = load_rules("taobao")
    path = photo(tmp_path / "SKU" / "A001_红色_01.jpg")
    found = Found((file_subject(path, path.as_posix()),))
    for selection, hashed in ((Selection(("SKU",)), True), (Selection(ignore=("SKU030",)), False)):
        pipeline = SkuPipeline(rules, selection, RunOptions())
        (job,) = pipeline.take(found)
        assert (job.task is not None) is hashed
        assert bool(active_checks("sku_folder", rules, selection))


def test_sheet_problem_is_one_finding_at_its_row(tmp_path: Path) -> None:
    sheet = product_sheet(tmp_path / "商品表.csv", [("A001", "红色"), ("../../etc", "黑色")])
    photo(tmp_path / "商品" / "A001_红色_01.jpg")
    report = check_names([tmp_path / "商品"], rules=load_rules("taobao"), sheet=sheet)
    (finding,) = report.findings
    assert finding.code == "SKU002"
    assert finding.location.row == 3 and finding.location.column == "A"
    assert "第 3 行" in finding.message and "../../etc" in finding.message
