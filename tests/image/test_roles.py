"""Where an image sits says its role, slot and product, whatever was placed before it."""

from __future__ import annotations

import pytest

from listingkit.image.roles import place_image

LAYOUT = {
    "main": ["主图", "main"],
    "white_background": ["白底", "白底图"],
    "main_3x4": ["3x4", "3:4"],
    "detail": ["详情"],
}


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("店铺/商品A/主图/01.jpg", ("main", 1, "店铺/商品A")),
        ("店铺/商品A/主图/白底.jpg", ("white_background", None, "店铺/商品A")),
        ("店铺/商品A/主图/白底图2.png", ("white_background", 2, "店铺/商品A")),
        ("店铺/商品A/详情/主图/07.jpg", ("main", 7, "店铺/商品A/详情")),
        ("店铺/商品A/3x4/03.jpg", ("main_3x4", 3, "店铺/商品A")),
        ("店铺/商品A/照片/123.jpg", (None, None, "店铺/商品A/照片")),
        ("主图3.jpg", ("main", 3, ".")),
        ("主图/05.jpg", ("main", 5, ".")),
        ("/srv/店/ＭＡＩＮ/08.jpg", ("main", 8, "/srv/店")),
        ("./商品B/./主图/02.jpg", ("main", 2, "商品B")),
        ("商品C//主图/.jpg", ("main", None, "商品C")),
    ],
)
def test_placement(display: str, expected: tuple[str | None, int | None, str]) -> None:
    placement = place_image(display, LAYOUT)
    assert (placement.role, placement.slot, placement.product) == expected


def test_every_image_of_a_folder_is_placed_alike_and_each_by_its_own_name() -> None:
    placed = [place_image(f"商品/主图/{name}", LAYOUT) for name in ("01.jpg", "白底.jpg", "02.jpg")]
    assert [(p.role, p.slot, p.product) for p in placed] == [
        ("main", 1, "商品"),
        ("white_background", None, "商品"),
        ("main", 2, "商品"),
    ]


def test_a_forced_role_and_another_layout_are_not_mixed_up_with_earlier_answers() -> None:
    assert place_image("商品/主图/01.jpg", LAYOUT).role == "main"
    assert place_image("商品/主图/01.jpg", LAYOUT, "detail").role == "detail"
    other = {"white_background": ["主图"]}  # a store that keeps white shots in 主图/
    assert place_image("商品/主图/01.jpg", other).role == "white_background"
    assert place_image("商品/主图/01.jpg", {}).role is None
    assert place_image("商品/主图/01.jpg", {}).product == "商品/主图"
