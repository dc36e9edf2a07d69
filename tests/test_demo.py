"""The shipped demo product: the README's first command finds exactly the problems put there."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from tests.test_project import _readme_commands

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_demo_reports_the_planted_problems(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    install_and_run, _ = _readme_commands()
    command = shlex.split(install_and_run.split("&&", 1)[1])
    assert command[:2] == ["listingkit", "check"]
    run = cli(*command[1:], "--format", "json")
    assert run.status == 0 and "Traceback" not in run.err  # --exit-zero, as shown
    found = sorted(
        (f["location"]["path"].split("连衣裙-A001/")[1], f["code"])
        for f in json.loads(run.out)["findings"]
    )
    assert found == [
        ("SKU", "SKU003"),  # 商品表.csv lists A001 in 黑色 too: no photo of it
        ("SKU/IMG_4711.JPG", "SKU001"),  # straight off the camera, not 货号_颜色_序号
        ("主图/03.jpg", "IMG006"),  # 600×600: under 800 recommended
        ("主图/03.jpg", "IMG006"),  # and under the 700 zoom threshold
        ("主图/04.jpg", "IMG010"),  # CMYK
        ("主图/05.jpg", "IMG002"),  # a PNG named .jpg
        ("白底/01.jpg", "IMG030"),  # grey sweep along the bottom
        ("白底/01.jpg", "IMG031"),  # so the "product" fills the frame
        ("详情/02.jpg", "IMG005"),  # 640 wide, the store asks for 750
    ]
    white = [f for f in json.loads(run.out)["findings"] if f["code"] == "IMG030"]
    # no platform gives a number for pure white: listingkit's default, so only a warning
    assert white[0]["source"].startswith("listingkit 默认阈值"), white
    assert white[0]["severity"] == "warning", white
    sku = {f["code"]: f for f in json.loads(run.out)["findings"] if f["code"].startswith("SKU")}
    assert "黑色" in sku["SKU003"]["message"] and "第 3 行" in sku["SKU003"]["message"]
    assert sku["SKU001"]["severity"] == "error"
    without = cli(*[part for part in command[1:] if part != "--exit-zero"])
    assert without.status == 1
