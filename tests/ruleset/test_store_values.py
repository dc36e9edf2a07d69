"""A store's own number without a source is the store's choice: 本店设定, as binding as it wants.

Real store files, a real JPEG made with Pillow, and the CLI run as a real process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from listingkit.ruleset import load_rules

STORE = 'extends = "taobao"\nstore = "测试店"\n\n[images.main]\nmin_side_px = 900\n'


def _listingkit(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *argv],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
    )


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    (tmp_path / "listingkit.toml").write_text(STORE, encoding="utf-8")
    images = tmp_path / "商品A" / "主图"
    images.mkdir(parents=True)
    Image.new("RGB", (800, 800), (200, 30, 30)).save(images / "01.jpg", quality=90)
    return tmp_path


def test_validate_accepts_a_number_without_source(shop: Path) -> None:
    run = _listingkit(shop, "rules", "validate", "listingkit.toml")
    assert run.returncode == 0, run.stderr
    assert "CONF005" not in run.stderr


def test_fact_is_the_store_choice_and_not_the_platform_source(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shop)
    fact = load_rules("listingkit.toml").fact("images.main.min_side_px")
    assert fact.value == 900
    assert fact.is_store_choice
    assert fact.sources == ()  # never cited with the platform's source
    assert fact.citation() == "本店设定（listingkit.toml:5）"
    assert fact.ceiling == "error"


def test_show_marks_it_as_store_choice(shop: Path) -> None:
    text = _listingkit(shop, "rules", "show")
    assert text.returncode == 0, text.stderr
    line = next(x for x in text.stdout.splitlines() if x.strip().startswith("min_side_px = 900"))
    assert "本店设定" in line and "listingkit.toml:5" in line
    shown = json.loads(_listingkit(shop, "rules", "show", "--format", "json").stdout)
    fact = shown["images"]["main"]["min_side_px"]
    assert fact["store_choice"] is True and fact["source"] is None and fact["grade"] is None


def test_finding_cites_store_choice_at_error(shop: Path) -> None:
    run = _listingkit(shop, "images", ".", "--format", "json")
    assert run.returncode == 1, run.stderr
    found = [f for f in json.loads(run.stdout)["findings"] if f["code"] == "IMG005"]
    assert found, run.stdout
    assert {f["severity"] for f in found} == {"error"}
    assert {f["source"] for f in found} == {"本店设定（listingkit.toml:5）"}
    text = _listingkit(shop, "images", ".")
    assert "本店设定（listingkit.toml:5）" in text.stdout and "错误 IMG005" in text.stdout


def test_shipped_platform_numbers_are_never_store_choices() -> None:
    rules = load_rules("taobao")
    assert all(not f.is_store_choice for f in rules.facts())


def test_unknown_source_name_is_still_refused(shop: Path) -> None:
    (shop / "listingkit.toml").write_text(STORE + 'source = "no-such-source"\n', encoding="utf-8")
    run = _listingkit(shop, "rules", "validate", "listingkit.toml")
    assert run.returncode == 2
    assert "CONF006" in run.stderr and "no-such-source" in run.stderr
