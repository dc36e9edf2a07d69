"""Every number in a rule file is checked where it is born: type and range.

Each case writes one store file with one bad value and expects exactly one
CONF003 line naming the file, line and key, with the range that is allowed.
Values that make sense, including every shipped rule file, still load.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit import RuleFileError, load_rules
from listingkit.ruleset import builtin_names
from listingkit.ruleset.models import MAX_IMAGE_BYTES, ImageSpec, PlatformRules

HEAD = 'extends = "taobao"\nstore = "测试店"\n[sources.s]\ntitle = "本店"\ngrade = "A"\n'


def problem_of(write: Callable[..., Path], body: str) -> str:
    path = write("listingkit.toml", HEAD + body)
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    lines = str(caught.value).splitlines()
    assert len(lines) == 1, lines
    return lines[0]


BAD = [
    # (table and value, key, words the message must hold)
    ('[title]\nsource = "s"\nmax_units = -5', "title.max_units", "应在 1 到 1,000 之间"),
    ('[title]\nsource = "s"\nmax_units = 0', "title.max_units", "取值 0 超出范围"),
    ('[title]\nsource = "s"\nmax_units = 100000', "title.max_units", "1 到 1,000"),
    ('[title]\nsource = "s"\nmax_units = true', "title.max_units", "应为整数，实际是 true"),
    ('[title]\nsource = "s"\nmin_units = 60.0', "title.min_units", "应为整数，实际是 60.0"),
    (
        '[title]\nsource = "s"\n[title.unit_weights]\nascii = 0\nother = 0',
        "title.unit_weights",
        "不能都为 0",
    ),
    (
        '[title]\nsource = "s"\n[title.unit_weights]\nascii = -1',
        "title.unit_weights.ascii",
        "0 到 10",
    ),
    ('[images.main]\nsource = "s"\nmin_side_px = true', "images.main.min_side_px", "实际是 true"),
    ('[images.main]\nsource = "s"\nmin_side_px = 0', "images.main.min_side_px", "1 到 100,000"),
    ('[images.main]\nsource = "s"\nmax_width_px = 1e9', "images.main.max_width_px", "应为整数"),
    (
        '[images.main]\nsource = "s"\nmax_bytes = "99999999999999999999999G"',
        "images.main.max_bytes",
        "'99999999999999999999999G' 超出范围：应在 1 字节到 1 GiB 之间",
    ),
    (
        '[images.main]\nsource = "s"\nmax_bytes = "9' + "9" * 400 + '"',
        "images.main.max_bytes",
        "1 GiB",
    ),
    ('[images.main]\nsource = "s"\nmax_bytes = "2G"', "images.main.max_bytes", "1 GiB"),
    ('[images.main]\nsource = "s"\nmax_bytes = false', "images.main.max_bytes", "应为整数"),
    ('[images.main]\nsource = "s"\nmax_count = -1', "images.main.max_count", "0 到 1,000"),
    (
        '[images.main]\nsource = "s"\nrequired_slots = [0]',
        "images.main.required_slots.0",
        "1 到 100",
    ),
    ('[images.main]\nsource = "s"\nmain_slot = true', "images.main.main_slot", "应为整数"),
    ('[images.main]\nsource = "s"\nmin_fill = 0', "images.main.min_fill", "应大于 0、不超过 1"),
    ('[images.main]\nsource = "s"\nmin_fill = 1.5', "images.main.min_fill", "不超过 1"),
    (
        '[images.main]\nsource = "s"\nmin_fill = true',
        "images.main.min_fill",
        "应为数字，实际是 true",
    ),
    ('[images.main]\nsource = "s"\nmin_fill = "0.5"', "images.main.min_fill", "应为数字"),
    ('[images.main]\nsource = "s"\nmax_fill = nan', "images.main.max_fill", "取值 nan 超出范围"),
    (
        '[images.main]\nsource = "s"\nmin_fill = 0.9\nmax_fill = 0.5',
        "images.main",
        "min_fill 0.9 大于",
    ),
    (
        '[images.main]\nsource = "s"\nmax_margin_px = -3',
        "images.main.max_margin_px",
        "0 到 100,000",
    ),
    ('[images.main]\nsource = "s"\naspect = "1:99999"', "images.main.aspect", "格式不对"),
    (
        '[images.main]\nsource = "s"\naspect_tolerance = inf',
        "images.main.aspect_tolerance",
        "0 到 0.5",
    ),
    ('[images.main]\nsource = "s"\nallow_alpha = 1', "images.main.allow_alpha", "true 或 false"),
    ("[images]\nwhite_level = 256", "images.white_level", "0 到 255"),
    ("[images]\nmax_off_white = -0.1", "images.max_off_white", "0 到 1"),
    ("[images]\nmax_pixels = 0", "images.max_pixels", "1 到 1,000,000,000"),
    ("[images]\nmax_pixels = true", "images.max_pixels", "应为整数"),
    ('[images.layout]\nmain = [""]', "images.layout.main.0", "不能是空字符串"),
    ('[title]\nown_brands = [""]', "title.own_brands.0", "不能是空字符串"),
    ('[schedule]\nsource = "s"\nlead_minutes = -10', "schedule.lead_minutes", "0 到 1,440"),
    ('[schedule]\nsource = "s"\ncycle_days = 0', "schedule.cycle_days", "1 到 366"),
    ('[schedule]\nsource = "s"\npeaks = ["20:00-24:59"]', "schedule.peaks.0", "格式不对"),
    ('[naming]\ntemplate = "{item:>999999999}"', "naming", "宽度不能超过 64"),
    ('[naming]\ntemplate = "../{item}"', "naming", "不能有 /"),
    ('[naming]\ntemplate = "{item.__class__}"', "naming", "未知的占位符"),
]


@pytest.mark.parametrize(("body", "key", "words"), BAD, ids=[case[1] for case in BAD])
def test_a_value_that_makes_no_sense_is_refused_with_its_range(write, body, key, words):
    line = problem_of(write, body + "\n")
    assert line.startswith("listingkit.toml:"), line
    assert f" {key}: " in line, line
    assert words in line, line
    assert line.endswith("[CONF003]"), line


def test_a_boolean_schema_version_is_refused(write):
    load_rules(write("listingkit.toml", "schema_version = 1\n" + HEAD))
    path = write("listingkit.toml", "schema_version = true\n" + HEAD)
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    assert str(caught.value) == (
        "listingkit.toml:1: schema_version: 类型不对：应为整数，实际是 true [CONF003]"
    )


def test_a_huge_value_is_quoted_short(write):
    line = problem_of(write, '[images.main]\nsource = "s"\nmax_bytes = "' + "9" * 100_000 + '"\n')
    assert len(line) < 300, len(line)
    assert "共 100,000 个字符" in line


GOOD = [
    '[title]\nsource = "s"\nmax_units = 1000\nmin_units = 1',
    '[images.main]\nsource = "s"\nmax_bytes = "1G"\nmin_fill = 1\nmax_fill = 1',
    '[images.main]\nsource = "s"\nmax_bytes = 1\nmax_count = 1000\nmin_side_px = 100000',
    '[images.detail]\nsource = "s"\nmin_count = 0\nmax_count = 0',
    '[images.main]\nsource = "s"\naspect = "9999:1"\naspect_tolerance = 0',
    "[images]\nwhite_level = 0\nmax_off_white = 1\nmax_pixels = 1000000000",
    '[schedule]\nsource = "s"\npeaks = ["00:00-24:00"]\nlead_minutes = 1440\ncycle_days = 366',
    '[naming]\ntemplate = "{item}-{seq:03d}"\ncolour_template = "{item}_{colour}_{seq:02d}"',
]


@pytest.mark.parametrize("body", GOOD)
def test_values_at_the_edges_of_their_ranges_load(write, body):
    load_rules(write("listingkit.toml", HEAD + body + "\n"))


def test_an_int_size_of_exactly_the_bound_loads(write):
    body = f'[images.main]\nsource = "s"\nmax_bytes = {MAX_IMAGE_BYTES}\n'
    rules = load_rules(write("listingkit.toml", HEAD + body))
    assert rules.model.images.main is not None
    assert rules.model.images.main.max_bytes == MAX_IMAGE_BYTES


@pytest.mark.parametrize("name", builtin_names())
def test_every_shipped_rule_file_is_within_the_ranges(name):
    load_rules(name)


def test_defaults_are_within_their_own_ranges():
    # The models' defaults pass the same validators a file's values do.
    PlatformRules.model_validate({"platform": "x", "display_name": "x"})
    ImageSpec.model_validate(ImageSpec().model_dump())
