"""The same ``listingkit images`` command run again over unchanged files prints the kept
report; any change to what the report depends on makes it check again, in real processes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

import listingkit
from listingkit.cache.images import RACY_SECONDS
from listingkit.cache.runs import KeptRun, keyed

COMMAND = ["images", "--format", "json", "--exit-zero", "--no-progress"]
RULES = """extends = "taobao"
[images]
white_level = {level}
"""
MARKER = '{"marker": "the kept report"}\n'


def _shop(root: Path) -> list[Path]:
    paths = []
    for index in range(4):
        path = root / "商品A" / "白底图" / f"{index + 1:02d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        colour = "white" if index % 2 else (200, 200, 200)
        Image.new("RGB", (800, 800), colour).save(path, "JPEG")
        paths.append(path)
    (root / "listingkit.toml").write_text(RULES.format(level=250), encoding="utf-8")
    return paths


def _settle(paths: list[Path]) -> None:
    """Wait until every file is older than the window in which a change may hide."""
    newest = max(max(p.stat().st_mtime, p.stat().st_ctime) for p in paths)
    time.sleep(max(0.0, newest + RACY_SECONDS + 0.2 - time.time()))


def _run(shop: Path, home: Path, *more: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "LISTINGKIT_NO_CACHE"}
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *COMMAND, str(shop), *more],
        capture_output=True,
        text=True,
        env={**environment, "XDG_CACHE_HOME": str(home), **env},
        cwd=shop.parent,
        timeout=120,
        check=False,
    )


def _kept(home: Path) -> list[Path]:
    """The kept reports' descriptions (each with its text beside it, ``.txt``)."""
    folder = home / "listingkit" / "runs"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _mark_kept_report(home: Path) -> None:
    """Replace the kept report's text: a run that prints it did not check anything."""
    (path,) = _kept(home)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["text"] = hashlib.sha256(MARKER.encode()).hexdigest()
    path.write_text(json.dumps(document), encoding="utf-8")
    path.with_suffix(".txt").write_text(MARKER, encoding="utf-8")


@pytest.fixture
def kept_shop(tmp_path: Path) -> tuple[Path, Path, list[Path], str]:
    """A shop checked: fresh, first run (report kept), again, and the kept report marked."""
    shop = tmp_path / "shop"
    images = _shop(shop)
    _settle([*images, shop / "listingkit.toml"])
    home = tmp_path / "cache"
    fresh = _run(shop, home, "--no-cache")
    assert fresh.returncode == 0, fresh.stderr
    assert _run(shop, home).stdout == fresh.stdout  # a first run: reads and report kept
    assert len(_kept(home)) == 1
    assert _run(shop, home).stdout == fresh.stdout  # printed again as it was
    _mark_kept_report(home)
    assert _run(shop, home).stdout == MARKER
    return shop, home, images, fresh.stdout


def test_unchanged_shop_prints_the_kept_report(kept_shop: tuple[Path, Path, list[Path], str]):
    shop, home, _, fresh = kept_shop
    again = _run(shop, home)
    assert (again.returncode, again.stdout, again.stderr) == (0, MARKER, "")
    assert _run(shop, home, "--no-cache").stdout == fresh
    assert _run(shop, home, LISTINGKIT_NO_CACHE="1").stdout == fresh


def test_file_rewritten_with_same_size_and_old_mtime_is_checked_again(
    kept_shop: tuple[Path, Path, list[Path], str],
) -> None:
    shop, home, images, _ = kept_shop
    before = images[1].stat()
    data = bytearray(images[1].read_bytes())
    data[-200] ^= 0xFF  # same size, other pixels
    images[1].write_bytes(bytes(data))
    os.utime(images[1], ns=(before.st_atime_ns, before.st_mtime_ns))
    assert images[1].stat().st_size == before.st_size
    assert _run(shop, home).stdout == _run(shop, home, "--no-cache").stdout != MARKER


def test_rule_file_changed_is_checked_again(kept_shop: tuple[Path, Path, list[Path], str]):
    shop, home, _, _ = kept_shop
    (shop / "listingkit.toml").write_text(RULES.format(level=120), encoding="utf-8")
    changed = _run(shop, home)
    assert changed.stdout == _run(shop, home, "--no-cache").stdout != MARKER


def test_new_file_other_options_or_environment_are_checked_again(
    kept_shop: tuple[Path, Path, list[Path], str],
) -> None:
    shop, home, _, fresh = kept_shop
    assert _run(shop, home, "--format", "text").stdout != MARKER
    assert _run(shop, home, LISTINGKIT_SOMETHING="1").stdout == fresh
    Image.new("RGB", (800, 800), "white").save(shop / "商品A" / "白底图" / "05.jpg", "JPEG")
    added = _run(shop, home)
    assert added.stdout == _run(shop, home, "--no-cache").stdout != fresh


def test_a_ci_runners_per_run_variables_do_not_stop_the_replay(
    kept_shop: tuple[Path, Path, list[Path], str],
) -> None:
    shop, home, _, fresh = kept_shop
    run = {"GITHUB_RUN_ID": "8812", "GITHUB_SHA": "0" * 40, "SHLVL": "3", "PWD": "/elsewhere"}
    assert _run(shop, home, **run).stdout == MARKER
    for name, value in [("TERM", "dumb"), ("LC_ALL", "C"), ("PYTHONHASHSEED", "7"), ("CI", "1")]:
        assert _run(shop, home, **run, **{name: value}).stdout == fresh, name


def test_every_variable_listingkit_reads_is_keyed() -> None:
    """A variable the source reads that a kept report ignored could replay a stale report."""
    read = re.compile(
        r"""(?:environ|env)\.get\(\s*"([A-Z][A-Z0-9_]*)"|getenv\(\s*"([A-Z][A-Z0-9_]*)"|"""
        r"""environ\[\s*"([A-Z][A-Z0-9_]*)"|^[A-Z_]+ = "([A-Z][A-Z0-9]*_[A-Z0-9_]+)"$""",
        re.MULTILINE,
    )
    source = Path(listingkit.__file__).parent
    names = {
        name
        for path in source.rglob("*.py")
        for match in read.finditer(path.read_text(encoding="utf-8"))
        for name in match.groups()
        if name and not name.isdigit()
    }
    assert {"LISTINGKIT_NO_CACHE", "XDG_CACHE_HOME", "NO_COLOR", "CI"} <= names
    assert [name for name in sorted(names) if not keyed(name)] == []


def test_corrupt_kept_report_is_ignored_and_rebuilt(
    kept_shop: tuple[Path, Path, list[Path], str],
) -> None:
    shop, home, _, fresh = kept_shop
    for corrupt in (b"", b"[1, 2]", b'{"kind": "listingkit run", "format": 1, "text": 5}'):
        (path,) = _kept(home)
        path.write_bytes(corrupt)
        again = _run(shop, home)
        assert (again.returncode, again.stdout, again.stderr) == (0, fresh, "")
    assert _run(shop, home).stdout == fresh  # kept again, whole
    assert _kept(home)[0].with_suffix(".txt").read_text(encoding="utf-8") == fresh
    _kept(home)[0].with_suffix(".txt").write_text(MARKER, encoding="utf-8")  # not its text
    assert _run(shop, home).stdout == fresh


def test_kept_report_is_not_used_by_another_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    images = _shop(tmp_path / "shop")
    reads = tmp_path / "reads.json"
    reads.write_text("{}", encoding="utf-8")
    _settle([*images, reads])

    def kept() -> KeptRun:
        files = [(os.fspath(p), p.as_posix()) for p in images]
        return KeptRun(
            "command", files, [], rule_paths=[], platform="taobao", template=None, reads_file=reads
        )

    first = kept()
    first.start()
    first.keep(1, "the report\n")
    assert kept().replay() == (1, "the report\n")
    monkeypatch.setattr(listingkit._version, "__version__", "99.0.0")
    assert kept().replay() is None


def test_report_of_a_shop_with_header_only_images_is_kept_and_replayed(tmp_path: Path) -> None:
    """Main images are read for their headers only (never kept), white-background ones
    decoded: the first run keeps the whole report, the next prints it unread."""
    shop = tmp_path / "shop"
    images = _shop(shop)
    main = shop / "商品A" / "主图" / "01.jpg"
    main.parent.mkdir()
    Image.new("RGB", (800, 800), "white").save(main, "JPEG")
    _settle([*images, main, shop / "listingkit.toml"])
    home = tmp_path / "cache"
    fresh = _run(shop, home, "--no-cache")
    assert any(s.endswith("主图/01.jpg") for s in json.loads(fresh.stdout)["subjects"])
    assert _run(shop, home).stdout == fresh.stdout
    assert len(_kept(home)) == 1
    _mark_kept_report(home)
    assert _run(shop, home).stdout == MARKER


def test_first_run_keeps_no_report_when_a_file_changed_while_it_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run walks only after it has read: a file written meanwhile (even with its
    old size and modification time put back) has a change time after the run's start."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    images = _shop(tmp_path / "shop")
    reads = tmp_path / "reads.json"
    reads.write_text("{}", encoding="utf-8")
    _settle([*images, reads])
    files = [(os.fspath(p), p.as_posix()) for p in images]

    def kept() -> KeptRun:
        return KeptRun(
            "command", files, [], rule_paths=[], platform="taobao", template=None, reads_file=reads
        )

    started = time.time_ns()
    quiet = kept()
    quiet.start(at=started, look=False)
    quiet.keep(0, "the report\n")
    assert kept().replay() == (0, "the report\n")

    started = time.time_ns()
    before = images[2].stat()
    data = bytearray(images[2].read_bytes())
    data[-200] ^= 0xFF
    images[2].write_bytes(bytes(data))  # while the run reads the others
    os.utime(images[2], ns=(before.st_atime_ns, before.st_mtime_ns))
    busy = kept()
    busy.start(at=started, look=False)
    busy.keep(1, "a report of other pixels\n")
    assert kept().replay() is None  # the first report no longer matches; none kept


def test_file_as_recent_as_the_run_keeps_no_report(tmp_path: Path) -> None:
    shop = tmp_path / "shop"
    images = _shop(shop)
    _settle([*images, shop / "listingkit.toml"])
    later = time.time() + 3600  # a change within the run's clock tick could hide
    os.utime(images[0], (later, later))
    home = tmp_path / "cache"
    runs = [_run(shop, home) for _ in range(3)]
    assert [run.returncode for run in runs] == [0, 0, 0]
    assert not _kept(home)


def test_cache_clean_removes_kept_reports(kept_shop: tuple[Path, Path, list[Path], str]):
    _, home, _, _ = kept_shop
    cleaned = subprocess.run(
        [sys.executable, "-m", "listingkit", "cache", "clean"],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(home)},
        timeout=60,
        check=False,
    )
    assert cleaned.returncode == 0 and "已删除" in cleaned.stdout
    assert not _kept(home)
