"""Names that break on another system, names one system takes for the same file, unsafe 货号."""

from __future__ import annotations

import unicodedata

import pytest

from listingkit.naming.portable import clashing_names, name_problems, unsafe_item

RESERVED = (
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{n}" for n in range(1, 10)]
    + [f"LPT{n}" for n in range(1, 10)]
)


def kinds(name: str) -> list[str]:
    return [kind for kind, _ in name_problems(name)]


@pytest.mark.parametrize("device", RESERVED)
@pytest.mark.parametrize("shape", ["{}", "{}.jpg", "{}.tar.gz", "{} .png"])
@pytest.mark.parametrize("case", [str.upper, str.lower, str.title])
def test_every_reserved_name_in_any_case_and_with_any_extension(
    device: str, shape: str, case: object
) -> None:
    name = shape.format(case(device))  # type: ignore[operator]
    assert "reserved" in kinds(name)
    message = dict(name_problems(name))["reserved"]
    assert "设备名" in message
    assert "请改名" in message


@pytest.mark.parametrize(
    "name", ["CONSOLE.jpg", "COM10.jpg", "LPT0.jpg", "A_CON_01.jpg", "NULL.png"]
)
def test_names_that_only_look_like_devices_are_fine(name: str) -> None:
    assert name_problems(name) == []


@pytest.mark.parametrize("char", list('<>:"/\\|?*'))
def test_every_windows_character(char: str) -> None:
    name = f"A1{char}01.jpg"
    assert kinds(name) == ["windows_char"]
    assert char in name_problems(name)[0][1]


@pytest.mark.parametrize("char", ["\x00", "\x07", "\t", "\n", "\x1b", "\x7f"])
def test_control_characters_are_named_without_being_printed(char: str) -> None:
    name = f"A1{char}01.jpg"
    assert kinds(name) == ["control_char"]
    assert char not in name_problems(name)[0][1]


@pytest.mark.parametrize("name", ["A1_01.", "A1_01.jpg.", "A1_01.jpg ", "A1_01 "])
def test_trailing_dot_or_space(name: str) -> None:
    assert kinds(name) == ["trailing"]


def test_the_255_byte_limit_counts_utf8_bytes() -> None:
    fits = "货" * 83 + "_01.jpg"  # 83 × 3 + 7 = 256
    assert len(fits.encode()) == 256
    assert kinds(fits) == ["too_long"]
    assert "256 字节" in name_problems(fits)[0][1]
    exact = "货" * 82 + "_01.jpg" + "x"  # 82 × 3 + 8 = 254
    assert name_problems(exact) == []
    assert name_problems("a" * 251 + ".jpg") == []
    assert kinds("a" * 252 + ".jpg") == ["too_long"]


def test_an_ordinary_name_has_no_problem() -> None:
    assert name_problems("A1023_酒红_01.jpg") == []


def test_case_twins() -> None:
    assert clashing_names(["A1_01.jpg", "B1_01.jpg", "a1_01.JPG", "A1_01.jpg"]) == [
        ("A1_01.jpg", "a1_01.JPG", "case")
    ]


def test_nfc_nfd_twins() -> None:
    nfc = unicodedata.normalize("NFC", "A1_café_01.jpg")
    nfd = unicodedata.normalize("NFD", nfc)
    assert clashing_names([nfc, nfd]) == [(nfc, nfd, "unicode")]
    assert clashing_names([nfd, nfc.upper()]) == [(nfd, nfc.upper(), "case")]


def test_names_that_differ_are_not_twins() -> None:
    assert clashing_names(["A1_01.jpg", "A1_02.jpg", "straße.jpg", "strasse.jpg"]) == []
    assert clashing_names([]) == []


def test_three_twins_pair_with_the_first() -> None:
    assert clashing_names(["x.jpg", "X.jpg", "x.JPG"]) == [
        ("x.jpg", "X.jpg", "case"),
        ("x.jpg", "x.JPG", "case"),
    ]


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ("../A1", "/"),
        ("A\\1", "\\"),
        ("..", ".."),
        ("A..1", ".."),
        ("C:A1", "盘符"),
        ("c:", "盘符"),
        ("A1\x07", "控制字符"),
        ("NUL", "设备名"),
        ("com3", "设备名"),
        (" A1", "空格"),
        ("A1 ", "空格"),
        (".A1", "点"),
        ("A1.", "点"),
        ("A*1", "*"),
        ("", "空"),
    ],
)
def test_unsafe_items(item: str, words: str) -> None:
    why = unsafe_item(item)
    assert why is not None
    assert words in why
    assert "请" in why


@pytest.mark.parametrize("item", ["A1023", "ab-12", "货号1", "A.1", "NULL", "COM10"])
def test_safe_items(item: str) -> None:
    assert unsafe_item(item) is None
