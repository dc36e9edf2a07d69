"""The cache as the command line uses it, in real processes: --no-cache, two runs at once,
a FIFO or a file in the cache's place, ``listingkit cache`` and ``listingkit cache clean``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

IMAGES = ["images", "--platform", "taobao", "--format", "json", "--exit-zero", "--no-progress"]


def _shop(root: Path, count: int = 5) -> Path:
    for index in range(count):
        size = (800, 800) if index % 2 == 0 else (600, 800)
        colour = "white" if index % 3 else (90, 90, 90)
        path = root / "商品A" / "白底图" / f"{index + 1:02d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, colour).save(path, "JPEG")
    return root


def _env(home: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "LISTINGKIT_NO_CACHE"}
    return {**env, "XDG_CACHE_HOME": str(home), **more}


def _run(
    *argv: str, home: Path, timeout: float = 120, **more: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *argv],
        capture_output=True,
        text=True,
        env=_env(home, **more),
        timeout=timeout,
        check=False,
    )


def _results(home: Path) -> list[Path]:
    folder = home / "listingkit" / "results"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _tamper_all(home: Path) -> None:
    """Every kept read says the image is 10 px wide and a GIF."""
    for path in _results(home):
        document = json.loads(path.read_text(encoding="utf-8"))
        for entry in document["entries"].values():
            entry[8][0][2], entry[8][0][4] = "gif", 10
        path.write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize("command", ["images", "check"])
def test_no_cache_option_and_environment_bypass_the_cache(tmp_path: Path, command: str) -> None:
    shop = str(_shop(tmp_path / "shop"))
    argv = [command, *IMAGES[1:], shop]
    home = tmp_path / "cache"
    fresh = _run(*argv, "--no-cache", home=home)
    assert fresh.returncode == 0, fresh.stderr
    assert not home.exists()  # nothing written
    assert _run(*argv, home=home, LISTINGKIT_NO_CACHE="1").stdout == fresh.stdout
    assert not home.exists()
    assert _run(*argv, home=home).stdout == fresh.stdout
    assert _results(home)
    _tamper_all(home)
    assert _run(*argv, home=home).stdout != fresh.stdout  # the kept reads are used
    assert _run(*argv, "--no-cache", home=home).stdout == fresh.stdout
    assert _run(*argv, home=home, LISTINGKIT_NO_CACHE="1").stdout == fresh.stdout


def test_two_runs_at_once_both_right_and_cache_whole(tmp_path: Path) -> None:
    first, second = _shop(tmp_path / "a", 12), _shop(tmp_path / "b", 12)
    home = tmp_path / "cache"
    expected = [_run(*IMAGES, str(s), "--no-cache", home=home).stdout for s in (first, second)]
    for _ in range(2):
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "listingkit", *IMAGES, str(shop)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_env(home),
            )
            for shop in (first, second)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [out for out, _ in outputs] == expected
        assert [err for _, err in outputs] == ["", ""]
    (cache_file,) = _results(home)  # no temporary file left behind
    document = json.loads(cache_file.read_text(encoding="utf-8"))
    assert document["entries"]  # whole, of the right shape: the last writer's
    for shop, out in zip((first, second), expected, strict=True):
        assert _run(*IMAGES, str(shop), home=home).stdout == out


def test_fifo_in_place_of_the_cache_file_does_not_block(tmp_path: Path) -> None:
    shop = str(_shop(tmp_path / "shop"))
    home = tmp_path / "cache"
    fresh = _run(*IMAGES, shop, home=home)
    (cache_file,) = _results(home)
    cache_file.unlink()
    os.mkfifo(cache_file)
    again = _run(*IMAGES, shop, home=home, timeout=60)
    assert (again.returncode, again.stdout, again.stderr) == (0, fresh.stdout, "")
    assert cache_file.is_file()  # replaced by a whole cache file


def test_cache_that_cannot_be_written_is_silent(tmp_path: Path) -> None:
    shop = str(_shop(tmp_path / "shop"))
    home = tmp_path / "cache"
    home.mkdir()
    (home / "listingkit").write_text("not a folder", encoding="utf-8")
    fresh = _run(*IMAGES, shop, "--no-cache", home=home)
    for _ in range(2):
        run = _run(*IMAGES, shop, home=home)
        assert (run.returncode, run.stdout, run.stderr) == (0, fresh.stdout, "")


def test_cache_command_shows_and_cleans(tmp_path: Path) -> None:
    home = tmp_path / "cache"
    shown = _run("cache", home=home)
    assert shown.returncode == 0
    assert f"缓存位置：{home / 'listingkit'}" in shown.stdout
    assert "0 个" in shown.stdout
    _run(*IMAGES, str(_shop(tmp_path / "shop")), home=home)
    (cache_file,) = _results(home)
    (rules_file,) = (home / "listingkit" / "rules").iterdir()  # the validated rules
    shown = _run("cache", home=home)
    assert "2 个" in shown.stdout
    cleaned = _run("cache", "clean", home=home)
    assert cleaned.returncode == 0
    assert "已删除" in cleaned.stdout and "2 个缓存文件" in cleaned.stdout
    assert not cache_file.exists() and not rules_file.exists()
    again = _run("cache", "clean", home=home)
    assert again.returncode == 0 and "没有要删除" in again.stdout


def test_cache_command_refuses_an_unknown_action(tmp_path: Path) -> None:
    run = _run("cache", "purge", home=tmp_path / "cache")
    assert run.returncode == 2
    assert "purge" in run.stderr and "Traceback" not in run.stderr
