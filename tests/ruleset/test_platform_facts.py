"""Every number in ``rules/*.toml`` agrees with the research note, and has a source.

``data/platform-rules.md`` is an unmodified copy of the shared research note the
rule files were written from; ``data/expected_facts.toml`` lists every fact a rule
file sets, with its value, unit, source, grade and a quote from the note that
states it; ``data/expected_sources.toml`` lists each source with its grade and the
repository, file or site by which both the rule file and the note name it.
The test needs nothing outside the repository.

What is checked:

* each expected entry: the quote is in the named section of the note, the quote
  states the value in the entry's unit (see :func:`states_value`), the note grades
  the quote's row as the entry does, and the resolved rules carry that value from
  that source with that grade;
* each source: its grade is the expected one, and its ``where`` names what the
  note names;
* completeness: a fact set in a rule file without an expected entry fails, and
  so does an expected entry for a fact no rule file sets;
* every set fact names a source that exists, with a grade and a title; grade-A
  sources say where and when they were seen;
* tmall sets only what its sources support; no rule file declares a source it never uses.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from listingkit.ruleset import Rules, builtin_names, load_rules
from listingkit.ruleset.builtin import builtin_path

DATA = Path(__file__).parent / "data"
NOTE_FILE = DATA / "platform-rules.md"
EXPECTED_FILE = DATA / "expected_facts.toml"
SOURCES_FILE = DATA / "expected_sources.toml"
README_FILE = DATA / "README.md"

MAX_QUOTE = 100  # "a short quote": long enough to carry its number, not a whole row


# --------------------------------------------------------------------------
# Data


@cache
def note_text() -> str:
    return NOTE_FILE.read_text(encoding="utf-8")


@cache
def note_sections() -> dict[str, str]:
    """``{"§1.2": text, …}``: each ``##``/``###`` section with its subsections.

    Numbered headings (``### 1.2 Main images``) are named ``§1.2``; others by
    their heading text.
    """
    lines = note_text().splitlines(keepends=True)
    heads: list[tuple[int, int, str]] = []
    for index, line in enumerate(lines):
        match = re.match(r"^(#{2,3})\s+(.+?)\s*$", line)
        if match:
            title = match[2]
            number = re.match(r"(\d+(?:\.\d+)*)\.?\s", title)
            heads.append((index, len(match[1]), f"§{number[1]}" if number else title))
    sections: dict[str, str] = {}
    for position, (start, level, name) in enumerate(heads):
        end = next((i for i, lv, _ in heads[position + 1 :] if lv <= level), len(lines))
        sections[name] = "".join(lines[start:end])
    return sections


@cache
def expected() -> dict[str, list[dict[str, Any]]]:
    with EXPECTED_FILE.open("rb") as handle:
        return tomllib.load(handle)


@cache
def expected_sources() -> dict[str, dict[str, dict[str, str]]]:
    with SOURCES_FILE.open("rb") as handle:
        return tomllib.load(handle)


#: The unit each kind of fact is written in (by the end of its field name).
UNITS = (
    ("max_bytes", "byte"),
    ("unit_weights", "title unit per character"),
    ("_px", "px"),
    ("_count", "image"),
    ("_units", "title unit"),
    ("aspect", "width:height"),
    ("formats", "format"),
    ("forbid", "character class"),
    ("_slots", "slot"),
    ("_slot", "slot"),
    ("_fill", "share of the frame"),
    ("peaks", "hh:mm window"),
    ("profile", "hour window level"),
    ("_days", "day"),
)


def unit_of(key: str) -> str | None:
    field = key.rsplit(".", 1)[-1]
    return next((unit for end, unit in UNITS if field.endswith(end)), None)


def note_grades(quote: str) -> set[str]:
    """The grades the note gives the row a quote is from: ``(A)`` in the quote, or the
    row's last cell (``A (observed)``, ``B/C``)."""
    stated = set(re.findall(r"\(([ABC])\b", quote))
    if stated:
        return stated
    line = next((ln for ln in note_text().splitlines() if quote in ln), "")
    if not line.startswith("|"):
        return set()
    last = [cell.strip() for cell in line.strip().strip("|").split("|")][-1]
    return set(re.findall(r"(?<![A-Za-z])([ABC])(?![A-Za-z])", last))


def expected_entries() -> list[tuple[str, dict[str, Any]]]:
    return [(platform, entry) for platform, entries in expected().items() for entry in entries]


@cache
def rules(platform: str) -> Rules:
    return load_rules(platform)


def own_file(platform: str) -> str:
    return f"rules/{platform}.toml"


def own_facts(platform: str) -> dict[str, Any]:
    """The facts a platform's own rule file sets (not those it inherits)."""
    return {
        fact.key: fact
        for fact in rules(platform).facts()
        if fact.is_set and fact.origin is not None and fact.origin.file == own_file(platform)
    }


# --------------------------------------------------------------------------
# Does a quote state a value?

_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?!\d|\.\d)")
_SIZE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(MiB|MB|M|KiB|KB|K)(?![A-Za-z])")
_SIZE_FACTOR = {"k": 1024, "m": 1024**2}
_DURATION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(hours?|h|小时|minutes?|min|分钟)(?![A-Za-z])")
_RATIO = re.compile(r"(?<![\d.])\d+\s*[:：]\s*\d+(?![\d.])")
_RANGE = re.compile(r"(?<![\d.:])(\d{1,2})\s*[-–]\s*(\d{1,2})(?![\d:])")
_WINDOW = re.compile(r"^(\d{2}):00-(\d{2}):00$")
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
_CHINESE_DIGITS = "一二三四五六七八九"
_FORMATS = {"jpeg": r"jpe?g", "png": r"png", "gif": r"gif", "bmp": r"bmp", "webp": r"webp"}
_FORBIDDEN = {
    "tab": r"tabs?|制表符",
    "newline": r"newlines?|line breaks?|换行符?",
    "emoji": r"emojis?",
}


def numbers(text: str) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text)]


def plain_numbers(text: str) -> list[float]:
    """Numbers that are not part of a ratio (``3:4``) or a file size (``1 MB``)."""
    text = _RATIO.sub(" ", _SIZE.sub(" ", text))
    return numbers(text)


def byte_sizes(text: str) -> set[int]:
    """Sizes a text states: ``3M``/``1 MB``/``3 MiB`` (1024-based) or raw byte counts."""
    sized = {int(float(n) * _SIZE_FACTOR[unit[0].lower()]) for n, unit in _SIZE.findall(text)}
    with_unit = {m.start(1) for m in _SIZE.finditer(text)}
    raw = {
        int(m[0]) for m in _NUMBER.finditer(text) if m.start() not in with_unit and "." not in m[0]
    }
    return sized | raw


def minutes(text: str) -> set[float]:
    found: set[float] = set()
    for number, unit in _DURATION.findall(text):
        found.add(float(number) * (60 if unit[0] in "h小" else 1))
    return found


def states_aspect(value: str, quote: str) -> bool:
    width, height = value.split(":")
    if re.search(rf"(?<![\d.]){width}\s*[:：]\s*{height}(?!\d)", quote):
        return True
    return width == height and re.search(r"\bsquare\b", quote, re.IGNORECASE) is not None


def states_slot(slot: int, quote: str) -> bool:
    patterns = [rf"\bslot\s*{slot}(?!\d)", rf"第\s*{slot}(?!\d)"]
    if slot in _ORDINALS:
        patterns.append(rf"\b{_ORDINALS[slot]}\b")
    if 1 <= slot <= len(_CHINESE_DIGITS):
        patterns.append(f"第{_CHINESE_DIGITS[slot - 1]}")
    return any(re.search(p, quote, re.IGNORECASE) for p in patterns)


def named_kinds(quote: str, aliases: dict[str, str]) -> set[str]:
    return {
        name
        for name, pattern in aliases.items()
        if re.search(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])", quote, re.IGNORECASE)
    }


def states_windows(value: list[str], quote: str) -> bool:
    windows = set()
    for window in value:
        match = _WINDOW.match(window)
        if not match:
            return False  # a window not on the hour: teach this helper first
        windows.add((int(match[1]), int(match[2])))
    ranges = {(int(a), int(b)) for a, b in _RANGE.findall(quote)}
    return windows == ranges


def states_weights(value: dict[str, int], quote: str) -> bool:
    """``ASCII … = 1; 汉字 = 2``, or ``1 汉字 = 2`` (in units of which ASCII is 1)."""
    ascii_weight, other = value["ascii"], value["other"]
    if ascii_weight == other == 1:
        # a limit stated in 字 (characters, not 字节 bytes) counts every character as 1
        return re.search(r"\d+\s*字(?!节)", quote) is not None
    han = rf"(?:汉字|Chinese character)\s*(?:=|counts as)\s*{other}(?!\d)"
    if re.search(han, quote) is None:
        return False
    explicit = re.search(r"ASCII[^=;]*=\s*(\d+)", quote)
    if explicit:
        return int(explicit[1]) == ascii_weight
    return ascii_weight == 1 and re.search(rf"(?<![\d.])1\s*{han}", quote) is not None


#: The note's English words for the level words of ``[schedule].profile``.
_PROFILE_WORDS = {
    "低谷": r"trough (\d{2})–(\d{2})",
    "上升": r"rise from ~(\d{2})()",
    "小高峰": r"small peak (\d{2})–(\d{2})",
    "平稳偏高": r"high midday()()",
    "高峰": r"(\d{2})–(\d{2}) is the peak",
}


def states_profile(value: list[dict[str, str]], quote: str) -> bool:
    """Each level the note names sits where the note puts it; 未说明 hours are not claimed.

    ``trough 00–06`` → 低谷 exactly 00–06; ``rise from ~08`` → 上升 starts at 08;
    ``small peak 10–12`` → 小高峰 exactly 10–12; ``19–23 is the peak`` → 高峰 and 最高
    only inside 19–23; ``high midday`` → 平稳偏高 covers 12. Any other word fails.
    """
    hours = {}
    for window in value:
        start, stop = (int(part[:2]) for part in window["hours"].split("-"))
        hours.setdefault(window["level"], []).append((start, stop))
    for word, spans in hours.items():
        if word == "未说明":
            continue
        pattern = _PROFILE_WORDS.get("高峰" if word == "最高" else word)
        match = re.search(pattern, quote) if pattern else None
        if match is None:
            return False
        low = int(match[1]) if match[1] else None
        high = int(match[2]) if match[2] else None
        if word in {"低谷", "小高峰"} and spans != [(low, high)]:
            return False
        if word == "上升" and spans[0][0] != low:
            return False
        if word in {"高峰", "最高"} and not all(low <= a < b <= high for a, b in spans):
            return False
        if word == "平稳偏高" and not any(a <= 12 < b for a, b in spans):
            return False
    return True


def states_value(key: str, value: Any, quote: str) -> bool:
    """Whether ``quote`` states ``value`` for the fact ``key``.

    Each kind of fact is read its own way; a kind this helper does not know
    fails, so a new kind of fact has to be taught here before it passes.
    """
    field = key.rsplit(".", 1)[-1]
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if field == "profile":
        return states_profile(value, quote)
    if field == "max_bytes":
        return value in byte_sizes(quote)
    if field == "formats":
        return set(value) == named_kinds(quote, _FORMATS)
    if field == "forbid":
        return set(value) == named_kinds(quote, _FORBIDDEN)
    if field == "aspect":
        return states_aspect(value, quote)
    if field.endswith("peaks"):
        return states_windows(value, quote)
    if field == "lead_minutes":
        return float(value) in minutes(quote)
    if field == "required_slots":
        return bool(value) and all(states_slot(slot, quote) for slot in value)
    if field == "main_slot":
        return states_slot(value, quote)
    if field == "unit_weights":
        return states_weights(value, quote)
    if field.endswith("_fill") and isinstance(value, float):
        # a share of the frame, written as a percentage: 0.6 ← "60-80%"
        return float(round(value * 100)) in plain_numbers(quote)
    if field.endswith(("_px", "_count", "_units", "_days")) and type(value) is int:
        return float(value) in plain_numbers(quote)
    return False


@pytest.mark.parametrize(
    ("key", "value", "quote", "stated"),
    [
        ("images.main.max_bytes", 3_145_728, "machine rule `maxSize: 3145728` (3 MiB)", True),
        ("images.main.max_bytes", 3_145_728, "大小3M以内", True),
        ("images.main.max_bytes", 1_048_576, "≥ 600×600; ≤ 1 MB", True),
        ("images.main.max_bytes", 1_000_000, "≥ 600×600; ≤ 1 MB", False),
        ("images.main.max_bytes", 3_145_728, "machine rule `maxSize: 5242880`", False),
        ("images.main.max_bytes", 5_242_880, "≤ 50 images; 5 px", False),
        ("images.main.max_count", 5, "≤ 5; first is the main image", True),
        ("images.main.max_count", 5, "≤ 50 images in total", False),
        ("images.main.max_count", 5, "≤ 1.5 MB", False),
        ("images.main.max_count", 4, "Up to 5; ratio 3:4", False),
        ("images.detail.min_count", 2, "1–50; each ≤ 2 MB", False),
        ("images.main.min_side_px", 800, "≥ 800×800 px", True),
        ("images.main.min_side_px", 800, "≥ 8000×8000 px", False),
        ("images.main.aspect", "3:4", "Up to 5; ratio 3:4", True),
        ("images.main.aspect", "3:4", "ratio 1:1, 750×1000", False),
        ("images.sku.aspect", "1:1", "Square, height ≥ 480 px", True),
        ("images.sku.aspect", "3:4", "Square, height ≥ 480 px", False),
        ("images.main.formats", ["jpeg", "png"], "Tip: png, jpg, jpeg only", True),
        ("images.main.formats", ["jpeg", "png"], "jpg/bmp/gif/png/jpeg", False),
        ("images.main.formats", ["jpeg", "gif"], "JPG/PNG", False),
        ("title.forbid", ["tab", "newline"], "replaces tabs and line breaks", True),
        ("title.forbid", ["tab", "emoji"], "replaces tabs and line breaks", False),
        ("images.main.required_slots", [1], "slot 1 required", True),
        ("images.main.required_slots", [1], "Ratio 1:1 enforced", False),
        ("images.white_background.main_slot", 5, "第五张图发商品白底图", True),
        ("images.white_background.main_slot", 5, "第四张图", False),
        ("schedule.peaks", ["09:00-12:00", "20:00-23:00"], '"9–12, 20–23" windows', True),
        ("schedule.peaks", ["09:00-12:00", "20:00-23:00"], '"9–12, 19–23" windows', False),
        ("schedule.peaks", ["09:00-12:00"], '"9–12, 13–17" windows', False),
        ("schedule.lead_minutes", 60, "List ~1 h before a peak", True),
        ("schedule.lead_minutes", 30, "List ~1 h before a peak", False),
        ("schedule.cycle_days", 7, "有效期,7或者14（默认是7天）", True),
        ("schedule.cycle_days", 10, "有效期,7或者14（默认是7天）", False),
        ("title.unit_weights", {"ascii": 1, "other": 2}, "bytes; 1 汉字 = 2 (A)", True),
        ("title.unit_weights", {"ascii": 1, "other": 3}, "bytes; 1 汉字 = 2 (A)", False),
        ("title.unit_weights", {"ascii": 1, "other": 2}, "≤ 60 characters (30 汉字)", False),
        ("title.unit_weights", {"ascii": 2, "other": 2}, "bytes; 1 汉字 = 2 (A)", False),
        ("title.unit_weights", {"ascii": 1, "other": 2}, "ASCII (letters) = 1; 汉字 = 2", True),
        ("title.unit_weights", {"ascii": 1, "other": 2}, "ASCII (letters) = 2; 汉字 = 2", False),
        ("images.main.unknown_kind", 5, "≤ 5", False),
    ],
)
def test_states_value_reads_quotes_honestly(key: str, value: Any, quote: str, stated: bool) -> None:
    assert states_value(key, value, quote) is stated


# --------------------------------------------------------------------------
# The note copy


def test_note_copy_matches_the_hash_in_readme() -> None:
    digest = hashlib.sha256(NOTE_FILE.read_bytes()).hexdigest()
    assert digest in README_FILE.read_text(encoding="utf-8"), (
        f"data/platform-rules.md changed (sha256 {digest}); "
        "update data/README.md, the rule files and expected_facts.toml together"
    )


# --------------------------------------------------------------------------
# Each expected fact


@pytest.mark.parametrize(
    ("platform", "entry"),
    [pytest.param(p, e, id=f"{p}:{e['key']}") for p, e in expected_entries()],
)
def test_fact_agrees_with_the_note(platform: str, entry: dict[str, Any]) -> None:
    key, value, grade = entry["key"], entry["value"], entry["grade"]
    quote, section = entry["quote"], entry["section"]

    assert quote.strip() and len(quote) <= MAX_QUOTE, f"quote should be short: {quote!r}"
    assert quote in note_text(), f"quote not found verbatim in the note: {quote!r}"
    assert section in note_sections(), f"no section {section} in the note"
    assert quote in note_sections()[section], f"quote is not in {section}: {quote!r}"
    assert states_value(key, value, quote), f"quote {quote!r} does not state {value!r}"
    assert entry["unit"] == unit_of(key), f"{key} is written in {unit_of(key)}, not {entry['unit']}"
    assert grade in note_grades(quote), f"the note grades {quote!r} {note_grades(quote)}"

    fact = rules(platform).fact(key)
    assert fact.is_set and fact.origin is not None, f"{key} is not set in {own_file(platform)}"
    assert fact.origin.file == own_file(platform), f"{key} is set in {fact.origin.file}"
    resolved = fact.value.model_dump() if isinstance(fact.value, BaseModel) else fact.value
    assert resolved == value
    assert fact.source_name == entry["source"], f"{key} cites {fact.source_name}"
    assert fact.grade == grade, f"{key}: source {fact.source_name} has grade {fact.grade}"


# --------------------------------------------------------------------------
# Completeness


def test_expected_platforms_are_the_shipped_ones() -> None:
    assert sorted(expected()) == builtin_names()


@pytest.mark.parametrize("platform", builtin_names())
def test_every_number_in_a_rule_file_has_an_expected_entry(platform: str) -> None:
    keys = [entry["key"] for entry in expected().get(platform, [])]
    duplicates = sorted(k for k, n in Counter(keys).items() if n > 1)
    assert not duplicates, f"listed twice in expected_facts.toml: {duplicates}"
    set_in_file = set(own_facts(platform))
    missing = sorted(set_in_file - set(keys))
    extra = sorted(set(keys) - set_in_file)
    assert not missing, f"{own_file(platform)} sets facts not in expected_facts.toml: {missing}"
    assert not extra, f"expected_facts.toml lists facts {own_file(platform)} does not set: {extra}"


# --------------------------------------------------------------------------
# Sources


@pytest.mark.parametrize("platform", builtin_names())
def test_every_set_fact_has_a_source(platform: str) -> None:
    problems = []
    for fact in rules(platform).facts():
        if not fact.is_set:
            continue
        source = fact.source
        if source is None:
            problems.append(f"{fact.key}: source {fact.source_name!r} missing")
            continue
        if source.grade not in {"A", "B", "C"}:
            problems.append(f"{fact.key}: grade {source.grade!r}")
        if not source.title.strip():
            problems.append(f"{fact.key}: source {fact.source_name} has no title")
        if source.grade == "A" and not (source.where and source.seen):
            problems.append(f"{fact.key}: grade-A source {fact.source_name} lacks where/seen")
    assert not problems


@pytest.mark.parametrize("platform", builtin_names())
def test_every_cited_source_is_the_notes(platform: str) -> None:
    listed = expected_sources().get(platform, {})
    cited = {fact.source_name for fact in own_facts(platform).values()}
    assert cited == set(listed), f"{own_file(platform)} cites {sorted(cited)}"
    for name, want in listed.items():
        source = rules(platform).model.sources[name]
        assert source.grade == want["grade"], f"{name}: grade {source.grade}"
        if "cites" not in want:
            assert source.where is None and source.grade == "C", f"{name} has no name to follow"
            continue
        assert want["cites"] in (source.where or ""), f"{name}: where {source.where!r}"
        assert want["cites"] in note_text(), f"the note does not name {want['cites']!r}"


def test_tmall_sets_only_what_its_sources_support() -> None:
    # The note backs the shared image API and a community detail width for Tmall;
    # Taobao's publish-page numbers were never checked on Tmall, so none is inherited.
    tmall = rules("tmall")
    assert tmall.model.extends is None
    assert tmall.files == ("rules/tmall.toml",)
    assert tmall.model.title.max_units is None  # the note: Tmall's title limit is open
    images = tmall.model.images
    assert images.main_3x4 is images.sku is images.white_background is images.long is None
    assert tmall.model.schedule.peaks is tmall.model.schedule.cycle_days is None


@pytest.mark.parametrize("platform", builtin_names())
def test_every_declared_source_is_used(platform: str) -> None:
    path = builtin_path(platform)
    assert path is not None
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    declared = set(data.get("sources", {}))
    used = {fact.source_name for fact in own_facts(platform).values()}
    used.add(data.get("extends_source"))  # the source of why a platform extends another
    unused = sorted(declared - used)
    assert not unused, f"{own_file(platform)} declares sources no fact uses: {unused}"
