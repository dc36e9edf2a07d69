"""The naming grammar: names written from parts read back as the same parts.

Round trips are properties over every shipped rule file and over random
grammars (separators, widths, extension cases, literal role words). A name
that fits no role is refused naming the part an operator has to fix.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listingkit import load_rules
from listingkit.naming.grammar import NameGrammar, NameMismatch, NameParts
from listingkit.naming.portable import unsafe_item
from listingkit.ruleset import builtin_names
from listingkit.ruleset.models import NamingSpec

LITERAL_WORDS = {"3x4", "白底", "详情"}
ITEMS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,15}", fullmatch=True).filter(
    lambda item: unsafe_item(item) is None
)
COLOURS = st.text(alphabet="红黑白蓝绿灰米色杏粉紫abcXYZ0123", min_size=1, max_size=8).filter(
    lambda colour: colour not in LITERAL_WORDS
)
SEQS = st.integers(min_value=1, max_value=99_999)


def grammar_of(**naming: object) -> NameGrammar:
    return NameGrammar(NamingSpec.model_validate(naming))


def default() -> NameGrammar:
    return NameGrammar.from_rules(load_rules("taobao"))


@st.composite
def parts_for(draw: st.DrawFn, grammar: NameGrammar, items: st.SearchStrategy[str]) -> NameParts:
    role = draw(st.sampled_from(grammar.roles))
    colour = draw(COLOURS) if "{colour}" in grammar.template(role) else None
    extension = draw(st.sampled_from([".jpg", ".png", ".tif", ".dng"]))
    return NameParts(draw(items), draw(SEQS), role, colour, extension)


@pytest.mark.parametrize("platform", builtin_names())
def test_every_shipped_rule_file_reads_back_what_it_writes(platform: str) -> None:
    grammar = NameGrammar.from_rules(load_rules(platform))

    @settings(max_examples=60, deadline=None)
    @given(parts=parts_for(grammar, ITEMS))
    def round_trip(parts: NameParts) -> None:
        name = grammar.format(parts)
        assert grammar.parse(name) == parts, name

    round_trip()


SEPARATORS = st.sampled_from(["_", "-", "~", "+", "__", "#", "@", "=", "·", "--"])
ROLE_SETS = st.sampled_from(
    [
        {},
        {"detail": "{item}{sep}D{sep}{seq}", "sku": "{colour}{sep}{item}{sep}{seq}"},
        {"main": "{item}({seq})", "back": "{item}{sep}背面{sep}{seq:03d}", "white_background": ""},
        {"sku": "{item}{sep}{colour}{sep}色{sep}{seq}", "main_3x4": ""},
    ]
)


@st.composite
def grammars(draw: st.DrawFn) -> NameGrammar:
    return grammar_of(
        separator=draw(SEPARATORS),
        sequence_width=draw(st.integers(1, 6)),
        extension_case=draw(st.sampled_from(["lower", "upper", "keep"])),
        item_pattern="[A-Za-z0-9]+",
        roles=draw(ROLE_SETS),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), grammar=grammars())
def test_random_grammars_read_back_what_they_write(
    data: st.DataObject, grammar: NameGrammar
) -> None:
    items = st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True).filter(
        lambda item: unsafe_item(item) is None
    )
    parts = data.draw(parts_for(grammar, items))
    name = grammar.format(parts)
    written = name[len(name) - len(parts.extension) :]  # the extension after extension_case
    assert written.lower() == parts.extension
    assert grammar.parse(name) == replace(parts, extension=written), name


def test_default_names() -> None:
    grammar = default()
    assert grammar.roles == ("main", "main_3x4", "white_background", "detail", "sku")
    assert grammar.format(NameParts("A1023", 1)) == "A1023_01.jpg"
    assert grammar.format(NameParts("A1023", 100)) == "A1023_100.jpg"
    assert grammar.format(NameParts("A1023", 2, "sku", "酒红")) == "A1023_酒红_02.jpg"
    assert grammar.format(NameParts("A1023", 3, "white_background")) == "A1023_白底_03.jpg"
    assert grammar.format(NameParts("A1023", 1, "main", extension=".JPG")) == "A1023_01.jpg"
    assert grammar.template("detail") == "{item}{sep}详情{sep}{seq}"


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("A1023_01.jpg", NameParts("A1023", 1)),
        ("A1023_100.jpg", NameParts("A1023", 100)),
        ("A1023_白底_01.jpg", NameParts("A1023", 1, "white_background")),
        ("A1023_详情_12.png", NameParts("A1023", 12, "detail", extension=".png")),
        ("A1023_3x4_02.jpeg", NameParts("A1023", 2, "main_3x4", extension=".jpeg")),
        ("A1023_酒红_02.jpg", NameParts("A1023", 2, "sku", "酒红")),
        ("ab-12_01_05.tif", NameParts("ab-12", 5, "sku", "01", ".tif")),
    ],
)
def test_names_parse_to_their_parts(name: str, parts: NameParts) -> None:
    assert default().parse(name) == parts


def test_a_literal_role_wins_over_a_colour_of_the_same_word() -> None:
    grammar = default()
    assert grammar.parse("A1023_白底_01.jpg").role == "white_background"
    with pytest.raises(NameMismatch) as caught:
        grammar.format(NameParts("A1023", 1, "sku", "白底"))
    assert caught.value.part == "colour"
    assert "white_background" in caught.value.message


@pytest.mark.parametrize(
    ("name", "part", "words"),
    [
        ("A1023_1.jpg", "seq", "应写成 01"),
        ("A1023_白底_7.jpg", "seq", "应写成 07"),
        ("A1023_00.jpg", "seq", "从 1 开始"),
        ("A1023_ab.jpg", "seq", "没有序号"),
        ("A1023_红色.jpg", "seq", "没有序号"),
        ("A1023-01.jpg", "separator", "没有分隔符"),
        ("A102301.jpg", "separator", "没有分隔符"),
        ("A1023__01.jpg", "separator", "连在一起"),
        ("A#1023_01.jpg", "item", "item_pattern"),
        ("A 1023_白底_01.jpg", "item", "item_pattern"),
        ("_01.jpg", "item", "没有货号"),
        ("A1023_01.gif", "extension", "extensions"),
        ("A1023_01", "extension", "没有扩展名"),
        ("A1023_01.JPG", "extension", "应写成 .jpg"),
        ("A1_红*黑_01.jpg", "colour", "颜色"),
        ("A1_红_黑_01.jpg", "colour", "颜色"),
        ("img/A1023_01.jpg", "name", "路径"),
    ],
)
def test_a_name_outside_the_grammar_names_the_failing_part(
    name: str, part: str, words: str
) -> None:
    with pytest.raises(NameMismatch) as caught:
        default().parse(name)
    assert caught.value.part == part, caught.value.message
    assert words in caught.value.message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("parts", "part"),
    [
        (NameParts("A_1", 1), "item"),
        (NameParts("A#1", 1), "item"),
        (NameParts("../A1", 1), "item"),
        (NameParts("C:A1", 1), "item"),
        (NameParts("A1\x07", 1), "item"),
        (NameParts("", 1), "item"),
        (NameParts("A1", 0), "seq"),
        (NameParts("A1", -3), "seq"),
        (NameParts("A1", 1, "sku"), "colour"),
        (NameParts("A1", 1, "sku", "红_黑"), "colour"),
        (NameParts("A1", 1, "sku", "红/黑"), "colour"),
        (NameParts("A1", 1, "sku", "红\n"), "colour"),
        (NameParts("A1", 1, "main", "红"), "colour"),
        (NameParts("A1", 1, "back"), "role"),
        (NameParts("A1", 1, extension=".gif"), "extension"),
        (NameParts("A1", 1, "sku", "红" * 200), "name"),
    ],
)
def test_parts_that_cannot_be_written_are_refused(parts: NameParts, part: str) -> None:
    with pytest.raises(NameMismatch) as caught:
        default().format(parts)
    assert caught.value.part == part, caught.value.message


def test_names_are_compared_after_nfc() -> None:
    grammar = default()
    decomposed = unicodedata.normalize("NFD", "A1_café_01.jpg")
    assert decomposed != "A1_café_01.jpg"
    assert grammar.parse(decomposed).colour == "café"
    name = grammar.format(NameParts("A1", 1, "sku", unicodedata.normalize("NFD", "café")))
    assert name == unicodedata.normalize("NFC", name)


def test_extension_case_upper_and_keep() -> None:
    upper = grammar_of(extension_case="upper")
    assert upper.format(NameParts("A1", 1)) == "A1_01.JPG"
    assert upper.parse("A1_01.JPG").extension == ".JPG"
    with pytest.raises(NameMismatch) as caught:
        upper.parse("A1_01.jpg")
    assert caught.value.part == "extension"
    assert ".JPG" in caught.value.message
    keep = grammar_of(extension_case="keep")
    assert keep.parse("A1_01.Jpg").extension == ".Jpg"
    assert keep.format(NameParts("A1", 1, extension=".Jpg")) == "A1_01.Jpg"


def test_a_wider_sequence_and_an_old_template_width() -> None:
    wide = grammar_of(sequence_width=3, separator="-", item_pattern="[A-Z0-9]+")
    assert wide.format(NameParts("A1", 7)) == "A1-007.jpg"
    with pytest.raises(NameMismatch) as caught:
        wide.parse("A1-07.jpg")
    assert caught.value.part == "seq"
    assert "应写成 007" in caught.value.message
    old = grammar_of(template="{item}-{seq:03d}")
    assert old.format(NameParts("A1", 5)) == "A1-005.jpg"
    assert old.parse("A1-005.jpg") == NameParts("A1", 5)
    with pytest.raises(NameMismatch) as caught:
        old.parse("A1-05.jpg")
    assert caught.value.part == "seq"


def test_a_store_overrides_one_role_in_its_file(tmp_path: Path) -> None:
    store = tmp_path / "listingkit.toml"
    store.write_text(
        'extends = "taobao"\nstore = "测试店"\n'
        '[naming]\nseparator = "-"\nitem_pattern = "[A-Za-z0-9]+"\n'
        '[naming.roles]\ndetail = "{item}{sep}D{sep}{seq}"\nmain_3x4 = ""\n',
        encoding="utf-8",
    )
    grammar = NameGrammar.from_rules(load_rules(store))
    assert grammar.roles == ("main", "white_background", "detail", "sku")
    assert grammar.parse("A1-D-03.jpg") == NameParts("A1", 3, "detail")
    assert grammar.parse("A1-白底-01.jpg").role == "white_background"
    assert grammar.parse("A1-3x4-01.jpg") == NameParts("A1", 1, "sku", "3x4")
    assert grammar.format(NameParts("A1", 2, "sku", "红")) == "A1-红-02.jpg"


def test_the_documented_store_example(tmp_path: Path) -> None:
    store = tmp_path / "listingkit.toml"
    store.write_text(
        'extends = "taobao"\nstore = "示例店"\n[naming]\nseparator = "-"\nsequence_width = 3\n'
        'item_pattern = "^[A-Z][A-Z0-9]*$"\n[naming.roles]\ndetail = "{item}{sep}D{sep}{seq}"\n'
        'back = "{item}{sep}背面{sep}{seq}"\nmain_3x4 = ""\n',
        encoding="utf-8",
    )
    grammar = NameGrammar.from_rules(load_rules(store))
    assert grammar.roles == ("main", "white_background", "detail", "sku", "back")
    assert grammar.parse("A1023-001.jpg") == NameParts("A1023", 1)
    assert grammar.parse("A1023-1000.jpg") == NameParts("A1023", 1000)
    assert grammar.parse("A1023-D-012.png") == NameParts("A1023", 12, "detail", None, ".png")
    assert grammar.parse("A1023-背面-001.jpg") == NameParts("A1023", 1, "back")
    assert grammar.parse("A1023-酒红-002.jpg") == NameParts("A1023", 2, "sku", "酒红")
    failing = {
        "A1023-01.jpg": "seq",
        "A1023_001.jpg": "separator",
        "a1023-001.jpg": "item",
        "A1023-001.JPG": "extension",
        "A1023-酒红.jpg": "seq",
        "A1023-001.gif": "extension",
    }
    for name, part in failing.items():
        with pytest.raises(NameMismatch) as caught:
            grammar.parse(name)
        assert caught.value.part == part, (name, caught.value.message)
    with pytest.raises(NameMismatch) as refused:
        grammar.format(NameParts("A1023", 1, "sku", "背面"))
    assert refused.value.part == "colour"
    with pytest.raises(NameMismatch) as refused:
        grammar.format(NameParts("A-1023", 1))
    assert refused.value.part == "item"


def test_an_unknown_part_name_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown name part"):
        NameMismatch("size", "x")
    with pytest.raises(NameMismatch) as caught:
        default().template("back")
    assert caught.value.part == "role"


def test_a_literal_role_listed_after_sku_still_wins() -> None:
    grammar = grammar_of(
        roles={"sku": "{item}{sep}{colour}{sep}{seq}", "zz": "{item}{sep}Z{sep}{seq}"}
    )
    assert grammar.roles[-1] == "zz"
    assert grammar.parse("A1_Z_01.jpg") == NameParts("A1", 1, "zz")
    assert grammar.parse("A1_ZZ_01.jpg") == NameParts("A1", 1, "sku", "ZZ")


@pytest.mark.parametrize(
    ("name", "part"),
    [(".jpg", "name"), ("A1_\udcff_01.jpg", "colour"), ("A1_01.jpg.jpg", "seq")],
)
def test_odd_names(name: str, part: str) -> None:
    with pytest.raises(NameMismatch) as caught:
        default().parse(name)
    assert caught.value.part == part, caught.value.message
    assert "\udcff" not in caught.value.message


@pytest.mark.parametrize(
    ("name", "fixed"),
    [
        ("A1023_1.jpg", "A1023_01.jpg"),
        ("A1023_1.JPG", "A1023_01.jpg"),
        ("A1023_01.JPG", "A1023_01.jpg"),
        ("A1023_红_001.png", "A1023_红_01.png"),
        ("A1023_白底_3.Jpeg", "A1023_白底_03.jpeg"),
    ],
)
def test_a_name_written_only_slightly_wrong_says_what_it_should_be(name: str, fixed: str) -> None:
    grammar = default()
    with pytest.raises(NameMismatch) as caught:
        grammar.parse(name)
    assert caught.value.parts is not None
    assert grammar.format(caught.value.parts) == fixed


@pytest.mark.parametrize("name", ["A1023_00.jpg", "A1023-01.jpg", "A1023_01.gif", "A#1_01.jpg"])
def test_a_name_that_cannot_be_read_has_no_parts(name: str) -> None:
    with pytest.raises(NameMismatch) as caught:
        default().parse(name)
    assert caught.value.parts is None


NAME_TEXT = st.text(alphabet="A1a9-_白底详情3x4红 .:/\\jpgJPG\u0301\x07", max_size=24)


@settings(max_examples=500, deadline=None)
@given(name=NAME_TEXT.map(lambda s: s + ".jpg") | NAME_TEXT)
def test_any_name_is_read_or_refused_and_what_is_read_is_written_back(name: str) -> None:
    grammar = default()
    try:
        parts = grammar.parse(name)
    except NameMismatch as exc:
        assert exc.part in ("item", "colour", "seq", "separator", "extension", "name")
        assert exc.message
        return
    assert grammar.format(parts) == unicodedata.normalize("NFC", name)


def test_a_reserved_item_still_makes_a_valid_name() -> None:
    grammar = default()
    assert grammar.parse("NUL_01.jpg") == NameParts("NUL", 1)
    assert grammar.format(NameParts("NUL", 1)) == "NUL_01.jpg"


def test_a_photo_asked_for_as_a_sku_photo_must_follow_the_sku_template() -> None:
    grammar = NameGrammar.from_rules(load_rules("taobao"))
    # Any role: 货号 + sequence is a main photo.
    assert grammar.parse("A001_01.jpg").role == "main"
    # In a SKU folder the colour is required, and the message shows the SKU template.
    with pytest.raises(NameMismatch) as refused:
        grammar.parse("A001_01.jpg", "sku")
    assert "sku" in refused.value.message and "A1023_红色_01.jpg" in refused.value.message
    assert grammar.parse("A001_红色_01.jpg", "sku").colour == "红色"
    # A role the rules do not have is no restriction.
    assert grammar.parse("A001_01.jpg", "no-such-role").role == "main"
