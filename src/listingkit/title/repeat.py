"""Repeated words in a title: the same word used twice *as a word*.

A title has room for about 30 Chinese characters; a word said twice spends
units without reaching a single extra search. Words are whole-word tokens of
the segmenter, whose shipped dictionary keeps product words and attributes
whole (面包服, 小型犬, 豆腐猫砂, 不掉毛): two words that only share a character
(面包服 and 羽绒服 share 服) are different words.

A word glued on its left to a modifier is part of that phrase: 耳机 in 运动耳机,
三脚架 in 遥控三脚架. Two phrases sharing a head noun (蓝牙耳机 … 运动耳机, 手机三脚架
… 遥控三脚架) are two search terms, not a repeat; a phrase repeats only when said
again whole (the same modifier: 升降茶几 … 升降茶几), or when the shorter copy stands
alone — a space, punctuation or the title's edge on both sides (T恤 … 纯棉T恤). A
word free on its left but glued on its right begins a phrase of its own (直播三脚架 …
直播设备) and is no repeat of another such word either.

What repeats:

- the same word twice (三脚架 … 三脚架): the later copy is the one to delete;
- a word a longer word is built on, standing alone (打底 … 打底衫, 手机 …
  手机壳; 猫砂 … 豆腐猫砂, a lone 裙 … 连衣裙): the longer word already says
  it, so the shorter one is the one to delete, wherever it stands. A word that ends
  another after a one-character modifier is no part of it (翻分牌 and 分牌,
  铅画纸 and 画纸, 三脚架 and 脚架), nor is the end of a word that says what a
  product does not do (不掉毛 and 毛);
- the same quantity twice (300ml … 300ML), or a bare number equal to a
  quantity's number (1.8升 … 1.8, 1000元 … 1000): the bare number goes.

What does not:

- a single character, unless it stands alone between spaces or at the title's
  edge: never one glued to a character, letter or digit (``不掉毛`` never loses
  its 毛), nor one between brackets or dashes (转换头(直-直)); and never a lone
  counter (作文本 … 本);
- different quantities (4盘 … 24盘, 5000公里 … 50公里), numbers compared
  whole (24 is not inside 240), and bare numbers among themselves (years,
  model numbers: 2024 … 2024);
- Latin words, model numbers and model names (a word glued to letters or
  digits: 潘多拉MAX), unless identical;
- a word of the title's head said again in its spec part: the text after the
  last wide gap (two or more spaces, or a full-width space), each 【…】, […]
  or （…） group, and the sales-property text after a long title body (see
  :func:`_spec_tail`) are checked on their own, apart from the head.

:func:`group_repeats` gathers the repeats of one word: one problem, one finding.

:func:`find_repeats` is the check on a segmented title (TITLE020).
:func:`word_terms` and :func:`word_repeat` are the same decision for the
composer, which knows its words one by one: ``word_repeat(a, b)`` answers as
``find_repeats`` does on the title ``"a b"`` for a repeat between the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from listingkit.text.segment import Token
from listingkit.text.wordlist import normal_form

__all__ = [
    "COUNTERS",
    "GLUE",
    "UNIT_WORDS",
    "Repeat",
    "Unit",
    "find_repeats",
    "group_repeats",
    "may_repeat",
    "units_of_tokens",
    "word_repeat",
    "word_terms",
]

# Single characters that join words rather than carry a search term.
GLUE = frozenset("的之与和及或兼配加送带含款式型号版")
# Single characters that, standing alone, count things rather than name them (作文本 … 本).
COUNTERS = frozenset("本个只件张片支套盒包瓶袋条双对把台块副")
# A word that begins so says what a product does or has not (不掉毛, 防水, 免打孔): its
# last character is no product word of its own.
_NOT_A_HEAD = frozenset("不防免无可耐抗")
# Words that, straight after a number, are its unit (any single Chinese character is one too).
UNIT_WORDS = frozenset(
    ["英寸", "寸", "厘米", "毫米", "公分", "公斤", "千克", "毫升", "公里", "千米", "平米",
     "平方", "立方", "小时", "分钟", "英尺", "加仑", "个装", "支装", "只装", "片装", "包装",
     "件套", "寸屏", "毫安", "ml", "mm", "cm", "km", "kg", "mg", "g", "l", "m", "w", "v", "a",
     "mah", "kb", "mb", "gb", "tb", "hz", "khz", "ghz", "p", "k"]
)  # fmt: skip

_CONTENT = regex.compile(r"[\p{Han}]|[A-Za-z]{2,}")
_HAN = regex.compile(r"\p{Han}")
_ALL_HAN = regex.compile(r"^\p{Han}+$")
_NUMBER = regex.compile(r"^\d+(?:\.\d+)?$")
_LEADING_NUMBER = regex.compile(r"^[\d.]+")
_ALNUM = regex.compile(r"^[A-Za-z0-9]")
_GLUED_QUANTITY = regex.compile(r"^(\d+(?:\.\d+)?)([A-Za-z]+)$")
# What makes a word a model name when glued to it: letters (and digits) or digits —
# a size code (L, XL, 2XL) does not.
_MODEL_TAIL = regex.compile(r"^(?:[A-Za-z][A-Za-z0-9]*|\d+)$")
_LATIN_WORD = regex.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_SIZE = regex.compile(r"^(?:\d*X{0,3}[SML]|XS)$", regex.IGNORECASE)
# Where a title's spec text begins: its last wide gap. Brackets hold spec text too.
_WIDE_GAP = regex.compile(r"(?:[ \t]{2,}|\u3000)[ \t\u3000]*")
_BRACKETS = regex.compile(r"【[^【】]*】|\[[^\[\]]*\]|（[^（）]*）|\([^()]*\)")
# A title body this long without a space, then space-separated text: that text is the
# SKU's sales-property text (a listingkit heuristic measured on real JD product names).
BODY_RUN = 16
_SEGMENT = regex.compile(r"[^ \t\u3000]+")
# A bare word after the body, alone or with a quantity (… 冬季外套 羽绒服, … 充电线 数据线 1米).
_BARE_WORD = regex.compile(
    r"(?=[A-Za-z]*\p{Han})[\p{Han}A-Za-z]{1,6}(?:[ \t\u3000]+\d+(?:\.\d+)?\p{Han}?)?[ \t\u3000]*$"
)
# Only a title with one of these can have a spec part.
_MAY_HAVE_PARTS = regex.compile(r"\s|\u3000|[\[【(（]")

HEAD = 0  # the part of a title outside its spec text
# Kinds of unit that repeat only when identical.
_WHOLE_NAMES = frozenset({"latin", "model"})


# Not frozen (never changed once built all the same): every candidate title
# builds its units, and a frozen dataclass is three times as slow to construct.
@dataclass(slots=True, unsafe_hash=True)
class Unit:
    """A token that carries a search term, as the repeat check sees it."""

    token: Token
    key: str  # normal form
    # "word" (2+ Chinese), "char" (1 Chinese), "latin", "model", "quantity", "number"
    kind: str
    han_before: bool = False  # touches a Chinese character on the left
    han_after: bool = False  # … on the right
    number: str = ""  # a quantity's or a bare number's value, canonical
    part: int = HEAD  # HEAD, or which spec part (a bracket group, the trailing spec text)
    modifier: str = ""  # the word glued on its left (运动 in 运动耳机), normal form
    spaced: bool = False  # a space or the title's edge on both sides, not punctuation

    @property
    def bound(self) -> bool:
        """Glued on its left to a word that modifies it: part of that phrase."""
        return self.han_before

    @property
    def alone(self) -> bool:
        """Touches no Chinese character on either side."""
        return not (self.han_before or self.han_after)


@dataclass(frozen=True, slots=True)
class Repeat:
    kept: Token  # the word that already says it
    flagged: Token  # the word to delete
    inside: bool  # flagged is inside kept rather than equal to it


def _canonical(number: str) -> str:
    """1.80 and 1.8 are one number; 24 and 240 are not."""
    whole, _, fraction = number.partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _parts(text: str) -> list[tuple[int, int, int]]:
    """(start, end, part) of each spec part of ``text``; the rest is the head."""
    spans: list[tuple[int, int]] = [m.span() for m in _BRACKETS.finditer(text)]
    gaps = list(_WIDE_GAP.finditer(text))
    start = -1
    if gaps and gaps[-1].end() < len(text):
        start = gaps[-1].end()
    tail = _spec_tail(text)
    if tail >= 0 and (start < 0 or tail < start):
        start = tail
    if start >= 0:
        spans = [s for s in spans if s[1] <= start] + [(start, len(text))]
    return [(start, end, index + 1) for index, (start, end) in enumerate(spans)]


def _spec_tail(text: str) -> int:
    """Where sales-property text appended after the title body begins, or -1.

    A title body written as one unbroken run of :data:`BODY_RUN` or more
    characters, followed by shorter space-separated text, is the shape of a
    product name with its SKU's sales-property text after it (… 支撑架
    【女神粉】自带三脚架+蓝牙遥控, … 材料丙烯画 银色 300ML丙烯). A bare word
    after the body, alone or with a quantity (… 冬季外套 羽绒服, … 充电线 数据线
    1米), is the title's own word said again.
    """
    segments = list(_SEGMENT.finditer(text))
    for index in range(len(segments) - 2, -1, -1):
        if len(segments[index][0]) >= BODY_RUN:
            start = segments[index + 1].start()
            return -1 if _BARE_WORD.match(text, start) else start
    return -1


def _part_at(parts: list[tuple[int, int, int]], position: int) -> int:
    for start, end, part in parts:
        if start <= position < end:
            return part
    return HEAD


def _han_at(text: str, index: int) -> bool:
    return bool(text) and _HAN.match(text[index]) is not None


@dataclass(frozen=True, slots=True)
class _Facts:
    """What :func:`units_of_tokens` asks of a token's text, whatever its neighbours."""

    key: str  # normal form, stripped
    folded: str  # normal form, as written
    digit: bool  # begins with a digit
    quantity: str | None  # 300ml as one token: its number, canonical
    number: str | None  # a bare number: its value, canonical
    alnum_first: bool
    alnum_last: bool
    han_first: bool  # a neighbour's edge glues onto a word when Chinese,
    han_last: bool  # or a letter or digit with nothing between
    unit: bool  # can be the unit of a number just before it (24色, 13.3英寸, 5000公里)
    glued_match: bool  # digits then letters (300ml, 8g, 2XL)
    glued_unit: bool  # … whose letters are a unit
    model_head: bool  # two or more Chinese characters: may begin a model name
    model_tail: bool  # may end a model name (MAX, 8), not a size code
    latin: bool  # a Latin word, letters first
    glue_char: bool  # one Chinese character that is no glue word
    content: bool  # carries a search term
    kind: str
    space: bool


_FACTS: dict[str, _Facts] = {}


def _facts(text: str) -> _Facts:
    """The facts of one token text, computed once per process (titles share their words)."""
    known = _FACTS.get(text)
    if known is not None:
        return known
    first = text[:1]
    digit = "0" <= first <= "9"
    key = normal_form(text.strip())
    glued = _GLUED_QUANTITY.match(text)
    glued_unit = glued is not None and glued[2].lower() in UNIT_WORDS
    number = _NUMBER.match(text) is not None
    bare = text.strip()
    content = bool(bare) and bare not in GLUE and _CONTENT.search(bare) is not None
    known = _Facts(
        key=key,
        folded=normal_form(text),
        digit=digit,
        quantity=_canonical(glued[1]) if digit and glued is not None and glued_unit else None,
        number=_canonical(text) if digit and number else None,
        alnum_first=_ALNUM.match(text) is not None,
        alnum_last=_ALNUM.match(text[-1:]) is not None,
        han_first=_HAN.match(text[:1]) is not None,
        han_last=_HAN.match(text[-1:]) is not None,
        unit=(len(text) == 1 and _han_at(text, 0)) or text.lower() in UNIT_WORDS,
        glued_match=glued is not None,
        glued_unit=glued_unit,
        model_head=len(key) > 1 and _ALL_HAN.match(key) is not None,
        model_tail=_MODEL_TAIL.match(text) is not None and not _SIZE.match(text),
        latin=first.isascii() and first.isalpha() and _LATIN_WORD.match(text) is not None,
        glue_char=len(text) == 1 and _han_at(text, 0) and text not in GLUE,
        content=content,
        kind="latin" if not _HAN.search(key) else ("char" if len(key) == 1 else "word"),
        space=text.isspace(),
    )
    if len(_FACTS) > 200_000:  # text of unique tokens: keep memory flat
        _FACTS.clear()
    _FACTS[text] = known
    return known


def units_of_tokens(tokens: Sequence[Token]) -> list[Unit]:
    """The content units of a tokenised title: quantities and model names joined."""
    text = "".join(token.text for token in tokens)
    offset = tokens[0].start if tokens else 0
    parts = _parts(text) if _MAY_HAVE_PARTS.search(text) else []
    facts = [_facts(token.text) for token in tokens]
    count = len(tokens)
    units: list[Unit] = []
    index = 0
    while index < count:
        token = tokens[index]
        fact = facts[index]
        has_after = index + 1 < count
        after = tokens[index + 1] if has_after else None
        after_fact = facts[index + 1] if has_after else None
        part = _part_at(parts, token.start - offset) if parts else HEAD
        next_ascii = (
            after is not None
            and after_fact is not None
            and after.start == token.end
            and after_fact.alnum_first
        )
        if fact.quantity is not None:
            # 300ml as one token: a quantity all the same.
            units.append(Unit(token, fact.folded, "quantity", number=fact.quantity, part=part))
            index += 1
            continue
        if fact.number is not None:
            number = fact.number
            if (
                after is not None
                and after_fact is not None
                and after.start == token.end
                and after_fact.unit
            ):
                joined = Token(token.text + after.text, token.start, after.end)
                key = normal_form(joined.text)
                units.append(Unit(joined, key, "quantity", number=number, part=part))
                index += 2
                continue
            # A number glued to letters is part of a model name (x8, A4), not a number.
            glued = (
                index > 0 and tokens[index - 1].end == token.start and facts[index - 1].alnum_last
            ) or next_ascii
            if not glued:
                units.append(Unit(token, number, "number", number=number, part=part))
            index += 1
            continue
        if (
            next_ascii
            and after is not None
            and after_fact is not None
            and fact.model_head
            and after_fact.model_tail
            and not _quantity_at(tokens, facts, index + 1)
        ):
            # 潘多拉MAX, 小米8: a model name, not the word 潘多拉 or 小米.
            joined = Token(token.text + after.text, token.start, after.end)
            units.append(Unit(joined, normal_form(joined.text), "model", part=part))
            index += 2
            continue
        if (
            fact.latin
            and after is not None
            and after_fact is not None
            and after.start == token.end
            and after_fact.glue_char
        ):
            # ins风, TF卡: a Latin word with one character glued on is one name.
            joined = Token(token.text + after.text, token.start, after.end)
            units.append(Unit(joined, normal_form(joined.text), "model", part=part))
            index += 2
            continue
        if fact.content:
            before = tokens[index - 1] if index > 0 else None
            before_fact = facts[index - 1] if index > 0 else None
            # A character glued to a letter (A面, TF卡) is part of a name, as if in a word.
            han_before = (
                before is not None
                and before_fact is not None
                and (before_fact.han_last or (before.end == token.start and before_fact.alnum_last))
            )
            han_after = (
                after is not None
                and after_fact is not None
                and (after_fact.han_first or (token.end == after.start and after_fact.alnum_first))
            )
            modifier = before_fact.key if before_fact is not None and han_before else ""
            # A lone character between brackets or dashes ((直-直), A/B) is a code, not a word.
            spaced = (before_fact is None or before_fact.space) and (
                after_fact is None or after_fact.space
            )
            units.append(
                Unit(
                    token,
                    fact.key,
                    fact.kind,
                    han_before,
                    han_after,
                    part=part,
                    modifier=modifier,
                    spaced=spaced,
                )
            )
        index += 1
    return units


def _quantity_at(tokens: Sequence[Token], facts: Sequence[_Facts], index: int) -> bool:
    """Whether the token at ``index`` is a number followed by its unit (保温杯 300ML)."""
    fact = facts[index]
    if fact.glued_match:
        return fact.glued_unit
    if fact.number is None or index + 1 >= len(tokens):
        return False
    return tokens[index + 1].start == tokens[index].end and facts[index + 1].unit


def _decide(earlier: Unit, later: Unit) -> Repeat | None:
    """Whether two units repeat each other, and which one to delete."""
    if earlier.number or later.number:
        if earlier.part != later.part:
            return None
        return _same_quantity(earlier, later)
    if earlier.key == later.key:
        if earlier.part != later.part:
            return None
        if earlier.kind == "char" and not (
            earlier.spaced and later.spaced and earlier.key not in COUNTERS
        ):
            return None
        if earlier.kind == "word" and not _same_phrase(earlier, later):
            return None  # 运动耳机 … 降噪耳机: two search phrases sharing a head noun
        if earlier.alone and later.han_before:
            # 连衣裙 … 碎花连衣裙: the later copy ends a longer word; the bare one goes.
            return Repeat(later.token, earlier.token, inside=False)
        return Repeat(earlier.token, later.token, inside=False)
    if earlier.key in later.key:
        short, long = earlier, later
    elif later.key in earlier.key:
        short, long = later, earlier
    else:
        return None
    if earlier.part != later.part or long.kind in _WHOLE_NAMES or short.kind in _WHOLE_NAMES:
        return None
    if short.kind == "word" and not short.alone:
        return None  # 蓝牙耳机 … 运动耳机: 耳机 is part of the phrase 运动耳机
    if _extends(long.key, short.key) and (
        short.kind == "word" or (short.alone and short.key not in COUNTERS)
    ):
        return Repeat(long.token, short.token, inside=True)
    return None


def _same_phrase(a: Unit, b: Unit) -> bool:
    """Whether two copies of a word are the same phrase said twice.

    A word glued on its left to a modifier is part of that phrase (运动耳机):
    two such copies are one phrase only with the same modifier (升降茶几 …
    升降茶几), and one is said again by the other copy only when that copy
    stands alone (耳机 … 运动耳机). Two copies free on their left repeat.
    """
    if a.bound and b.bound:
        return a.modifier == b.modifier
    return a.alone or b.alone


def _extends(long: str, short: str) -> bool:
    """Whether ``short`` is a word ``long`` is built on (手机壳, 打底衫; 豆腐猫砂, 连衣裙).

    A longer word that begins with the shorter one adds to it; one that ends
    with it adds a modifier word before it. A one-character modifier makes a
    word of its own (翻分牌 is no kind of 分牌, 铅画纸 no kind of 画纸), and so
    does a word that says what a product does not do (不掉毛).
    """
    if long.startswith(short):
        return len(short) > 1  # 毛 … 毛衣: a lone character is no word 毛衣 is built on
    return long.endswith(short) and len(long) - len(short) >= 2 and long[0] not in _NOT_A_HEAD


def _same_quantity(earlier: Unit, later: Unit) -> Repeat | None:
    """2层 … 2, 300ml … 300ML, 2片装 … 2片: one number, one unit (or none)."""
    if earlier.number != later.number or not earlier.number:
        return None
    if earlier.kind == later.kind == "number":
        return None  # years and model numbers: 2024 … 2024
    if earlier.kind == "number":
        return Repeat(later.token, earlier.token, inside=True)
    if later.kind == "number":
        return Repeat(earlier.token, later.token, inside=True)
    first, second = _unit_of(earlier), _unit_of(later)
    if first == second:
        return Repeat(earlier.token, later.token, inside=False)
    if second.startswith(first):
        return Repeat(later.token, earlier.token, inside=True)
    if first.startswith(second):
        return Repeat(earlier.token, later.token, inside=True)
    return None


def _unit_of(unit: Unit) -> str:
    return _LEADING_NUMBER.sub("", unit.key)


def _repeats(units: Sequence[Unit]) -> list[Repeat]:
    found: dict[int, Repeat] = {}
    for i, later in enumerate(units):
        key, number = later.key, later.number
        for earlier in units[:i]:
            # _decide's answer for two words neither of which is in the other, no numbers.
            if not (number or earlier.number) and earlier.key not in key and key not in earlier.key:
                continue
            repeat = _decide(earlier, later)
            if repeat is not None:
                found.setdefault(repeat.flagged.start, repeat)
                break
    return _merge_neighbours(sorted(found.values(), key=lambda r: r.flagged.start))


# Text folded by normal_form one character at a time, to itself or its lower
# case: CJK unified ideographs and printable ASCII other than the space.
_PLAIN = regex.compile(r"[\u4e00-\u9fff!-~]*")
_DIGIT = regex.compile(r"[0-9]")
# A Chinese character touching neither a Chinese character nor a letter or digit.
_LONE_HAN = regex.compile(
    r"(?<![\u4e00-\u9fffA-Za-z0-9])[\u4e00-\u9fff](?![\u4e00-\u9fffA-Za-z0-9])"
)
# What decides where a number can be: digits and points as they are, each run of
# Chinese characters, of letters, and of anything else as one character.
_SKELETON = (
    (regex.compile(r"[\u4e00-\u9fff]+"), "中"),
    (regex.compile(r"[A-Za-z]+"), "a"),
    (regex.compile(r"[^0-9.中a]+"), "-"),
)


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


# Longer skeletons (long runs of digits) are not worth listing: checked in full.
_SKELETON_CHARS = 64


@lru_cache(maxsize=4096)
def _numbers_apart(skeleton: str) -> bool:
    """Whether no two units can hold the same number, however the text is segmented.

    A unit's number is a run of digits (with one decimal part) of the text: a
    bare number touches no letter or digit on either side, and the number of a
    quantity is followed by its unit (a Chinese character or a letter). Every
    such run that could be one is listed; if no two of them that do not
    overlap have the same value, no two units can. ``skeleton`` is the text
    with each run of Chinese characters, of letters and of other characters
    written as one: where a number can be depends on nothing else.
    """
    found: list[tuple[str, int, int]] = []
    size = len(skeleton)
    for start in range(size):
        if not "0" <= skeleton[start] <= "9":
            continue
        before = skeleton[start - 1] if start else ""
        for end in range(start + 1, size + 1):
            raw = skeleton[start:end]
            if _NUMBER.match(raw) is None:
                if skeleton[end - 1] != ".":
                    break
                continue
            after = skeleton[end] if end < size else ""
            bare = not _ascii_alnum(before) and not _ascii_alnum(after)
            if bare or after in ("中", "a"):
                found.append((_canonical(raw), start, end))
    for i, (number, start, end) in enumerate(found):
        for other, other_start, other_end in found[i + 1 :]:
            if other == number and (other_start >= end or other_end <= start):
                return False
    return True


@lru_cache(maxsize=1024)  # a candidate is asked about by the composer, then by the check
def may_repeat(text: str) -> bool:
    """Whether :func:`find_repeats` can find anything in ``text``, however it is segmented.

    False only when that is certain from the characters alone: ``text`` holds
    no space and nothing normal_form folds to more than one character; no two
    characters in a row occur twice (two units of two or more characters can
    repeat only if one's key, and so its first two characters, is found again
    inside the other, which lies elsewhere in the title); no Chinese
    character touches neither a Chinese character nor a letter or digit (a
    one-character unit repeats only when alone); and no two numbers can be
    equal (:func:`_numbers_apart`). True otherwise: the title is then
    segmented and checked.
    """
    if _PLAIN.fullmatch(text) is None:
        return True
    folded = text.lower()
    pairs = {folded[i : i + 2] for i in range(len(folded) - 1)}
    if len(pairs) != max(len(folded) - 1, 0) or _LONE_HAN.search(text) is not None:
        return True
    if _DIGIT.search(text) is None:
        return False
    skeleton = text
    for pattern, mark in _SKELETON:
        skeleton = pattern.sub(mark, skeleton)
    return len(skeleton) > _SKELETON_CHARS or not _numbers_apart(skeleton)


def find_repeats(tokens: Sequence[Token]) -> list[Repeat]:
    """Each word to delete, with the word that already says it; neighbours merged."""
    return _repeats(units_of_tokens(tokens))


def word_terms(tokens: Sequence[Token]) -> tuple[Unit, ...]:
    """The units of one word segmented on its own, as they are in a title where the
    word stands between spaces. A spec part inside the word (a bracket group)
    can only repeat within the word, so it takes no part in :func:`word_repeat`."""
    return tuple(unit for unit in units_of_tokens(tokens) if unit.part == HEAD)


def word_repeat(earlier: Sequence[Unit], later: Sequence[Unit]) -> bool | None:
    """Whether two words repeat each other, and which one is to delete.

    None when they do not; False when the earlier word holds the word to
    delete (猫砂 before 豆腐猫砂), True when the later word does (三脚架 after
    三脚架). The same answer as :func:`find_repeats` on the title of the two
    words written in this order, between spaces.
    """
    flagged_earlier = False
    for b in later:
        for a in earlier:
            repeat = _decide(a, b)
            if repeat is None:
                continue
            # find_repeats takes, for each unit, the first earlier unit it repeats.
            if repeat.flagged is b.token:
                return True
            flagged_earlier = True
            break
    return False if flagged_earlier else None


def _merge_neighbours(repeats: list[Repeat]) -> list[Repeat]:
    """阿米 + 洛 repeated after 阿米洛 is one repeat, not two."""
    merged: list[Repeat] = []
    for repeat in repeats:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.flagged.end == repeat.flagged.start
            and last.kept.end == repeat.kept.start
        ):
            merged[-1] = Repeat(
                Token(last.kept.text + repeat.kept.text, last.kept.start, repeat.kept.end),
                Token(
                    last.flagged.text + repeat.flagged.text, last.flagged.start, repeat.flagged.end
                ),
                last.inside or repeat.inside,
            )
        else:
            merged.append(repeat)
    return merged


def group_repeats(repeats: Sequence[Repeat]) -> list[list[Repeat]]:
    """The repeats of one title by the word to delete, in title order: one problem each.

    升降茶几 said four times is one word to cut three times, not three problems; a
    copy of part of it (茶几) belongs to the same problem.
    """
    groups: dict[str, list[Repeat]] = {}
    for repeat in repeats:
        key = normal_form(repeat.flagged.text)
        same = next((k for k in groups if key in k or k in key), key)
        groups.setdefault(same, []).append(repeat)
    return list(groups.values())
