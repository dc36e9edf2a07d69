"""The cache folder: where it is, bounded in size, read and written without surprises."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from listingkit.cache import cache_enabled, cache_folder, clean, results_folder, store, usage
from listingkit.cache.store import content_hash, read_json, write_json


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG rule is for Linux/Unix")
def test_folder_follows_xdg_and_ignores_a_relative_value(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert results_folder() == home / "listingkit" / "results"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert cache_folder() == Path.home() / ".cache" / "listingkit"


@pytest.mark.parametrize(
    ("value", "enabled"), [("", True), ("0", True), ("1", False), ("yes", False), ("TRUE", False)]
)
def test_environment_turns_the_cache_off(
    monkeypatch: pytest.MonkeyPatch, value: str, enabled: bool
) -> None:
    monkeypatch.setenv("LISTINGKIT_NO_CACHE", value)
    assert cache_enabled() is enabled
    assert cache_enabled(no_cache=True) is False


def test_written_whole_and_read_back(home: Path) -> None:
    target = results_folder() / "x.json"
    assert write_json(target, {"a": [1, 2.5, None, "水印"]})
    assert read_json(target) == {"a": [1, 2.5, None, "水印"]}
    assert [p.name for p in target.parent.iterdir()] == ["x.json"]  # no temporary file left


def test_folder_is_trimmed_oldest_first(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "MAX_FOLDER_BYTES", 2500)
    folder = results_folder()
    for index in range(5):
        assert write_json(folder / f"{index}.json", ["x" * 1000])
        os.utime(folder / f"{index}.json", ns=(index * 10**9, index * 10**9))
    assert write_json(folder / "new.json", ["y" * 100])
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["3.json", "4.json", "new.json"]
    assert usage().bytes <= 2500


def test_clean_says_what_it_removed(home: Path) -> None:
    folder = results_folder()
    write_json(folder / "a.json", [1])
    write_json(folder / "b.json", [2, 3])
    before = usage()
    assert before.files == 2
    removed = clean()
    assert (removed.files, removed.bytes, removed.failed) == (2, before.bytes, ())
    assert usage().files == 0 and folder.is_dir()
    assert clean().files == 0


def test_clean_empties_the_rules_cache_too(home: Path) -> None:
    rules = results_folder().parent / "rules"
    write_json(rules / "r.json", {"rules": 1})
    write_json(results_folder() / "a.json", [1])
    assert usage().files == 2
    assert clean().files == 2
    assert not (rules / "r.json").exists() and rules.is_dir()


def test_content_hash_of_a_regular_file_and_never_of_a_fifo_or_folder(tmp_path: Path) -> None:
    """A FIFO put where a rule file or watermark was is not waited on: it has no content hash."""
    data = b"template bytes" * 100_000  # more than one read chunk
    regular = tmp_path / "logo.png"
    regular.write_bytes(data)
    hashed = content_hash(regular)
    assert hashed is not None
    assert hashed[1] == hashlib.sha256(data).hexdigest()
    assert hashed[0].st_size == len(data)
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)  # nobody writes to it: a blocking open would hang here
    assert content_hash(fifo) is None
    assert content_hash(tmp_path) is None
    assert content_hash(tmp_path / "missing.png") is None
