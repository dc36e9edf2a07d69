"""cell_text and split_list: values as typed, lists of words in one cell."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from listingkit.sheets import cell_text, split_list
from listingkit.sheets.text import CellValue, display_width


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "TRUE"),
        (False, "FALSE"),
        (123, "123"),
        (123.0, "123"),
        (-0.0, "0"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (1e-7, "0.0000001"),
        (1234567.5, "1234567.5"),
        (0.1234, "0.1234"),
        (1.5e20, "150000000000000000000"),
        # Beyond 15 digits Excel itself shows only 15: so does the text.
        (12345678901234567.0, "12345678901234600"),
        (1e-20, "1e-20"),
        (float("inf"), "inf"),
        (dt.date(2024, 5, 1), "2024-05-01"),
        (dt.datetime(2024, 5, 1, 10, 30), "2024-05-01T10:30:00"),
        (dt.time(9, 5), "09:05:00"),
        (dt.timedelta(hours=30, minutes=5), "30:05:00"),
        (dt.timedelta(minutes=-90), "-1:30:00"),
        ("  连衣裙\u3000\n", "连衣裙"),
        ("\ufeff\u200b品牌\u200b", "品牌"),
        ("a  b", "a  b"),
    ],
)
def test_cell_text(value: CellValue, text: str) -> None:
    assert cell_text(value) == text


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_integral_floats_read_as_integers(number: int) -> None:
    assert cell_text(float(number)) == str(number)


@given(st.floats(min_value=1e-9, max_value=1e15, allow_nan=False))
def test_ordinary_floats_never_use_scientific_notation(number: float) -> None:
    text = cell_text(number)
    assert "e" not in text and "E" not in text
    assert float(text) == pytest.approx(number, rel=1e-14)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("连衣裙、半身裙、连衣裙", ["连衣裙", "半身裙"]),
        ("a,b，c;d；e/f｜g|h", list("abcdefgh")),
        ("显瘦\n百搭\r\n气质", ["显瘦", "百搭", "气质"]),
        ("显瘦  百搭\u3000\u3000气质\t韩版", ["显瘦", "百搭", "气质", "韩版"]),
        ("、，, ;", []),
        ("", []),
        ("  单个  ", ["单个"]),
        ("Ａ、A", ["Ａ", "A"]),  # exact duplicates only: full width is another word
    ],
)
def test_split_list(text: str, words: list[str]) -> None:
    assert split_list(text) == words


SEPARATORS = ["、", ",", "，", ";", "；", "/", "｜", "|", "\n", " ", "\u3000"]


@given(
    st.lists(st.text(alphabet="连衣裙半身显瘦abc12", min_size=1, max_size=4), max_size=8),
    st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=8),
)
def test_split_list_round_trip(words: list[str], separators: list[str]) -> None:
    joined = "".join(word + separators[index % len(separators)] for index, word in enumerate(words))
    assert split_list(joined) == list(dict.fromkeys(words))


def test_display_width_counts_cjk_double() -> None:
    assert display_width("abc") == 3
    assert display_width("连衣裙") == 6
    assert display_width("Ａ1") == 3
