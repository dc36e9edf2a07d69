"""Rename plans from folders, mapping sheets and shooting times: data, nothing moved."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from listingkit import load_rules
from listingkit.errors import SheetError, UsageError
from listingkit.naming.plan import PlanError, natural_key, plan_renames

RULES = load_rules("taobao")


def touch(path: Path, text: str = "photo") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def sheet(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    page = book.active
    assert page is not None
    page.append(["改名对照表"])  # a title line above the header
    for row in rows:
        page.append(row)
    book.save(path)
    return path


def shot(path: Path, when: str | None) -> None:
    exif = Image.Exif()
    if when:
        exif.get_ifd(0x8769)[0x9003] = when
    Image.new("RGB", (8, 8), "white").save(path, exif=exif)


def test_natural_order() -> None:
    names = ["IMG_10.jpg", "img_2.jpg", "IMG_1.jpg", "a.jpg", "7.jpg"]
    expected = ["7.jpg", "a.jpg", "IMG_1.jpg", "img_2.jpg", "IMG_10.jpg"]
    assert sorted(names, key=natural_key) == expected


def test_folder_per_item_numbered_in_natural_order(tmp_path: Path) -> None:
    for name in ("IMG_10.JPG", "IMG_2.jpg", "IMG_1.jpeg"):
        touch(tmp_path / "A1023" / name)
    touch(tmp_path / "B-7" / "z.png")
    touch(tmp_path / "B-7" / "说明.txt")
    touch(tmp_path / "loose.jpg")  # not in a 货号 folder: left alone
    before = listing(tmp_path)
    plan = plan_renames(tmp_path, rules=RULES)
    assert [(s.old, s.new) for s in plan.steps] == [
        ("A1023/IMG_1.jpeg", "A1023/A1023_01.jpeg"),
        ("A1023/IMG_2.jpg", "A1023/A1023_02.jpg"),
        ("A1023/IMG_10.JPG", "A1023/A1023_03.jpg"),
        ("B-7/z.png", "B-7/B-7_01.png"),
    ]
    assert plan.conflicts == []
    assert plan.skipped == [("B-7/说明.txt", "扩展名不在 [naming] extensions 里")]
    assert listing(tmp_path) == before  # a plan changes nothing
    text = plan.to_text()
    assert "A1023/IMG_10.JPG" in text and "→" in text and "4 个文件要改名" in text
    assert plan.rows()[0] == {
        "old": "A1023/IMG_1.jpeg",
        "new": "A1023/A1023_01.jpeg",
        "item": "A1023",
        "seq": 1,
        "role": "main",
        "colour": None,
        "row": None,
    }


def test_files_named_right_have_no_step(tmp_path: Path) -> None:
    touch(tmp_path / "A1" / "A1_01.jpg")
    touch(tmp_path / "A1" / "A1_02.jpg")
    plan = plan_renames(tmp_path, rules=RULES)
    assert plan.steps == [] and plan.unchanged == 2


def test_renumbering_onto_taken_names_is_planned_without_conflict(tmp_path: Path) -> None:
    touch(tmp_path / "A1" / "A1_02.jpg", "third")
    touch(tmp_path / "A1" / "A1_01.jpg", "second")
    touch(tmp_path / "A1" / "0.jpg", "first")
    plan = plan_renames(tmp_path, rules=RULES)
    assert [(s.old, s.new) for s in plan.steps] == [
        ("A1/0.jpg", "A1/A1_01.jpg"),
        ("A1/A1_01.jpg", "A1/A1_02.jpg"),
        ("A1/A1_02.jpg", "A1/A1_03.jpg"),
    ]
    assert plan.conflicts == []
    plan.apply()
    named = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "A1").iterdir()}
    assert named == {"A1_01.jpg": "first", "A1_02.jpg": "second", "A1_03.jpg": "third"}


def test_role_with_colour_reads_colour_folders(tmp_path: Path) -> None:
    touch(tmp_path / "A1" / "红色" / "b.jpg")
    touch(tmp_path / "A1" / "红色" / "a.jpg")
    touch(tmp_path / "A1" / "黑色" / "c.jpg")
    plan = plan_renames(tmp_path, rules=RULES, role="sku")
    assert sorted(s.new for s in plan.steps) == [
        "A1/红色/A1_红色_01.jpg",
        "A1/红色/A1_红色_02.jpg",
        "A1/黑色/A1_黑色_01.jpg",
    ]


@pytest.mark.parametrize(
    ("folder", "said"), [("CON", "设备名"), ("A_1", "分隔符"), (" A1", "空格"), ("A1.", "点")]
)
def test_item_folder_that_cannot_be_written_refuses_the_plan(
    tmp_path: Path, folder: str, said: str
) -> None:
    touch(tmp_path / "ok" / "1.jpg")
    touch(tmp_path / folder / "1.jpg")
    with pytest.raises(PlanError) as caught:
        plan_renames(tmp_path, rules=RULES)
    assert f"文件夹 {folder}" in str(caught.value) and said in str(caught.value)


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside / "secret.jpg")
    photos = tmp_path / "photos"
    touch(photos / "A1" / "1.jpg")
    (photos / "A1" / "2.jpg").symlink_to(outside / "secret.jpg")
    (photos / "B2").symlink_to(outside, target_is_directory=True)
    plan = plan_renames(photos, rules=RULES)
    assert [(s.old, s.new) for s in plan.steps] == [("A1/1.jpg", "A1/A1_01.jpg")]
    assert ("A1/2.jpg", "符号链接，不跟随") in plan.skipped


def test_existing_target_is_a_conflict_in_the_plan(tmp_path: Path) -> None:
    touch(tmp_path / "A1" / "x.jpg")
    touch(tmp_path / "A1" / "A1_01.JPG")  # the grammar writes .jpg: this one is renamed too
    touch(tmp_path / "A1" / "A1_02.jpg", "kept but in the way")
    touch(tmp_path / "A1" / "readme.md")
    plan = plan_renames(tmp_path, rules=RULES)
    assert [(s.old, s.new) for s in plan.steps] == [
        ("A1/A1_01.JPG", "A1/A1_01.jpg"),
        ("A1/x.jpg", "A1/A1_03.jpg"),
    ]
    assert plan.unchanged == 1


def test_sheet_maps_old_names_numbered_in_row_order(tmp_path: Path) -> None:
    for name in ("DSC1.jpg", "DSC2.jpg", "DSC3.jpg", "DSC4.jpg"):
        touch(tmp_path / name)
    table = sheet(
        tmp_path.parent / f"{tmp_path.name}-对照表.xlsx",
        [
            ["原文件名", "货号", "颜色"],
            ["DSC3.jpg", "A1", "红色"],
            ["DSC1.jpg", "A1", "红色"],
            ["DSC2.jpg", "A1", "黑色"],
            ["DSC4.jpg", "B2", "红色"],
        ],
    )
    plan = plan_renames(tmp_path, rules=RULES, by="sheet", sheet=table, role="sku")
    assert [(s.old, s.new, s.row) for s in plan.steps] == [
        ("DSC3.jpg", "A1_红色_01.jpg", 3),
        ("DSC1.jpg", "A1_红色_02.jpg", 4),
        ("DSC2.jpg", "A1_黑色_01.jpg", 5),
        ("DSC4.jpg", "B2_红色_01.jpg", 6),
    ]
    main = plan_renames(tmp_path, rules=RULES, by="sheet", sheet=table)
    assert [s.new for s in main.steps] == ["A1_01.jpg", "A1_02.jpg", "A1_03.jpg", "B2_01.jpg"]


@pytest.mark.parametrize(
    ("old", "item", "said"),
    [
        ("a.jpg", "..", "第 3 行"),
        ("a.jpg", "x/y", "第 3 行"),
        ("../a.jpg", "A1", "不在文件夹之内"),
        ("/etc/a.jpg", "A1", "不在文件夹之内"),
    ],
)
def test_sheet_rows_that_escape_refuse_the_plan(
    tmp_path: Path, old: str, item: str, said: str
) -> None:
    touch(tmp_path / "photos" / "a.jpg")
    table = sheet(tmp_path / "map.xlsx", [["文件名", "货号"], [old, item]])
    with pytest.raises(PlanError) as caught:
        plan_renames(tmp_path / "photos", rules=RULES, by="sheet", sheet=table)
    assert said in str(caught.value) and "map.xlsx" in str(caught.value)


def test_sheet_row_for_a_missing_file_is_a_conflict(tmp_path: Path) -> None:
    touch(tmp_path / "photos" / "a.jpg")
    table = sheet(
        tmp_path / "map.xlsx", [["原文件名", "货号"], ["a.jpg", "A1"], ["gone.jpg", "A1"]]
    )
    plan = plan_renames(tmp_path / "photos", rules=RULES, by="sheet", sheet=table)
    assert [c.kind for c in plan.conflicts] == ["missing"]
    assert "第 4 行" in plan.conflicts[0].message and "gone.jpg" in plan.conflicts[0].message


def test_sheet_without_the_columns_says_which(tmp_path: Path) -> None:
    table = sheet(tmp_path / "map.xlsx", [["图片", "款"], ["a.jpg", "A1"]])
    (tmp_path / "p").mkdir()
    with pytest.raises(SheetError, match="没有原文件名、货号列"):
        plan_renames(tmp_path / "p", rules=RULES, by="sheet", sheet=table)
    plan = plan_renames(
        tmp_path / "p", rules=RULES, by="sheet", sheet=table, columns={"file": "图片", "item": "款"}
    )
    assert [c.kind for c in plan.conflicts] == ["missing"]


def test_exif_orders_by_shooting_time_then_name(tmp_path: Path) -> None:
    shot(tmp_path / "c.jpg", "2024:05:01 09:00:00")
    shot(tmp_path / "a.jpg", "2024:05:01 11:00:00")
    shot(tmp_path / "b.jpg", None)  # no date: after the dated ones
    shot(tmp_path / "d.jpg", "2024:05:01 10:00:00")
    plan = plan_renames(tmp_path, rules=RULES, by="exif", item="A1023")
    assert [(s.old, s.new) for s in plan.steps] == [
        ("c.jpg", "A1023_01.jpg"),
        ("d.jpg", "A1023_02.jpg"),
        ("a.jpg", "A1023_03.jpg"),
        ("b.jpg", "A1023_04.jpg"),
    ]


def test_exif_needs_an_item_and_a_safe_one(tmp_path: Path) -> None:
    shot(tmp_path / "a.jpg", None)
    with pytest.raises(UsageError, match="--item"):
        plan_renames(tmp_path, rules=RULES, by="exif")
    with pytest.raises(PlanError, match=r"\.\."):
        plan_renames(tmp_path, rules=RULES, by="exif", item="..")


def test_unknown_role_and_source(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="没有角色"):
        plan_renames(tmp_path, rules=RULES, role="banner")
    with pytest.raises(UsageError, match="改名依据"):
        plan_renames(tmp_path, rules=RULES, by="date")


def test_plan_then_apply(tmp_path: Path) -> None:
    touch(tmp_path / "A1" / "2.jpg", "two")
    touch(tmp_path / "A1" / "1.jpg", "one")
    journal = plan_renames(tmp_path, rules=RULES).apply()
    assert sorted(os.listdir(tmp_path / "A1")) == ["A1_01.jpg", "A1_02.jpg"]
    assert (tmp_path / "A1" / "A1_01.jpg").read_text(encoding="utf-8") == "one"
    assert journal.path.parent == tmp_path
