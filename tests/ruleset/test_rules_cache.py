"""Validated rules kept in the user's cache folder: never stale, never in the way.

An image run reads its rules back from ``<cache>/listingkit/rules/`` when no
file they were built from changed, without loading pydantic or a TOML parser;
these tests prove the rules read back are the same rules, that any change to a
file they depend on (or to listingkit) is seen, and that a broken or unusable
cache is passed over without a word.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from listingkit import Rules, check_images, load_rules, resolve_rules
from listingkit.ruleset import builtin_names, cache
from listingkit.ruleset.cache import PlainTable

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_STORE = ROOT / "fixtures" / "store"

STORE = """\
extends = "taobao"
store = "测试店"

[sources.guide]
title = "本店规范"
grade = "A"

[title]
extend_word_lists = ["店铺词表.toml"]

[images.main]
source = "guide"
max_bytes = "2MB"
"""


def word_list(*words: str) -> str:
    entries = ", ".join(f'{{ word = "{word}", replace = "删除" }}' for word in words)
    return (
        'name = "店铺词表"\n\n[[category]]\nid = "rank"\nlabel = "排名用语"\n'
        f'reason = "无法证实的排名"\nwords = [{entries}]\n'
    )


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test only; the cache switched on whatever the caller's setting."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("LISTINGKIT_NO_CACHE", raising=False)
    return folder / "listingkit" / "rules"


def from_cache(rules: Rules) -> bool:
    """Whether these rules were read back from the cache (a plain view, not the schema's model)."""
    return isinstance(rules.model, PlainTable)


def fact_rows(rules: Rules, keys: list[str]) -> list[tuple[Any, ...]]:
    rows = []
    for key in keys:
        fact = rules.fact(key)
        value = fact.value.validated() if isinstance(fact.value, PlainTable) else fact.value
        rows.append((key, value, fact.source_name, fact.origin, fact.grade, fact.ceiling))
        rows.append((key, fact.citation(), fact.is_set, fact.is_store_choice))
    return rows


def entries(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


def run_listingkit(
    *args: str, cache_home: Path, drop: tuple[str, ...] = (), **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    for name in ("LISTINGKIT_NO_CACHE", *drop):
        environment.pop(name, None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
        check=False,
    )


# -- the rules read back are the same rules ---------------------------------------


@pytest.mark.parametrize("ref", [*builtin_names(), str(FIXTURE_STORE / "listingkit.toml")])
def test_rules_read_back_say_the_same_as_the_files(ref: str, user_cache: Path) -> None:
    read = load_rules(ref)
    kept = load_rules(ref, cached=True)  # read, then kept
    again = load_rules(ref, cached=True)
    assert not from_cache(kept) and from_cache(again)
    keys = [fact.key for fact in read.facts()]
    assert fact_rows(again, keys) == fact_rows(read, keys)
    assert again.files == read.files and again.paths == read.paths
    assert dict(again.provenance) == dict(read.provenance)
    assert dict(again.grade_caps) == dict(read.grade_caps)
    assert (again.platform, again.display_name) == (read.platform, read.display_name)
    assert again.model.checks == read.model.checks
    assert again.model.images.layout == read.model.images.layout
    assert isinstance(again.model, PlainTable) and again.model.validated() == read.model


@pytest.mark.parametrize("platform", builtin_names())
def test_image_findings_are_the_same_with_and_without_the_cache(
    platform: str, user_cache: Path
) -> None:
    paths = [str(FIXTURE_STORE)]
    read = check_images(paths, resolve_rules(platform, start=FIXTURE_STORE))
    resolve_rules(platform, start=FIXTURE_STORE, cached=True)
    kept = resolve_rules(platform, start=FIXTURE_STORE, cached=True)
    assert from_cache(kept)
    assert check_images(paths, kept).findings == read.findings
    assert read.findings  # the fixtures do break some rules: the comparison means something


def test_a_store_watermark_is_read_back_with_its_roles(
    user_cache: Path, write: Callable[..., Path]
) -> None:
    from PIL import Image

    Image.new("RGBA", (60, 20), (200, 0, 0, 255)).save(write("logo.png"))
    Image.new("RGB", (800, 800), (255, 255, 255)).save(write("主图/01.jpg"))
    store = write(
        "listingkit.toml",
        """\
        extends = "taobao"
        store = "测试店"

        [images.watermark]
        template = "logo.png"
        required_on = ["main", "detail"]
        forbidden_on = ["white_background"]
        """,
    )
    read = load_rules(store)
    load_rules(store, cached=True)
    kept = load_rules(store, cached=True)
    assert from_cache(kept)
    mark, kept_mark = read.model.images.watermark, kept.model.images.watermark
    assert mark is not None and kept_mark is not None
    assert kept_mark.roles == mark.roles == {"main", "detail", "white_background"}
    assert kept_mark.template == mark.template
    found = check_images(["主图"], read).findings
    assert check_images(["主图"], kept).findings == found
    assert [f.code for f in found if f.code == "IMG040"] == ["IMG040"]  # no logo on it


def test_the_command_prints_the_same_report_from_the_cache(tmp_path: Path) -> None:
    args = ("images", str(FIXTURE_STORE), "--platform", "taobao", "--format", "json")
    first = run_listingkit(*args, cache_home=tmp_path)
    second = run_listingkit(*args, cache_home=tmp_path)
    without = run_listingkit(*args, cache_home=tmp_path, LISTINGKIT_NO_CACHE="1")
    assert first.returncode == second.returncode == without.returncode == 1, first.stderr
    assert second.stdout == first.stdout == without.stdout
    assert len(entries(tmp_path / "listingkit" / "rules")) == 1


def test_a_warm_image_run_loads_neither_pydantic_nor_toml(tmp_path: Path) -> None:
    script = (
        "import json, sys\n"
        "from listingkit.cli import main\n"
        f"status = main(['images', {str(FIXTURE_STORE)!r}, '--platform', 'taobao'])\n"
        "loaded = sorted(m for m in ('pydantic', 'tomllib') if m in sys.modules)\n"
        "print(json.dumps([status, loaded]), file=sys.stderr)\n"
    )
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    environment.pop("LISTINGKIT_NO_CACHE", None)

    def loaded() -> list[Any]:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=environment,
            timeout=120,
            check=False,
        )
        result: list[Any] = json.loads(done.stderr.strip().splitlines()[-1])
        return result

    assert loaded() == [1, ["pydantic", "tomllib"]]  # cold: the files are read
    assert loaded() == [1, []]


# -- a change is always seen ---------------------------------------------------------


def rewrite_keeping_time(path: Path, text: str) -> None:
    """Rewrite ``path`` in place with the same size and its old modification time."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_rule_file_rewritten_with_the_same_size_and_time_is_read_again(
    user_cache: Path, write: Callable[..., Path]
) -> None:
    write("店铺词表.toml", word_list("MAX.2"))
    store = write("listingkit.toml", STORE)
    load_rules(store, cached=True)
    assert load_rules(store, cached=True).fact("images.main.max_bytes").value == 2 * 1024**2
    rewrite_keeping_time(store, STORE.replace('"2MB"', '"1MB"'))
    changed = load_rules(store, cached=True)
    assert not from_cache(changed)
    assert changed.fact("images.main.max_bytes").value == 1024**2
    assert from_cache(load_rules(store, cached=True))


def test_a_file_changed_while_it_is_read_is_never_kept_with_the_new_hash(
    user_cache: Path, write: Callable[..., Path]
) -> None:
    write("店铺词表.toml", word_list("MAX.2"))
    store = write("listingkit.toml", STORE)
    edits: list[str] = []

    def read_then_edit(path: Path) -> Rules:
        rules = load_rules(path)
        if not edits:  # another program saves the file just after it was read
            edits.append("1MB")
            rewrite_keeping_time(store, STORE.replace('"2MB"', '"1MB"'))
        return rules

    cache.cached_rules(store, read_then_edit)
    kept = load_rules(store, cached=True)
    assert kept.fact("images.main.max_bytes").value == 1024**2


def test_a_word_list_rewritten_with_the_same_size_and_time_is_read_again(
    tmp_path: Path, write: Callable[..., Path]
) -> None:
    words = write("店铺词表.toml", word_list("MAX.2", "max.1"))
    store = write("listingkit.toml", STORE)
    args = ("images", str(FIXTURE_STORE), "--rules", str(store), "--format", "json")
    # Each run its own process: only the cache is shared between them.
    first, second = (run_listingkit(*args, cache_home=tmp_path) for _ in range(2))
    assert first.returncode == second.returncode != 2 and first.stdout == second.stdout
    rewrite_keeping_time(words, word_list("MAX.1", "max.1"))  # now a duplicate: CONF003
    changed = run_listingkit(*args, cache_home=tmp_path)
    assert changed.returncode == 2 and "重复" in changed.stderr and "CONF003" in changed.stderr


def test_a_file_the_rules_extend_is_part_of_the_key(
    user_cache: Path, write: Callable[..., Path]
) -> None:
    base = write("base.toml", STORE.replace('store = "测试店"', 'store = "总店"'))
    write("店铺词表.toml", word_list("MAX.2"))
    store = write("listingkit.toml", 'extends = "base.toml"\nstore = "分店"\n')
    load_rules(store, cached=True)
    assert from_cache(load_rules(store, cached=True))
    rewrite_keeping_time(base, base.read_text(encoding="utf-8").replace('"2MB"', '"1MB"'))
    assert load_rules(store, cached=True).fact("images.main.max_bytes").value == 1024**2


def test_another_listingkit_version_reads_the_files(
    user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_rules("taobao", cached=True)
    assert from_cache(load_rules("taobao", cached=True))
    monkeypatch.setattr(cache, "__version__", "0.0.0+other")
    assert not from_cache(load_rules("taobao", cached=True))
    assert from_cache(load_rules("taobao", cached=True))


# -- a broken or unusable cache is passed over ---------------------------------------


def only_entry(folder: Path) -> Path:
    (entry,) = entries(folder)
    return entry


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"\xff\xfe not json \x00", id="garbage"),
        pytest.param(lambda data: b'["a list, not an entry"]', id="foreign-json"),
        pytest.param(lambda data: data.replace(b'"format":1', b'"format":99'), id="other-format"),
        pytest.param(lambda data: data.replace(b"3145728", b"3145729"), id="edited-value"),
        pytest.param(
            lambda data: data.replace(b'"table":"ImageSpec"', b'"table":"os"'), id="class"
        ),
    ],
)
def test_a_damaged_entry_is_ignored_and_written_again(
    damage: Callable[[bytes], bytes], user_cache: Path
) -> None:
    read = load_rules("taobao")
    load_rules("taobao", cached=True)
    entry = only_entry(user_cache)
    entry.write_bytes(damage(entry.read_bytes()))
    again = load_rules("taobao", cached=True)
    keys = [fact.key for fact in read.facts()]
    assert fact_rows(again, keys) == fact_rows(read, keys)
    assert not from_cache(again)
    repaired = load_rules("taobao", cached=True)
    assert from_cache(repaired) and fact_rows(repaired, keys) == fact_rows(read, keys)


def test_an_entry_that_is_a_folder_is_ignored(user_cache: Path) -> None:
    load_rules("jd", cached=True)
    entry = only_entry(user_cache)
    entry.unlink()
    entry.mkdir()
    assert load_rules("jd", cached=True).platform == "jd"


def test_two_runs_writing_at_once_leave_a_valid_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = (
        "from listingkit.ruleset import load_rules\n"
        "for _ in range(20):\n"
        f"    load_rules({str(FIXTURE_STORE / 'listingkit.toml')!r}, cached=True)\n"
    )
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    environment.pop("LISTINGKIT_NO_CACHE", None)
    runs = [
        subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=environment)
        for _ in range(3)
    ]
    assert [run.wait(timeout=120) for run in runs] == [0, 0, 0]
    folder = tmp_path / "listingkit" / "rules"
    assert [p.name.endswith(".json") for p in entries(folder)] == [True]  # no temporary left
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    store = str(FIXTURE_STORE / "listingkit.toml")
    kept, read = load_rules(store, cached=True), load_rules(store)
    assert from_cache(kept)
    keys = [fact.key for fact in read.facts()]
    assert fact_rows(kept, keys) == fact_rows(read, keys)


def test_a_cache_folder_that_cannot_be_made_is_no_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache-is-a-file"
    not_a_folder.write_text("x", encoding="utf-8")
    args = ("images", str(FIXTURE_STORE), "--platform", "taobao", "--format", "json")
    runs = [run_listingkit(*args, cache_home=not_a_folder) for _ in range(2)]
    without_home = run_listingkit(*args, cache_home=not_a_folder, drop=("HOME",))
    for run in [*runs, without_home]:
        assert run.returncode == 1 and run.stderr == ""
    assert runs[0].stdout == runs[1].stdout == without_home.stdout
    assert not_a_folder.read_text(encoding="utf-8") == "x"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to a read-only folder"
)
def test_a_read_only_cache_folder_is_no_error(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        args = ("images", str(FIXTURE_STORE), "--platform", "taobao", "--format", "json")
        run = run_listingkit(*args, cache_home=folder)
        assert run.returncode == 1 and run.stderr == ""
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_no_cache_setting_reads_the_files(
    user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LISTINGKIT_NO_CACHE", "1")
    assert cache.disabled()
    load_rules("taobao", cached=True)
    assert not from_cache(load_rules("taobao", cached=True))
    assert entries(user_cache) == []


# -- rules show and rules validate read the files --------------------------------------


def forge(entry: Path, old: bytes, new: bytes) -> None:
    """Change a kept value and make the entry consistent again, as only a forger could."""
    document = json.loads(entry.read_bytes().replace(old, new))
    document["digest"] = cache._payload_digest(document["rules"])
    entry.write_text(json.dumps(document), encoding="utf-8")


def test_rules_show_and_validate_never_use_the_cache(
    user_cache: Path, cli: Callable[..., Any], write: Callable[..., Path]
) -> None:
    write("店铺词表.toml", word_list("MAX.2"))
    store = write("listingkit.toml", STORE)
    load_rules(store, cached=True)
    forge(only_entry(user_cache), b'"max_bytes":2097152', b'"max_bytes":7340032')
    # The forged entry is what a cached load would serve…
    assert load_rules(store, cached=True).fact("images.main.max_bytes").value == 7 * 1024**2
    # …and what the rule commands never look at.
    shown = cli("rules", "show", "--rules", str(store), "--format", "json")
    assert shown.status == 0, shown.err
    assert "7340032" not in shown.out and "2097152" in shown.out
    valid = cli("rules", "validate", str(store))
    assert valid.status == 0 and "规则有效" in valid.out
    rewrite_keeping_time(store, STORE.replace('"2MB"', '"9XB"'))
    assert cli("rules", "validate", str(store)).status == 2
