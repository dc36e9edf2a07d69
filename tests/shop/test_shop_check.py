"""``check`` on a shop folder: products against folders, titles, listing times, one report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from listingkit import check_shop, load_rules
from tests.shop.conftest import photo, product, run_cli, workbook


def _codes(report_json: str) -> list[tuple[str, str]]:
    found = json.loads(report_json)["findings"]
    return sorted((f["code"], f["location"]["path"].rpartition("店铺/")[2]) for f in found)


def test_a_clean_shop_has_no_finding(shop: Path) -> None:
    run = run_cli("check", str(shop), "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["findings"] == []
    # every image, every SKU photo and each sheet row were looked at
    assert len(report["subjects"]) >= 2 * 7 + 3


def test_products_and_folders_that_do_not_match_are_named(shop: Path) -> None:
    workbook(
        shop / "商品.xlsx",
        [
            ["A101", "纯棉短袖T恤男夏季宽松圆领", "", "", "红色、蓝色", ""],
            ["A102", "碎花雪纺连衣裙女夏收腰显瘦", "", "", "黑色", ""],
            ["A103", "复古高腰牛仔裤女直筒", "", "", "", ""],
        ],
    )
    product(shop, "B201", "B201", ["白色"])
    run = run_cli("check", str(shop), "--format", "json")
    assert run.returncode == 1, run.stderr  # SHOP001 is an error
    findings = json.loads(run.stdout)["findings"]
    shop_codes = sorted(
        (f["code"], f["location"]["path"]) for f in findings if f["code"].startswith("SHOP")
    )
    assert shop_codes == [
        ("SHOP001", f"{shop.as_posix()}/商品.xlsx"),
        ("SHOP002", f"{shop.as_posix()}/B201"),
    ]
    missing = next(f for f in findings if f["code"] == "SHOP001")
    assert missing["location"]["row"] == 4 and "A103" in missing["message"]
    # the stray folder's SKU photo has no row to be checked against: SKU002 says so too
    assert any(f["code"] == "SKU002" and "B201" in f["location"]["path"] for f in findings)


def test_sheet_titles_are_linted_at_their_cell_and_bare_rows_composed(shop: Path) -> None:
    workbook(
        shop / "商品.xlsx",
        [
            ["A101", "全网最低价纯棉短袖T恤男", "", "", "红色、蓝色", ""],
            ["A102", "", "连衣裙", "女装", "黑色", ""],
        ],
    )
    run = run_cli("check", str(shop), "--format", "json")
    findings = json.loads(run.stdout)["findings"]
    banned = next(f for f in findings if f["code"] == "TITLE010")
    assert banned["location"] == {
        "path": f"{shop.as_posix()}/商品.xlsx",
        "sheet": "商品",
        "row": 2,
        "column": "B",
        "span": [0, 5],
    }
    composed = next(f for f in findings if f["code"] == "SHOP005")
    assert composed["severity"] == "info" and composed["location"]["row"] == 3
    title = composed["data"]["title"]
    assert "连衣裙" in title and composed["data"]["units"] <= 60
    # the composed title itself passes the title checks it was composed under
    again = run_cli("lint-titles", "--text", title, "--platform", "taobao")
    assert again.returncode == 0, again.stdout


def test_listing_times_in_one_hour_clash_and_a_dead_hour_is_named(shop: Path) -> None:
    workbook(
        shop / "商品.xlsx",
        [
            ["A101", "纯棉短袖T恤男夏季宽松圆领", "", "", "红色、蓝色", "2026-12-08 20:00"],
            ["A102", "碎花雪纺连衣裙女夏收腰显瘦", "", "", "黑色", "2026-12-08 20:30"],
        ],
    )
    clash = run_cli("check", str(shop), "--format", "json")
    assert [f["code"] for f in json.loads(clash.stdout)["findings"]] == ["SLOT012"]
    workbook(
        shop / "商品.xlsx",
        [
            ["A101", "纯棉短袖T恤男夏季宽松圆领", "", "", "红色、蓝色", "2026-12-08 20:00"],
            ["A102", "碎花雪纺连衣裙女夏收腰显瘦", "", "", "黑色", "2026-12-15 04:00"],
        ],
    )
    dead = json.loads(run_cli("check", str(shop), "--format", "json").stdout)["findings"]
    assert [(f["code"], f["location"]["row"]) for f in dead] == [("SLOT011", 3)]


def test_one_product_folder_is_checked_as_that_product(shop: Path) -> None:
    workbook(
        shop / "商品.xlsx",
        [
            ["A101", "全网最低价纯棉短袖T恤男", "", "", "红色、蓝色", ""],
            ["A102", "全网第一碎花连衣裙", "", "", "黑色", ""],
            ["A103", "复古高腰牛仔裤女直筒", "", "", "", ""],
        ],
    )
    run = run_cli("check", str(shop / "A101"), "--format", "json")
    findings = json.loads(run.stdout)["findings"]
    # A101's title only; A102's title and A103's missing folder are other products'
    assert [(f["code"], f["location"]["row"]) for f in findings] == [("TITLE010", 2)]


def test_the_api_gives_the_products_for_the_reports(shop: Path) -> None:
    (shop / "A101" / "主图" / "03.jpg").rename(shop / "A101" / "主图" / "3.jpg")
    checked = check_shop([shop], load_rules(shop / "listingkit.toml"))
    overview = checked.overview
    assert overview is not None
    assert [card.item for card in overview.products] == ["A101", "A102"]
    first = overview.products[0]
    assert first.folder == f"{shop.as_posix()}/A101" and first.row == 2
    assert [image.slot for image in first.main_images()] == [1, 2, 3, 4, 5]
    assert first.title == "纯棉短袖T恤男夏季宽松圆领" and first.limit == 60
    assert first.units == 2 * 12 + 1  # eleven Chinese characters and a T, a Chinese one counting 2
    assert {image.role for image in first.images} == {"main", "white_background", "detail", "sku"}


def test_a_product_folder_may_carry_its_own_listing_file(shop: Path) -> None:
    (shop / "商品.xlsx").unlink()
    (shop / "listingkit.toml").write_text('extends = "taobao"\n', encoding="utf-8")
    (shop / "A101" / "listing.toml").write_text(
        'title = "全网最低价纯棉短袖T恤男"\ncolours = ["红色"]\n', encoding="utf-8"
    )
    (shop / "连衣裙-A102" / "listing.toml").write_text(
        '"货号" = "A102"\n\n["参数"]\nproduct = ["连衣裙"]\n', encoding="utf-8"
    )
    run = run_cli("check", str(shop), "--format", "json")
    findings = json.loads(run.stdout)["findings"]
    codes = sorted((f["code"], f["location"]["path"].rpartition("/")[2]) for f in findings)
    assert codes == [("SHOP005", "listing.toml"), ("TITLE010", "listing.toml")]
    assert "A102" in next(f for f in findings if f["code"] == "SHOP005")["message"]


def test_a_plain_folder_is_not_taken_for_a_shop(tmp_path: Path) -> None:
    photo(tmp_path / "图" / "主图" / "01.jpg")
    run = run_cli("check", str(tmp_path / "图"), "--platform", "taobao", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert not [f for f in json.loads(run.stdout)["findings"] if f["code"].startswith("SHOP")]


def test_the_shop_of_the_readme_fixture_keeps_working() -> None:
    root = Path(__file__).resolve().parents[2] / "fixtures" / "store"
    rules = load_rules(root / "listingkit.toml")
    checked = check_shop([root / "连衣裙-A001"], rules)
    assert checked.overview is not None
    (card,) = checked.overview.products
    assert card.item == "A001" and card.folder is not None and card.folder.endswith("连衣裙-A001")
    assert len(card.main_images()) == 5


@pytest.mark.parametrize("where", [".", "主图"], ids=["the-product", "a-role-folder"])
def test_checked_from_inside_a_product_folder_the_card_holds_its_images(
    shop: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo(shop / "A101" / "主图" / "03.jpg", (600, 600))
    monkeypatch.chdir(shop / "A101")
    checked = check_shop([where], load_rules(shop / "listingkit.toml"))
    assert checked.overview is not None
    (card,) = checked.overview.products
    assert card.item == "A101" and len(card.main_images()) == 5
    small = [f for f in checked.report.findings if f.code == "IMG006"]
    assert small and all(checked.overview.product_of(f.location) == "A101" for f in small)
