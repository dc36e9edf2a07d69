"""SKU030 on real folders of real JPEG and PNG files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from listingkit import check_files, load_rules
from listingkit.errors import RuleFileError
from listingkit.findings import Finding
from listingkit.naming.duplicates import PhotoHash, duplicate_groups
from tests.naming.test_phash import copy_of, product, saved


def sku_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "连衣裙-A001" / "SKU"
    folder.mkdir(parents=True)
    return folder


def duplicates(folder: Path, rules_text: str | None = None) -> list[Finding]:
    if rules_text is None:
        rules = load_rules("taobao")
    else:
        path = folder.parent.parent / "listingkit.toml"
        path.write_text(rules_text, encoding="utf-8")
        rules = load_rules(path)
    report = check_files([folder.parent], rules, select=["SKU030"])
    return [f for f in report.findings if f.code == "SKU030"]


def test_a_resized_recompressed_cropped_copy_is_found(tmp_path: Path) -> None:
    folder = sku_folder(tmp_path)
    saved(product(), folder / "A001_红色_01.png")
    saved(copy_of(product(), 0.5, 0.04), folder / "A001_黑色_01.jpg", quality=40)
    saved(product(turn=25, shift=(-60, 40)), folder / "A001_红色_02.jpg")
    found = duplicates(folder)
    assert len(found) == 1
    finding = found[0]
    assert finding.data["files"] == ["A001_红色_01.png", "A001_黑色_01.jpg"]
    assert "A001_红色_01.png" in finding.message and "A001_黑色_01.jpg" in finding.message
    assert "A001_红色_02.jpg" not in finding.message
    assert finding.hint is not None and "删除" in finding.hint
    assert str(finding.severity) == "warning"
    assert finding.source is not None and "listingkit 默认" in finding.source


def test_shots_of_one_product_from_other_angles_are_not_duplicates(tmp_path: Path) -> None:
    folder = sku_folder(tmp_path)
    saved(product(), folder / "A001_红色_01.jpg")
    saved(product(turn=25, shift=(-60, 40)), folder / "A001_红色_02.jpg")
    saved(product(turn=-30, shift=(50, -30)), folder / "A001_红色_03.jpg")
    saved(product(colour=(25, 25, 25)), folder / "A001_黑色_01.jpg")
    assert duplicates(folder) == []


def test_flat_grey_and_white_pictures_are_not_duplicates(tmp_path: Path) -> None:
    folder = sku_folder(tmp_path)
    saved(Image.new("RGB", (500, 500), (128, 128, 128)), folder / "A001_灰色_01.jpg")
    saved(Image.new("RGB", (500, 500), (255, 255, 255)), folder / "A001_白色_01.jpg")
    saved(Image.new("RGB", (300, 300), (255, 255, 255)), folder / "A001_白色_02.png")
    assert duplicates(folder) == []


def test_an_undecodable_file_is_left_to_file003(tmp_path: Path) -> None:
    folder = sku_folder(tmp_path)
    saved(product(), folder / "A001_红色_01.jpg")
    (folder / "A001_红色_02.jpg").write_text("not a picture", encoding="utf-8")
    good = saved(product(), tmp_path / "whole.jpg")
    (folder / "A001_红色_03.jpg").write_bytes(good.read_bytes()[:400])
    report = check_files([folder.parent], load_rules("taobao"), select=["SKU030", "FILE003"])
    assert [f.code for f in report.findings if f.code == "SKU030"] == []
    unreadable = {Path(f.location.path).name for f in report.findings if f.code == "FILE003"}
    assert unreadable == {"A001_红色_02.jpg", "A001_红色_03.jpg"}


def test_three_copies_are_one_finding(tmp_path: Path) -> None:
    folder = sku_folder(tmp_path)
    saved(product(), folder / "A001_红色_01.jpg")
    saved(copy_of(product(), 2.0, 0.02), folder / "A001_红色_02.png")
    saved(copy_of(product(), 0.75, 0.0), folder / "A001_黑色_01.jpg", quality=30)
    found = duplicates(folder)
    assert len(found) == 1
    assert found[0].data["files"] == ["A001_红色_01.jpg", "A001_红色_02.png", "A001_黑色_01.jpg"]
    assert "3 个文件" in found[0].message


def test_the_store_sets_the_distance(tmp_path: Path) -> None:
    folder = sku_folder(tmp_path)
    saved(product(), folder / "A001_红色_01.jpg")
    saved(product(turn=25, shift=(-60, 40)), folder / "A001_红色_02.jpg")
    assert duplicates(folder) == []
    loose = duplicates(folder, 'extends = "taobao"\n[naming]\nduplicate_distance = 32\n')
    assert len(loose) == 1
    assert loose[0].source is not None and "本店设定" in loose[0].source
    assert loose[0].data["limit"] == 32


@pytest.mark.parametrize("value", ["99", '"8"', "-1"])
def test_a_bad_distance_names_the_key(tmp_path: Path, value: str) -> None:
    path = tmp_path / "listingkit.toml"
    path.write_text(f'extends = "taobao"\n[naming]\nduplicate_distance = {value}\n', "utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    assert "duplicate_distance" in str(caught.value)


def test_groups_join_through_a_common_picture() -> None:
    photos = [
        PhotoHash(Path("a.jpg"), "a.jpg", 0b0000),
        PhotoHash(Path("b.jpg"), "b.jpg", 0b0011),
        PhotoHash(Path("c.jpg"), "c.jpg", 0b1111),
        PhotoHash(Path("d.jpg"), "d.jpg", None),
        PhotoHash(Path("e.jpg"), "e.jpg", 0b0000 | 1 << 40 | 1 << 41 | 1 << 42),
    ]
    groups = duplicate_groups(photos, 2)
    assert [[p.display for p in g] for g in groups] == [["a.jpg", "b.jpg", "c.jpg"]]


def test_check_reports_duplicates_from_the_command_line(tmp_path: Path) -> None:
    folder = sku_folder(tmp_path)
    saved(product(), folder / "A001_红色_01.jpg")
    saved(copy_of(product(), 0.6, 0.03), folder / "A001_红色_02.png")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "listingkit", "check", str(folder.parent)),
            *("--platform", "taobao", "--select", "SKU030", "--format", "json", "--exit-zero"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [f["code"] for f in findings] == ["SKU030"]
    assert findings[0]["data"]["files"] == ["A001_红色_01.jpg", "A001_红色_02.png"]
