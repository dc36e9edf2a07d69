"""The composer and TITLE020 share one idea of a repeated word.

For every labelled title whose words are written with spaces, the row of
those words (the first the product word, the rest attributes in order) is
composed: no candidate is a title TITLE020 flags, and every word the composer
leaves out as a repeat of another attribute is a word TITLE020 flags when the
row's words are written in order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from listingkit import load_rules
from listingkit.title.compose import TitleComposer, TitleParams
from listingkit.title.lint import lint_title
from tests.checks.test_cases import store_file

LABELLED = Path(__file__).resolve().parent.parent / "data" / "titles_labelled.jsonl"

# Used until the labelled set is in place; the same shapes it holds.
_INLINE = [
    {"title": "收纳盒 桌面收纳盒 化妆品整理盒", "repeats": ["收纳盒"]},
    {"title": "羽绒服女 面包服 短款 加厚 冬季", "repeats": []},
    {"title": "小型犬 成犬 狗粮 鸡肉味 2.5kg", "repeats": []},
    {"title": "狗绳 牵引绳 中型犬 狗绳", "repeats": ["狗绳"]},
    {"title": "作文本 小学生 田字格 本 加厚", "repeats": []},
    {"title": "养生壶 304 1.8升 1.8", "repeats": ["1.8"]},
]


def _labelled() -> list[dict[str, object]]:
    if not LABELLED.is_file():
        return _INLINE
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _a_row(title: str) -> bool:
    """Words an operator could give: more than one, and no bracket group cut in two."""
    words = title.split()
    balanced = all(w.count("【") == w.count("】") and w.count("[") == w.count("]") for w in words)
    return len(words) > 1 and balanced


ROWS = [entry for entry in _labelled() if _a_row(str(entry["title"]))]


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    # Room for every word: only repeats decide what is left out.
    folder = tmp_path_factory.mktemp("rules")
    return load_rules(store_file(folder, {"title_rules": {"max_units": 400}}))


@pytest.fixture(scope="module")
def composer(rules):
    return TitleComposer(rules, select=["TITLE020"])


def _spans(words):
    """Where each word is in the words written with spaces."""
    spans, position = [], 0
    for word in words:
        spans.append((position, position + len(word)))
        position += len(word) + 1
    return spans


def test_the_rows_cover_the_labelled_repeats():
    assert len(ROWS) >= 5
    assert any(entry["repeats"] for entry in ROWS)


@pytest.mark.parametrize("entry", ROWS, ids=lambda e: str(e.get("id", e["title"])))
def test_composer_and_linter_agree(entry, composer, rules):
    words = str(entry["title"]).split()
    params = TitleParams(product=words[0], attribute=tuple(words[1:]))
    candidates = composer.compose(params, n=3)
    assert candidates
    for candidate in candidates:
        assert lint_title(candidate.title, rules, select=["TITLE020"]) == []

    written = " ".join(words)
    findings = lint_title(written, rules, select=["TITLE020"])
    flagged = [f.location.span for f in findings if f.location.span]
    spans = dict(zip(words, _spans(words), strict=False))
    for dropped in candidates[0].dropped:
        if not dropped.reason.startswith("与") or not dropped.reason.endswith("重复"):
            continue
        start, end = spans[dropped.word]
        if dropped.reason == "与产品词重复":
            # The product word stays: the repeat is flagged on it or on this word.
            p_start, p_end = spans[words[0]]
            ranges = [(start, end), (p_start, p_end)]
        else:
            ranges = [(start, end)]
        assert any(s >= a and e <= b for s, e in flagged for a, b in ranges), (
            written,
            dropped,
            findings,
        )
