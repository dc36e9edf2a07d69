"""The demand profile in the rule files: Taobao's shape as levels, a store's own profile."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from listingkit import load_rules
from listingkit.errors import RuleFileError
from listingkit.ruleset import builtin_names
from listingkit.slots.profile import HOURS, WEEK, demand_from_rules, profile_levels


def hours_at(demand_row: tuple[float, ...], value: float) -> list[int]:
    return [hour for hour, level in enumerate(demand_row) if level == value]


def test_taobao_profile_is_highest_at_21_and_lowest_before_6() -> None:
    demand = demand_from_rules(load_rules("taobao"))
    assert demand is not None
    assert not demand.measured
    assert len(demand.grid) == WEEK and all(len(day) == HOURS for day in demand.grid)
    assert all(day == demand.grid[0] for day in demand.grid)  # the source has no weekday shape
    day = demand.grid[0]
    assert hours_at(day, max(day)) == [21]
    assert hours_at(day, min(day)) == [0, 1, 2, 3, 4, 5]
    assert demand.at(3, 21) == max(day)


def test_taobao_profile_follows_the_order_of_the_source_words() -> None:
    demand = demand_from_rules(load_rules("taobao"))
    assert demand is not None
    day = demand.grid[0]
    evening = [day[h] for h in (19, 20, 22)]
    afternoon = [day[h] for h in range(12, 19)]
    assert min(evening) > max(afternoon)  # evening 19–23 is the peak
    assert day[9] < day[10] == day[11]  # rise from ~08, small peak 10–12
    assert day[8] > day[5]


def test_taobao_profile_marks_hours_the_source_says_nothing_about() -> None:
    words = profile_levels(load_rules("taobao"))
    assert words is not None and len(words) == HOURS
    assert [h for h, word in enumerate(words) if word == "未说明"] == [6, 7, 23]
    assert words[21] == "最高" and words[0] == "低谷"


def test_taobao_label_names_the_source_and_its_grade() -> None:
    demand = demand_from_rules(load_rules("taobao"))
    assert demand is not None
    assert "userbehavior-analyses" in demand.label
    assert "B 级" in demand.label and "listingkit 约定" in demand.label


@pytest.mark.parametrize("platform", [p for p in builtin_names() if p != "taobao"])
def test_platforms_without_a_profile_give_none(platform: str) -> None:
    assert load_rules(platform).model.schedule.profile is None
    assert demand_from_rules(load_rules(platform)) is None


def store_file(tmp_path: Path, schedule: str) -> Path:
    path = tmp_path / "listingkit.toml"
    text = 'extends = "taobao"\nstore = "测试店"\n\n[schedule]\n' + textwrap.dedent(schedule)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_store_replaces_the_profile_and_its_scores(tmp_path: Path) -> None:
    path = store_file(
        tmp_path,
        """
        levels = { "闲" = 0, "忙" = 7 }
        profile = [
          { hours = "00:00-09:00", level = "闲" },
          { hours = "09:00-18:00", level = "忙" },
          { hours = "18:00-24:00", level = "闲" },
        ]
        """,
    )
    demand = demand_from_rules(load_rules(path))
    assert demand is not None
    assert hours_at(demand.grid[6], 7.0) == list(range(9, 18))
    assert "店铺规则文件" in demand.label and "listingkit.toml" in demand.label


def test_a_store_can_rescore_the_platform_levels(tmp_path: Path) -> None:
    scores = {"低谷": 0, "未说明": 1, "上升": 2, "小高峰": 6, "平稳偏高": 3, "高峰": 8, "最高": 10}
    levels = ", ".join(f'"{word}" = {score}' for word, score in scores.items())
    path = store_file(tmp_path, f"levels = {{ {levels} }}\n")
    demand = demand_from_rules(load_rules(path))
    assert demand is not None
    assert demand.at(0, 21) == 10.0 and demand.at(0, 10) == 6.0 and demand.at(0, 3) == 0.0
    assert "userbehavior-analyses" in demand.label  # the shape is still the platform's


@pytest.mark.parametrize(
    ("profile", "said"),
    [
        (
            '[{hours = "00:00-12:00", level = "低谷"}, {hours = "11:00-24:00", level = "高峰"}]',
            "第 2 项 11:00-24:00 应当从 12:00 开始",
        ),
        (
            '[{hours = "00:00-12:00", level = "低谷"}, {hours = "13:00-24:00", level = "高峰"}]',
            "第 2 项 13:00-24:00 应当从 12:00 开始",
        ),
        (
            '[{hours = "00:00-12:00", level = "低谷"}, {hours = "12:00-20:00", level = "高峰"}]',
            "只写到 20:00",
        ),
        ('[{ hours = "00:00-24:00", level = "巅峰" }]', "等级“巅峰”不在 levels 里"),
        ('[{ hours = "00:30-24:00", level = "低谷" }]', "不是整点时段"),
        ('[{ hours = "00:00-24:00", level = "低谷", note = "x" }]', "只有 hours 和 level"),
    ],
)
def test_a_bad_profile_is_a_rule_file_problem(tmp_path: Path, profile: str, said: str) -> None:
    path = store_file(tmp_path, f"profile = {profile}\n")
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert said in message and "listingkit.toml" in message and "CONF003" in message
