"""Image reads kept between runs: a repeat run reads only what changed, and is never stale."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import listingkit._version
from listingkit import Rules, resolve_rules
from listingkit.cache.images import RACY_SECONDS
from listingkit.engine import check_files
from listingkit.image.run import check_images

RULES = 'extends = "taobao"\n[images]\nwhite_level = {level}\n'


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("LISTINGKIT_NO_CACHE", raising=False)
    return home


def _photo(path: Path, size: tuple[int, int], seed: int, white: bool = True) -> None:
    """A JPEG: a coloured block on white (or on grey), with noise so it is not tiny."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, "white" if white else (120, 120, 120))
    pixels = image.load()
    assert pixels is not None
    for _ in range(size[0] * size[1] // 20):
        x, y = rng.randrange(size[0] // 4, 3 * size[0] // 4), rng.randrange(size[1])
        pixels[x, y] = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=90)


def _shop(root: Path, count: int = 4) -> list[Path]:
    paths = []
    for index in range(count):
        path = root / "商品A" / "白底图" / f"{index + 1:02d}.jpg"
        _photo(path, (800, 800), index, white=index % 2 == 0)
        paths.append(path)
    png = root / "商品A" / "白底图" / "05.png"
    Image.new("RGBA", (800, 800), (255, 255, 255, 0)).save(png)
    broken = root / "商品A" / "白底图" / "06.jpg"
    broken.write_bytes(paths[0].read_bytes()[:2000])
    return [*paths, png, broken]


def _settle(paths: list[Path]) -> None:
    """Wait until every file is older than the window in which a change may hide."""
    newest = max(max(p.stat().st_mtime, p.stat().st_ctime) for p in paths)
    time.sleep(max(0.0, newest + RACY_SECONDS + 0.2 - time.time()))


def _report(root: Path, rules: Rules, *, cache: bool) -> dict[str, Any]:
    report = check_images([root], rules, role="white_background", cache=cache)
    return report.to_dict()


def _cache_files(home: Path) -> list[Path]:
    folder = home / "listingkit" / "results"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _tamper(home: Path, image: Path, width: int) -> None:
    """Change what is kept of ``image`` (its width, its format, its borders all grey)
    in the cache: a run that reports it did not read the file again."""
    (cache_file,) = _cache_files(home)
    document = json.loads(cache_file.read_text(encoding="utf-8"))
    entry = document["entries"][os.path.abspath(image)]
    head, background = entry[8][0], entry[8][1]
    head[2], head[4] = "gif", width
    if background is not None:
        for edge in background[0]:
            edge[1] = 1.0
    cache_file.write_text(json.dumps(document), encoding="utf-8")


def _rules(tmp_path: Path, level: int = 250) -> Rules:
    path = tmp_path / "rules" / "listingkit.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(RULES.format(level=level), encoding="utf-8")
    return resolve_rules(None, str(path))


def test_repeat_run_gives_the_same_report_and_keeps_every_readable_image(
    tmp_path: Path, cache_home: Path
) -> None:
    shop = _shop(tmp_path / "shop")
    rules = _rules(tmp_path)
    fresh = _report(tmp_path / "shop", rules, cache=False)
    assert _cache_files(cache_home) == []  # cache=False writes nothing
    assert _report(tmp_path / "shop", rules, cache=True) == fresh
    assert _report(tmp_path / "shop", rules, cache=True) == fresh
    (cache_file,) = _cache_files(cache_home)
    entries = json.loads(cache_file.read_text(encoding="utf-8"))["entries"]
    assert set(entries) == {os.path.abspath(p) for p in shop}  # the broken one too: its error


def test_unchanged_file_is_taken_from_the_cache(tmp_path: Path, cache_home: Path) -> None:
    shop = _shop(tmp_path / "shop")
    rules = _rules(tmp_path)
    fresh = _report(tmp_path / "shop", rules, cache=False)
    _report(tmp_path / "shop", rules, cache=True)
    _tamper(cache_home, shop[0], 10)
    served = _report(tmp_path / "shop", rules, cache=True)
    assert served != fresh  # the kept (tampered) read was used: the file was not read
    assert _report(tmp_path / "shop", rules, cache=False) == fresh


@pytest.mark.skipif(not os.path.exists("/proc/self/io"), reason="needs Linux /proc/self/io")
def test_unchanged_files_cost_no_image_bytes(tmp_path: Path, cache_home: Path) -> None:
    shop = _shop(tmp_path / "shop", count=6)
    rules = _rules(tmp_path)
    _settle(shop)
    first = _report(tmp_path / "shop", rules, cache=True)

    def bytes_read() -> int:
        io = Path("/proc/self/io").read_text(encoding="ascii")
        return int(next(line for line in io.splitlines() if line.startswith("rchar:")).split()[1])

    before = bytes_read()
    second = _report(tmp_path / "shop", rules, cache=True)
    spent = bytes_read() - before
    images = sum(p.stat().st_size for p in shop)
    cache_size = sum(p.stat().st_size for p in _cache_files(cache_home))
    assert second == first
    assert spent < cache_size + images // 4, (spent, images, cache_size)


def test_file_rewritten_in_place_with_same_size_and_old_mtime_is_read_again(
    tmp_path: Path, cache_home: Path
) -> None:
    root = tmp_path / "shop"
    target = root / "商品A" / "主图" / "01.jpg"
    _photo(target, (800, 800), 1)
    other = tmp_path / "other.jpg"
    _photo(other, (600, 800), 2, white=False)
    a, b = target.read_bytes(), other.read_bytes()
    size = max(len(a), len(b))
    target.write_bytes(a + b"\0" * (size - len(a)))  # trailing padding: still a whole JPEG
    replacement = b + b"\0" * (size - len(b))
    rules = _rules(tmp_path)
    first = _report(root, rules, cache=True)
    before = target.stat()
    with open(target, "r+b") as handle:  # same inode, same size
        handle.write(replacement)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    again = _report(root, rules, cache=True)
    assert again == _report(root, rules, cache=False)
    assert again != first


def test_change_hidden_from_the_times_is_caught_by_the_racy_rule(
    tmp_path: Path, cache_home: Path
) -> None:
    """A change in the same clock tick keeps every time: the content is hashed again."""
    root = tmp_path / "shop"
    target = root / "商品A" / "主图" / "01.jpg"
    _photo(target, (800, 800), 1)
    rules = _rules(tmp_path)
    first = _report(root, rules, cache=True)  # recorded while the file is new: racy
    _photo(target, (800, 800), 7, white=False)
    with open(target, "ab") as handle:
        handle.write(b"\0" * 10)
    # Make the kept entry match the new times, as a coarse clock would have left them.
    (cache_file,) = _cache_files(cache_home)
    document = json.loads(cache_file.read_text(encoding="utf-8"))
    entry = document["entries"][os.path.abspath(target)]
    status = target.stat()
    entry[:5] = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_dev,
                 status.st_ino]  # fmt: skip
    cache_file.write_text(json.dumps(document), encoding="utf-8")
    again = _report(root, rules, cache=True)
    assert again == _report(root, rules, cache=False)
    assert again != first


def test_same_content_with_new_times_is_taken_from_the_cache(
    tmp_path: Path, cache_home: Path
) -> None:
    """A fresh checkout (every file rewritten with its old content) reads nothing again."""
    shop = _shop(tmp_path / "shop")
    rules = _rules(tmp_path)
    fresh = _report(tmp_path / "shop", rules, cache=True)
    _tamper(cache_home, shop[1], 10)
    for path in shop:
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
    assert _report(tmp_path / "shop", rules, cache=True) != fresh  # the hash matched


def test_rule_file_changed_uses_another_cache(tmp_path: Path, cache_home: Path) -> None:
    shop = _shop(tmp_path / "shop")
    rules = _rules(tmp_path, 250)
    _report(tmp_path / "shop", rules, cache=True)
    _tamper(cache_home, shop[0], 10)
    changed = _rules(tmp_path, 200)
    assert _report(tmp_path / "shop", changed, cache=True) == _report(
        tmp_path / "shop", changed, cache=False
    )
    assert len(_cache_files(cache_home)) == 2


def test_new_listingkit_version_uses_another_cache(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = _shop(tmp_path / "shop")
    rules = _rules(tmp_path)
    fresh = _report(tmp_path / "shop", rules, cache=False)
    _report(tmp_path / "shop", rules, cache=True)
    _tamper(cache_home, shop[0], 10)
    assert _report(tmp_path / "shop", rules, cache=True) != fresh  # same version: kept reads
    monkeypatch.setattr(listingkit._version, "__version__", "99.0.0")
    assert _report(tmp_path / "shop", rules, cache=True) == fresh


def test_other_selected_checks_use_another_cache(tmp_path: Path, cache_home: Path) -> None:
    shop = _shop(tmp_path / "shop")
    rules = _rules(tmp_path)
    _report(tmp_path / "shop", rules, cache=True)
    _tamper(cache_home, shop[0], 10)
    chosen = check_images([tmp_path / "shop"], rules, select=["IMG0"], cache=True)
    assert chosen == check_images([tmp_path / "shop"], rules, select=["IMG0"], cache=False)


CORRUPTIONS: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda data: data[: len(data) // 2],
    "random bytes": lambda data: random.Random(1).randbytes(len(data)),
    "empty": lambda data: b"",
    "a list": lambda data: b"[1, 2, 3]",
    "entries a list": lambda data: json.dumps({**json.loads(data), "entries": [1, 2]}).encode(),
    "entries of the wrong shape": lambda data: json.dumps(
        {
            **json.loads(data),
            "entries": {
                key: ([None] * len(value) if i % 2 else [*value[:3], "x", {}, 5])
                for i, (key, value) in enumerate(json.loads(data)["entries"].items())
            },
        }
    ).encode(),
    "reads of the wrong shape": lambda data: json.dumps(
        {
            **json.loads(data),
            "entries": {
                key: [*value[:8], [["facts", "wide", True], None, None, "no"], value[9]]
                for key, value in json.loads(data)["entries"].items()
            },
        }
    ).encode(),
    "deeply nested": lambda data: b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_corrupt_cache_file_is_ignored_and_rebuilt(
    tmp_path: Path, cache_home: Path, corruption: str
) -> None:
    shop = _shop(tmp_path / "shop")
    rules = _rules(tmp_path)
    fresh = _report(tmp_path / "shop", rules, cache=False)
    _report(tmp_path / "shop", rules, cache=True)
    (cache_file,) = _cache_files(cache_home)
    cache_file.write_bytes(CORRUPTIONS[corruption](cache_file.read_bytes()))
    assert _report(tmp_path / "shop", rules, cache=True) == fresh
    document = json.loads(cache_file.read_text(encoding="utf-8"))
    assert set(document["entries"]) == {os.path.abspath(p) for p in shop}
    _tamper(cache_home, shop[0], 10)  # rebuilt, and used again
    assert _report(tmp_path / "shop", rules, cache=True) != fresh


def test_link_in_place_of_the_cache_file_is_not_followed(tmp_path: Path, cache_home: Path) -> None:
    shop = _shop(tmp_path / "shop")
    rules = _rules(tmp_path)
    fresh = _report(tmp_path / "shop", rules, cache=False)
    _report(tmp_path / "shop", rules, cache=True)
    _tamper(cache_home, shop[0], 10)
    (cache_file,) = _cache_files(cache_home)
    elsewhere = tmp_path / "elsewhere.json"
    os.replace(cache_file, elsewhere)
    kept = elsewhere.read_bytes()
    cache_file.symlink_to(elsewhere)
    assert _report(tmp_path / "shop", rules, cache=True) == fresh  # the tampered file unread
    assert elsewhere.read_bytes() == kept  # nor written through the link
    assert not cache_file.is_symlink()


def test_cache_folder_that_cannot_be_written_is_passed_over(
    tmp_path: Path, cache_home: Path
) -> None:
    _shop(tmp_path / "shop")
    rules = _rules(tmp_path)
    cache_home.mkdir()
    (cache_home / "listingkit").write_text("a file where the folder should be", encoding="utf-8")
    fresh = _report(tmp_path / "shop", rules, cache=False)
    assert _report(tmp_path / "shop", rules, cache=True) == fresh
    assert _report(tmp_path / "shop", rules, cache=True) == fresh


def test_check_files_keeps_and_uses_image_reads(tmp_path: Path, cache_home: Path) -> None:
    shop = _shop(tmp_path / "shop")
    rules = _rules(tmp_path)
    fresh = check_files([tmp_path / "shop"], rules)
    assert check_files([tmp_path / "shop"], rules, cache=True) == fresh
    assert check_files([tmp_path / "shop"], rules, cache=True) == fresh
    _tamper(cache_home, shop[0], 10)
    assert check_files([tmp_path / "shop"], rules, cache=True) != fresh
    assert check_files([tmp_path / "shop"], rules) == fresh


def _logo(path: Path, colour: tuple[int, int, int, int]) -> Image.Image:
    logo = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    logo.paste(colour, (10, 10, 70, 70))
    logo.paste((35, 35, 35, 255), (90, 20, 190, 60))
    logo.save(path)
    return logo


def _watermarked_shop(root: Path) -> tuple[Path, Rules]:
    (root / ".git").mkdir(parents=True)
    logo = _logo(root / "logo.png", (214, 40, 40, 255))
    (root / "listingkit.toml").write_text(
        'extends = "taobao"\n[images.watermark]\ntemplate = "logo.png"\nrequired_on = ["main"]\n',
        encoding="utf-8",
    )
    folder = root / "商品" / "主图"
    folder.mkdir(parents=True)
    marked = Image.new("RGB", (800, 800), "white")
    marked.paste(logo, (560, 40), logo)
    marked.save(folder / "01.jpg", "JPEG", quality=92)
    Image.new("RGB", (800, 800), (250, 250, 250)).save(folder / "02.jpg", "JPEG")
    Image.new("RGBA", (800, 800), (255, 255, 255, 0)).save(folder / "03.png")
    return root / "商品", resolve_rules(None, str(root / "listingkit.toml"))


def test_kept_reads_equal_fresh_reads_watermark_included(tmp_path: Path, cache_home: Path) -> None:
    from listingkit.image.run import ImageChecker, _results_cache, perform
    from listingkit.subjects import walk

    shop, rules = _watermarked_shop(tmp_path / "store")
    fresh = check_images([shop], rules)
    assert fresh.findings  # the unmarked images miss the logo
    assert check_images([shop], rules, cache=True) == fresh
    assert check_images([shop], rules, cache=True) == fresh
    checker = ImageChecker(rules)
    kept = _results_cache(rules, (), ())
    tasks = [checker.task(path, display) for path, display in walk([shop]).files]
    assert any(task.watermark for task in tasks)
    for task in tasks:
        assert kept.lookup(task) == perform(task)


def test_watermark_template_changed_is_searched_again(tmp_path: Path, cache_home: Path) -> None:
    shop, _ = _watermarked_shop(tmp_path / "store")

    def run(*options: str) -> str:
        command = [sys.executable, "-m", "listingkit", "images", str(shop), "--format", "json"]
        done = subprocess.run(
            [*command, *options], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode in (0, 1), done.stderr
        return done.stdout

    first = run()
    other = Image.new("RGBA", (160, 160), (0, 0, 0, 0))  # same path, another logo
    other.paste((40, 40, 214, 255), (0, 70, 160, 90))
    other.paste((40, 40, 214, 255), (70, 0, 90, 160))
    other.save(tmp_path / "store" / "logo.png")
    again = run()
    assert again == run("--no-cache")
    assert again != first


def test_header_only_run_keeps_nothing(tmp_path: Path, cache_home: Path) -> None:
    """Reading a header costs about what a lookup does: such a run neither hashes nor keeps."""
    _shop(tmp_path / "shop")
    rules = _rules(tmp_path)
    header_only = ["IMG030", "IMG031"]
    fresh = check_images([tmp_path / "shop"], rules, ignore=header_only)
    assert check_images([tmp_path / "shop"], rules, ignore=header_only, cache=True) == fresh
    assert _cache_files(cache_home) == []


def test_entries_are_bounded_most_recent_kept(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from listingkit.cache import images

    monkeypatch.setattr(images, "MAX_ENTRIES", 4)
    old = _shop(tmp_path / "old", count=4)
    rules = _rules(tmp_path)
    _report(tmp_path / "old", rules, cache=True)
    new = _shop(tmp_path / "new", count=2)
    fresh = _report(tmp_path / "new", rules, cache=False)
    assert _report(tmp_path / "new", rules, cache=True) == fresh
    (cache_file,) = _cache_files(cache_home)
    entries = json.loads(cache_file.read_text(encoding="utf-8"))["entries"]
    assert len(old) == 6 and len(new) == 4
    assert set(entries) == {os.path.abspath(p) for p in new}
